import { DomainError } from '../../../shared/errors/domain-error';
import { checkDelivery, type DeliveryInput } from './delivery-rules';

function thrownBy(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

// A deal of 1,000 kg of carrots from a lot with three contributors.
const delivery: DeliveryInput = {
  dealId: 'deal-1',
  dealQuantity: '1000',
  lotProducerIds: ['rosa', 'juan', 'elena'],
  lines: [
    { producerId: 'rosa', quantityDelivered: '420.5', quantityAccepted: '400.25', grade: 'A' },
    { producerId: 'juan', quantityDelivered: '350', quantityAccepted: '350', grade: 'B' },
  ],
};

describe('checkDelivery', () => {
  it('accepts a delivery within the deal and returns its totals', () => {
    expect(checkDelivery(delivery)).toEqual({
      dealId: 'deal-1',
      lines: [
        { producerId: 'rosa', quantityDelivered: '420.5', quantityAccepted: '400.25', grade: 'A' },
        { producerId: 'juan', quantityDelivered: '350', quantityAccepted: '350', grade: 'B' },
      ],
      totalDelivered: '770.5',
      totalAccepted: '750.25',
    });
  });

  it('accepts exactly the deal quantity, more delivered than sold, and a rejected load', () => {
    const result = checkDelivery({
      ...delivery,
      lines: [
        {
          producerId: 'rosa',
          quantityDelivered: '700',
          quantityAccepted: '600.000001',
          grade: 'A',
        },
        {
          producerId: 'juan',
          quantityDelivered: '500',
          quantityAccepted: '399.999999',
          grade: 'A',
        },
        { producerId: 'elena', quantityDelivered: '80', quantityAccepted: '0' },
      ],
    });
    expect(result.totalAccepted).toBe('1000');
    expect(result.totalDelivered).toBe('1280');
    expect(result.lines[2].grade).toBeNull();
  });

  it('refuses accepted quantities that add up to more than the deal', () => {
    const error = thrownBy(() =>
      checkDelivery({
        ...delivery,
        lines: [
          { producerId: 'rosa', quantityDelivered: '700', quantityAccepted: '600', grade: 'A' },
          {
            producerId: 'juan',
            quantityDelivered: '500',
            quantityAccepted: '400.000001',
            grade: 'A',
          },
        ],
      }),
    );
    expect(error.code).toBe('DELIVERY_EXCEEDS_DEAL');
    expect(error.details).toEqual({
      dealId: 'deal-1',
      dealQuantity: '1000',
      totalAccepted: '1000.000001',
    });
  });

  it('refuses a line that accepts more than was delivered, naming every such producer', () => {
    const error = thrownBy(() =>
      checkDelivery({
        ...delivery,
        lines: [
          { producerId: 'rosa', quantityDelivered: '100', quantityAccepted: '100.5', grade: 'A' },
          { producerId: 'juan', quantityDelivered: '10', quantityAccepted: '10', grade: 'A' },
          { producerId: 'elena', quantityDelivered: '0', quantityAccepted: '1', grade: 'A' },
        ],
      }),
    );
    expect(error.code).toBe('ACCEPTED_EXCEEDS_DELIVERED');
    expect(error.details).toEqual({
      lines: [
        { producerId: 'rosa', quantityDelivered: '100', quantityAccepted: '100.5' },
        { producerId: 'elena', quantityDelivered: '0', quantityAccepted: '1' },
      ],
    });
  });

  it('refuses a producer who did not contribute to the lot', () => {
    const error = thrownBy(() =>
      checkDelivery({
        ...delivery,
        lines: [
          ...delivery.lines,
          { producerId: 'stranger', quantityDelivered: '5', quantityAccepted: '5', grade: 'A' },
        ],
      }),
    );
    expect(error.code).toBe('PRODUCER_NOT_IN_LOT');
    expect(error.details).toEqual({ producerIds: ['stranger'] });
  });

  it('refuses two lines for one producer', () => {
    const error = thrownBy(() =>
      checkDelivery({
        ...delivery,
        lines: [
          ...delivery.lines,
          { producerId: 'rosa', quantityDelivered: '5', quantityAccepted: '5', grade: 'B' },
        ],
      }),
    );
    expect(error.code).toBe('DUPLICATE_PRODUCER_LINE');
    expect(error.details).toEqual({ producerIds: ['rosa'] });
  });

  it('refuses an empty delivery', () => {
    const error = thrownBy(() => checkDelivery({ ...delivery, lines: [] }));
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fieldIssues).toEqual([expect.objectContaining({ field: 'lines', code: 'EMPTY' })]);
  });

  it('names every malformed field at once', () => {
    const error = thrownBy(() =>
      checkDelivery({
        ...delivery,
        lines: [
          { producerId: 'rosa', quantityDelivered: '-1', quantityAccepted: '1e3', grade: 'A' },
          { producerId: '', quantityDelivered: '1.1234567', quantityAccepted: '1', grade: '' },
        ],
      }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fieldIssues.map((issue) => [issue.field, issue.code])).toEqual([
      ['lines.0.quantityDelivered', 'MUST_NOT_BE_NEGATIVE'],
      ['lines.0.quantityAccepted', 'NOT_DECIMAL'],
      ['lines.1.producerId', 'REQUIRED'],
      ['lines.1.quantityDelivered', 'TOO_MANY_DECIMALS'],
      ['lines.1.grade', 'NOT_GRADE'],
    ]);
  });

  it('refuses a quantity beyond what numeric(20,6) holds', () => {
    const error = thrownBy(() =>
      checkDelivery({
        ...delivery,
        lines: [
          { producerId: 'rosa', quantityDelivered: '123456789012345', quantityAccepted: '1' },
        ],
      }),
    );
    expect(error.fieldIssues).toEqual([
      expect.objectContaining({ field: 'lines.0.quantityDelivered', code: 'TOO_LARGE' }),
    ]);
  });
});

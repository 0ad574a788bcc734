import { DomainError } from '../../../shared/errors/domain-error';
import {
  assertDealsDelivered,
  assertSettlementDraft,
  confirmSettlement,
} from './settlement-status';

function thrownBy(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

describe('settlement status', () => {
  it('lets a lot be settled once every deal is delivered', () => {
    expect(() =>
      assertDealsDelivered([
        { dealId: 'd1', delivered: true },
        { dealId: 'd2', delivered: true },
      ]),
    ).not.toThrow();
  });

  it('refuses to settle while deals are not delivered, naming them', () => {
    const error = thrownBy(() =>
      assertDealsDelivered([
        { dealId: 'd1', delivered: true },
        { dealId: 'd2', delivered: false },
        { dealId: 'd3', delivered: false },
      ]),
    );
    expect(error.code).toBe('DEALS_NOT_DELIVERED');
    expect(error.details).toEqual({ dealIds: ['d2', 'd3'] });
  });

  it('refuses to settle a lot without deals', () => {
    expect(thrownBy(() => assertDealsDelivered([])).code).toBe('NO_DEALS_TO_SETTLE');
  });

  it('confirms a draft', () => {
    expect(confirmSettlement('s1', 'draft')).toBe('confirmed');
    expect(() => assertSettlementDraft('s1', 'draft')).not.toThrow();
  });

  it('refuses to confirm twice and any write to a confirmed settlement', () => {
    expect(thrownBy(() => confirmSettlement('s1', 'confirmed')).code).toBe('SETTLEMENT_CONFIRMED');
    const error = thrownBy(() => assertSettlementDraft('s1', 'confirmed'));
    expect(error.code).toBe('SETTLEMENT_CONFIRMED');
    expect(error.details).toEqual({ settlementId: 's1' });
  });
});

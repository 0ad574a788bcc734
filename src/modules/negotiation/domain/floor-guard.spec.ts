import { DomainError, errorCodeSpec } from '../../../shared/errors/domain-error';
import { guardFloor } from './floor-guard';

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

describe('floor guard', () => {
  it('lets a price at or above the floor through under either policy', () => {
    for (const policy of ['block', 'override_with_reason'] as const) {
      expect(guardFloor({ price: '340', floorPrice: '340', policy })).toEqual({
        belowFloor: false,
        override: null,
      });
      expect(guardFloor({ price: '500', floorPrice: '340', policy }).belowFloor).toBe(false);
    }
  });

  it('lets anything through a lot without a floor', () => {
    expect(guardFloor({ price: '1', floorPrice: null, policy: 'block' }).belowFloor).toBe(false);
  });

  it('blocks a price below the floor under `block`, even with a reason', () => {
    const error = refusal(() =>
      guardFloor({ price: '339.99', floorPrice: '340', policy: 'block', overrideReason: 'urgent' }),
    );
    expect(error.code).toBe('BELOW_FLOOR_PRICE');
    expect(error.details).toEqual({
      price: '339.99',
      floorPrice: '340',
      policy: 'block',
      overridable: false,
    });
    expect(errorCodeSpec('BELOW_FLOOR_PRICE')?.status).toBe(409);
  });

  it('needs a non-empty reason under `override_with_reason`', () => {
    for (const overrideReason of [undefined, null, '', '   \n']) {
      const error = refusal(() =>
        guardFloor({
          price: '300',
          floorPrice: '340',
          policy: 'override_with_reason',
          overrideReason,
        }),
      );
      expect(error.code).toBe('BELOW_FLOOR_PRICE');
      expect(error.details).toMatchObject({ overridable: true });
    }
  });

  it('returns the override to record, with the reason trimmed', () => {
    expect(
      guardFloor({
        price: '300',
        floorPrice: '340',
        policy: 'override_with_reason',
        overrideReason: '  la cosecha no aguanta otra semana ',
      }),
    ).toEqual({
      belowFloor: true,
      override: { price: '300', floorPrice: '340', reason: 'la cosecha no aguanta otra semana' },
    });
  });

  it('refuses an overlong reason as a validation error', () => {
    const error = refusal(() =>
      guardFloor({
        price: '300',
        floorPrice: '340',
        policy: 'override_with_reason',
        overrideReason: 'x'.repeat(1001),
      }),
    );
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.fieldIssues[0]).toMatchObject({ field: 'overrideReason', code: 'TOO_LONG' });
  });
});

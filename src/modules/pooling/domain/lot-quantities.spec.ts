import fc from 'fast-check';
import { DomainError, errorCodeSpec } from '../../../shared/errors/domain-error';
import { Dec, dec, sum } from '../../../shared/money';
import {
  assertContributionAddable,
  assertContributionWithdrawable,
  assertQuantityRequestable,
  closingEvent,
  costBasis,
  dealQuantity,
  floorPrice,
  lotQuantities,
  producersAboveCost,
  quantityAvailable,
  quantityTotal,
} from './lot-quantities';

function refusal(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

/** Decimal strings with up to 3 decimals, from integer thousandths. */
const qty = (min = 0, max = 5_000_000) =>
  fc.integer({ min, max }).map((n) => dec(String(n)).dividedBy(1000).toFixed());

describe('lot quantities', () => {
  it('adds contributions exactly', () => {
    expect(quantityTotal([{ quantity: '0.1' }, { quantity: '0.2' }])).toBe('0.3');
    expect(quantityTotal([])).toBe('0');
  });

  it('takes sold and held quantities out of what is available', () => {
    expect(
      lotQuantities({
        contributions: [{ quantity: '1200' }, { quantity: '800.5' }],
        dealQuantities: ['500', '250.25'],
        heldQuantities: ['300'],
      }),
    ).toEqual({
      quantityTotal: '2000.5',
      quantitySold: '750.25',
      quantityHeld: '300',
      quantityAvailable: '950.25',
    });
  });

  it('treats an oversold lot as corruption, not as a user error', () => {
    let caught: unknown;
    try {
      quantityAvailable({ quantityTotal: '10', quantitySold: '8', quantityHeld: '3' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(caught).not.toBeInstanceOf(DomainError);
    expect((caught as Error).message).toMatch(/inconsistent/);
  });

  it('available + sold + held is always the total', () => {
    fc.assert(
      fc.property(
        fc.array(qty(1), { minLength: 1, maxLength: 6 }),
        qty(0, 1000),
        qty(0, 1000),
        (cs, a, b) => {
          const total = sum(cs);
          // sold and held are fractions of the total so that the lot is never oversold
          const sold = total.times(dec(a)).dividedBy(3000).toDecimalPlaces(3, Dec.ROUND_DOWN);
          const held = total.times(dec(b)).dividedBy(3000).toDecimalPlaces(3, Dec.ROUND_DOWN);
          const q = lotQuantities({
            contributions: cs.map((quantity) => ({ quantity })),
            dealQuantities: [sold.toFixed()],
            heldQuantities: [held.toFixed()],
          });
          expect(
            dec(q.quantityAvailable).plus(q.quantitySold).plus(q.quantityHeld).equals(total),
          ).toBe(true);
        },
      ),
    );
  });
});

describe('requested quantity', () => {
  const lot = { quantityAvailable: '1000', minOrderQuantity: '200' };

  it('accepts a request between the minimum and what is available', () => {
    expect(() => assertQuantityRequestable({ ...lot, requested: '200' })).not.toThrow();
    expect(() => assertQuantityRequestable({ ...lot, requested: '1000' })).not.toThrow();
  });

  it('refuses more than is available with INSUFFICIENT_QUANTITY / 400', () => {
    const error = refusal(() => assertQuantityRequestable({ ...lot, requested: '1000.001' }));
    expect(error.code).toBe('INSUFFICIENT_QUANTITY');
    expect(errorCodeSpec(error.code)?.status).toBe(400);
    expect(error.details).toMatchObject({ reason: 'above_available', quantityAvailable: '1000' });
  });

  it('refuses less than the lot minimum', () => {
    const error = refusal(() => assertQuantityRequestable({ ...lot, requested: '199.9' }));
    expect(error.code).toBe('INSUFFICIENT_QUANTITY');
    expect(error.details).toMatchObject({ reason: 'below_minimum', minOrderQuantity: '200' });
  });

  it('lets a request below the minimum take everything that is left', () => {
    const tail = { quantityAvailable: '150', minOrderQuantity: '200' };
    expect(() => assertQuantityRequestable({ ...tail, requested: '150' })).not.toThrow();
    expect(refusal(() => assertQuantityRequestable({ ...tail, requested: '100' })).code).toBe(
      'INSUFFICIENT_QUANTITY',
    );
  });

  it('refuses zero and negative requests as validation errors', () => {
    for (const requested of ['0', '-5']) {
      const error = refusal(() => assertQuantityRequestable({ ...lot, requested }));
      expect(error.code).toBe('VALIDATION_FAILED');
      expect(error.fieldIssues[0]).toMatchObject({ field: 'quantity', code: 'MUST_BE_POSITIVE' });
    }
  });

  it('serves an offer with what is left down to the buyer minimum', () => {
    const base = { offerQuantity: '800', offerMinQuantity: '400', minOrderQuantity: '100' };
    expect(dealQuantity({ ...base, quantityAvailable: '1000' })).toBe('800');
    expect(dealQuantity({ ...base, quantityAvailable: '500' })).toBe('500');
    const error = refusal(() => dealQuantity({ ...base, quantityAvailable: '399' }));
    expect(error.code).toBe('INSUFFICIENT_QUANTITY');
    expect(error.details).toMatchObject({ reason: 'below_offer_minimum' });
    expect(refusal(() => dealQuantity({ ...base, quantityAvailable: '0' })).code).toBe(
      'INSUFFICIENT_QUANTITY',
    );
  });

  it('never gives a deal more than is available nor less than either minimum', () => {
    fc.assert(
      fc.property(qty(1), qty(1), qty(0), qty(0), (offered, minRaw, available, lotMin) => {
        const offerMin = dec(minRaw).greaterThan(dec(offered)) ? offered : minRaw;
        let take: string;
        try {
          take = dealQuantity({
            offerQuantity: offered,
            offerMinQuantity: offerMin,
            quantityAvailable: available,
            minOrderQuantity: lotMin,
          });
        } catch (error) {
          // A refusal is fine as long as it is the rule speaking, and only when no legal take exists.
          const legal = dec(offered).lessThan(dec(available)) ? dec(offered) : dec(available);
          return (
            error instanceof DomainError &&
            (legal.isZero() ||
              legal.lessThan(dec(offerMin)) ||
              (legal.lessThan(dec(lotMin)) && !legal.equals(dec(available))))
          );
        }
        const t = dec(take);
        return (
          t.greaterThan(0) &&
          t.lessThanOrEqualTo(dec(available)) &&
          t.lessThanOrEqualTo(dec(offered)) &&
          t.greaterThanOrEqualTo(dec(offerMin)) &&
          (t.greaterThanOrEqualTo(dec(lotMin)) || t.equals(dec(available)))
        );
      }),
    );
  });
});

describe('contributions', () => {
  it('join a draft or open lot only', () => {
    expect(() => assertContributionAddable('draft', '100')).not.toThrow();
    expect(() => assertContributionAddable('open', '100')).not.toThrow();
    for (const status of ['closed', 'sold', 'partially_sold', 'cancelled', 'expired'] as const) {
      expect(refusal(() => assertContributionAddable(status, '100')).code).toBe('LOT_NOT_OPEN');
    }
  });

  it('must have a positive decimal quantity', () => {
    for (const [quantity, code] of [
      ['0', 'MUST_BE_POSITIVE'],
      ['-1', 'MUST_BE_POSITIVE'],
      ['1e3', 'NOT_DECIMAL'],
    ]) {
      const error = refusal(() => assertContributionAddable('open', quantity));
      expect(error.fieldIssues).toEqual([expect.objectContaining({ field: 'quantity', code })]);
    }
  });

  it('may be withdrawn before the first deal only', () => {
    const free = { status: 'open' as const, hasDeals: false, quantityHeld: '0' };
    expect(() => assertContributionWithdrawable(free)).not.toThrow();
    expect(() => assertContributionWithdrawable({ ...free, status: 'draft' })).not.toThrow();
    expect(refusal(() => assertContributionWithdrawable({ ...free, hasDeals: true })).code).toBe(
      'LOT_HAS_DEALS',
    );
    expect(
      refusal(() =>
        assertContributionWithdrawable({ status: 'sold', hasDeals: true, quantityHeld: '0' }),
      ).code,
    ).toBe('LOT_HAS_DEALS');
    expect(
      refusal(() => assertContributionWithdrawable({ ...free, status: 'cancelled' })).code,
    ).toBe('LOT_NOT_OPEN');
  });

  it('may not be withdrawn while an approval holds part of the lot', () => {
    const error = refusal(() =>
      assertContributionWithdrawable({ status: 'open', hasDeals: false, quantityHeld: '300' }),
    );
    expect(error.code).toBe('LOT_HAS_PENDING_APPROVAL');
    expect(errorCodeSpec(error.code)?.status).toBe(409);
  });
});

describe('floor price and cost basis', () => {
  const lasana = [
    { producerId: 'p1', quantity: '1000', costPerUnit: '300' },
    { producerId: 'p2', quantity: '500', costPerUnit: '420' },
    { producerId: 'p3', quantity: '250', costPerUnit: null },
  ];

  it('weights each cost by its quantity and leaves out contributions without a cost', () => {
    // (1000 × 300 + 500 × 420) / 1500 = 340; p3's 250 kg do not pull the floor down
    expect(costBasis(lasana, 'CLP')).toEqual({
      weightedCostPerUnit: '340',
      floorPrice: '340',
      quantityWithCost: '1500',
      quantityWithoutCost: '250',
    });
  });

  it('rounds the floor up to the currency minor unit, never below break-even', () => {
    const cs = [
      { producerId: 'a', quantity: '1', costPerUnit: '100' },
      { producerId: 'b', quantity: '2', costPerUnit: '101' },
    ];
    // 302 / 3 = 100.666…
    expect(floorPrice(cs, 'CLP')).toBe('101');
    expect(floorPrice(cs, 'USD')).toBe('100.67');
    const ten = [{ producerId: 'a', quantity: '3', costPerUnit: '100.001' }];
    expect(floorPrice(ten, 'CLP')).toBe('101');
  });

  it('has no floor when no contribution has a cost', () => {
    expect(floorPrice([{ producerId: 'a', quantity: '10' }], 'CLP')).toBeNull();
    expect(floorPrice([], 'CLP')).toBeNull();
  });

  it('lies between the cheapest and dearest cost, and within one minor unit above the exact mean', () => {
    const contribution = fc.record({
      producerId: fc.constantFrom('a', 'b', 'c'),
      quantity: qty(1),
      costPerUnit: fc.option(qty(1, 2_000_000), { nil: null }),
    });
    fc.assert(
      fc.property(fc.array(contribution, { minLength: 1, maxLength: 8 }), (cs) => {
        const costs = cs.flatMap((c) => (c.costPerUnit === null ? [] : [dec(c.costPerUnit)]));
        const basis = costBasis(cs, 'USD');
        if (costs.length === 0) return basis.floorPrice === null;
        const exact = dec(basis.weightedCostPerUnit ?? 'x');
        const floor = dec(basis.floorPrice ?? 'x');
        const min = costs.reduce((a, b) => (a.lessThan(b) ? a : b));
        const max = costs.reduce((a, b) => (a.greaterThan(b) ? a : b));
        return (
          exact.greaterThanOrEqualTo(min) &&
          exact.lessThanOrEqualTo(max) &&
          floor.greaterThanOrEqualTo(exact) &&
          floor.minus(exact).lessThan(dec('0.01')) &&
          floor.decimalPlaces() <= 2
        );
      }),
    );
  });

  it('lists the producers whose own cost the price does not cover', () => {
    expect(producersAboveCost(lasana, '350')).toEqual([
      { producerId: 'p2', costPerUnit: '420', quantity: '500', shortfallPerUnit: '70' },
    ]);
    expect(producersAboveCost(lasana, '420')).toEqual([]);
    expect(producersAboveCost(lasana, '299').map((p) => p.producerId)).toEqual(['p2', 'p1']);
  });

  it('weighs a producer with several contributions by their own quantities', () => {
    const cs = [
      { producerId: 'p1', quantity: '100', costPerUnit: '300' },
      { producerId: 'p1', quantity: '300', costPerUnit: '400' },
      { producerId: 'p1', quantity: '50', costPerUnit: null },
    ];
    // (100 × 300 + 300 × 400) / 400 = 375
    expect(producersAboveCost(cs, '374')).toEqual([
      { producerId: 'p1', costPerUnit: '375', quantity: '400', shortfallPerUnit: '1' },
    ]);
    expect(producersAboveCost(cs, '375')).toEqual([]);
  });
});

describe('closing event', () => {
  it('follows from what was sold', () => {
    expect(closingEvent({ quantityTotal: '100', quantitySold: '0' })).toBe('expire');
    expect(closingEvent({ quantityTotal: '100', quantitySold: '40' })).toBe('sell_part');
    expect(closingEvent({ quantityTotal: '100', quantitySold: '100' })).toBe('sell_out');
  });
});

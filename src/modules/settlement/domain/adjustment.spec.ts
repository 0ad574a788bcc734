import fc from 'fast-check';
import { DomainError } from '../../../shared/errors/domain-error';
import { type Currency, dec, sum } from '../../../shared/money';
import { computeAdjustment, type SettledFigures } from './adjustment';
import { computeSettlement, type SettlementInput } from './payout-split';

function thrownBy(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError, nothing was thrown');
}

/*
 * Confirmed: 10 kg from a and 30 kg from b at CLP 100, freight 1,000.
 *   gross 4,000; net 3,000 → a 750, b 2,250; freight a 250, b 750.
 * Found later: b's load was 20 kg, and c's 10 kg had been left out.
 *   gross 4,000 (unchanged); net 3,000 → a, c 750 each, b 1,500; freight 250, 500, 250.
 * Adjustment: a 0, b −750 (owed back), c +750; Σ = 0 = Δnet.
 */
const confirmedInput: SettlementInput = {
  currency: 'CLP',
  deals: [
    {
      dealId: 'd1',
      price: '100',
      lines: [
        { producerId: 'a', quantityAccepted: '10' },
        { producerId: 'b', quantityAccepted: '30' },
      ],
    },
  ],
  deductions: [{ type: 'freight', amount: '1000' }],
};
const correctedInput: SettlementInput = {
  ...confirmedInput,
  deals: [
    {
      dealId: 'd1',
      price: '100',
      lines: [
        { producerId: 'a', quantityAccepted: '10' },
        { producerId: 'b', quantityAccepted: '20' },
        { producerId: 'c', quantityAccepted: '10' },
      ],
    },
  ],
};

describe('computeAdjustment', () => {
  it('carries only the differences, per producer and column', () => {
    const adjustment = computeAdjustment(
      computeSettlement(confirmedInput),
      computeSettlement(correctedInput),
    );
    expect(adjustment).toEqual({
      currency: 'CLP',
      gross: '0',
      totalDeductions: '0',
      net: '0',
      payouts: [
        {
          producerId: 'a',
          confirmedAmount: '750',
          correctedAmount: '750',
          grossShare: '0',
          totalDeductions: '0',
          amount: '0',
        },
        {
          producerId: 'b',
          confirmedAmount: '2250',
          correctedAmount: '1500',
          grossShare: '-1000',
          totalDeductions: '-250',
          amount: '-750',
        },
        {
          producerId: 'c',
          confirmedAmount: '0',
          correctedAmount: '750',
          grossShare: '1000',
          totalDeductions: '250',
          amount: '750',
        },
      ],
    });
  });

  it('follows a change of deductions to the cent in USD', () => {
    /*
     * x, y, z deliver 10 kg each at USD 10: gross 300.00, equal weights.
     * Confirmed freight 200.00 → net 100.00: 33.333… each, the cent left goes to x (equal
     * remainders and weights, smallest id) → 33.34, 33.33, 33.33; freight 66.666… each, two
     * cents left → x, y → 66.67, 66.67, 66.66.
     * Corrected freight 200.01 → net 99.99 → 33.33 each; freight 66.67 each.
     * Adjustment: x −0.01 (owed back), y 0, z 0; Σ = −0.01 = Δnet.
     */
    const settle = (freight: string) =>
      computeSettlement({
        currency: 'USD',
        deals: [
          {
            dealId: 'd1',
            price: '10',
            lines: ['z', 'y', 'x'].map((producerId) => ({ producerId, quantityAccepted: '10' })),
          },
        ],
        deductions: [{ type: 'freight', amount: freight }],
      });
    const adjustment = computeAdjustment(settle('200'), settle('200.01'));
    expect(adjustment.net).toBe('-0.01');
    expect(adjustment.totalDeductions).toBe('0.01');
    expect(
      adjustment.payouts.map((p) => [p.producerId, p.confirmedAmount, p.correctedAmount]),
    ).toEqual([
      ['x', '33.34', '33.33'],
      ['y', '33.33', '33.33'],
      ['z', '33.33', '33.33'],
    ]);
    expect(adjustment.payouts.map((p) => [p.grossShare, p.totalDeductions, p.amount])).toEqual([
      ['-0.01', '0.00', '-0.01'],
      ['0.00', '0.00', '0.00'],
      ['0.01', '0.01', '0.00'],
    ]);
  });

  it('refuses figures that do not reconcile', () => {
    const good = computeSettlement(confirmedInput);
    const tampered: SettledFigures = {
      ...good,
      payouts: good.payouts.map((p, i) =>
        i === 0 ? { ...p, amount: '751', grossShare: '1001' } : p,
      ),
    };
    expect(thrownBy(() => computeAdjustment(good, tampered)).code).toBe(
      'SETTLEMENT_NOT_RECONCILED',
    );
    const twice: SettledFigures = { ...good, payouts: [...good.payouts, good.payouts[0]] };
    expect(thrownBy(() => computeAdjustment(twice, good)).code).toBe('SETTLEMENT_NOT_RECONCILED');
    const badRow: SettledFigures = {
      ...good,
      payouts: good.payouts.map((p, i) => (i === 0 ? { ...p, amount: '751' } : p)),
    };
    expect(thrownBy(() => computeAdjustment(good, badRow)).code).toBe('SETTLEMENT_NOT_RECONCILED');
    const otherCurrency: SettledFigures = { ...good, currency: 'USD' };
    expect(thrownBy(() => computeAdjustment(good, otherCurrency)).code).toBe(
      'SETTLEMENT_NOT_RECONCILED',
    );
  });

  it('sums to the change of net and turns confirmed into corrected (fast-check)', () => {
    const pool = ['a', 'b', 'c', 'd', 'e'];
    const settlementArb = (currency: Currency) =>
      fc
        .record({
          price: fc.integer({ min: 1, max: 5_000 }).map(String),
          lines: fc.array(
            fc.record({
              producerId: fc.constantFrom(...pool),
              quantityAccepted: fc.integer({ min: 0, max: 2_000 }).map(String),
              grade: fc.constantFrom('A', 'B'),
            }),
            { minLength: 1, maxLength: 8 },
          ),
          factor: fc.integer({ min: 1, max: 100 }).map((n) => `0.${String(n).padStart(2, '0')}`),
          rate: fc.integer({ min: 0, max: 30 }).map((n) => `0.${String(n).padStart(2, '0')}`),
        })
        .map(({ price, lines, factor, rate }) =>
          computeSettlement({
            currency,
            deals: [{ dealId: 'd1', price, lines }],
            deductions: [{ type: 'commission', rate }],
            gradeFactors: { A: '1', B: factor },
          }),
        );
    fc.assert(
      fc.property(
        fc
          .constantFrom<Currency>('CLP', 'USD')
          .chain((c) => fc.tuple(settlementArb(c), settlementArb(c))),
        ([confirmed, corrected]) => {
          const adjustment = computeAdjustment(confirmed, corrected);
          expect(sum(adjustment.payouts.map((p) => p.amount)).equals(dec(adjustment.net))).toBe(
            true,
          );
          expect(dec(corrected.net).minus(dec(confirmed.net)).equals(dec(adjustment.net))).toBe(
            true,
          );
          const wrong = adjustment.payouts.filter((p) => {
            const before =
              confirmed.payouts.find((x) => x.producerId === p.producerId)?.amount ?? '0';
            const after =
              corrected.payouts.find((x) => x.producerId === p.producerId)?.amount ?? '0';
            return !dec(before).plus(dec(p.amount)).equals(dec(after));
          });
          expect(wrong).toEqual([]);
        },
      ),
    );
  });
});

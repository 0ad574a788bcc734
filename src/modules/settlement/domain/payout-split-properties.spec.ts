import fc from 'fast-check';
import {
  type Currency,
  CURRENCY_SCALE,
  Dec,
  dec,
  minorUnit,
  sum,
  toDecimalString,
} from '../../../shared/money';
import { dealAmount } from './payment-rules';
import {
  allocateLargestRemainder,
  computeSettlement,
  type DeductionInput,
  type SettlementDealInput,
  type SettlementFigures,
  type SettlementInput,
} from './payout-split';

/** A decimal string of `units` in steps of 10^-scale, built without number arithmetic. */
function decimalOf(units: number | bigint, scale: number): string {
  return toDecimalString(new Dec(units.toString()).dividedBy(new Dec(10).pow(scale)));
}

const currencyArb = fc.constantFrom<Currency>('CLP', 'USD');
const scaledArb = (maxUnits: bigint, maxScale: number) =>
  fc
    .tuple(fc.bigInt({ min: 0n, max: maxUnits }), fc.integer({ min: 0, max: maxScale }))
    .map(([units, scale]) => decimalOf(units, scale));
const gradeArb = fc.constantFrom('A', 'B', 'C', null);
const factorArb = fc.oneof(
  fc.integer({ min: 1, max: 300 }).map((n) => decimalOf(n, 2)),
  fc.integer({ min: 1, max: 3_000_000 }).map((n) => decimalOf(n, 6)),
);
const producerIdsArb = fc.uniqueArray(
  fc.string({ minLength: 1, maxLength: 4 }).filter((s) => s.trim() !== ''),
  { minLength: 1, maxLength: 15 },
);

function dealsArb(producerIds: string[]): fc.Arbitrary<SettlementDealInput[]> {
  const lineArb = fc.record({
    producerId: fc.constantFrom(...producerIds),
    // Mostly ordinary loads; sometimes up to 1,000 t with six decimals; sometimes nothing.
    quantityAccepted: fc.oneof(
      { weight: 6, arbitrary: scaledArb(100_000n, 3) },
      { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 10n ** 12n }).map((n) => decimalOf(n, 6)) },
      { weight: 1, arbitrary: fc.constant('0') },
    ),
    grade: gradeArb,
  });
  const priceArb = fc
    .tuple(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 0, max: 3 }))
    .map(([units, scale]) => decimalOf(units, scale));
  return fc
    .uniqueArray(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 3 })
    .chain((ids) =>
      fc.tuple(
        ...ids.map((id) =>
          fc.record({
            dealId: fc.constant(`deal-${id}`),
            price: priceArb,
            lines: fc.array(lineArb, { minLength: 0, maxLength: 12 }),
          }),
        ),
      ),
    );
}

/**
 * Deductions that never exceed the gross, so that every run reaches the split: at most two
 * amounts of up to a fifth of the gross, at most two rates up to 10 %, an association rate up
 * to 5 %. (The refusal above the gross has its own tests.)
 */
function deductionsArb(currency: Currency, deals: SettlementDealInput[]) {
  const fifthOfGross = sum(
    deals.map((deal) =>
      dealAmount(deal.price, sum(deal.lines.map((line) => line.quantityAccepted)), currency),
    ),
  )
    .times(new Dec(10).pow(CURRENCY_SCALE[currency]))
    .dividedToIntegerBy(5)
    .toFixed();
  const type = fc.constantFrom<DeductionInput['type']>(
    'freight',
    'packaging',
    'commission',
    'other',
  );
  const byAmount = fc.record({
    type,
    amount: fc
      .bigInt({ min: 0n, max: BigInt(fifthOfGross) })
      .map((n) => decimalOf(n, CURRENCY_SCALE[currency])),
  });
  const byRate = fc.record({
    type,
    rate: fc.integer({ min: 0, max: 1000 }).map((n) => decimalOf(n, 4)),
  });
  return fc.record({
    deductions: fc
      .tuple(fc.array(byAmount, { maxLength: 2 }), fc.array(byRate, { maxLength: 2 }))
      .chain(([amounts, rates]) =>
        fc.shuffledSubarray([...amounts, ...rates], { minLength: amounts.length + rates.length }),
      ),
    defaultCommissionRate: fc.option(
      fc.integer({ min: 0, max: 500 }).map((n) => decimalOf(n, 4)),
      { nil: undefined },
    ),
  });
}

const settlementInputArb: fc.Arbitrary<SettlementInput> = fc
  .tuple(currencyArb, producerIdsArb, fc.record({ A: factorArb, B: factorArb }))
  .chain(([currency, producerIds, gradeFactors]) =>
    dealsArb(producerIds).chain((deals) =>
      deductionsArb(currency, deals).map((extra) => ({ currency, deals, gradeFactors, ...extra })),
    ),
  );

/** Each producer's weight, computed here from the input rather than read from the output. */
function expectedWeights(input: SettlementInput): Map<string, Dec> {
  const weights = new Map<string, Dec>();
  for (const deal of input.deals) {
    for (const line of deal.lines) {
      const factor = line.grade ? (input.gradeFactors?.[line.grade] ?? '1') : '1';
      const previous = weights.get(line.producerId) ?? new Dec(0);
      weights.set(line.producerId, previous.plus(dec(line.quantityAccepted).times(dec(factor))));
    }
  }
  return weights;
}

/** |amount − total × weight / W| < bound, checked without dividing: |amount·W − total·weight| < bound·W. */
function withinOf(
  amount: string,
  total: string,
  weight: Dec,
  totalWeight: Dec,
  bound: Dec,
): boolean {
  return dec(amount)
    .times(totalWeight)
    .minus(dec(total).times(weight))
    .abs()
    .lessThan(bound.times(totalWeight));
}

function columns(result: SettlementFigures) {
  return [
    { total: result.net, amounts: result.payouts.map((p) => p.amount) },
    ...result.deductions.map((deduction, k) => ({
      total: deduction.amount,
      amounts: result.payouts.map((p) => p.deductionShares[k]),
    })),
  ];
}

describe('computeSettlement properties (fast-check)', () => {
  it('reconciles to the minor unit: payouts sum to the net, every column and row adds up', () => {
    fc.assert(
      fc.property(settlementInputArb, (input) => {
        const result = computeSettlement(input);
        const scale = CURRENCY_SCALE[input.currency];
        expect(sum(result.deals.map((d) => d.amount)).equals(dec(result.gross))).toBe(true);
        expect(dec(result.gross).minus(dec(result.totalDeductions)).equals(dec(result.net))).toBe(
          true,
        );
        expect(
          sum(result.deductions.map((d) => d.amount)).equals(dec(result.totalDeductions)),
        ).toBe(true);
        expect(sum(result.payouts.map((p) => p.amount)).equals(dec(result.net))).toBe(true);
        expect(sum(result.payouts.map((p) => p.grossShare)).equals(dec(result.gross))).toBe(true);
        result.deductions.forEach((deduction, k) => {
          expect(
            sum(result.payouts.map((p) => p.deductionShares[k])).equals(dec(deduction.amount)),
          ).toBe(true);
        });
        for (const payout of result.payouts) {
          expect(sum(payout.deductionShares).equals(dec(payout.totalDeductions))).toBe(true);
          expect(
            dec(payout.grossShare).minus(dec(payout.totalDeductions)).equals(dec(payout.amount)),
          ).toBe(true);
          for (const figure of [payout.amount, payout.grossShare, ...payout.deductionShares]) {
            expect(dec(figure).isNegative()).toBe(false);
            expect(dec(figure).decimalPlaces()).toBeLessThanOrEqual(scale);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('keeps every payout and deduction share within one minor unit of its exact share', () => {
    fc.assert(
      fc.property(settlementInputArb, (input) => {
        const result = computeSettlement(input);
        const weights = expectedWeights(input);
        const totalWeight = sum([...weights.values()]);
        const unit = minorUnit(input.currency);
        expect(result.payouts.map((p) => p.producerId)).toEqual([...weights.keys()].sort());
        expect(
          result.payouts.every((p) => dec(p.weight).equals(weights.get(p.producerId) ?? 0)),
        ).toBe(true);
        // With no weight at all the gross is zero too, and every share is zero (checked below).
        const denominator = totalWeight.isZero() ? new Dec(1) : totalWeight;
        const outside = columns(result).flatMap((column) =>
          result.payouts.filter(
            (p, i) => !withinOf(column.amounts[i], column.total, dec(p.weight), denominator, unit),
          ),
        );
        expect(outside).toEqual([]);
        // The derived gross share: less than (1 + number of deductions) units away.
        const bound = unit.times(1 + result.deductions.length);
        const grossOutside = result.payouts.filter(
          (p) => !withinOf(p.grossShare, result.gross, dec(p.weight), denominator, bound),
        );
        expect(grossOutside).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('is monotone: a producer with a larger weight never gets less in any column', () => {
    fc.assert(
      fc.property(settlementInputArb, (input) => {
        const result = computeSettlement(input);
        const figures = (i: number) => {
          const p = result.payouts[i];
          return [p.amount, p.grossShare, p.totalDeductions, ...p.deductionShares].map((x) =>
            dec(x),
          );
        };
        const inversions = result.payouts.flatMap((larger, i) =>
          result.payouts
            .map((smaller, j) => ({ larger, smaller, j }))
            .filter(({ smaller }) => dec(larger.weight).greaterThan(dec(smaller.weight)))
            .filter(({ j }) => figures(i).some((value, k) => value.lessThan(figures(j)[k])))
            .map(({ smaller }) => [larger.producerId, smaller.producerId]),
        );
        expect(inversions).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic and does not depend on the order of deals or lines', () => {
    fc.assert(
      fc.property(
        settlementInputArb.chain((input) =>
          fc.tuple(
            fc.constant(input),
            fc
              .shuffledSubarray([...input.deals], { minLength: input.deals.length })
              .chain((deals) =>
                fc.tuple(
                  ...deals.map((deal) =>
                    fc
                      .shuffledSubarray([...deal.lines], { minLength: deal.lines.length })
                      .map((lines) => ({ ...deal, lines })),
                  ),
                ),
              ),
          ),
        ),
        ([input, reordered]) => {
          const first = computeSettlement(input);
          expect(computeSettlement(input)).toEqual(first);
          const shuffled = computeSettlement({ ...input, deals: reordered });
          expect({ ...shuffled, deals: [] }).toEqual({ ...first, deals: [] });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('pays zero to every producer with nothing accepted', () => {
    fc.assert(
      fc.property(settlementInputArb, (input) => {
        const result = computeSettlement(input);
        const paidWithoutWeight = result.payouts.filter(
          (p) =>
            dec(p.weight).isZero() &&
            [p.amount, p.grossShare, ...p.deductionShares].some((x) => !dec(x).isZero()),
        );
        expect(paidWithoutWeight).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});

describe('allocateLargestRemainder properties (fast-check)', () => {
  const partsArb = fc.uniqueArray(
    fc.record({
      key: fc.string({ minLength: 1, maxLength: 6 }),
      weight: fc.oneof(
        scaledArb(1_000n, 0),
        scaledArb(10n ** 12n, 6),
        fc.integer({ min: 1, max: 9 }).map((n) => decimalOf(n, 6)),
      ),
    }),
    { minLength: 1, maxLength: 200, selector: (part) => part.key },
  );
  const totalUnitsArb = fc.oneof(
    fc.bigInt({ min: 0n, max: 1_000n }),
    fc.bigInt({ min: 0n, max: 10n ** 12n }),
  );

  it('sums exactly, stays within one unit of quota, and is monotone (CLP and USD)', () => {
    fc.assert(
      fc.property(currencyArb, totalUnitsArb, partsArb, (currency, units, parts) => {
        const weights = parts.map((part) => dec(part.weight));
        const totalWeight = sum(weights);
        fc.pre(!totalWeight.isZero());
        const total = decimalOf(units, CURRENCY_SCALE[currency]);
        const amounts = allocateLargestRemainder(total, parts, currency);
        const unit = minorUnit(currency);
        expect(sum(amounts).equals(dec(total))).toBe(true);
        expect(amounts.filter((a) => a.decimalPlaces() > CURRENCY_SCALE[currency])).toEqual([]);
        expect(
          amounts.filter((a, i) => !withinOf(a.toFixed(), total, weights[i], totalWeight, unit)),
        ).toEqual([]);
        const inversions = amounts.flatMap((a, i) =>
          amounts.filter((b, j) => weights[i].greaterThan(weights[j]) && a.lessThan(b)),
        );
        expect(inversions).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('gives each key the same amount whatever the order of the parts', () => {
    fc.assert(
      fc.property(
        currencyArb,
        totalUnitsArb,
        partsArb.chain((parts) =>
          fc.tuple(fc.constant(parts), fc.shuffledSubarray(parts, { minLength: parts.length })),
        ),
        (currency, units, [parts, shuffled]) => {
          fc.pre(!sum(parts.map((part) => part.weight)).isZero());
          const total = decimalOf(units, CURRENCY_SCALE[currency]);
          const byKey = (list: typeof parts) => {
            const amounts = allocateLargestRemainder(total, list, currency);
            return new Map(list.map((part, i) => [part.key, amounts[i].toFixed()]));
          };
          expect(byKey(shuffled)).toEqual(byKey(parts));
        },
      ),
      { numRuns: 200 },
    );
  });
});

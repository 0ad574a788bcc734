import fc from 'fast-check';
import { Dec, dec, sum } from '../../../shared/money';
import {
  CASH_CATEGORIES,
  COST_CATEGORIES,
  type CostLine,
  type CostSheet,
  PRICED_CATEGORIES,
  type PricedLine,
  type SourcedLine,
  YIELD_SCENARIOS,
} from './cost-sheet';
import { type CostSummary, summarizeCostSheet } from './cost-calculator';
import { serializeCostSummary } from './cost-summary-serializer';
import { validateCostSheet } from './cost-sheet-validation';

/** A non-negative decimal string with up to `maxScale` decimals and `maxUnits` in its last place. */
const decimal = (maxUnits: bigint, maxScale: number, min = 0n) =>
  fc
    .tuple(fc.bigInt({ min, max: maxUnits }), fc.integer({ min: 0, max: maxScale }))
    .map(([units, scale]) => new Dec(units.toString()).dividedBy(new Dec(10).pow(scale)).toFixed());

const fraction = fc
  .integer({ min: 0, max: 10_000 })
  .map((n) => new Dec(n).dividedBy(10_000).toFixed());
const share = fc.integer({ min: 1, max: 1_000 }).map((n) => new Dec(n).dividedBy(1_000).toFixed());
const pricedCategory = fc.constantFrom(...PRICED_CATEGORIES);
const description = fc.constantFrom('Siembra', 'Guano', 'Sacos', 'Flete', 'Leche');

const SOURCE_ID = 'source-sheet';

const pricedLine = fc.record({
  kind: fc.constant('priced' as const),
  category: pricedCategory,
  description,
  quantity: decimal(10_000_000n, 3),
  unit: fc.constantFrom('JH', 'kg', 'saco', 'yunta'),
  unitPrice: decimal(100_000_000n, 2),
});

const sourcedLine = fc.record({
  kind: fc.constant('sourced' as const),
  category: pricedCategory,
  description,
  quantity: decimal(10_000_000n, 3),
  unit: fc.constant('l'),
  sourceSheetId: fc.constant(SOURCE_ID),
});

const percentageLine = fc.record(
  {
    kind: fc.constant('percentage' as const),
    category: pricedCategory,
    description,
    rate: fraction,
    baseCategories: fc.uniqueArray(pricedCategory, { minLength: 1, maxLength: 4 }),
  },
  { requiredKeys: ['kind', 'category', 'description', 'rate'] },
);

const depreciationLine = fc
  .record({
    assetValue: decimal(1_000_000_000n, 0),
    salvageFraction: fc.integer({ min: 0, max: 100 }),
    lifeYears: decimal(400n, 1, 1n),
    share,
  })
  .map(({ assetValue, salvageFraction, lifeYears, share: part }): CostLine => ({
    kind: 'depreciation',
    category: 'depreciation',
    description: 'Bodega',
    assetValue,
    salvageValue: dec(assetValue).times(salvageFraction).dividedBy(100).floor().toFixed(),
    lifeYears,
    share: part,
  }));

const interestLine = fc.record({
  kind: fc.constant('interest' as const),
  category: fc.constant('interest' as const),
  description: fc.constant('Interés'),
  annualRate: fraction,
  months: decimal(240n, 1),
});

const anyLine: fc.Arbitrary<CostLine> = fc.oneof(
  { arbitrary: pricedLine, weight: 5 },
  { arbitrary: sourcedLine, weight: 1 },
  { arbitrary: percentageLine, weight: 2 },
  { arbitrary: depreciationLine, weight: 1 },
  { arbitrary: interestLine, weight: 1 },
);

const yields = fc
  .array(decimal(10_000_000n, 2, 1n), { minLength: 3, maxLength: 3 })
  .map((values) => values.sort((a, b) => dec(a).comparedTo(dec(b))))
  .map(([low, expected, high]) => ({ low, expected, high }));

const sheetWith = (lines: fc.Arbitrary<CostLine[]>): fc.Arbitrary<CostSheet> =>
  fc.record({
    currency: fc.constantFrom('CLP' as const, 'USD' as const),
    areaHa: decimal(10_000n, 2),
    yields,
    lines,
  });

const anySheet = sheetWith(fc.array(anyLine, { maxLength: 25 }));
/** Sheets without depreciation or interest: no division anywhere, so every total is exact. */
const divisionFreeSheet = sheetWith(
  fc.array(fc.oneof(pricedLine, sourcedLine, percentageLine), { maxLength: 25 }),
);
/** A source sheet's cost per unit, as the chain hands it over: any number of digits. */
const resolvedPrice = fc
  .tuple(decimal(10_000_000n, 2), fc.integer({ min: 1, max: 997 }))
  .map(([cost, divisor]) => dec(cost).dividedBy(divisor));

function summarize(sheet: CostSheet, price: Dec, extra: { price?: Dec } = {}): CostSummary {
  return summarizeCostSheet(sheet, { resolvedUnitPrices: new Map([[SOURCE_ID, price]]), ...extra });
}

/**
 * Divisions are carried to 40 significant digits, so a quotient multiplied back may differ
 * from the dividend in about the 39th digit. 10^-30 of the magnitude is far below any minor
 * unit and far above that error; a real mistake (a line left out, a wrong yield) is not.
 */
function expectClose(actual: Dec, expected: Dec, magnitude: Dec = expected): void {
  const tolerance = Dec.max(1, magnitude.abs()).times('1e-30');
  expect(actual.minus(expected).abs().lte(tolerance)).toBe(true);
}

describe('cost calculator properties', () => {
  it('generates only sheets the validation accepts (so the properties cover real input)', () => {
    fc.assert(
      fc.property(anySheet, (sheet) => {
        expect(validateCostSheet(JSON.parse(JSON.stringify(sheet)))).toEqual(sheet);
      }),
    );
  });

  it('totals equal the sum of the lines', () => {
    fc.assert(
      fc.property(anySheet, resolvedPrice, (sheet, price) => {
        const summary = summarize(sheet, price);
        const values = summary.lines.map((line) => line.value);
        expect(summary.lines).toHaveLength(sheet.lines.length);
        expect(summary.economicCost.equals(sum(values))).toBe(true);
        for (const category of COST_CATEGORIES) {
          const ofCategory = summary.lines.filter((line) => line.category === category);
          expect(
            summary.totalsByCategory[category].equals(sum(ofCategory.map((l) => l.value))),
          ).toBe(true);
        }
        expectClose(sum(Object.values(summary.totalsByCategory)), summary.economicCost);
        expectClose(
          sum(
            COST_CATEGORIES.filter((c) => CASH_CATEGORIES.has(c)).map(
              (c) => summary.totalsByCategory[c],
            ),
          ),
          summary.cashCost,
        );
      }),
    );
  });

  it('totals equal the sum of the lines exactly when nothing is divided', () => {
    fc.assert(
      fc.property(divisionFreeSheet, decimal(100_000n, 2), (sheet, price) => {
        const summary = summarize(sheet, dec(price));
        expect(sum(Object.values(summary.totalsByCategory)).equals(summary.economicCost)).toBe(
          true,
        );
        const cash = summary.lines.filter((line) => CASH_CATEGORIES.has(line.category));
        expect(sum(cash.map((line) => line.value)).equals(summary.cashCost)).toBe(true);
      }),
    );
  });

  it('cost per unit × yield equals the total at every yield scenario', () => {
    fc.assert(
      fc.property(anySheet, resolvedPrice, (sheet, price) => {
        const summary = summarize(sheet, price);
        for (const scenario of YIELD_SCENARIOS) {
          const quantity = dec(sheet.yields[scenario]);
          expectClose(summary.costPerUnit[scenario].times(quantity), summary.economicCost);
          expectClose(summary.cashCostPerUnit[scenario].times(quantity), summary.cashCost);
        }
      }),
    );
  });

  it('margin at the break-even price is zero', () => {
    fc.assert(
      fc.property(anySheet, resolvedPrice, (sheet, price) => {
        const { breakEvenPrice } = summarize(sheet, price);
        const atBreakEven = summarize(sheet, price, { price: breakEvenPrice });
        // Zero within the rounding of the division, measured against the cost it balances.
        expectClose(atBreakEven.marginAtPrice as Dec, new Dec(0), atBreakEven.economicCost);
        expect(serializeCostSummary(atBreakEven).marginAtPrice).toBe(
          sheet.currency === 'CLP' ? '0' : '0.00',
        );
        // …and the break-even yield at that price is the expected yield.
        if (breakEvenPrice.gt(0)) {
          expectClose(atBreakEven.breakEvenYield as Dec, dec(sheet.yields.expected));
        }
      }),
    );
  });

  it('raising any line quantity or price never lowers the break-even price', () => {
    const raise = fc.record({
      pick: fc.nat(),
      field: fc.constantFrom('quantity' as const, 'unitPrice' as const),
      by: decimal(1_000_000n, 3, 1n),
    });
    fc.assert(
      fc.property(anySheet, resolvedPrice, raise, (sheet, price, { pick, field, by }) => {
        const before = summarize(sheet, price).breakEvenPrice;
        const candidates = sheet.lines
          .map((line, index) => ({ line, index }))
          .filter(({ line }) => line.kind === 'priced' || line.kind === 'sourced');
        let raised = sheet;
        let raisedPrice = price;
        const target = candidates[pick % Math.max(1, candidates.length)] as
          (typeof candidates)[number] | undefined;
        if (target === undefined || (field === 'unitPrice' && target.line.kind === 'sourced')) {
          // No priced line, or a sourced line's price, which is the source sheet's cost.
          raisedPrice = price.plus(dec(by));
        } else {
          const line = target.line as PricedLine | SourcedLine;
          const changed: CostLine =
            field === 'quantity' || line.kind === 'sourced'
              ? { ...line, quantity: dec(line.quantity).plus(dec(by)).toFixed() }
              : { ...line, unitPrice: dec(line.unitPrice).plus(dec(by)).toFixed() };
          raised = {
            ...sheet,
            lines: sheet.lines.map((entry, i) => (i === target.index ? changed : entry)),
          };
        }
        const after = summarize(raised, raisedPrice).breakEvenPrice;
        expect(after.gte(before)).toBe(true);
      }),
    );
  });
});

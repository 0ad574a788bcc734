import { DomainError } from '../../../shared/errors/domain-error';
import { Dec, dec } from '../../../shared/money';
import type { CostSheet } from './cost-sheet';
import { MAX_SENSITIVITY_PRICES, sensitivityGrid, summarizeCostSheet } from './cost-calculator';
import { serializeCostSummary, serializeSensitivityGrid } from './cost-summary-serializer';
import { validateCostSheet } from './cost-sheet-validation';

/**
 * A 0.4 ha carrot terrace in Lasana, season 2026-2027 (made-up but plausible figures).
 * Lines and yields are for the whole 0.4 ha.
 */
const lasana: CostSheet = validateCostSheet({
  currency: 'CLP',
  areaHa: '0.4',
  yields: { low: '6000', expected: '8000', high: '10000' },
  lines: [
    // 0: 4 JH × 25,000 = 100,000
    {
      category: 'hired_labor',
      description: 'Preparación de suelo',
      quantity: '4',
      unit: 'JH',
      unitPrice: '25000',
    },
    // 1: 10 JH × 25,000 = 250,000
    {
      category: 'hired_labor',
      description: 'Cosecha y ensacado',
      quantity: '10',
      unit: 'JH',
      unitPrice: '25000',
    },
    // 2: 14 JH × 20,000 = 280,000 (the family's own days at an opportunity wage)
    {
      category: 'family_labor',
      description: 'Riegos y desmalezado',
      quantity: '14',
      unit: 'JH',
      unitPrice: '20000',
    },
    // 3: 2 yunta × 30,000 = 60,000
    {
      category: 'machinery',
      description: 'Aradura',
      quantity: '2',
      unit: 'yunta',
      unitPrice: '30000',
    },
    // 4: 2 kg × 45,000 = 90,000
    { category: 'inputs', description: 'Semilla', quantity: '2', unit: 'kg', unitPrice: '45000' },
    // 5: 40 saco × 3,500 = 140,000
    { category: 'inputs', description: 'Guano', quantity: '40', unit: 'saco', unitPrice: '3500' },
    // 6: 320 saco × 350 = 112,000 (8,000 kg in 25 kg sacks)
    {
      category: 'packaging',
      description: 'Sacos',
      quantity: '320',
      unit: 'saco',
      unitPrice: '350',
    },
    // 7: 10 turno × 4,000 = 40,000
    {
      category: 'water',
      description: 'Turnos de riego',
      quantity: '10',
      unit: 'turno',
      unitPrice: '4000',
    },
    // 8: 1 flete × 120,000 = 120,000
    {
      category: 'transport',
      description: 'Flete a Calama',
      quantity: '1',
      unit: 'flete',
      unitPrice: '120000',
    },
    // 9: 0.4 ha × 150,000 = 60,000
    {
      category: 'land',
      description: 'Uso de la tierra',
      quantity: '0.4',
      unit: 'ha',
      unitPrice: '150000',
    },
    // 10: 5 % of all priced lines (0-9): 100,000 + 250,000 + 280,000 + 60,000 + 90,000
    //     + 140,000 + 112,000 + 40,000 + 120,000 + 60,000 = 1,252,000 → 62,600
    { category: 'other', description: 'Imprevistos', rate: '0.05' },
    // 11: 2 % of inputs and packaging: 90,000 + 140,000 + 112,000 = 342,000 → 6,840
    {
      category: 'overhead',
      description: 'Administración',
      rate: '0.02',
      baseCategories: ['inputs', 'packaging'],
    },
    // 12: (1,200,000 − 200,000) / 10 years × 0.25 = 25,000
    {
      category: 'depreciation',
      description: 'Bodega y herramientas',
      assetValue: '1200000',
      salvageValue: '200000',
      lifeYears: '10',
      share: '0.25',
    },
    // 13: 0.12 × 6 / 12 × cash cost (below) = 0.06 × 981,440 = 58,886.4
    {
      category: 'interest',
      description: 'Interés capital de operación',
      annualRate: '0.12',
      months: '6',
    },
  ],
});

/*
 * Cash cost = hired labour 350,000 + machinery 60,000 + inputs 230,000 + packaging 112,000
 *           + water 40,000 + transport 120,000 + other 62,600 + overhead 6,840 = 981,440
 * Economic  = cash 981,440 + family labour 280,000 + land 60,000 + depreciation 25,000
 *           + interest 58,886.4 = 1,405,326.4
 * Cost per kg (economic): low 1,405,326.4 / 6,000 = 234.22106666…, expected / 8,000 = 175.6658,
 *                         high / 10,000 = 140.53264
 * Cost per kg (cash):     low 981,440 / 6,000 = 163.57333…, expected / 8,000 = 122.68,
 *                         high / 10,000 = 98.144
 * Break-even price = 175.6658 $/kg.
 * At 200 $/kg: margin = 200 × 8,000 − 1,405,326.4 = 194,673.6;
 *              break-even yield = 1,405,326.4 / 200 = 7,026.632 kg.
 * Per hectare: economic 1,405,326.4 / 0.4 = 3,513,316; cash 981,440 / 0.4 = 2,453,600.
 */
describe('summarizeCostSheet: the Lasana worked example', () => {
  const summary = summarizeCostSheet(lasana, { price: '200' });

  it('values every line', () => {
    expect(summary.lines.map((line) => line.value.toFixed())).toEqual([
      '100000',
      '250000',
      '280000',
      '60000',
      '90000',
      '140000',
      '112000',
      '40000',
      '120000',
      '60000',
      '62600',
      '6840',
      '25000',
      '58886.4',
    ]);
    expect(summary.lines[10].base?.toFixed()).toBe('1252000');
    expect(summary.lines[11].base?.toFixed()).toBe('342000');
    expect(summary.lines[13].base?.toFixed()).toBe('981440');
  });

  it('totals by category, cash and economic cost exactly', () => {
    const totals = Object.fromEntries(
      Object.entries(summary.totalsByCategory).map(([category, value]) => [
        category,
        value.toFixed(),
      ]),
    );
    expect(totals).toEqual({
      hired_labor: '350000',
      family_labor: '280000',
      machinery: '60000',
      inputs: '230000',
      water: '40000',
      packaging: '112000',
      transport: '120000',
      services: '0',
      overhead: '6840',
      land: '60000',
      other: '62600',
      depreciation: '25000',
      interest: '58886.4',
    });
    expect(summary.cashCost.toFixed()).toBe('981440');
    expect(summary.economicCost.toFixed()).toBe('1405326.4');
  });

  it('gives cost per unit at each yield, break-even, margin and break-even yield', () => {
    expect(summary.costPerUnit.expected.toFixed()).toBe('175.6658');
    expect(summary.costPerUnit.high.toFixed()).toBe('140.53264');
    expect(summary.costPerUnit.low.toFixed(10)).toBe('234.2210666667');
    expect(summary.cashCostPerUnit.expected.toFixed()).toBe('122.68');
    expect(summary.cashCostPerUnit.high.toFixed()).toBe('98.144');
    expect(summary.cashCostPerUnit.low.toFixed(10)).toBe('163.5733333333');
    expect(summary.breakEvenPrice.toFixed()).toBe('175.6658');
    expect(summary.marginAtPrice?.toFixed()).toBe('194673.6');
    expect(summary.breakEvenYield?.toFixed()).toBe('7026.632');
    expect(summary.perHectare?.economicCost.toFixed()).toBe('3513316');
    expect(summary.perHectare?.cashCost.toFixed()).toBe('2453600');
    expect(summary.notes).toEqual([]);
  });

  it('serialises with the documented rounding: pesos for amounts, 2 decimals per kg', () => {
    const dto = serializeCostSummary(summary);
    expect(dto.rounding).toEqual({ mode: 'half-even', amounts: 0, perUnit: 2, quantities: 3 });
    expect(dto.economicCost).toBe('1405326'); // .4 rounds down
    expect(dto.cashCost).toBe('981440');
    expect(dto.totalsByCategory.interest).toBe('58886');
    expect(dto.costPerUnit).toEqual({ low: '234.22', expected: '175.67', high: '140.53' });
    expect(dto.cashCostPerUnit).toEqual({ low: '163.57', expected: '122.68', high: '98.14' });
    expect(dto.breakEvenPrice).toBe('175.67');
    expect(dto.marginAtPrice).toBe('194674'); // .6 rounds up
    expect(dto.breakEvenYield).toBe('7026.632');
    expect(dto.price).toBe('200');
    expect(dto.areaHa).toBe('0.4');
    expect(dto.lines[13]).toEqual({
      index: 13,
      kind: 'interest',
      category: 'interest',
      description: 'Interés capital de operación',
      base: '981440',
      value: '58886',
    });
    expect(dto.lines[0].unitPrice).toBe('25000.00');
  });

  it('keeps the exact figures available through the exact serialisation', () => {
    const dto = serializeCostSummary(summary, { exact: true });
    expect(dto.rounding).toEqual({ mode: 'exact' });
    expect(dto.economicCost).toBe('1405326.4');
    expect(dto.costPerUnit.low).toBe(summary.costPerUnit.low.toFixed());
    expect(dto.costPerUnit.low.length).toBeGreaterThan(30);
  });

  it('rounds half to even, not half up', () => {
    // A sheet of 1 kg that costs 2.5 pesos shows 2; one that costs 3.5 shows 4.
    const half = (unitPrice: string) =>
      serializeCostSummary(
        summarizeCostSheet({
          currency: 'CLP',
          areaHa: '0',
          yields: { low: '1', expected: '1', high: '1' },
          lines: [
            {
              kind: 'priced',
              category: 'inputs',
              description: 'x',
              quantity: '1',
              unit: 'kg',
              unitPrice,
            },
          ],
        }),
      ).economicCost;
    expect(half('2.5')).toBe('2');
    expect(half('3.5')).toBe('4');
  });

  it('uses cents and four decimals per unit for USD', () => {
    const usd = summarizeCostSheet({ ...lasana, currency: 'USD' }, { price: '0.25' });
    const dto = serializeCostSummary(usd);
    expect(dto.economicCost).toBe('1405326.40');
    expect(dto.breakEvenPrice).toBe('175.6658');
    expect(dto.costPerUnit.low).toBe('234.2211');
    expect(dto.marginAtPrice).toBe('-1403326.40');
  });
});

describe('summarizeCostSheet: edges', () => {
  it('says break-even yield is undefined at price 0 instead of dividing', () => {
    const summary = summarizeCostSheet(lasana, { price: '0' });
    expect(summary.breakEvenYield).toBeUndefined();
    expect(summary.marginAtPrice?.toFixed()).toBe('-1405326.4');
    expect(summary.notes).toEqual([
      expect.objectContaining({ field: 'breakEvenYield', code: 'PRICE_IS_ZERO' }),
    ]);
    expect(serializeCostSummary(summary)).not.toHaveProperty('breakEvenYield');
  });

  it('leaves out price figures when no price is asked', () => {
    const summary = summarizeCostSheet(lasana);
    expect(summary.marginAtPrice).toBeUndefined();
    expect(summary.breakEvenYield).toBeUndefined();
    expect(serializeCostSummary(summary)).not.toHaveProperty('marginAtPrice');
  });

  it('refuses a negative or malformed price naming the field', () => {
    for (const price of ['-1', '1,5', 'abc', '1.1234567']) {
      expect(() => summarizeCostSheet(lasana, { price })).toThrow(
        expect.objectContaining({
          code: 'VALIDATION_FAILED',
          fieldIssues: [expect.objectContaining({ field: 'price' })],
        }),
      );
    }
    expect(() => summarizeCostSheet(lasana, { price: new Dec(-1) })).toThrow(DomainError);
  });

  it('refuses to divide by a zero yield in a sheet built in code', () => {
    const sheet: CostSheet = { ...lasana, yields: { low: '0', expected: '8000', high: '10000' } };
    expect(() => summarizeCostSheet(sheet)).toThrow(
      expect.objectContaining({
        code: 'VALIDATION_FAILED',
        fieldIssues: [expect.objectContaining({ field: 'yields.low', code: 'MUST_BE_POSITIVE' })],
      }),
    );
  });

  it('omits per-hectare figures for a sheet without land', () => {
    expect(summarizeCostSheet({ ...lasana, areaHa: '0' }).perHectare).toBeUndefined();
  });

  it('prices a sourced line from the resolved unit prices, and refuses without them', () => {
    const cheese: CostSheet = {
      currency: 'CLP',
      areaHa: '0',
      yields: { low: '80', expected: '100', high: '120' },
      lines: [
        {
          kind: 'sourced',
          category: 'inputs',
          description: 'Leche',
          quantity: '700',
          unit: 'l',
          sourceSheetId: 'milk',
        },
        { kind: 'percentage', category: 'other', description: 'Imprevistos', rate: '0.1' },
      ],
    };
    // 700 l × 700 = 490,000; 10 % of it (a sourced line is a priced line) = 49,000
    const summary = summarizeCostSheet(cheese, { resolvedUnitPrices: new Map([['milk', '700']]) });
    expect(summary.lines[0].unitPrice?.toFixed()).toBe('700');
    expect(summary.economicCost.toFixed()).toBe('539000');
    expect(() => summarizeCostSheet(cheese)).toThrow(
      expect.objectContaining({
        code: 'COST_SHEET_SOURCE_UNRESOLVED',
        details: expect.objectContaining({ field: 'lines.0.sourceSheetId' }),
      }),
    );
  });

  it('never applies a percentage to another derived line', () => {
    const sheet: CostSheet = {
      currency: 'CLP',
      areaHa: '1',
      yields: { low: '1', expected: '1', high: '1' },
      lines: [
        {
          kind: 'priced',
          category: 'inputs',
          description: 'a',
          quantity: '1',
          unit: 'kg',
          unitPrice: '1000',
        },
        { kind: 'percentage', category: 'other', description: 'p1', rate: '0.1' },
        {
          kind: 'percentage',
          category: 'overhead',
          description: 'p2',
          rate: '0.1',
          baseCategories: ['other', 'inputs'],
        },
        {
          kind: 'depreciation',
          category: 'depreciation',
          description: 'd',
          assetValue: '500',
          salvageValue: '0',
          lifeYears: '1',
          share: '1',
        },
      ],
    };
    const summary = summarizeCostSheet(sheet);
    // p1 = 10 % of 1,000; p2 = 10 % of inputs 1,000 + other priced lines 0 (p1 is not priced)
    expect(summary.lines[1].value.toFixed()).toBe('100');
    expect(summary.lines[2].value.toFixed()).toBe('100');
    expect(summary.economicCost.toFixed()).toBe('1700');
  });
});

describe('sensitivityGrid', () => {
  it('gives the margin per (price, yield), rows by price', () => {
    const grid = sensitivityGrid(lasana, ['150', '200'], ['0', '8000', '10000']);
    // 150 × 0 − 1,405,326.4; 150 × 8,000 − …; 150 × 10,000 − …; then at 200
    expect(grid.margins.map((row) => row.map((margin) => margin.toFixed()))).toEqual([
      ['-1405326.4', '-205326.4', '94673.6'],
      ['-1405326.4', '194673.6', '594673.6'],
    ]);
    const dto = serializeSensitivityGrid(grid);
    expect(dto.margins[0]).toEqual(['-1405326', '-205326', '94674']);
    expect(dto.prices).toEqual(['150', '200']);
  });

  it('agrees with the summary margin at the same price and expected yield', () => {
    const grid = sensitivityGrid(lasana, ['175.5'], ['8000']);
    const summary = summarizeCostSheet(lasana, { price: '175.5' });
    expect(grid.margins[0][0].equals(summary.marginAtPrice as Dec)).toBe(true);
  });

  it('accepts exactly 50 × 50 and refuses anything larger with SENSITIVITY_GRID_TOO_LARGE', () => {
    const fifty = Array.from({ length: MAX_SENSITIVITY_PRICES }, (_, i) => String(i * 10));
    expect(sensitivityGrid(lasana, fifty, fifty).margins).toHaveLength(50);
    const error = captureError(() => sensitivityGrid(lasana, [...fifty, '1'], ['1']));
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({
      code: 'SENSITIVITY_GRID_TOO_LARGE',
      details: { prices: 51, yields: 1, maxPrices: 50, maxYields: 50 },
      fieldIssues: [expect.objectContaining({ field: 'prices', code: 'TOO_MANY' })],
    });
    expect(captureError(() => sensitivityGrid(lasana, ['1'], [...fifty, '1']))).toMatchObject({
      code: 'SENSITIVITY_GRID_TOO_LARGE',
      fieldIssues: [expect.objectContaining({ field: 'yields', code: 'TOO_MANY' })],
    });
  });

  it('refuses empty axes and bad values, naming every one', () => {
    expect(captureError(() => sensitivityGrid(lasana, [], ['1', '-2', 'x']))).toMatchObject({
      code: 'VALIDATION_FAILED',
      fieldIssues: [
        expect.objectContaining({ field: 'prices', code: 'EMPTY' }),
        expect.objectContaining({ field: 'yields.1', code: 'MUST_NOT_BE_NEGATIVE' }),
        expect.objectContaining({ field: 'yields.2', code: 'NOT_DECIMAL' }),
      ],
    });
  });
});

function captureError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

// Guards the worked example itself: its hand figures must match one another.
describe('the worked example is self-consistent', () => {
  it('cash + economic-only categories = economic cost', () => {
    const summary = summarizeCostSheet(lasana);
    const economicOnly = dec('280000').plus('60000').plus('25000').plus('58886.4');
    expect(summary.cashCost.plus(economicOnly).equals(summary.economicCost)).toBe(true);
  });
});

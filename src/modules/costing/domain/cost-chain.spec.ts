import { DomainError } from '../../../shared/errors/domain-error';
import type { CostLine, CostSheet } from './cost-sheet';
import {
  type ChainSheet,
  findCostSheetCycle,
  resolveCostChain,
  sheetsAffectedBy,
} from './cost-chain';
import { type CostSummary, summarizeCostSheet } from './cost-calculator';
import { serializeCostSummary } from './cost-summary-serializer';

const priced = (description: string, quantity: string, unitPrice: string): CostLine => ({
  kind: 'priced',
  category: 'inputs',
  description,
  quantity,
  unit: 'u',
  unitPrice,
});
const sourced = (sourceSheetId: string, quantity: string): CostLine => ({
  kind: 'sourced',
  category: 'inputs',
  description: `from ${sourceSheetId}`,
  quantity,
  unit: 'l',
  sourceSheetId,
});
const sheet = (lines: CostLine[], expected = '1', currency: 'CLP' | 'USD' = 'CLP'): CostSheet => ({
  currency,
  areaHa: '0',
  yields: { low: expected, expected, high: expected },
  lines,
});

/*
 * Goat milk, one season of a small herd: 60 JH × 20,000 + 50 fardos × 9,000 + 2 visits ×
 * 50,000 = 1,200,000 + 450,000 + 100,000 = 1,750,000 pesos for an expected 2,500 l → 700 $/l.
 *
 * Goat cheese: 7 l of milk per kg, 100 kg expected → 700 l × 700 = 490,000; elaboration
 * 10 JH × 25,000 = 250,000; vacuum packs 100 × 300 = 30,000. Total 770,000 → 7,700 $/kg.
 */
const milk = (alfalfaPrice = '9000'): ChainSheet => ({
  id: 'milk',
  sheet: {
    currency: 'CLP',
    areaHa: '2',
    yields: { low: '2000', expected: '2500', high: '3000' },
    lines: [
      {
        kind: 'priced',
        category: 'family_labor',
        description: 'Pastoreo y ordeña',
        quantity: '60',
        unit: 'JH',
        unitPrice: '20000',
      },
      {
        kind: 'priced',
        category: 'inputs',
        description: 'Alfalfa',
        quantity: '50',
        unit: 'fardo',
        unitPrice: alfalfaPrice,
      },
      {
        kind: 'priced',
        category: 'services',
        description: 'Veterinario',
        quantity: '2',
        unit: 'visita',
        unitPrice: '50000',
      },
    ],
  },
});
const cheese: ChainSheet = {
  id: 'cheese',
  sheet: {
    currency: 'CLP',
    areaHa: '0',
    yields: { low: '80', expected: '100', high: '120' },
    lines: [
      {
        kind: 'sourced',
        category: 'inputs',
        description: 'Leche de cabra',
        quantity: '700',
        unit: 'l',
        sourceSheetId: 'milk',
      },
      {
        kind: 'priced',
        category: 'hired_labor',
        description: 'Elaboración',
        quantity: '10',
        unit: 'JH',
        unitPrice: '25000',
      },
      {
        kind: 'priced',
        category: 'packaging',
        description: 'Envase al vacío',
        quantity: '100',
        unit: 'unidad',
        unitPrice: '300',
      },
    ],
  },
};

function captureError(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('resolveCostChain', () => {
  it('prices the cheese milk line at the milk sheet expected economic cost per litre', () => {
    const chain = resolveCostChain([cheese, milk()]);
    expect(chain.order).toEqual(['milk', 'cheese']);
    expect(chain.unitPrices.get('milk')?.toFixed()).toBe('700');
    expect(chain.summaries.get('cheese')?.lines[0].value.toFixed()).toBe('490000');
    expect(chain.unitPrices.get('cheese')?.toFixed()).toBe('7700');
  });

  it('changes the cheese summary when the milk sheet changes', () => {
    // Alfalfa at 11,000: 1,850,000 / 2,500 = 740 $/l; cheese 700 × 740 = 518,000 + 280,000
    // = 798,000 / 100 = 7,980 $/kg.
    const chain = resolveCostChain([cheese, milk('11000')]);
    expect(chain.unitPrices.get('milk')?.toFixed()).toBe('740');
    expect(chain.unitPrices.get('cheese')?.toFixed()).toBe('7980');
  });

  it('hands exact unit prices down the chain, rounding only at the end', () => {
    // Milk: 1,000,000 pesos for 3,000 l = 333.333… $/l. A cheese sheet using all 3,000 l
    // costs 1,000,000 (to 40 digits); had the price been rounded to 333.33 on the way, it
    // would show 999,990.
    const cheeseSheet = sheet([sourced('m', '3000')]);
    const chain = resolveCostChain([
      { id: 'c', sheet: cheeseSheet },
      { id: 'm', sheet: sheet([priced('all', '1', '1000000')], '3000') },
    ]);
    const summary = summarizeCostSheet(cheeseSheet, {
      price: '1000200',
      resolvedUnitPrices: chain.unitPrices,
    });
    const dto = serializeCostSummary(summary);
    expect(dto.economicCost).toBe('1000000');
    expect(dto.lines[0].unitPrice).toBe('333.33');
    expect(dto.marginAtPrice).toBe('200');
    expect(serializeCostSummary(chain.summaries.get('c') as CostSummary).economicCost).toBe(
      '1000000',
    );
  });

  it('resolves a three-level chain in dependency order', () => {
    // fodder 100 / 10 kg = 10 $/kg; milk: 20 kg × 10 + 100 = 300 / 3 l = 100 $/l;
    // cheese: 7 l × 100 = 700 / 1 kg = 700 $/kg.
    const chain = resolveCostChain([
      { id: 'cheese', sheet: sheet([sourced('milk', '7')]) },
      { id: 'milk', sheet: sheet([sourced('fodder', '20'), priced('labour', '1', '100')], '3') },
      { id: 'fodder', sheet: sheet([priced('seed', '1', '100')], '10') },
    ]);
    expect(chain.order).toEqual(['fodder', 'milk', 'cheese']);
    expect(chain.unitPrices.get('cheese')?.toFixed()).toBe('700');
  });

  it('refuses a cycle, naming the sheets and the lines that close it', () => {
    const error = captureError(() =>
      resolveCostChain([
        { id: 'a', sheet: sheet([priced('x', '1', '1'), sourced('b', '1')]) },
        { id: 'b', sheet: sheet([sourced('c', '1')]) },
        { id: 'c', sheet: sheet([sourced('a', '1')]) },
      ]),
    );
    expect(error.code).toBe('COST_SHEET_CYCLE');
    expect(error.details).toMatchObject({ cycle: ['a', 'b', 'c', 'a'] });
    expect(error.fieldIssues.map((issue) => issue.field)).toEqual([
      'lines.1.sourceSheetId',
      'lines.0.sourceSheetId',
      'lines.0.sourceSheetId',
    ]);
    expect(error.message).toContain('a → b → c → a');
  });

  it('refuses a sheet that takes its price from itself', () => {
    const error = captureError(() =>
      resolveCostChain([{ id: 'a', sheet: sheet([sourced('a', '1')]) }]),
    );
    expect(error.code).toBe('COST_SHEET_CYCLE');
    expect(error.details).toMatchObject({ cycle: ['a', 'a'] });
  });

  it('finds a cycle reachable only through an acyclic part', () => {
    const sheets: ChainSheet[] = [
      { id: 'top', sheet: sheet([sourced('left', '1'), sourced('right', '1')]) },
      { id: 'left', sheet: sheet([priced('x', '1', '1')]) },
      { id: 'right', sheet: sheet([sourced('loop', '1')]) },
      { id: 'loop', sheet: sheet([sourced('right', '1')]) },
    ];
    expect(findCostSheetCycle(sheets)?.map((link) => link.sheetId)).toEqual(['right', 'loop']);
    // A diamond (two paths to one source) is not a cycle.
    expect(
      findCostSheetCycle([
        { id: 'top', sheet: sheet([sourced('l', '1'), sourced('r', '1')]) },
        { id: 'l', sheet: sheet([sourced('base', '1')]) },
        { id: 'r', sheet: sheet([sourced('base', '1')]) },
        { id: 'base', sheet: sheet([priced('x', '1', '1')]) },
      ]),
    ).toBeUndefined();
  });

  it('refuses a chain between sheets of different currencies', () => {
    const error = captureError(() =>
      resolveCostChain([cheese, { id: 'milk', sheet: { ...milk().sheet, currency: 'USD' } }]),
    );
    expect(error.code).toBe('CURRENCY_MISMATCH');
    expect(error.fieldIssues).toEqual([
      expect.objectContaining({ field: 'lines.0.sourceSheetId', code: 'CURRENCY_MISMATCH' }),
    ]);
    expect(error.details).toMatchObject({
      links: [{ sheetId: 'cheese', sourceSheetId: 'milk', currency: 'CLP', sourceCurrency: 'USD' }],
    });
  });

  it('refuses a link to a sheet it was not given', () => {
    const error = captureError(() => resolveCostChain([cheese]));
    expect(error.code).toBe('COST_SHEET_SOURCE_NOT_FOUND');
    expect(error.details).toMatchObject({ links: [{ sheetId: 'cheese', sourceSheetId: 'milk' }] });
  });
});

describe('sheetsAffectedBy', () => {
  it('lists every sheet that takes a price from the changed one, directly or not', () => {
    const sheets: ChainSheet[] = [
      { id: 'fodder', sheet: sheet([priced('x', '1', '1')]) },
      { id: 'milk', sheet: sheet([sourced('fodder', '1')]) },
      { id: 'cheese', sheet: sheet([sourced('milk', '1'), sourced('milk', '2')]) },
      { id: 'yogurt', sheet: sheet([sourced('milk', '1')]) },
      { id: 'carrot', sheet: sheet([priced('x', '1', '1')]) },
    ];
    expect(sheetsAffectedBy(sheets, 'fodder')).toEqual(['milk', 'cheese', 'yogurt']);
    expect(sheetsAffectedBy(sheets, 'cheese')).toEqual([]);
  });
});

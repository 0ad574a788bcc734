import { CURRENCY_SCALE, type Currency, type Dec, toDecimalString } from '../../../shared/money';
import { COST_CATEGORIES, type CostCategory, type CostLineKind } from './cost-sheet';
import type { CostSummary, PerScenario, SensitivityGrid, SummaryNote } from './cost-calculator';

/*
 * The rounding rule of costing, applied here and nowhere else (always half-even, the
 * design's rule at every edge):
 *
 * - Amounts (line values, bases, totals, cash and economic cost, per-hectare cost, margins)
 *   go to the currency's minor unit: whole pesos for CLP, cents for USD. They are sums of
 *   money actually spent or earned, and nobody pays a fraction of the minor unit.
 * - Per-unit figures (unit prices used, cost per unit, break-even price) keep two decimals
 *   more than the currency: CLP 2, USD 4. They are multiplied again by kilos or litres (a
 *   lot's floor × 5,000 kg), so a peso of rounding per kilo would become 5,000 pesos.
 * - Quantities the calculator derives (break-even yield) go to 3 decimals: grams and
 *   millilitres in base units of kg and l, finer than any scale on a farm.
 * - Figures the client sent (area, yields, the price asked about) are echoed exactly.
 *
 * Each figure is rounded on its own, so rounded category totals may differ from the rounded
 * economic cost by up to half a minor unit per category; the exact values stay in the
 * `CostSummary`, and `{ exact: true }` serialises them unrounded (for the floor price of a
 * lot, which should be computed from exact figures and rounded only once).
 */
export const PER_UNIT_EXTRA_DECIMALS = 2;
export const DERIVED_QUANTITY_SCALE = 3;

export interface RoundingRule {
  mode: 'half-even' | 'exact';
  amounts?: number;
  perUnit?: number;
  quantities?: number;
}

export function amountScale(currency: Currency): number {
  return CURRENCY_SCALE[currency];
}

export function perUnitScale(currency: Currency): number {
  return CURRENCY_SCALE[currency] + PER_UNIT_EXTRA_DECIMALS;
}

export interface SerializeOptions {
  /** Unrounded decimal strings, for callers that compute further. */
  exact?: boolean;
}

type Scenarios = Record<keyof PerScenario, string>;

export interface LineResultDto {
  index: number;
  kind: CostLineKind;
  category: CostCategory;
  description: string;
  unitPrice?: string;
  base?: string;
  value: string;
}

export interface CostSummaryDto {
  currency: Currency;
  areaHa: string;
  yields: Scenarios;
  lines: LineResultDto[];
  totalsByCategory: Record<CostCategory, string>;
  cashCost: string;
  economicCost: string;
  costPerUnit: Scenarios;
  cashCostPerUnit: Scenarios;
  perHectare?: { cashCost: string; economicCost: string };
  breakEvenPrice: string;
  price?: string;
  breakEvenYield?: string;
  marginAtPrice?: string;
  notes: SummaryNote[];
  rounding: RoundingRule;
}

interface Formatters {
  amount: (value: Dec) => string;
  perUnit: (value: Dec) => string;
  quantity: (value: Dec) => string;
  exact: (value: Dec) => string;
  rule: RoundingRule;
}

function formatters(currency: Currency, options: SerializeOptions): Formatters {
  const exact = (value: Dec): string => toDecimalString(value);
  if (options.exact) {
    return { amount: exact, perUnit: exact, quantity: exact, exact, rule: { mode: 'exact' } };
  }
  const amounts = amountScale(currency);
  const perUnit = perUnitScale(currency);
  return {
    amount: (value) => toDecimalString(value, amounts),
    perUnit: (value) => toDecimalString(value, perUnit),
    quantity: (value) => toDecimalString(value, DERIVED_QUANTITY_SCALE),
    exact,
    rule: { mode: 'half-even', amounts, perUnit, quantities: DERIVED_QUANTITY_SCALE },
  };
}

function scenarios(values: PerScenario, format: (value: Dec) => string): Scenarios {
  return {
    low: format(values.low),
    expected: format(values.expected),
    high: format(values.high),
  };
}

export function serializeCostSummary(
  summary: CostSummary,
  options: SerializeOptions = {},
): CostSummaryDto {
  const f = formatters(summary.currency, options);
  const dto: CostSummaryDto = {
    currency: summary.currency,
    areaHa: f.exact(summary.areaHa),
    yields: scenarios(summary.yields, f.exact),
    lines: summary.lines.map((line) => ({
      index: line.index,
      kind: line.kind,
      category: line.category,
      description: line.description,
      ...(line.unitPrice === undefined ? {} : { unitPrice: f.perUnit(line.unitPrice) }),
      ...(line.base === undefined ? {} : { base: f.amount(line.base) }),
      value: f.amount(line.value),
    })),
    totalsByCategory: Object.fromEntries(
      COST_CATEGORIES.map((category) => [category, f.amount(summary.totalsByCategory[category])]),
    ) as Record<CostCategory, string>,
    cashCost: f.amount(summary.cashCost),
    economicCost: f.amount(summary.economicCost),
    costPerUnit: scenarios(summary.costPerUnit, f.perUnit),
    cashCostPerUnit: scenarios(summary.cashCostPerUnit, f.perUnit),
    breakEvenPrice: f.perUnit(summary.breakEvenPrice),
    notes: summary.notes,
    rounding: f.rule,
  };
  if (summary.perHectare) {
    dto.perHectare = {
      cashCost: f.amount(summary.perHectare.cashCost),
      economicCost: f.amount(summary.perHectare.economicCost),
    };
  }
  if (summary.price !== undefined) dto.price = f.exact(summary.price);
  if (summary.breakEvenYield !== undefined) dto.breakEvenYield = f.quantity(summary.breakEvenYield);
  if (summary.marginAtPrice !== undefined) dto.marginAtPrice = f.amount(summary.marginAtPrice);
  return dto;
}

export interface SensitivityGridDto {
  currency: Currency;
  economicCost: string;
  prices: string[];
  yields: string[];
  /** margins[i][j] is the margin at prices[i] and yields[j]. */
  margins: string[][];
  rounding: RoundingRule;
}

export function serializeSensitivityGrid(
  grid: SensitivityGrid,
  options: SerializeOptions = {},
): SensitivityGridDto {
  const f = formatters(grid.currency, options);
  return {
    currency: grid.currency,
    economicCost: f.amount(grid.economicCost),
    prices: grid.prices.map(f.exact),
    yields: grid.yields.map(f.exact),
    margins: grid.margins.map((row) => row.map(f.amount)),
    rounding: f.rule,
  };
}

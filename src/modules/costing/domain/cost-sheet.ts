import type { Currency } from '../../../shared/money';

/**
 * Cost categories, in the order a ficha técnico-económica lists them. The order is also the
 * order of `totalsByCategory` and of the CSV export, so that every output reads the same way.
 */
export const COST_CATEGORIES = [
  'hired_labor',
  'family_labor',
  'machinery',
  'inputs',
  'water',
  'packaging',
  'transport',
  'services',
  'overhead',
  'land',
  'other',
  'depreciation',
  'interest',
] as const;
export type CostCategory = (typeof COST_CATEGORIES)[number];

/**
 * Depreciation and interest are computed from their own fields, never from quantity × price,
 * so the API's depreciation and interest shapes own these two categories outright: a priced
 * or percentage line cannot use them, and a percentage line cannot take them as its base.
 */
export const DERIVED_CATEGORIES = ['depreciation', 'interest'] as const;
export type DerivedCategory = (typeof DERIVED_CATEGORIES)[number];
export type PricedCategory = Exclude<CostCategory, DerivedCategory>;
export const PRICED_CATEGORIES = COST_CATEGORIES.filter(
  (category): category is PricedCategory =>
    !(DERIVED_CATEGORIES as readonly string[]).includes(category),
);

/** Money that leaves the farm in the season (API.md: "paid-out categories"). */
export const CASH_CATEGORIES: ReadonlySet<CostCategory> = new Set<CostCategory>([
  'inputs',
  'hired_labor',
  'machinery',
  'water',
  'packaging',
  'transport',
  'services',
  'overhead',
  'other',
]);

/**
 * What the family gives up without paying anyone: its own days, its land, the wear of its
 * assets and the return its working capital would earn elsewhere. Economic cost = cash + these.
 */
export const ECONOMIC_ONLY_CATEGORIES: ReadonlySet<CostCategory> = new Set<CostCategory>([
  'family_labor',
  'land',
  'depreciation',
  'interest',
]);

export const COST_CATEGORY_LABELS: Readonly<Record<CostCategory, { es: string; en: string }>> = {
  hired_labor: { es: 'Mano de obra contratada', en: 'Hired labour' },
  family_labor: { es: 'Mano de obra familiar', en: 'Family labour' },
  machinery: { es: 'Maquinaria y tracción animal', en: 'Machinery and animal traction' },
  inputs: { es: 'Insumos', en: 'Inputs' },
  water: { es: 'Agua de riego', en: 'Irrigation water' },
  packaging: { es: 'Envases y embalajes', en: 'Packaging' },
  transport: { es: 'Transporte y fletes', en: 'Transport and freight' },
  services: { es: 'Servicios', en: 'Services' },
  overhead: { es: 'Gastos generales y administración', en: 'Overhead and administration' },
  land: { es: 'Tierra', en: 'Land' },
  other: { es: 'Otros', en: 'Other' },
  depreciation: { es: 'Depreciación', en: 'Depreciation' },
  interest: { es: 'Interés sobre capital de operación', en: 'Interest on operating capital' },
};

export function isCostCategory(value: unknown): value is CostCategory {
  return typeof value === 'string' && (COST_CATEGORIES as readonly string[]).includes(value);
}

export function isPricedCategory(value: unknown): value is PricedCategory {
  return typeof value === 'string' && (PRICED_CATEGORIES as readonly string[]).includes(value);
}

/**
 * Yields of the whole sheet (its `areaHa`, or its herd or plant), in the product's base unit.
 * Lines are also for the whole sheet, so cost per unit is simply total / yield.
 */
export interface YieldScenarios {
  low: string;
  expected: string;
  high: string;
}
export const YIELD_SCENARIOS = ['low', 'expected', 'high'] as const;
export type YieldScenario = (typeof YIELD_SCENARIOS)[number];

interface LineBase {
  description: string;
}

/** quantity × unitPrice. `period` is the ficha's "Época" (e.g. "Agosto"), kept for the CSV. */
export interface PricedLine extends LineBase {
  kind: 'priced';
  category: PricedCategory;
  quantity: string;
  unit: string;
  unitPrice: string;
  period?: string;
}

/**
 * quantity × the expected economic cost per unit of another sheet (litres of goat milk in a
 * cheese sheet). The caller resolves the price through the cost chain.
 */
export interface SourcedLine extends LineBase {
  kind: 'sourced';
  category: PricedCategory;
  quantity: string;
  unit: string;
  sourceSheetId: string;
  period?: string;
}

/** Straight line: (assetValue − salvageValue) / lifeYears × share (the part of the asset this sheet uses). */
export interface DepreciationLine extends LineBase {
  kind: 'depreciation';
  category: 'depreciation';
  assetValue: string;
  salvageValue: string;
  lifeYears: string;
  share: string;
}

/** annualRate × months / 12 × the sheet's cash (operating) cost. Rates are fractions: "0.12" is 12 %. */
export interface InterestLine extends LineBase {
  kind: 'interest';
  category: 'interest';
  annualRate: string;
  months: string;
}

/**
 * rate × Σ priced (and sourced) lines of `baseCategories`, or of every priced line when absent:
 * how fichas charge contingencies (imprevistos) or administration. Never a base of another
 * derived line, so no ordering among derived lines can change a figure.
 */
export interface PercentageLine extends LineBase {
  kind: 'percentage';
  category: PricedCategory;
  rate: string;
  baseCategories?: PricedCategory[];
}

export type CostLine = PricedLine | SourcedLine | DepreciationLine | InterestLine | PercentageLine;
export type CostLineKind = CostLine['kind'];

/**
 * The calculation-relevant part of a cost sheet. Product, season, producer and ownership
 * belong to the application layer; nothing here depends on them. `areaHa` may be "0" for a
 * sheet that has no land of its own (a cheese plant): per-hectare figures are then omitted.
 */
export interface CostSheet {
  currency: Currency;
  areaHa: string;
  yields: YieldScenarios;
  lines: CostLine[];
}

import {
  DomainError,
  type FieldIssue,
  validationFailed,
} from '../../../shared/errors/domain-error';
import { type Currency, Dec, type DecimalInput, dec, sum } from '../../../shared/money';
import {
  CASH_CATEGORIES,
  COST_CATEGORIES,
  type CostCategory,
  type CostLine,
  type CostLineKind,
  type CostSheet,
  YIELD_SCENARIOS,
  type YieldScenario,
} from './cost-sheet';
import { type DecimalBound, decimalIssue } from './cost-sheet-validation';
import { CostingErrors } from './costing.errors';

/*
 * Every figure here is an exact `Dec`; nothing is rounded until serialisation
 * (cost-summary-serializer.ts). Sums and products of validated figures (at most 14 + 6 digits)
 * are exact. Divisions (by yield, by useful life, by 12 months) are carried to the 40
 * significant digits of `Dec`: a relative error below 10^-39, far under any minor unit.
 * To keep that error from compounding, each formula multiplies first and divides once.
 */

export type PerScenario = Record<YieldScenario, Dec>;

export interface LineResult {
  index: number;
  kind: CostLineKind;
  category: CostCategory;
  description: string;
  /** The price per unit used: the line's own, or the source sheet's cost per unit. */
  unitPrice?: Dec;
  /** What a percentage or interest line applies its rate to. */
  base?: Dec;
  value: Dec;
}

/** Why a figure the caller may expect is absent; a summary says so rather than dividing by zero. */
export interface SummaryNote {
  field: string;
  code: string;
  message: string;
}

export interface CostSummary {
  currency: Currency;
  areaHa: Dec;
  yields: PerScenario;
  lines: LineResult[];
  /** Every category, zero when the sheet has no line of it, so clients can rely on the keys. */
  totalsByCategory: Record<CostCategory, Dec>;
  cashCost: Dec;
  economicCost: Dec;
  /** Economic cost per unit: the figure a floor price must cover. */
  costPerUnit: PerScenario;
  cashCostPerUnit: PerScenario;
  /** Absent when the sheet has no area (a cheese plant). */
  perHectare?: { cashCost: Dec; economicCost: Dec };
  /** Economic cost / expected yield. */
  breakEvenPrice: Dec;
  price?: Dec;
  /** Economic cost / price: the yield at which the price covers the cost. Absent at price 0. */
  breakEvenYield?: Dec;
  /** price × expected yield − economic cost. */
  marginAtPrice?: Dec;
  notes: SummaryNote[];
}

export interface SummarizeOptions {
  /** Price per base unit to evaluate margin and break-even yield at (a query parameter). */
  price?: DecimalInput;
  /** Unit price of each source sheet, by id: its expected economic cost per unit (cost-chain.ts). */
  resolvedUnitPrices?: ReadonlyMap<string, DecimalInput>;
}

interface CostBreakdown {
  lines: LineResult[];
  totalsByCategory: Record<CostCategory, Dec>;
  cashCost: Dec;
  economicCost: Dec;
}

function zeroTotals(): Record<CostCategory, Dec> {
  return Object.fromEntries(COST_CATEGORIES.map((category) => [category, new Dec(0)])) as Record<
    CostCategory,
    Dec
  >;
}

/**
 * Line values in three passes, because the derived lines depend on the others and never on
 * each other: priced, sourced and depreciation lines first; percentage lines on priced
 * lines; interest on the cash cost, which includes the cash percentage lines.
 */
function breakDown(sheet: CostSheet, resolved: ReadonlyMap<string, DecimalInput>): CostBreakdown {
  const results: (LineResult | undefined)[] = sheet.lines.map(() => undefined);
  const result = (index: number, line: CostLine, value: Dec, extra: Partial<LineResult> = {}) => {
    results[index] = {
      index,
      kind: line.kind,
      category: line.category,
      description: line.description,
      ...extra,
      value,
    };
  };

  sheet.lines.forEach((line, index) => {
    switch (line.kind) {
      case 'priced': {
        const unitPrice = dec(line.unitPrice);
        result(index, line, dec(line.quantity).times(unitPrice), { unitPrice });
        break;
      }
      case 'sourced': {
        const price = resolved.get(line.sourceSheetId);
        if (price === undefined) {
          throw new DomainError(
            CostingErrors.COST_SHEET_SOURCE_UNRESOLVED,
            `line ${index} takes its price from sheet ${line.sourceSheetId}, whose cost was not supplied`,
            { field: `lines.${index}.sourceSheetId`, sourceSheetId: line.sourceSheetId },
          );
        }
        const unitPrice = dec(price);
        result(index, line, dec(line.quantity).times(unitPrice), { unitPrice });
        break;
      }
      case 'depreciation': {
        const depreciable = dec(line.assetValue).minus(dec(line.salvageValue));
        result(index, line, depreciable.times(dec(line.share)).dividedBy(dec(line.lifeYears)));
        break;
      }
      case 'percentage':
      case 'interest':
        break;
    }
  });

  const pricedValues = (categories?: readonly CostCategory[]): Dec =>
    sum(
      results
        .filter((entry): entry is LineResult => entry !== undefined)
        .filter((entry) => entry.kind === 'priced' || entry.kind === 'sourced')
        .filter((entry) => categories === undefined || categories.includes(entry.category))
        .map((entry) => entry.value),
    );

  sheet.lines.forEach((line, index) => {
    if (line.kind !== 'percentage') return;
    const base = pricedValues(line.baseCategories);
    result(index, line, dec(line.rate).times(base), { base });
  });

  const cashCost = sum(
    results
      .filter((entry): entry is LineResult => entry !== undefined)
      .filter((entry) => CASH_CATEGORIES.has(entry.category))
      .map((entry) => entry.value),
  );

  sheet.lines.forEach((line, index) => {
    if (line.kind !== 'interest') return;
    const value = dec(line.annualRate).times(dec(line.months)).times(cashCost).dividedBy(12);
    result(index, line, value, { base: cashCost });
  });

  const lines = results as LineResult[];
  const totalsByCategory = zeroTotals();
  for (const line of lines) {
    totalsByCategory[line.category] = totalsByCategory[line.category].plus(line.value);
  }
  return {
    lines,
    totalsByCategory,
    cashCost,
    economicCost: sum(lines.map((line) => line.value)),
  };
}

function checkedFigure(value: DecimalInput, field: string, bound: DecimalBound): Dec | FieldIssue {
  if (value instanceof Dec) {
    const invalid = !value.isFinite() || (bound === 'positive' ? value.lte(0) : value.lt(0));
    if (!invalid) return value;
    return bound === 'positive'
      ? { field, code: 'MUST_BE_POSITIVE', message: 'must be greater than zero' }
      : { field, code: 'MUST_NOT_BE_NEGATIVE', message: 'must be zero or more' };
  }
  const issue = decimalIssue(value, bound);
  return issue ? { field, ...issue } : dec(value);
}

/**
 * Validation refuses non-positive yields; this guard repeats it for sheets built in code,
 * because a division by zero yield must never produce a figure (break-even at zero yield is
 * undefined, and the refusal says so).
 */
function yieldsOf(sheet: CostSheet): PerScenario {
  const issues: FieldIssue[] = [];
  const yields = {} as PerScenario;
  for (const scenario of YIELD_SCENARIOS) {
    const value = dec(sheet.yields[scenario]);
    if (value.lte(0)) {
      issues.push({
        field: `yields.${scenario}`,
        code: 'MUST_BE_POSITIVE',
        message:
          'must be greater than zero: cost per unit and break-even at zero yield are undefined',
      });
    }
    yields[scenario] = value;
  }
  sheet.lines.forEach((line, index) => {
    if (line.kind === 'depreciation' && dec(line.lifeYears).lte(0)) {
      issues.push({
        field: `lines.${index}.lifeYears`,
        code: 'MUST_BE_POSITIVE',
        message: 'must be greater than zero',
      });
    }
  });
  if (issues.length > 0) throw validationFailed(issues);
  return yields;
}

function perScenario(total: Dec, yields: PerScenario): PerScenario {
  return {
    low: total.dividedBy(yields.low),
    expected: total.dividedBy(yields.expected),
    high: total.dividedBy(yields.high),
  };
}

/**
 * The figures of a cost sheet, exact. The sheet should come from `validateCostSheet`; lines
 * with a `sourceSheetId` need that sheet's unit price in `resolvedUnitPrices`
 * (COST_SHEET_SOURCE_UNRESOLVED otherwise).
 */
export function summarizeCostSheet(sheet: CostSheet, options: SummarizeOptions = {}): CostSummary {
  let price: Dec | undefined;
  if (options.price !== undefined) {
    const checked = checkedFigure(options.price, 'price', 'nonNegative');
    if (!(checked instanceof Dec)) throw validationFailed([checked]);
    price = checked;
  }
  const yields = yieldsOf(sheet);
  const breakdown = breakDown(sheet, options.resolvedUnitPrices ?? new Map());
  const { economicCost, cashCost } = breakdown;
  const areaHa = dec(sheet.areaHa);
  const costPerUnit = perScenario(economicCost, yields);

  const summary: CostSummary = {
    currency: sheet.currency,
    areaHa,
    yields,
    ...breakdown,
    costPerUnit,
    cashCostPerUnit: perScenario(cashCost, yields),
    breakEvenPrice: costPerUnit.expected,
    notes: [],
  };
  if (areaHa.gt(0)) {
    summary.perHectare = {
      cashCost: cashCost.dividedBy(areaHa),
      economicCost: economicCost.dividedBy(areaHa),
    };
  }
  if (price !== undefined) {
    summary.price = price;
    summary.marginAtPrice = price.times(yields.expected).minus(economicCost);
    if (price.isZero()) {
      summary.notes.push({
        field: 'breakEvenYield',
        code: 'PRICE_IS_ZERO',
        message: 'at a price of zero no yield covers the cost: break-even yield is undefined',
      });
    } else {
      summary.breakEvenYield = economicCost.dividedBy(price);
    }
  }
  return summary;
}

/** Beyond this a grid is no longer read by a person, and its size would be the client's to pick. */
export const MAX_SENSITIVITY_PRICES = 50;
export const MAX_SENSITIVITY_YIELDS = 50;

export interface SensitivityGrid {
  currency: Currency;
  economicCost: Dec;
  prices: Dec[];
  yields: Dec[];
  /** margins[i][j] = prices[i] × yields[j] − economic cost. */
  margins: Dec[][];
}

/**
 * Margin at every (price, yield) pair. Yields may be zero here (a lost harvest is a fair
 * scenario to show: the margin is minus the cost); nothing is divided.
 */
export function sensitivityGrid(
  sheet: CostSheet,
  prices: readonly DecimalInput[],
  yields: readonly DecimalInput[],
  options: Pick<SummarizeOptions, 'resolvedUnitPrices'> = {},
): SensitivityGrid {
  // Size first, so that an oversized request costs nothing to refuse.
  if (prices.length > MAX_SENSITIVITY_PRICES || yields.length > MAX_SENSITIVITY_YIELDS) {
    const axes: [string, number, number][] = [
      ['prices', prices.length, MAX_SENSITIVITY_PRICES],
      ['yields', yields.length, MAX_SENSITIVITY_YIELDS],
    ];
    throw new DomainError(
      CostingErrors.SENSITIVITY_GRID_TOO_LARGE,
      `a sensitivity grid takes at most ${MAX_SENSITIVITY_PRICES} prices × ${MAX_SENSITIVITY_YIELDS} yields; got ${prices.length} × ${yields.length}`,
      {
        maxPrices: MAX_SENSITIVITY_PRICES,
        maxYields: MAX_SENSITIVITY_YIELDS,
        prices: prices.length,
        yields: yields.length,
      },
      axes
        .filter(([, count, max]) => count > max)
        .map(([field, count, max]) => ({
          field,
          code: 'TOO_MANY',
          message: `must list at most ${max} values; got ${count}`,
        })),
    );
  }
  const issues: FieldIssue[] = [];
  const parse = (values: readonly DecimalInput[], field: string): Dec[] => {
    if (values.length === 0) {
      issues.push({ field, code: 'EMPTY', message: 'must list at least one value' });
    }
    const parsed: Dec[] = [];
    values.forEach((value, index) => {
      const checked = checkedFigure(value, `${field}.${index}`, 'nonNegative');
      if (checked instanceof Dec) parsed.push(checked);
      else issues.push(checked);
    });
    return parsed;
  };
  const gridPrices = parse(prices, 'prices');
  const gridYields = parse(yields, 'yields');
  if (issues.length > 0) throw validationFailed(issues);

  const { economicCost } = breakDown(sheet, options.resolvedUnitPrices ?? new Map());
  return {
    currency: sheet.currency,
    economicCost,
    prices: gridPrices,
    yields: gridYields,
    margins: gridPrices.map((price) =>
      gridYields.map((quantity) => price.times(quantity).minus(economicCost)),
    ),
  };
}

import { type FieldIssue, validationFailed } from '../../../shared/errors/domain-error';
import {
  CURRENCIES,
  dec,
  isCurrency,
  isDecimalString,
  scaleOf,
  toDecimalString,
} from '../../../shared/money';
import {
  type CostCategory,
  type CostLine,
  type CostLineKind,
  type CostSheet,
  DERIVED_CATEGORIES,
  type PricedCategory,
  YIELD_SCENARIOS,
  type YieldScenarios,
  isCostCategory,
  isPricedCategory,
} from './cost-sheet';

/**
 * What the database holds exactly (numeric(20,6), as for offers): a finer figure would be
 * rounded silently on save, and a sheet must read back exactly as it was written. The same
 * bounds keep every product of two figures within the 40 significant digits of `Dec`.
 */
export const MAX_DECIMAL_SCALE = 6;
export const MAX_INTEGER_DIGITS = 14;

/** Bounds the work of one summary (and of a chain of them) whatever a client sends. */
export const MAX_LINES = 500;
export const MAX_DESCRIPTION_LENGTH = 200;
export const MAX_UNIT_LENGTH = 40;
export const MAX_PERIOD_LENGTH = 60;
export const MAX_SOURCE_SHEET_ID_LENGTH = 100;

/**
 * - `nonNegative`: quantities, prices, values, months.
 * - `positive`: yields and useful life, which the calculator divides by.
 * - `fraction`: rates, 0 to 1. "12" for 12 % is the likely mistake, and 1200 % interest would
 *   otherwise pass unnoticed into every break-even price.
 * - `share`: the part of an asset a sheet carries; 0 would be a line with no purpose.
 */
export type DecimalBound = 'nonNegative' | 'positive' | 'fraction' | 'share';

/** The one check of a figure in this module, shared with the calculator's query inputs. */
export function decimalIssue(
  value: unknown,
  bound: DecimalBound,
): Omit<FieldIssue, 'field'> | undefined {
  if (!isDecimalString(value)) {
    return { code: 'NOT_DECIMAL', message: 'must be a decimal string such as "1250.5"' };
  }
  if (scaleOf(value) > MAX_DECIMAL_SCALE) {
    return {
      code: 'TOO_MANY_DECIMALS',
      message: `must have at most ${MAX_DECIMAL_SCALE} decimals`,
    };
  }
  const parsed = dec(value);
  if (toDecimalString(parsed.abs().truncated()).length > MAX_INTEGER_DIGITS) {
    return {
      code: 'TOO_LARGE',
      message: `must have at most ${MAX_INTEGER_DIGITS} digits before the point`,
    };
  }
  switch (bound) {
    case 'nonNegative':
      return parsed.lessThan(0)
        ? { code: 'MUST_NOT_BE_NEGATIVE', message: 'must be zero or more' }
        : undefined;
    case 'positive':
      return parsed.lessThanOrEqualTo(0)
        ? { code: 'MUST_BE_POSITIVE', message: 'must be greater than zero' }
        : undefined;
    case 'fraction':
      if (parsed.lessThan(0))
        return { code: 'MUST_NOT_BE_NEGATIVE', message: 'must be zero or more' };
      return parsed.greaterThan(1)
        ? { code: 'OUT_OF_RANGE', message: 'must be a fraction from 0 to 1 ("0.12" is 12 %)' }
        : undefined;
    case 'share':
      return parsed.lessThanOrEqualTo(0) || parsed.greaterThan(1)
        ? {
            code: 'OUT_OF_RANGE',
            message: 'must be more than 0 and at most 1 (the part of the asset this sheet uses)',
          }
        : undefined;
  }
}

type RawObject = Record<string, unknown>;

function isRawObject(value: unknown): value is RawObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON clients often send every field with null for "not this one"; null means absent. */
function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function fieldPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

class IssueCollector {
  readonly issues: FieldIssue[] = [];

  add(field: string, code: string, message: string): void {
    this.issues.push({ field, code, message });
  }

  decimal(object: RawObject, key: string, path: string, bound: DecimalBound): string | undefined {
    const value = object[key];
    const field = fieldPath(path, key);
    if (!isPresent(value)) {
      this.add(field, 'REQUIRED', 'is required');
      return undefined;
    }
    const issue = decimalIssue(value, bound);
    if (issue) {
      this.issues.push({ field, ...issue });
      return undefined;
    }
    return value as string;
  }

  text(
    object: RawObject,
    key: string,
    path: string,
    maxLength: number,
    required: boolean,
  ): string | undefined {
    const value = object[key];
    const field = fieldPath(path, key);
    if (!isPresent(value)) {
      if (required) this.add(field, 'REQUIRED', 'is required');
      return undefined;
    }
    if (typeof value !== 'string') {
      this.add(field, 'NOT_STRING', 'must be a string');
      return undefined;
    }
    const trimmed = value.trim();
    if (trimmed === '') {
      if (required) this.add(field, 'EMPTY', 'must not be empty');
      return undefined;
    }
    if (trimmed.length > maxLength) {
      this.add(field, 'TOO_LONG', `must have at most ${maxLength} characters`);
      return undefined;
    }
    return trimmed;
  }
}

type LineFamily = 'priced' | 'depreciation' | 'interest' | 'percentage';

/** The fields that make a line one kind or another; any of them on another kind is a mistake. */
const FAMILY_FIELDS: Record<LineFamily, readonly string[]> = {
  priced: ['quantity', 'unit', 'unitPrice', 'sourceSheetId', 'period'],
  depreciation: ['assetValue', 'salvageValue', 'lifeYears', 'share'],
  interest: ['annualRate', 'months'],
  percentage: ['rate', 'baseCategories'],
};
const FAMILIES = Object.keys(FAMILY_FIELDS) as LineFamily[];

/** Every field a line may carry; `kind` is what a stored line read back has. */
const LINE_FIELDS: ReadonlySet<string> = new Set([
  'kind',
  'category',
  'description',
  ...FAMILIES.flatMap((family) => FAMILY_FIELDS[family]),
]);

/**
 * The kinds whose category is a priced one. Depreciation and interest are told by their
 * category alone (above), so a `kind` never turns an `inputs` line into depreciation.
 */
const FAMILY_OF_KIND: Readonly<Partial<Record<CostLineKind, LineFamily>>> = {
  priced: 'priced',
  sourced: 'priced',
  percentage: 'percentage',
};

function familyOfKind(kind: unknown): LineFamily | undefined {
  if (kind === 'priced' || kind === 'sourced') return 'priced';
  if (kind === 'depreciation' || kind === 'interest' || kind === 'percentage') return kind;
  return undefined;
}

/**
 * The API has no `kind` field: the category decides for depreciation and interest, and the
 * fields decide otherwise. A line with an unknown category is still checked against the
 * shape its fields suggest, so that one request reports every problem it has.
 *
 * A line that says its `kind` (a sheet read back, with the figures still to fill as nulls)
 * is checked as that kind, so that an unfilled percentage line asks for its `rate` rather
 * than for the quantity and price of a priced line.
 */
function inferFamily(line: RawObject): LineFamily {
  if (line.category === 'depreciation') return 'depreciation';
  if (line.category === 'interest') return 'interest';
  const declared =
    typeof line.kind === 'string' && Object.hasOwn(FAMILY_OF_KIND, line.kind)
      ? FAMILY_OF_KIND[line.kind as CostLineKind]
      : undefined;
  if (declared) return declared;
  const has = (family: LineFamily): boolean =>
    FAMILY_FIELDS[family].some((key) => isPresent(line[key]));
  if (has('percentage')) return 'percentage';
  if (!isPricedCategory(line.category)) {
    if (has('depreciation')) return 'depreciation';
    if (has('interest')) return 'interest';
  }
  return 'priced';
}

function validateLine(raw: unknown, path: string, issues: IssueCollector): CostLine | undefined {
  if (!isRawObject(raw)) {
    issues.add(path, 'NOT_AN_OBJECT', 'must be an object');
    return undefined;
  }
  const before = issues.issues.length;
  // A misspelt optional field (`baseCategory`) would otherwise be ignored and silently
  // change a figure: a percentage of every priced line instead of the ones meant.
  for (const key of Object.keys(raw)) {
    if (!LINE_FIELDS.has(key))
      issues.add(`${path}.${key}`, 'UNKNOWN_FIELD', 'is not a field of a cost line');
  }
  const category = raw.category;
  if (!isPresent(category)) {
    issues.add(`${path}.category`, 'REQUIRED', 'is required');
  } else if (!isCostCategory(category)) {
    issues.add(`${path}.category`, 'UNKNOWN_CATEGORY', 'is not a cost category');
  }
  const description = issues.text(raw, 'description', path, MAX_DESCRIPTION_LENGTH, true);

  const family = inferFamily(raw);
  for (const other of FAMILIES) {
    if (other === family) continue;
    for (const key of FAMILY_FIELDS[other]) {
      if (isPresent(raw[key])) {
        issues.add(`${path}.${key}`, 'NOT_ALLOWED', `a ${family} line has no ${key}`);
      }
    }
  }

  let line: CostLine | undefined;
  switch (family) {
    case 'priced':
      line = pricedLine(raw, path, issues, category as PricedCategory, description);
      break;
    case 'depreciation':
      line = depreciationLine(raw, path, issues, description);
      break;
    case 'interest':
      line = interestLine(raw, path, issues, description);
      break;
    case 'percentage':
      line = percentageLine(raw, path, issues, category as PricedCategory, description);
      break;
  }

  // A stored line read back carries its `kind`; one that contradicts its fields is refused
  // rather than trusted, since the fields are what the calculator uses. Priced and sourced
  // are one shape with two ways to price it: a line read back as priced and sent with a
  // sourceSheetId instead of its unitPrice (the milk line of a cheese template) is sourced.
  if (line && isPresent(raw.kind) && familyOfKind(raw.kind) !== familyOfKind(line.kind)) {
    issues.add(
      `${path}.kind`,
      'KIND_MISMATCH',
      `the fields of this line make it a ${line.kind} line`,
    );
  }
  return issues.issues.length === before ? line : undefined;
}

function pricedLine(
  raw: RawObject,
  path: string,
  issues: IssueCollector,
  category: PricedCategory,
  description: string | undefined,
): CostLine | undefined {
  const quantity = issues.decimal(raw, 'quantity', path, 'nonNegative');
  const unit = issues.text(raw, 'unit', path, MAX_UNIT_LENGTH, true);
  const period = issues.text(raw, 'period', path, MAX_PERIOD_LENGTH, false);
  const hasPrice = isPresent(raw.unitPrice);
  const hasSource = isPresent(raw.sourceSheetId);
  if (hasPrice && hasSource) {
    issues.add(
      `${path}.sourceSheetId`,
      'AMBIGUOUS_PRICE_SOURCE',
      'give unitPrice or sourceSheetId, not both',
    );
    return undefined;
  }
  if (!hasPrice && !hasSource) {
    issues.add(`${path}.unitPrice`, 'REQUIRED', 'unitPrice (or sourceSheetId) is required');
    return undefined;
  }
  const common = {
    category,
    description: description as string,
    quantity: quantity as string,
    unit: unit as string,
    ...(period === undefined ? {} : { period }),
  };
  if (hasPrice) {
    const unitPrice = issues.decimal(raw, 'unitPrice', path, 'nonNegative');
    return { kind: 'priced', ...common, unitPrice: unitPrice as string };
  }
  const sourceSheetId = issues.text(raw, 'sourceSheetId', path, MAX_SOURCE_SHEET_ID_LENGTH, true);
  return { kind: 'sourced', ...common, sourceSheetId: sourceSheetId as string };
}

function depreciationLine(
  raw: RawObject,
  path: string,
  issues: IssueCollector,
  description: string | undefined,
): CostLine {
  const assetValue = issues.decimal(raw, 'assetValue', path, 'nonNegative');
  const salvageValue = issues.decimal(raw, 'salvageValue', path, 'nonNegative');
  const lifeYears = issues.decimal(raw, 'lifeYears', path, 'positive');
  const share = issues.decimal(raw, 'share', path, 'share');
  if (assetValue && salvageValue && dec(salvageValue).greaterThan(dec(assetValue))) {
    issues.add(
      `${path}.salvageValue`,
      'SALVAGE_ABOVE_ASSET_VALUE',
      'must not be greater than assetValue',
    );
  }
  return {
    kind: 'depreciation',
    category: 'depreciation',
    description: description as string,
    assetValue: assetValue as string,
    salvageValue: salvageValue as string,
    lifeYears: lifeYears as string,
    share: share as string,
  };
}

function interestLine(
  raw: RawObject,
  path: string,
  issues: IssueCollector,
  description: string | undefined,
): CostLine {
  const annualRate = issues.decimal(raw, 'annualRate', path, 'fraction');
  const months = issues.decimal(raw, 'months', path, 'nonNegative');
  return {
    kind: 'interest',
    category: 'interest',
    description: description as string,
    annualRate: annualRate as string,
    months: months as string,
  };
}

function percentageLine(
  raw: RawObject,
  path: string,
  issues: IssueCollector,
  category: PricedCategory,
  description: string | undefined,
): CostLine {
  const rate = issues.decimal(raw, 'rate', path, 'fraction');
  const baseCategories = validateBaseCategories(
    raw.baseCategories,
    `${path}.baseCategories`,
    issues,
  );
  return {
    kind: 'percentage',
    category,
    description: description as string,
    rate: rate as string,
    ...(baseCategories === undefined ? {} : { baseCategories }),
  };
}

function validateBaseCategories(
  raw: unknown,
  path: string,
  issues: IssueCollector,
): PricedCategory[] | undefined {
  if (!isPresent(raw)) return undefined;
  if (!Array.isArray(raw)) {
    issues.add(path, 'NOT_AN_ARRAY', 'must be a list of categories');
    return undefined;
  }
  if (raw.length === 0) {
    // An empty base would silently make the line zero; "all priced lines" is said by omission.
    issues.add(
      path,
      'EMPTY',
      'must name at least one category, or be left out for all priced lines',
    );
    return undefined;
  }
  const categories: PricedCategory[] = [];
  raw.forEach((entry: unknown, index) => {
    if (!isCostCategory(entry)) {
      issues.add(`${path}.${index}`, 'UNKNOWN_CATEGORY', 'is not a cost category');
    } else if ((DERIVED_CATEGORIES as readonly CostCategory[]).includes(entry)) {
      issues.add(
        `${path}.${index}`,
        'DERIVED_BASE_CATEGORY',
        'a percentage applies to priced lines only, never to depreciation or interest',
      );
    } else if (!categories.includes(entry as PricedCategory)) {
      categories.push(entry as PricedCategory);
    }
  });
  return categories;
}

function validateYields(raw: unknown, issues: IssueCollector): YieldScenarios | undefined {
  if (!isPresent(raw)) {
    issues.add('yields', 'REQUIRED', 'is required');
    return undefined;
  }
  if (!isRawObject(raw)) {
    issues.add('yields', 'NOT_AN_OBJECT', 'must be an object with low, expected and high');
    return undefined;
  }
  for (const key of Object.keys(raw)) {
    if (!(YIELD_SCENARIOS as readonly string[]).includes(key)) {
      issues.add(`yields.${key}`, 'UNKNOWN_FIELD', 'yields are low, expected and high');
    }
  }
  const values = YIELD_SCENARIOS.map((scenario) =>
    issues.decimal(raw, scenario, 'yields', 'positive'),
  );
  const [low, expected, high] = values;
  if (low === undefined || expected === undefined || high === undefined) return undefined;
  if (dec(low).greaterThan(dec(expected))) {
    issues.add('yields.low', 'YIELDS_OUT_OF_ORDER', 'must not be greater than the expected yield');
  }
  if (dec(high).lessThan(dec(expected))) {
    issues.add('yields.high', 'YIELDS_OUT_OF_ORDER', 'must not be less than the expected yield');
  }
  return { low, expected, high };
}

/**
 * Checks a cost sheet as it arrives from JSON (or from storage) and returns it typed, or
 * throws VALIDATION_FAILED listing every issue with a dotted path (`lines.2.unitPrice`), so
 * that a treasurer fixes the whole sheet in one round. Figures stay the strings they were
 * sent as; text is trimmed.
 */
export function validateCostSheet(raw: unknown): CostSheet {
  const issues = new IssueCollector();
  if (!isRawObject(raw)) {
    throw validationFailed([
      { field: 'body', code: 'NOT_AN_OBJECT', message: 'must be an object' },
    ]);
  }

  const currency = raw.currency;
  if (!isPresent(currency)) {
    issues.add('currency', 'REQUIRED', 'is required');
  } else if (!isCurrency(currency)) {
    issues.add('currency', 'UNKNOWN_CURRENCY', `must be one of ${CURRENCIES.join(', ')}`);
  }
  const areaHa = issues.decimal(raw, 'areaHa', '', 'nonNegative');
  const yields = validateYields(raw.yields, issues);

  const lines: CostLine[] = [];
  if (!isPresent(raw.lines)) {
    issues.add('lines', 'REQUIRED', 'is required (it may be empty)');
  } else if (!Array.isArray(raw.lines)) {
    issues.add('lines', 'NOT_AN_ARRAY', 'must be a list of lines');
  } else if (raw.lines.length > MAX_LINES) {
    issues.add('lines', 'TOO_MANY', `must have at most ${MAX_LINES} lines`);
  } else {
    raw.lines.forEach((entry: unknown, index) => {
      const line = validateLine(entry, `lines.${index}`, issues);
      if (line) lines.push(line);
    });
  }

  if (issues.issues.length > 0 || !isCurrency(currency) || !areaHa || !yields) {
    throw validationFailed(issues.issues);
  }
  return { currency, areaHa, yields, lines };
}

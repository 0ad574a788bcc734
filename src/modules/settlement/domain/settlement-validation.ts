import { DomainError, type FieldIssue } from '../../../shared/errors/domain-error';
import {
  CURRENCY_SCALE,
  type Currency,
  Dec,
  dec,
  isDecimalString,
  toDecimalString,
} from '../../../shared/money';
import { SettlementErrors } from './settlement.errors';

/**
 * What a numeric(20,6) column holds exactly: quantities, prices, factors and rates are refused
 * beyond it rather than rounded on the way to the database, where no one would see it.
 */
export const MAX_DECIMAL_SCALE = 6;
export const MAX_INTEGER_DIGITS = 14;

export type Sign = 'nonNegative' | 'positive';

/** A quantity, price, factor or rate: a decimal string within numeric(20,6). */
export function readDecimal(
  value: unknown,
  field: string,
  issues: FieldIssue[],
  sign: Sign,
  maxScale: number = MAX_DECIMAL_SCALE,
): Dec | null {
  if (!isDecimalString(value)) {
    issues.push({
      field,
      code: 'NOT_DECIMAL',
      message: 'must be a decimal string such as "1250.5"',
    });
    return null;
  }
  const parsed = dec(value);
  if (sign === 'positive' && (parsed.isZero() || parsed.isNegative())) {
    issues.push({ field, code: 'MUST_BE_POSITIVE', message: 'must be greater than zero' });
    return null;
  }
  if (parsed.isNegative()) {
    issues.push({ field, code: 'MUST_NOT_BE_NEGATIVE', message: 'must be zero or more' });
    return null;
  }
  if (parsed.decimalPlaces() > maxScale) {
    issues.push({
      field,
      code: 'TOO_MANY_DECIMALS',
      message: `must have at most ${maxScale} decimals`,
    });
    return null;
  }
  if (toDecimalString(parsed.truncated()).length > MAX_INTEGER_DIGITS) {
    issues.push({
      field,
      code: 'TOO_LARGE',
      message: `must have at most ${MAX_INTEGER_DIGITS} digits before the point`,
    });
    return null;
  }
  return parsed;
}

/**
 * An amount of money must already be in whole minor units: a peso amount with cents is
 * refused, not rounded, because the treasurer typed a figure that no payment can carry.
 */
export function readMoney(
  value: unknown,
  field: string,
  issues: FieldIssue[],
  currency: Currency,
  sign: Sign,
): Dec | null {
  return readDecimal(value, field, issues, sign, CURRENCY_SCALE[currency]);
}

/** A fraction of a whole ("0.03" is 3 %): more than the whole is a typo, not a policy. */
export function readRate(value: unknown, field: string, issues: FieldIssue[]): Dec | null {
  const rate = readDecimal(value, field, issues, 'nonNegative');
  if (rate && rate.greaterThan(1)) {
    issues.push({ field, code: 'RATE_ABOVE_ONE', message: 'must be a fraction between 0 and 1' });
    return null;
  }
  return rate;
}

export function readId(value: unknown, field: string, issues: FieldIssue[]): string | null {
  if (typeof value !== 'string' || value.trim() === '') {
    issues.push({ field, code: 'REQUIRED', message: 'must be a non-empty identifier' });
    return null;
  }
  return value;
}

/** A grade may be absent (ungraded produce); when given it must name something. */
export function readGrade(value: unknown, field: string, issues: FieldIssue[]): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '') {
    issues.push({ field, code: 'NOT_GRADE', message: 'must be a grade code or null' });
    return null;
  }
  return value;
}

/**
 * Dec carries 40 significant digits and rounds silently beyond them; the split compares exact
 * remainders, so a product that would not fit must fail loudly instead of being rounded.
 * Inputs within numeric(20,6) never come near the limit.
 */
export function multiplyExactly(a: Dec, b: Dec): Dec {
  if (a.sd() + b.sd() > Dec.precision) {
    throw new DomainError(
      SettlementErrors.FIGURE_TOO_LARGE,
      `${toDecimalString(a)} × ${toDecimalString(b)} has more digits than can be computed exactly`,
    );
  }
  return a.times(b);
}

/**
 * Whether a value from a request is a list. A plain boolean on purpose: `Array.isArray` would
 * narrow a typed list to `any[]` and lose the element type for the rest of the function.
 */
export function isList(value: unknown): boolean {
  return Array.isArray(value);
}

import { type FieldIssue, validationFailed } from '../../../shared/errors/domain-error';
import { Dec, dec, isDecimalString, scaleOf, toDecimalString } from '../../../shared/money';

/** What the database can hold exactly (numeric(20,6)); anything finer would be rounded silently. */
export const MAX_DECIMAL_SCALE = 6;
export const MAX_INTEGER_DIGITS = 14;

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export interface OfferTermsInput {
  price: string;
  quantity: string;
  /** Absent means the offer is all or nothing: a buyer who would take part of it says so. */
  minQuantity?: string | null;
  paymentTermsDays: number;
  expiresAt: Date | string;
}

export interface OfferTerms {
  price: string;
  quantity: string;
  minQuantity: string;
  paymentTermsDays: number;
  expiresAt: Date;
}

/**
 * Checks the terms of an offer, counter or bid on their own (the lot's quantities are
 * checked by the pooling rules), collecting every issue so that the caller fixes its
 * request in one round. Throws VALIDATION_FAILED naming each field.
 */
export function validateOfferTerms(input: OfferTermsInput, now: Date): OfferTerms {
  const issues: FieldIssue[] = [];
  const price = positiveDecimal(input.price, 'price', issues);
  const quantity = positiveDecimal(input.quantity, 'quantity', issues);
  const minQuantity =
    input.minQuantity === undefined || input.minQuantity === null
      ? quantity
      : positiveDecimal(input.minQuantity, 'minQuantity', issues);
  if (quantity && minQuantity && minQuantity.greaterThan(quantity)) {
    issues.push({
      field: 'minQuantity',
      code: 'ABOVE_QUANTITY',
      message: 'must not be greater than quantity',
    });
  }
  const days = input.paymentTermsDays as unknown;
  if (typeof days !== 'number' || !Number.isSafeInteger(days)) {
    issues.push({
      field: 'paymentTermsDays',
      code: 'NOT_INTEGER',
      message: 'must be a whole number of days',
    });
  } else if (days < 0) {
    issues.push({
      field: 'paymentTermsDays',
      code: 'MUST_NOT_BE_NEGATIVE',
      message: 'must be zero or more',
    });
  }
  const expiresAt = parseInstant(input.expiresAt, 'expiresAt', issues);
  if (expiresAt && expiresAt.getTime() <= now.getTime()) {
    issues.push({ field: 'expiresAt', code: 'NOT_IN_FUTURE', message: 'must be in the future' });
  }
  if (issues.length > 0 || !price || !quantity || !minQuantity || !expiresAt) {
    throw validationFailed(issues);
  }
  return {
    price: toDecimalString(price),
    quantity: toDecimalString(quantity),
    minQuantity: toDecimalString(minQuantity),
    paymentTermsDays: days as number,
    expiresAt,
  };
}

export interface CounterTermsInput {
  price: string;
  quantity: string;
  expiresAt: Date | string;
  minQuantity?: string | null;
  paymentTermsDays?: number | null;
}

/**
 * A counter names price, quantity and expiry; what it leaves out is carried from the offer it
 * answers. A carried minimum is capped at the counter's quantity, since a counter for less
 * than the buyer's minimum is still a proposal the buyer may take.
 */
export function validateCounterTerms(
  input: CounterTermsInput,
  previous: Pick<OfferTerms, 'minQuantity' | 'paymentTermsDays'>,
  now: Date,
): OfferTerms {
  let minQuantity = input.minQuantity ?? null;
  if (minQuantity === null && isDecimalString(input.quantity)) {
    minQuantity = toDecimalString(Dec.min(dec(previous.minQuantity), dec(input.quantity)));
  }
  return validateOfferTerms(
    {
      price: input.price,
      quantity: input.quantity,
      minQuantity,
      paymentTermsDays: input.paymentTermsDays ?? previous.paymentTermsDays,
      expiresAt: input.expiresAt,
    },
    now,
  );
}

function positiveDecimal(value: unknown, field: string, issues: FieldIssue[]): Dec | null {
  if (!isDecimalString(value)) {
    issues.push({
      field,
      code: 'NOT_DECIMAL',
      message: 'must be a decimal string such as "1250.5"',
    });
    return null;
  }
  const parsed = dec(value);
  if (parsed.isZero() || parsed.isNegative()) {
    issues.push({ field, code: 'MUST_BE_POSITIVE', message: 'must be greater than zero' });
    return null;
  }
  if (scaleOf(value) > MAX_DECIMAL_SCALE) {
    issues.push({
      field,
      code: 'TOO_MANY_DECIMALS',
      message: `must have at most ${MAX_DECIMAL_SCALE} decimals`,
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

function parseInstant(value: unknown, field: string, issues: FieldIssue[]): Date | null {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) {
      issues.push({ field, code: 'NOT_DATE', message: 'must be a valid instant' });
      return null;
    }
    return value;
  }
  if (typeof value !== 'string' || !ISO_WITH_OFFSET.test(value)) {
    issues.push({
      field,
      code: 'NOT_DATE',
      message: 'must be an ISO 8601 instant with an offset, e.g. 2026-03-01T12:00:00-03:00',
    });
    return null;
  }
  const parsed = new Date(value);
  if (Number.isNaN(parsed.getTime())) {
    issues.push({ field, code: 'NOT_DATE', message: 'must be a valid instant' });
    return null;
  }
  return parsed;
}

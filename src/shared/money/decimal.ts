import Decimal from 'decimal.js';

/**
 * The one decimal type for money and quantities. A private clone so that no other
 * library's global Decimal configuration can change our precision or rounding.
 * 40 significant digits holds any numeric(20,6) product or quotient we form; the
 * rounding mode applies only when a caller asks for a scale (the edges: display,
 * storage of a rounded amount, splits), and it is half-even as the design requires.
 */
export const Dec = Decimal.clone({
  precision: 40,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -40,
  toExpPos: 40,
});
export type Dec = InstanceType<typeof Dec>;

/** A plain decimal literal: optional minus, digits, optional fraction. No exponent, no spaces. */
export const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

export type DecimalInput = Dec | string;

export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL_PATTERN.test(value);
}

/** Parse a decimal string strictly; anything that is not a plain literal throws. */
export function dec(value: DecimalInput): Dec {
  if (value instanceof Dec) return value;
  if (!isDecimalString(value)) {
    throw new TypeError(`not a decimal string: ${JSON.stringify(value)}`);
  }
  return new Dec(value);
}

/** Count of digits after the point in a decimal string ("12.50" → 2). */
export function scaleOf(value: string): number {
  const point = value.indexOf('.');
  return point < 0 ? 0 : value.length - point - 1;
}

/** Sum of any number of decimals; the empty sum is zero. */
export function sum(values: Iterable<DecimalInput>): Dec {
  let total = new Dec(0);
  for (const value of values) total = total.plus(dec(value));
  return total;
}

/**
 * Serialise without exponent and without trailing zeros beyond what the value needs
 * ("1250.50" → "1250.5" unless a scale is given). With a scale, rounds half-even and
 * pads: this is the only place a value is rounded on its way out.
 */
export function toDecimalString(value: DecimalInput, scale?: number): string {
  const d = dec(value);
  if (scale === undefined) return d.toFixed();
  return d.toDecimalPlaces(scale, Dec.ROUND_HALF_EVEN).toFixed(scale);
}

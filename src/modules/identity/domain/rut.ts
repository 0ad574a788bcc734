import { type FieldIssue } from '../../../shared/errors/domain-error';

/**
 * Chilean RUT (rol único tributario): body digits and a check digit computed modulo 11
 * over the body with weights 2..7 repeating from the right; 11 → 0, 10 → K. Accepts the
 * usual spellings ("12.345.678-5", "12345678-5", "123456785") and returns the canonical
 * one ("12345678-5"), or null when the check digit does not match.
 */
export function normalizeRut(input: string): string | null {
  const compact = input.replace(/[.\s]/g, '').replace('-', '').toUpperCase();
  if (!/^\d{1,8}[\dK]$/.test(compact)) return null;
  const body = compact.slice(0, -1).replace(/^0+/, '');
  const check = compact.slice(-1);
  if (body === '') return null;
  return rutCheckDigit(body) === check ? `${body}-${check}` : null;
}

export function rutCheckDigit(body: string): string {
  let total = 0;
  let weight = 2;
  for (let i = body.length - 1; i >= 0; i -= 1) {
    total += Number(body[i]) * weight;
    weight = weight === 7 ? 2 : weight + 1;
  }
  const digit = 11 - (total % 11);
  return digit === 11 ? '0' : digit === 10 ? 'K' : String(digit);
}

export function rutIssue(field: string): FieldIssue {
  return { field, code: 'INVALID', message: 'not a valid RUT (check digit does not match)' };
}

import fc from 'fast-check';
import { normalizeRut, rutCheckDigit } from './rut';

describe('RUT', () => {
  it('accepts the usual spellings of a valid RUT and returns one canonical form', () => {
    // 12.345.678: weights from the right 2,3,4,5,6,7,2,3 → 16+21+24+25+24+21+4+3 = 138;
    // 138 mod 11 = 6; 11 − 6 = 5.
    expect(normalizeRut('12.345.678-5')).toBe('12345678-5');
    expect(normalizeRut('12345678-5')).toBe('12345678-5');
    expect(normalizeRut('123456785')).toBe('12345678-5');
  });

  it('handles the K and 0 check digits', () => {
    expect(rutCheckDigit('10000013')).toBe('K');
    expect(normalizeRut('10000013-k')).toBe('10000013-K');
    expect(rutCheckDigit('10000004')).toBe('0');
  });

  it('refuses a wrong check digit or garbage', () => {
    expect(normalizeRut('12.345.678-4')).toBeNull();
    expect(normalizeRut('abc')).toBeNull();
    expect(normalizeRut('')).toBeNull();
    expect(normalizeRut('0-0')).toBeNull();
  });

  it('accepts exactly one check digit for every body', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999 }), (n) => {
        const body = String(n);
        const valid = [...'0123456789K'].filter((d) => normalizeRut(`${body}-${d}`) !== null);
        expect(valid).toEqual([rutCheckDigit(body)]);
      }),
    );
  });
});

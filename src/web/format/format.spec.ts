import fc from 'fast-check';
import {
  formatCalendarDate,
  formatDate,
  formatDateTime,
  formatDecimal,
  formatMoney,
  formatPercent,
  formatRut,
  formatUnitPrice,
  isoToSantiagoLocal,
  parseDecimalInput,
  santiagoLocalToIso,
} from './format';

describe('console number formats', () => {
  it('writes pesos as Chileans read them', () => {
    expect(formatMoney('1250000', 'CLP', 'es')).toBe('$ 1.250.000');
    expect(formatMoney('-4320', 'CLP', 'es')).toBe('-$ 4.320');
    expect(formatMoney('1250000', 'CLP', 'en')).toBe('$ 1,250,000');
    expect(formatMoney('10.50', 'USD', 'es')).toBe('US$ 10,5');
  });

  it('writes a price per unit with a decimal comma', () => {
    expect(formatUnitPrice('172.5', 'CLP', 'kg', 'es')).toBe('172,5 $/kg');
    expect(formatUnitPrice('172.50', 'CLP', 'kg', 'en')).toBe('172.5 $/kg');
  });

  it('keeps every digit of large values', () => {
    expect(formatDecimal('123456789012345678901.123456', 'es')).toBe(
      '123.456.789.012.345.678.901,123456',
    );
    expect(formatDecimal('-0.000', 'es')).toBe('0');
  });

  it('writes percentages from fractions and from percentages', () => {
    expect(formatPercent('-0.1', 'es')).toBe('-10 %');
    expect(formatPercent('12.345', 'es', true)).toBe('12,3 %');
  });

  it('shows time in Santiago', () => {
    // 15:00 UTC on 1 July is 11:00 in Santiago (UTC-4, winter); 1 January is UTC-3.
    expect(formatDateTime('2026-07-01T15:00:00Z', 'es')).toContain('11:00');
    expect(formatDateTime('2026-01-01T15:00:00Z', 'es')).toContain('12:00');
    expect(formatDate('2026-07-01T02:00:00Z', 'es')).toContain('30');
  });
});

describe('reading what a person typed', () => {
  it('reads Chilean marks in Spanish', () => {
    expect(parseDecimalInput('1.250.000', 'es')).toBe('1250000');
    expect(parseDecimalInput('172,5', 'es')).toBe('172.5');
    expect(parseDecimalInput('$ 1.250,75', 'es')).toBe('1250.75');
    expect(parseDecimalInput('172.5', 'es')).toBe('172.5');
    expect(parseDecimalInput('4320', 'es')).toBe('4320');
  });

  it('reads English marks in English', () => {
    expect(parseDecimalInput('1,250,000.5', 'en')).toBe('1250000.5');
  });

  it('passes what it cannot read on unchanged, for the API to refuse', () => {
    expect(parseDecimalInput('abc', 'es')).toBe('abc');
  });

  it('reads back every decimal it writes', () => {
    const decimal = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.integer({ min: 0, max: 9999 }))
      .map(([whole, fraction]) =>
        fraction === 0
          ? `${whole}`
          : `${whole}.${String(fraction).padStart(4, '0')}`.replace(/0+$/, ''),
      );
    fc.assert(
      fc.property(decimal, fc.constantFrom('es' as const, 'en' as const), (value, language) => {
        expect(parseDecimalInput(formatDecimal(value, language), language)).toBe(value);
      }),
    );
  });
});

describe('datetime-local fields in Santiago time', () => {
  it('converts both ways across the seasons', () => {
    expect(santiagoLocalToIso('2026-07-01T11:00')).toBe('2026-07-01T15:00:00.000Z');
    expect(santiagoLocalToIso('2026-01-01T12:00')).toBe('2026-01-01T15:00:00.000Z');
    expect(isoToSantiagoLocal('2026-07-01T15:00:00Z')).toBe('2026-07-01T11:00');
    expect(santiagoLocalToIso('not a date')).toBeUndefined();
  });
});

describe('market days', () => {
  it('shows a market day as that same day, in summer and in winter', () => {
    expect(formatCalendarDate('2026-01-05', 'es')).toMatch(/^05[-/ ]/);
    expect(formatCalendarDate('2026-07-05', 'es')).toMatch(/^05[-/ ]/);
    expect(formatCalendarDate('2026-10-05', 'es', 'short')).toBe('5 oct');
    expect(formatCalendarDate('2026-10-05', 'en', 'short')).toBe('5 Oct');
  });
});

describe('RUTs', () => {
  it('groups the digits with dots, as Chileans write them', () => {
    expect(formatRut('12345678-5')).toBe('12.345.678-5');
    expect(formatRut('7654321-k')).toBe('7.654.321-K');
    expect(formatRut('not a rut')).toBe('not a rut');
  });
});

import fc from 'fast-check';
import { dec, sum, toDecimalString, scaleOf } from './decimal';
import { roundMoney, minorUnit } from './currency';

describe('decimal', () => {
  it('parses only plain decimal literals', () => {
    expect(dec('1250.50').toFixed()).toBe('1250.5');
    expect(dec('-0.001').toFixed()).toBe('-0.001');
    for (const bad of ['', ' 1', '1e3', '1,5', '.5', '5.', 'NaN', 'Infinity', '0x10']) {
      expect(() => dec(bad)).toThrow(TypeError);
    }
  });

  it('adds without binary floating point error', () => {
    expect(sum(['0.1', '0.2']).toFixed()).toBe('0.3');
    expect(toDecimalString(sum([]))).toBe('0');
  });

  it('rounds half-even only when a scale is asked for', () => {
    expect(toDecimalString('2.5', 0)).toBe('2');
    expect(toDecimalString('3.5', 0)).toBe('4');
    expect(toDecimalString('1.005', 2)).toBe('1.00');
    expect(toDecimalString('1.015', 2)).toBe('1.02');
    expect(toDecimalString('7', 2)).toBe('7.00');
    expect(roundMoney('1250.5', 'CLP').toFixed()).toBe('1250');
    expect(roundMoney('1251.5', 'CLP').toFixed()).toBe('1252');
    expect(minorUnit('USD').toFixed()).toBe('0.01');
    expect(scaleOf('12.50')).toBe(2);
  });

  it('round-trips any decimal string through parse and serialise', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(10n ** 18n), max: 10n ** 18n }), fc.nat(6), (units, scale) => {
        const text = units.toString();
        const value = scale === 0 ? text : insertPoint(text, scale);
        expect(dec(toDecimalString(value, scale)).equals(dec(value))).toBe(true);
      }),
    );
  });
});

function insertPoint(digits: string, scale: number): string {
  const negative = digits.startsWith('-');
  const body = (negative ? digits.slice(1) : digits).padStart(scale + 1, '0');
  const text = `${body.slice(0, body.length - scale)}.${body.slice(body.length - scale)}`;
  return negative ? `-${text}` : text;
}

import fc from 'fast-check';
import { DomainError } from '../../../shared/errors/domain-error';
import { Dec, dec, toDecimalString } from '../../../shared/money';
import {
  type MeasuredUnit,
  convertPrice,
  formatUnitLabel,
  parseUnitLabel,
  priceForUnit,
  pricePerBaseUnit,
} from './unit-label';

function unitOf(label: string): { package: string; quantity: string; baseUnit: string } {
  const parsed = parseUnitLabel(label);
  if (!parsed.ok) throw new Error(parsed.reason);
  return {
    package: parsed.unit.package,
    quantity: toDecimalString(parsed.unit.quantity),
    baseUnit: parsed.unit.baseUnit,
  };
}

describe('parseUnitLabel', () => {
  it.each([
    ['$/saco 25 kilos', 'saco', '25', 'kg'],
    ['$/saco 20 kilos', 'saco', '20', 'kg'],
    ['$/malla 18 kilos', 'malla', '18', 'kg'],
    ['$/bandeja 10 kilos', 'bandeja', '10', 'kg'],
    ['$/caja 20 kilos', 'caja', '20', 'kg'],
    ['$/caja de 4,5 kilos', 'caja', '4.5', 'kg'],
    ['$/bandeja 500 gramos', 'bandeja', '0.5', 'kg'],
    ['$/kilo (en caja de 20 kilos)', 'kilo', '1', 'kg'],
    ['$/kilo (en saco de 20 kilos)', 'kilo', '1', 'kg'],
    ['$/kilo', 'kilo', '1', 'kg'],
    ['$/unidad', 'unidad', '1', 'unit'],
    ['$/docena', 'docena', '12', 'unit'],
    ['$/caja 100 unidades', 'caja', '100', 'unit'],
    ['$/bidón 20 litros', 'bidon', '20', 'l'],
    ['$/ SACO  25 KILOS ', 'saco', '25', 'kg'],
    ['kg', 'kilo', '1', 'kg'],
    ['saco 25 kg', 'saco', '25', 'kg'],
    ['saco-20kg', 'saco', '20', 'kg'],
    ['bidon-20l', 'bidon', '20', 'l'],
  ])('%s → %s of %s %s', (label, pkg, quantity, baseUnit) => {
    expect(unitOf(label)).toEqual({ package: pkg, quantity, baseUnit });
  });

  it.each([
    [''],
    ['$/'],
    ['$/atado'],
    ['$/caja'],
    ['$/saco'],
    ['$/caja 18-20 kilos'],
    ['$/kilo (por caja)'],
    ['$/caja 20 kilos empedrada'],
    ['$/saco 0 kilos'],
    ['$/saco 25 quintales'],
    ['paquete-10'],
    ['$/kilo kilo 20 kilos'],
  ])('refuses %j with a reason instead of guessing', (label) => {
    const parsed = parseUnitLabel(label);
    expect(parsed).toEqual({ ok: false, reason: expect.stringMatching(/\S/) });
  });
});

describe('price conversion', () => {
  const sack25 = { quantity: dec('25'), baseUnit: 'kg' as const };
  const net18 = { quantity: dec('18'), baseUnit: 'kg' as const };

  it('turns a price per sack into a price per kilo and per net bag', () => {
    expect(toDecimalString(pricePerBaseUnit('10000', sack25))).toBe('400');
    expect(toDecimalString(convertPrice('10000', sack25, net18))).toBe('7200');
    expect(toDecimalString(priceForUnit('400', net18))).toBe('7200');
  });

  it('refuses to compare a price per kilo with a price per unit', () => {
    expect(() => convertPrice('100', sack25, { quantity: dec('1'), baseUnit: 'unit' })).toThrow(
      DomainError,
    );
  });
});

const positiveDecimal = (maxUnits: bigint, maxScale: number) =>
  fc
    .tuple(fc.bigInt({ min: 1n, max: maxUnits }), fc.integer({ min: 0, max: maxScale }))
    .map(([units, scale]) => new Dec(units.toString()).dividedBy(new Dec(10).pow(scale)));

const measuredUnit: fc.Arbitrary<MeasuredUnit> = fc.record({
  package: fc.constantFrom('saco', 'malla', 'bandeja', 'caja', 'bolsa', 'caja plastica'),
  quantity: positiveDecimal(100_000n, 3),
  baseUnit: fc.constantFrom('kg' as const, 'l' as const, 'unit' as const),
});

describe('unit conversion properties', () => {
  it('a label formatted from a unit reads back as the same unit', () => {
    fc.assert(
      fc.property(measuredUnit, (unit) => {
        const parsed = parseUnitLabel(formatUnitLabel(unit));
        expect(parsed.ok).toBe(true);
        if (!parsed.ok) return;
        expect(parsed.unit.package).toBe(unit.package);
        expect(parsed.unit.baseUnit).toBe(unit.baseUnit);
        expect(parsed.unit.quantity.equals(unit.quantity)).toBe(true);
      }),
    );
  });

  it('per package → per base unit → per package gives the price back', () => {
    fc.assert(
      fc.property(positiveDecimal(10n ** 12n, 4), measuredUnit, (price, unit) => {
        const back = priceForUnit(pricePerBaseUnit(price, unit), unit);
        // Division keeps 40 significant digits; the round trip is exact far beyond a peso.
        expect(toDecimalString(back, 12)).toBe(toDecimalString(price, 12));
      }),
    );
  });

  it('converting A → B → A gives the price back, and A → B equals A → base → B', () => {
    fc.assert(
      fc.property(
        positiveDecimal(10n ** 12n, 4),
        measuredUnit,
        positiveDecimal(100_000n, 3),
        (price, from, toQuantity) => {
          const to = { ...from, package: 'otro', quantity: toQuantity };
          const there = convertPrice(price, from, to);
          expect(toDecimalString(convertPrice(there, to, from), 12)).toBe(
            toDecimalString(price, 12),
          );
          expect(toDecimalString(there, 12)).toBe(
            toDecimalString(priceForUnit(pricePerBaseUnit(price, from), to), 12),
          );
        },
      ),
    );
  });

  it('a label with decimal comma or point reads the same quantity', () => {
    fc.assert(
      fc.property(fc.nat(9999), fc.nat(99), (whole, cents) => {
        fc.pre(whole > 0 || cents > 0);
        const fraction = String(cents).padStart(2, '0');
        const comma = parseUnitLabel(`$/caja ${whole},${fraction} kilos`);
        const point = parseUnitLabel(`$/caja ${whole}.${fraction} kilos`);
        expect(comma.ok && point.ok && comma.unit.quantity.equals(point.unit.quantity)).toBe(true);
      }),
    );
  });
});

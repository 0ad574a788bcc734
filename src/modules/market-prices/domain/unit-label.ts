import { DomainError } from '../../../shared/errors/domain-error';
import { type Dec, type DecimalInput, dec, toDecimalString } from '../../../shared/money';
import { foldText } from './folded-text';
import { MarketPriceErrors } from './market-prices.errors';

/** The base units of the catalogue's products (`products.base_unit`). */
export const BASE_UNITS = ['kg', 'l', 'unit'] as const;
export type BaseUnit = (typeof BASE_UNITS)[number];

export function isBaseUnit(value: string): value is BaseUnit {
  return (BASE_UNITS as readonly string[]).includes(value);
}

/** What a price is quoted for: one `package` holding `quantity` of `baseUnit`. */
export interface MeasuredUnit {
  /** As the label names it: `saco`, `malla`, `caja plastica`, or `kilo` for a price per kilo. */
  package: string;
  quantity: Dec;
  baseUnit: BaseUnit;
}

export type UnitLabelParse = { ok: true; unit: MeasuredUnit } | { ok: false; reason: string };

/** Measure words of the labels, with the base unit they count and how many of it one is. */
const MEASURES: Readonly<Record<string, { baseUnit: BaseUnit; factor: string; name: string }>> = {
  kilo: { baseUnit: 'kg', factor: '1', name: 'kilo' },
  kilos: { baseUnit: 'kg', factor: '1', name: 'kilo' },
  kilogramo: { baseUnit: 'kg', factor: '1', name: 'kilo' },
  kilogramos: { baseUnit: 'kg', factor: '1', name: 'kilo' },
  kg: { baseUnit: 'kg', factor: '1', name: 'kilo' },
  kgs: { baseUnit: 'kg', factor: '1', name: 'kilo' },
  gramo: { baseUnit: 'kg', factor: '0.001', name: 'gramo' },
  gramos: { baseUnit: 'kg', factor: '0.001', name: 'gramo' },
  gr: { baseUnit: 'kg', factor: '0.001', name: 'gramo' },
  grs: { baseUnit: 'kg', factor: '0.001', name: 'gramo' },
  g: { baseUnit: 'kg', factor: '0.001', name: 'gramo' },
  tonelada: { baseUnit: 'kg', factor: '1000', name: 'tonelada' },
  toneladas: { baseUnit: 'kg', factor: '1000', name: 'tonelada' },
  litro: { baseUnit: 'l', factor: '1', name: 'litro' },
  litros: { baseUnit: 'l', factor: '1', name: 'litro' },
  lt: { baseUnit: 'l', factor: '1', name: 'litro' },
  lts: { baseUnit: 'l', factor: '1', name: 'litro' },
  l: { baseUnit: 'l', factor: '1', name: 'litro' },
  unidad: { baseUnit: 'unit', factor: '1', name: 'unidad' },
  unidades: { baseUnit: 'unit', factor: '1', name: 'unidad' },
  un: { baseUnit: 'unit', factor: '1', name: 'unidad' },
  // A dozen and a hundred are counts by definition, not packages of unknown size.
  docena: { baseUnit: 'unit', factor: '12', name: 'docena' },
  ciento: { baseUnit: 'unit', factor: '100', name: 'ciento' },
};

const QUANTITY = String.raw`(\d+(?:[.,]\d+)?)`;
/** `saco 25 kilos`, `caja de 20 kilos`, `bandeja 500 gramos`, `caja plastica 10 kg`. */
const PACKAGE_OF = new RegExp(String.raw`^([a-z]+(?: [a-z]+)*?) (?:de )?${QUANTITY} ?([a-z]+)\.?$`);
/** The catalogue's packaging codes: `saco-20kg`, `bidon-20l`. */
const PACKAGE_CODE = new RegExp(String.raw`^([a-z]+)-${QUANTITY}(kg|g|l)$`);
/** `kilo (en caja de 20 kilos)`: a price per kilo, of produce packed in boxes. */
const MEASURE_PACKED_IN = /^([a-z]+) ?\(en [^()]+\)$/;

const EXPECTED =
  'expected a label such as "$/kilo", "$/saco 25 kilos", "$/kilo (en caja de 20 kilos)" or "$/unidad"';

/**
 * Reads the unit of a price label as ODEPA publishes them (`$/saco 25 kilos`,
 * `$/kilo (en saco de 20 kilos)`, `$/unidad`...) or as our own layout writes them (`kg`,
 * `saco 25 kg`, `saco-25kg`). Anything else is refused with a reason, never guessed: a
 * misread label would turn a price per sack into a price per kilo, off by the sack's size.
 */
export function parseUnitLabel(label: string): UnitLabelParse {
  const text = foldText(label)
    .replace(/^\$ ?\/ ?/, '')
    .trim();
  if (text === '') return { ok: false, reason: 'the unit label is empty' };

  const standalone = MEASURES[text.replace(/\.$/, '')];
  if (standalone) return measured(standalone.name, '1', standalone);

  const packed = MEASURE_PACKED_IN.exec(text);
  if (packed) {
    const measure = MEASURES[packed[1]];
    if (!measure) return { ok: false, reason: `"${label}": ${EXPECTED}` };
    return measured(measure.name, '1', measure);
  }

  const ofPackage = PACKAGE_OF.exec(text) ?? PACKAGE_CODE.exec(text);
  if (ofPackage) {
    const [, packageName, quantity, measureWord] = ofPackage;
    const measure = MEASURES[measureWord];
    if (!measure || packageName.split(' ').some((word) => MEASURES[word])) {
      return { ok: false, reason: `"${label}": ${EXPECTED}` };
    }
    if (dec(quantity.replace(',', '.')).isZero()) {
      return { ok: false, reason: `"${label}": a package cannot hold zero` };
    }
    return measured(packageName, quantity.replace(',', '.'), measure);
  }
  return { ok: false, reason: `"${label}": ${EXPECTED}` };
}

function measured(
  packageName: string,
  quantity: string,
  measure: { baseUnit: BaseUnit; factor: string },
): UnitLabelParse {
  return {
    ok: true,
    unit: {
      package: packageName,
      quantity: dec(quantity).times(dec(measure.factor)),
      baseUnit: measure.baseUnit,
    },
  };
}

const PLURAL: Record<BaseUnit, string> = { kg: 'kilos', l: 'litros', unit: 'unidades' };

/** A label `parseUnitLabel` reads back as the same unit, in ODEPA's style. */
export function formatUnitLabel(unit: MeasuredUnit): string {
  const single = MEASURES[unit.package];
  if (single && unit.quantity.equals(dec(single.factor)) && single.baseUnit === unit.baseUnit) {
    return `$/${unit.package}`;
  }
  return `$/${unit.package} ${toDecimalString(unit.quantity)} ${PLURAL[unit.baseUnit]}`;
}

/** The price of one base unit (a kilo) when `price` buys one `unit` (a 25 kg sack). */
export function pricePerBaseUnit(price: DecimalInput, unit: Pick<MeasuredUnit, 'quantity'>): Dec {
  return dec(price).dividedBy(unit.quantity);
}

/** The price of one `unit` at `pricePerBase` per base unit. */
export function priceForUnit(
  pricePerBase: DecimalInput,
  unit: Pick<MeasuredUnit, 'quantity'>,
): Dec {
  return dec(pricePerBase).times(unit.quantity);
}

/** A price quoted per `from` (a sack) as the price per `to` (an 18 kg net bag). */
export function convertPrice(
  price: DecimalInput,
  from: Pick<MeasuredUnit, 'quantity' | 'baseUnit'>,
  to: Pick<MeasuredUnit, 'quantity' | 'baseUnit'>,
): Dec {
  if (from.baseUnit !== to.baseUnit) {
    throw new DomainError(
      MarketPriceErrors.UNITS_NOT_COMPARABLE,
      `a price per ${from.baseUnit} cannot be turned into a price per ${to.baseUnit}`,
      { from: from.baseUnit, to: to.baseUnit },
    );
  }
  return dec(price).times(to.quantity).dividedBy(from.quantity);
}

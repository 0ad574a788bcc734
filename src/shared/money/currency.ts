import { Dec, type DecimalInput, dec } from './decimal';

/**
 * ISO 4217 minor units of the currencies a lot may be priced in. CLP has no minor unit
 * in circulation, so peso amounts are whole; USD has cents.
 */
export const CURRENCY_SCALE = {
  CLP: 0,
  USD: 2,
} as const;

export type Currency = keyof typeof CURRENCY_SCALE;
export const CURRENCIES = Object.keys(CURRENCY_SCALE) as Currency[];

export function isCurrency(value: unknown): value is Currency {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(CURRENCY_SCALE, value);
}

export function minorUnitScale(currency: Currency): number {
  return CURRENCY_SCALE[currency];
}

/** The smallest amount of the currency: 1 for CLP, 0.01 for USD. */
export function minorUnit(currency: Currency): Dec {
  return new Dec(1).dividedBy(new Dec(10).pow(CURRENCY_SCALE[currency]));
}

/** Round an amount to the currency's minor unit, half-even (an edge: storage or display). */
export function roundMoney(value: DecimalInput, currency: Currency): Dec {
  return dec(value).toDecimalPlaces(CURRENCY_SCALE[currency], Dec.ROUND_HALF_EVEN);
}

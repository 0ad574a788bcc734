import { dec } from '../../shared/money';
import type { Language } from '../../shared/errors/problem-details';

/**
 * How the console shows numbers, money and time: as Chileans read them in Spanish
 * (`$ 1.250.000`, `172,5`), and with the usual English marks otherwise. Works on the decimal
 * strings the API returns, digit by digit, so no value is ever rounded through a float;
 * the API has already rounded money to its currency's minor unit.
 */
export function formatDecimal(value: string, language: Language): string {
  const [sign, digits] = value.startsWith('-') ? ['-', value.slice(1)] : ['', value];
  const [whole, fraction = ''] = digits.split('.');
  const trimmedFraction = fraction.replace(/0+$/, '');
  const [group, point] = language === 'es' ? ['.', ','] : [',', '.'];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  const negative = sign && /[1-9]/.test(digits) ? '-' : '';
  return `${negative}${grouped}${trimmedFraction ? point + trimmedFraction : ''}`;
}

export function formatMoney(value: string, currency: string, language: Language): string {
  const symbol = currency === 'USD' ? 'US$' : '$';
  const amount = formatDecimal(value, language);
  return amount.startsWith('-') ? `-${symbol} ${amount.slice(1)}` : `${symbol} ${amount}`;
}

/** A price per unit: `172,5 $/kg`, as price lists in Chile write it. */
export function formatUnitPrice(
  value: string,
  currency: string,
  unit: string,
  language: Language,
): string {
  const symbol = currency === 'USD' ? 'US$' : '$';
  return `${formatDecimal(value, language)} ${symbol}/${unit}`;
}

/** A ratio such as `-0.1` or `"-10.00"` (already a percentage when `isPercent`). */
export function formatPercent(value: string, language: Language, isPercent = false): string {
  const percent = isPercent ? dec(value) : dec(value).times(100);
  return `${formatDecimal(percent.toDecimalPlaces(1).toFixed(), language)} %`;
}

const SANTIAGO = 'America/Santiago';

export function formatDateTime(iso: string | Date, language: Language): string {
  return new Intl.DateTimeFormat(language === 'es' ? 'es-CL' : 'en-GB', {
    timeZone: SANTIAGO,
    dateStyle: 'medium',
    timeStyle: 'short',
  }).format(new Date(iso));
}

export function formatDate(iso: string | Date, language: Language): string {
  return new Intl.DateTimeFormat(language === 'es' ? 'es-CL' : 'en-GB', {
    timeZone: SANTIAGO,
    dateStyle: 'medium',
  }).format(new Date(iso));
}

/**
 * What a person typed in a number field, as the API's decimal string. In Spanish the
 * Chilean marks apply (`1.250.000`, `172,5`); a lone dot followed by anything other than
 * exactly three digits is read as a decimal point (`172.5`), since nobody groups thousands
 * that way. Anything that is still not a plain decimal is passed on unchanged, for the API
 * to refuse with its own field error.
 */
export function parseDecimalInput(raw: string, language: Language): string {
  const text = raw.trim().replace(/\s|\$/g, '');
  if (language === 'en') return text.replace(/,/g, '');
  if (text.includes(',')) return text.replace(/\./g, '').replace(',', '.');
  if (/^-?\d{1,3}(\.\d{3})+$/.test(text)) return text.replace(/\./g, '');
  return text;
}

/**
 * A `datetime-local` field's value, read as time in Santiago, to an ISO instant. Chile's
 * offset changes with daylight saving, so it is looked up for that moment.
 */
export function santiagoLocalToIso(local: string): string | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local.trim());
  if (!match) return undefined;
  const [, y, mo, d, h, mi] = match.map(Number);
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  const offsetMinutes = santiagoOffsetMinutes(new Date(asUtc));
  const instant = new Date(asUtc - offsetMinutes * 60_000);
  // Near a daylight-saving change the offset at the instant may differ from the guess.
  const corrected = santiagoOffsetMinutes(instant);
  return new Date(asUtc - corrected * 60_000).toISOString();
}

/** The inverse of `santiagoLocalToIso`, for filling a `datetime-local` field. */
export function isoToSantiagoLocal(iso: string | Date): string {
  const instant = new Date(iso);
  const local = new Date(instant.getTime() + santiagoOffsetMinutes(instant) * 60_000);
  return local.toISOString().slice(0, 16);
}

function santiagoOffsetMinutes(instant: Date): number {
  const name = new Intl.DateTimeFormat('en-US', {
    timeZone: SANTIAGO,
    timeZoneName: 'longOffset',
  })
    .formatToParts(instant)
    .find((part) => part.type === 'timeZoneName')?.value;
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name ?? '');
  if (!match) return 0;
  const minutes = Number(match[2]) * 60 + Number(match[3]);
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * A market day (`2026-10-05`, a date with no time of day) as that same day. Read at noon
 * UTC, which is the morning of the same date in Santiago, whether or not in summer time.
 */
export function formatCalendarDate(
  date: string,
  language: Language,
  style: 'medium' | 'short' = 'medium',
): string {
  return new Intl.DateTimeFormat(language === 'es' ? 'es-CL' : 'en-GB', {
    timeZone: SANTIAGO,
    ...(style === 'short' ? { day: 'numeric', month: 'short' } : { dateStyle: 'medium' }),
  }).format(new Date(`${date}T12:00:00Z`));
}

/** A RUT as the API stores it (`12345678-5`), written the Chilean way: `12.345.678-5`. */
export function formatRut(rut: string): string {
  const match = /^(\d+)-([\dkK])$/.exec(rut);
  if (!match) return rut;
  return `${match[1].replace(/\B(?=(\d{3})+(?!\d))/g, '.')}-${match[2].toUpperCase()}`;
}

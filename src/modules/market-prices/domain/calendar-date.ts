/**
 * Prices are quoted per market day, a calendar date with no time or zone (`2026-10-05`).
 * Dates travel as ISO strings, which compare correctly as text.
 */
export type CalendarDate = string;

const ISO = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Day first, as Chilean spreadsheets write it: `05/10/2026`, `05-10-2026`. */
const DAY_FIRST = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/;

/** The markets are Chilean: "today" and "the last 30 days" are counted in Chile's calendar. */
export const MARKET_TIME_ZONE = 'America/Santiago';

export function isCalendarDate(text: string): boolean {
  const match = ISO.exec(text);
  return match !== null && isRealDate(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** A date as published (ISO or day first), as an ISO date; null when it is not a real date. */
export function parsePublishedDate(text: string): CalendarDate | null {
  const trimmed = text.trim();
  if (isCalendarDate(trimmed)) return trimmed;
  const match = DAY_FIRST.exec(trimmed);
  if (!match) return null;
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (!isRealDate(year, month, day)) return null;
  return `${match[3]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

export function addDays(date: CalendarDate, days: number): CalendarDate {
  const instant = new Date(`${date}T00:00:00Z`);
  instant.setUTCDate(instant.getUTCDate() + days);
  return instant.toISOString().slice(0, 10);
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date at `instant` in `timeZone`. */
export function calendarDateIn(instant: Date, timeZone: string = MARKET_TIME_ZONE): CalendarDate {
  // Building a formatter loads the zone's rules, which costs far more than formatting: one
  // per zone, kept. en-CA formats as YYYY-MM-DD.
  let format = dateFormats.get(timeZone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dateFormats.set(timeZone, format);
  }
  return format.format(instant);
}

function isRealDate(year: number, month: number, day: number): boolean {
  if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
  const instant = new Date(Date.UTC(year, month - 1, day));
  return instant.getUTCMonth() === month - 1 && instant.getUTCDate() === day;
}

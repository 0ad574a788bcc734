import { type Currency, type Dec, dec } from '../../../shared/money';
import { type CalendarDate } from './calendar-date';
import { foldText, tidyText } from './folded-text';
import { PriceIssueCodes } from './market-prices.errors';
import { type MeasuredUnit, parseUnitLabel } from './unit-label';

/** Prices, volumes and package sizes are stored as numeric(20, 6). */
export const PRICE_SCALE = 6;
const PRICE_LIMIT = dec('100000000000000'); // 10^14: the integer digits numeric(20, 6) holds
export const TEXT_MAX_LENGTH = 200;

/** The platform's own deals are market `ayllu`; nobody types or imports prices for it. */
export const AYLLU_MARKET = 'ayllu';

export const PRICE_SOURCES = ['manual', 'odepa', 'ayllu', 'csv'] as const;
export type PriceSource = (typeof PRICE_SOURCES)[number];

/** One price observation before its rules are checked; text already read into values. */
export interface ObservationDraft {
  date: CalendarDate;
  market: string;
  /** The unit as published, e.g. `$/saco 25 kilos`. */
  unitLabel: string;
  currency: Currency;
  priceMin: Dec | null;
  priceMax: Dec | null;
  priceAvg: Dec;
  volume: Dec | null;
  variety: string | null;
  quality: string | null;
  origin: string | null;
  region: string | null;
  vatIncluded: boolean | null;
}

export interface ValidObservation extends ObservationDraft {
  unit: MeasuredUnit;
}

export type ObservationField = keyof ObservationDraft;

export interface ObservationIssue {
  field: ObservationField;
  code: string;
  message: string;
}

export type ObservationCheck =
  { ok: true; observation: ValidObservation } | { ok: false; issues: ObservationIssue[] };

const OPTIONAL_TEXT_FIELDS = ['variety', 'quality', 'origin', 'region'] as const;

/**
 * The rules every observation obeys, typed in or imported: a readable unit, positive prices
 * with min ≤ average ≤ max, no date after `today` (a price cannot be observed in advance),
 * and no market named `ayllu` (that one is fed by the platform's deals only). Text is kept as
 * published, trimmed, so that re-importing the same file finds the same natural key.
 */
export function validateObservation(
  draft: ObservationDraft,
  today: CalendarDate,
): ObservationCheck {
  const issues: ObservationIssue[] = [];
  const observation: ObservationDraft = { ...draft, market: tidyText(draft.market) };
  for (const field of OPTIONAL_TEXT_FIELDS) {
    const value = draft[field];
    const tidy = value === null ? null : tidyText(value);
    observation[field] = tidy === '' ? null : tidy;
  }
  for (const field of ['market', ...OPTIONAL_TEXT_FIELDS] as const) {
    if ((observation[field]?.length ?? 0) > TEXT_MAX_LENGTH) {
      issues.push(issue(field, 'TOO_LONG', `must be at most ${TEXT_MAX_LENGTH} characters`));
    }
  }
  if (observation.market === '') {
    issues.push(issue('market', 'REQUIRED', 'the market is required'));
  } else if (foldText(observation.market) === AYLLU_MARKET) {
    issues.push(
      issue('market', 'MARKET_RESERVED', `market "${AYLLU_MARKET}" holds the platform's own deals`),
    );
  }
  if (draft.date > today) {
    issues.push(issue('date', 'DATE_IN_FUTURE', `${draft.date} is after today (${today})`));
  }

  observation.unitLabel = tidyText(draft.unitLabel);
  const unit = parseUnitLabel(observation.unitLabel);
  if (!unit.ok) {
    issues.push(issue('unitLabel', 'UNIT_NOT_PARSED', unit.reason));
  } else if (
    unit.unit.quantity.decimalPlaces() > PRICE_SCALE ||
    unit.unit.quantity.greaterThanOrEqualTo(PRICE_LIMIT)
  ) {
    // Stored as numeric(20, 6): a package of 0.0000001 kg would round to nothing.
    issues.push(issue('unitLabel', 'OUT_OF_RANGE', 'the package size is out of range'));
  }

  const avgOk = checkAmount(issues, 'priceAvg', draft.priceAvg, 'positive');
  const minOk = checkAmount(issues, 'priceMin', draft.priceMin, 'positive');
  const maxOk = checkAmount(issues, 'priceMax', draft.priceMax, 'positive');
  checkAmount(issues, 'volume', draft.volume, 'not_negative');
  // The order is only worth reporting between prices that are themselves acceptable.
  const { priceMin, priceAvg, priceMax } = draft;
  if (avgOk && minOk && priceMin && priceMin.greaterThan(priceAvg)) {
    issues.push(issue('priceMin', 'PRICE_ORDER', 'the minimum price is above the average'));
  }
  if (avgOk && maxOk && priceMax && priceMax.lessThan(priceAvg)) {
    issues.push(issue('priceMax', 'PRICE_ORDER', 'the maximum price is below the average'));
  }

  if (issues.length > 0 || !unit.ok) return { ok: false, issues };
  return { ok: true, observation: { ...observation, unit: unit.unit } };
}

/** Adds the amount's issue, if any; true when the amount is absent or acceptable. */
function checkAmount(
  issues: ObservationIssue[],
  field: ObservationField,
  value: Dec | null,
  sign: 'positive' | 'not_negative',
): boolean {
  if (value === null) return true;
  if (sign === 'positive' ? value.lessThanOrEqualTo(0) : value.isNegative()) {
    issues.push(
      issue(
        field,
        'MUST_BE_POSITIVE',
        sign === 'positive' ? 'must be above zero' : 'must not be negative',
      ),
    );
  } else if (value.decimalPlaces() > PRICE_SCALE) {
    issues.push(issue(field, 'TOO_MANY_DECIMALS', `may have at most ${PRICE_SCALE} decimals`));
  } else if (value.greaterThanOrEqualTo(PRICE_LIMIT)) {
    issues.push(issue(field, 'OUT_OF_RANGE', 'is too large'));
  } else {
    return true;
  }
  return false;
}

function issue(
  field: ObservationField,
  code: keyof typeof PriceIssueCodes,
  message: string,
): ObservationIssue {
  return { field, code: PriceIssueCodes[code], message };
}

import { type Dec, dec, scaleOf, toDecimalString } from '../../shared/money';

/**
 * The price × yield heat map of a cost sheet, as the console draws it. These are choices of
 * presentation (which prices and yields to ask the API about, which colour a margin gets),
 * not rules: the margins themselves come from GET /cost-sheets/:id/sensitivity.
 */

export interface YieldScenarios {
  low: string;
  expected: string;
  high: string;
}

export interface HeatMapGrid {
  /** Ascending; the break-even price is one of them, so its row reads as the zero line. */
  prices: string[];
  /** Ascending: low, between, expected, between, high (duplicates dropped). */
  yields: string[];
  breakEvenPrice: string;
}

/** Prices on each side of the break-even price. */
const STEPS_EACH_SIDE = 3;

/**
 * Round steps of about a tenth of the break-even price (1, 2 or 5 times a power of ten), so
 * the rows read as a price list would (150, 160, 170 …), with the break-even price itself
 * placed among them.
 */
export function heatMapGrid(breakEvenPrice: string, yields: YieldScenarios): HeatMapGrid {
  const breakEven = dec(breakEvenPrice);
  const step = niceStep(breakEven.dividedBy(10));
  const centre = breakEven.dividedBy(step).toDecimalPlaces(0).times(step);
  const prices: Dec[] = [];
  for (let k = -STEPS_EACH_SIDE; k <= STEPS_EACH_SIDE; k++) {
    const price = centre.plus(step.times(k));
    if (price.greaterThan(0)) prices.push(price);
  }
  if (breakEven.greaterThan(0) && !prices.some((price) => price.equals(breakEven))) {
    prices.push(breakEven);
  }
  return {
    prices: uniqueAscending(prices),
    yields: uniqueAscending([
      dec(yields.low),
      midpoint(yields.low, yields.expected),
      dec(yields.expected),
      midpoint(yields.expected, yields.high),
      dec(yields.high),
    ]),
    breakEvenPrice: toDecimalString(breakEven),
  };
}

function niceStep(target: Dec): Dec {
  if (target.lessThanOrEqualTo(0)) return dec('1');
  const magnitude = dec('10').pow(target.log(10).floor());
  const normalised = target.dividedBy(magnitude);
  const base = normalised.lessThan('1.5')
    ? 1
    : normalised.lessThan('3.5')
      ? 2
      : normalised.lessThan('7.5')
        ? 5
        : 10;
  return magnitude.times(base);
}

/** Halfway, at the finer of the two figures' scales: yields are as precise as typed. */
function midpoint(a: string, b: string): Dec {
  return dec(a)
    .plus(b)
    .dividedBy(2)
    .toDecimalPlaces(Math.max(scaleOf(a), scaleOf(b)));
}

function uniqueAscending(values: Dec[]): string[] {
  const sorted = [...values].sort((x, y) => x.comparedTo(y));
  const strings = sorted.map((value) => toDecimalString(value));
  return strings.filter((value, index) => index === 0 || !dec(value).equals(strings[index - 1]));
}

export const HEAT_CLASSES = [
  'heat-loss-2',
  'heat-loss-1',
  'heat-even',
  'heat-gain-1',
  'heat-gain-2',
] as const;
export type HeatClass = (typeof HEAT_CLASSES)[number];

/** Within this fraction of the economic cost either way, a margin shows as break-even. */
export const EVEN_BAND = dec('0.01');
/** From this fraction of the economic cost, a loss or a gain shows in the strong colour. */
export const STRONG_BAND = dec('0.2');

/**
 * The colour class of a margin, by its size against the sheet's economic cost (a loss of a
 * fifth of what the season cost is serious whatever the currency or the farm's size).
 */
export function heatClass(margin: string, economicCost: string): HeatClass {
  const value = dec(margin);
  const cost = dec(economicCost);
  // A sheet with no cost has nothing to measure a margin against: only its sign counts.
  if (cost.lessThanOrEqualTo(0)) {
    return value.isZero() ? 'heat-even' : value.isNegative() ? 'heat-loss-2' : 'heat-gain-2';
  }
  const ratio = value.dividedBy(cost);
  if (ratio.abs().lessThan(EVEN_BAND)) return 'heat-even';
  if (ratio.isNegative())
    return ratio.lessThanOrEqualTo(STRONG_BAND.negated()) ? 'heat-loss-2' : 'heat-loss-1';
  return ratio.greaterThanOrEqualTo(STRONG_BAND) ? 'heat-gain-2' : 'heat-gain-1';
}

import { sum, toDecimalString } from '../../shared/money';
import type { CalendarDate, ChartSeries } from './line-chart';

/** What the chart needs of an observation from `GET /market-prices`. */
export interface PriceObservation {
  market: string;
  date: CalendarDate;
  baseUnit: string;
  currency: string;
  /** The average price of one base unit, as the API computed it. */
  priceAvgPerBaseUnit: string;
}

export interface MarketDay {
  /** The mean of that day's averages per base unit, half-even to 4 places. */
  value: string;
  observations: number;
}

export interface MarketPriceSeries {
  /** One series per market, by name; its points by date. */
  series: ChartSeries[];
  /** Every date with a price in some market, in order, for the table. */
  dates: CalendarDate[];
  /** `cells[market][date]`, for the table. */
  cells: Record<string, Record<CalendarDate, MarketDay>>;
  /** Observations left out for being in another base unit or currency. */
  excluded: number;
}

/** As the API's per-base-unit figures are given: 4 decimals. */
const SCALE = 4;

/**
 * Prices compared per base unit: one point per market and day, the mean of the day's
 * averages (several varieties or qualities may be quoted the same day). Observations in
 * another base unit or currency cannot share the axis and are counted, not converted.
 */
export function marketPriceSeries(
  observations: readonly PriceObservation[],
  axis: { baseUnit: string; currency: string },
): MarketPriceSeries {
  const byMarket = new Map<string, Map<CalendarDate, string[]>>();
  let excluded = 0;
  for (const observation of observations) {
    if (observation.baseUnit !== axis.baseUnit || observation.currency !== axis.currency) {
      excluded += 1;
      continue;
    }
    const days = byMarket.get(observation.market) ?? new Map<CalendarDate, string[]>();
    byMarket.set(observation.market, days);
    days.set(observation.date, [
      ...(days.get(observation.date) ?? []),
      observation.priceAvgPerBaseUnit,
    ]);
  }
  const markets = [...byMarket.keys()].sort((a, b) => a.localeCompare(b, 'es'));
  const cells: MarketPriceSeries['cells'] = {};
  const dates = new Set<CalendarDate>();
  const series = markets.map((market) => {
    const days = [...byMarket.get(market)!.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    cells[market] = {};
    for (const [date, values] of days) {
      dates.add(date);
      cells[market][date] = {
        value: toDecimalString(sum(values).dividedBy(values.length), SCALE),
        observations: values.length,
      };
    }
    return {
      name: market,
      points: days.map(([date]) => ({ date, value: cells[market][date].value })),
    };
  });
  return { series, dates: [...dates].sort(), cells, excluded };
}

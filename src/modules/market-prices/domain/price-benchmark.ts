import { validationFailed } from '../../../shared/errors/domain-error';
import { type Dec, type DecimalInput, dec } from '../../../shared/money';
import { addDays, type CalendarDate } from './calendar-date';

/** The reference is the last 30 market days up to and including the offer's date. */
export const BENCHMARK_WINDOW_DAYS = 30;

export interface BenchmarkObservation {
  market: string;
  date: CalendarDate;
  /** Average price of one published unit (a 25 kg sack). */
  priceAvg: DecimalInput;
  /** How much of the base unit the published unit holds (25). */
  quantityInBaseUnit: DecimalInput;
  vatIncluded: boolean | null;
}

export interface BenchmarkInput {
  offerPrice: DecimalInput;
  /** How much of the base unit the offer's price buys (1 for a price per kilo). */
  offerQuantityInBaseUnit: DecimalInput;
  /** Observations of the offer's product, currency and base unit; others are the caller's bug. */
  observations: readonly BenchmarkObservation[];
  asOf: CalendarDate;
}

export interface MarketReference {
  market: string;
  observationCount: number;
  /** Median of the market's average prices, each converted to the offer's unit. */
  medianPrice: Dec;
  /** (offer − median) / median × 100: negative when the offer is below the market. */
  differencePercent: Dec;
  firstDate: CalendarDate;
  lastDate: CalendarDate;
  /** True or false when every observation says so; null when unknown or mixed. */
  vatIncluded: boolean | null;
}

export interface OfferBenchmark {
  window: { from: CalendarDate; to: CalendarDate };
  /** `none` when no market has an observation in the window: then there is no figure at all. */
  reference: 'available' | 'none';
  markets: MarketReference[];
}

export function benchmarkWindow(asOf: CalendarDate): { from: CalendarDate; to: CalendarDate } {
  return { from: addDays(asOf, -(BENCHMARK_WINDOW_DAYS - 1)), to: asOf };
}

/**
 * An offer against each market's recent prices. Each market's figure is the median of its
 * daily average prices (one outlier day does not move it), converted to the offer's unit;
 * a market with no observation in the window is absent, never filled in.
 */
export function benchmarkOffer(input: BenchmarkInput): OfferBenchmark {
  const offerPrice = dec(input.offerPrice);
  const offerQuantity = dec(input.offerQuantityInBaseUnit);
  if (offerPrice.lessThanOrEqualTo(0) || offerQuantity.lessThanOrEqualTo(0)) {
    throw validationFailed([
      ...(offerPrice.lessThanOrEqualTo(0)
        ? [{ field: 'offerPrice', code: 'MUST_BE_POSITIVE', message: 'must be above zero' }]
        : []),
      ...(offerQuantity.lessThanOrEqualTo(0)
        ? [{ field: 'offerQuantity', code: 'MUST_BE_POSITIVE', message: 'must be above zero' }]
        : []),
    ]);
  }
  const window = benchmarkWindow(input.asOf);
  const byMarket = new Map<string, BenchmarkObservation[]>();
  for (const observation of input.observations) {
    if (observation.date < window.from || observation.date > window.to) continue;
    byMarket.set(observation.market, [...(byMarket.get(observation.market) ?? []), observation]);
  }

  const markets = [...byMarket.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([market, observations]): MarketReference => {
      const prices = observations.map((observation) =>
        dec(observation.priceAvg)
          .times(offerQuantity)
          .dividedBy(dec(observation.quantityInBaseUnit)),
      );
      const medianPrice = median(prices);
      const dates = observations.map((observation) => observation.date).sort();
      const vat = new Set(observations.map((observation) => observation.vatIncluded));
      return {
        market,
        observationCount: observations.length,
        medianPrice,
        differencePercent: offerPrice.minus(medianPrice).dividedBy(medianPrice).times(100),
        firstDate: dates[0],
        lastDate: dates[dates.length - 1],
        vatIncluded: vat.size === 1 ? [...vat][0] : null,
      };
    });
  return { window, reference: markets.length > 0 ? 'available' : 'none', markets };
}

/** The middle value; for an even count, the mean of the two middle ones. */
export function median(values: readonly Dec[]): Dec {
  if (values.length === 0) throw new RangeError('the median of nothing is not a number');
  const sorted = [...values].sort((a, b) => a.comparedTo(b));
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? sorted[middle]
    : sorted[middle - 1].plus(sorted[middle]).dividedBy(2);
}

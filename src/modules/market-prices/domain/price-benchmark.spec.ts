import fc from 'fast-check';
import { DomainError } from '../../../shared/errors/domain-error';
import { Dec, dec, toDecimalString } from '../../../shared/money';
import { type BenchmarkObservation, benchmarkOffer, median } from './price-benchmark';

const LO_VALLEDOR = 'Mercado Mayorista Lo Valledor de Santiago';
const VEGA = 'Vega Central Mapocho de Santiago';

function observation(overrides: Partial<BenchmarkObservation>): BenchmarkObservation {
  return {
    market: LO_VALLEDOR,
    date: '2026-10-05',
    priceAvg: '5000',
    quantityInBaseUnit: '20',
    vatIncluded: true,
    ...overrides,
  };
}

describe('benchmarkOffer', () => {
  it('compares a price per kilo with the median of each market, converted from sacks and kilos', () => {
    const result = benchmarkOffer({
      offerPrice: '200',
      offerQuantityInBaseUnit: '1',
      asOf: '2026-10-20',
      observations: [
        observation({ date: '2026-10-05', priceAvg: '4000' }), // 200 per kg
        observation({ date: '2026-10-06', priceAvg: '5000' }), // 250 per kg
        observation({ date: '2026-10-07', priceAvg: '9000' }), // 450 per kg: an outlier day
        observation({ market: VEGA, priceAvg: '245', quantityInBaseUnit: '1' }),
        observation({ market: VEGA, priceAvg: '255', quantityInBaseUnit: '1', vatIncluded: null }),
      ],
    });
    expect(result.reference).toBe('available');
    expect(result.window).toEqual({ from: '2026-09-21', to: '2026-10-20' });
    expect(
      result.markets.map((m) => ({
        market: m.market,
        count: m.observationCount,
        median: toDecimalString(m.medianPrice),
        percent: toDecimalString(m.differencePercent, 2),
        firstDate: m.firstDate,
        lastDate: m.lastDate,
        vatIncluded: m.vatIncluded,
      })),
    ).toEqual([
      {
        market: LO_VALLEDOR,
        count: 3,
        median: '250',
        percent: '-20.00',
        firstDate: '2026-10-05',
        lastDate: '2026-10-07',
        vatIncluded: true,
      },
      {
        market: VEGA,
        count: 2,
        median: '250',
        percent: '-20.00',
        firstDate: '2026-10-05',
        lastDate: '2026-10-05',
        vatIncluded: null,
      },
    ]);
  });

  it("converts the market's prices to the offer's unit (an 18 kg net bag)", () => {
    const result = benchmarkOffer({
      offerPrice: '4950',
      offerQuantityInBaseUnit: '18',
      asOf: '2026-10-05',
      observations: [observation({ priceAvg: '5000', quantityInBaseUnit: '20' })],
    });
    expect(toDecimalString(result.markets[0].medianPrice)).toBe('4500');
    expect(toDecimalString(result.markets[0].differencePercent)).toBe('10');
  });

  it('answers "no reference" with no figure when nothing was observed in the last 30 days', () => {
    const result = benchmarkOffer({
      offerPrice: '200',
      offerQuantityInBaseUnit: '1',
      asOf: '2026-11-20',
      observations: [
        observation({ date: '2026-10-21' }), // 31 days before
        observation({ date: '2026-11-21' }), // after the offer
      ],
    });
    expect(result).toEqual({
      window: { from: '2026-10-22', to: '2026-11-20' },
      reference: 'none',
      markets: [],
    });
    expect(benchmarkOffer({ ...baseInput(), observations: [] }).reference).toBe('none');
  });

  it('counts the first and the last day of the window', () => {
    const result = benchmarkOffer({
      ...baseInput(),
      asOf: '2026-11-20',
      observations: [observation({ date: '2026-10-22' }), observation({ date: '2026-11-20' })],
    });
    expect(result.markets[0].observationCount).toBe(2);
  });

  it('refuses an offer price or quantity of zero', () => {
    expect(() => benchmarkOffer({ ...baseInput(), offerPrice: '0' })).toThrow(DomainError);
    expect(() => benchmarkOffer({ ...baseInput(), offerQuantityInBaseUnit: '0' })).toThrow(
      DomainError,
    );
  });

  it('an offer at the median is 0 % off, above it positive, below it negative', () => {
    const prices = fc.array(fc.integer({ min: 1, max: 10_000_000 }), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(prices, fc.integer({ min: 1, max: 10_000_000 }), (observed, offer) => {
        const result = benchmarkOffer({
          offerPrice: String(offer),
          offerQuantityInBaseUnit: '1',
          asOf: '2026-10-05',
          observations: observed.map((price) =>
            observation({ priceAvg: String(price), quantityInBaseUnit: '1' }),
          ),
        });
        const [market] = result.markets;
        expect(market.observationCount).toBe(observed.length);
        expect(market.differencePercent.comparedTo(0)).toBe(
          dec(String(offer)).comparedTo(market.medianPrice),
        );
        const sorted = [...observed].sort((a, b) => a - b);
        expect(market.medianPrice.greaterThanOrEqualTo(sorted[0])).toBe(true);
        expect(market.medianPrice.lessThanOrEqualTo(sorted[sorted.length - 1])).toBe(true);
      }),
    );
  });
});

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(toDecimalString(median(['3', '1', '2'].map(dec)))).toBe('2');
    expect(toDecimalString(median(['4', '1', '3', '2'].map(dec)))).toBe('2.5');
    expect(toDecimalString(median([new Dec('245.5')]))).toBe('245.5');
  });
});

function baseInput() {
  return {
    offerPrice: '200',
    offerQuantityInBaseUnit: '1',
    asOf: '2026-10-20',
    observations: [observation({})],
  };
}

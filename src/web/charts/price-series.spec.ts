import { marketPriceSeries, type PriceObservation } from './price-series';

function observation(
  market: string,
  date: string,
  priceAvgPerBaseUnit: string,
  extra: Partial<PriceObservation> = {},
): PriceObservation {
  return { market, date, priceAvgPerBaseUnit, baseUnit: 'kg', currency: 'CLP', ...extra };
}

describe('market price series', () => {
  it('makes one line per market, one point per day: the mean of that day’s prices per kg', () => {
    const result = marketPriceSeries(
      [
        observation('Vega Central Mapocho de Santiago', '2026-10-06', '245'),
        observation('Mercado Mayorista Lo Valledor de Santiago', '2026-10-05', '250'),
        observation('Mercado Mayorista Lo Valledor de Santiago', '2026-10-05', '230.0001'),
        observation('Mercado Mayorista Lo Valledor de Santiago', '2026-10-07', '238.0588'),
      ],
      { baseUnit: 'kg', currency: 'CLP' },
    );
    expect(result.series).toEqual([
      {
        name: 'Mercado Mayorista Lo Valledor de Santiago',
        points: [
          { date: '2026-10-05', value: '240.0000' },
          { date: '2026-10-07', value: '238.0588' },
        ],
      },
      {
        name: 'Vega Central Mapocho de Santiago',
        points: [{ date: '2026-10-06', value: '245.0000' }],
      },
    ]);
    expect(result.dates).toEqual(['2026-10-05', '2026-10-06', '2026-10-07']);
    expect(result.cells['Mercado Mayorista Lo Valledor de Santiago']['2026-10-05']).toEqual({
      value: '240.0000',
      observations: 2,
    });
    expect(result.excluded).toBe(0);
  });

  it('rounds the mean half-even at the fourth decimal, in decimals', () => {
    const result = marketPriceSeries(
      [observation('m', '2026-10-05', '0.00005'), observation('m', '2026-10-05', '0.00005')],
      { baseUnit: 'kg', currency: 'CLP' },
    );
    expect(result.series[0].points[0].value).toBe('0.0000');
    const third = marketPriceSeries(
      ['1', '1', '2'].map((value) => observation('m', '2026-10-05', value)),
      { baseUnit: 'kg', currency: 'CLP' },
    );
    expect(third.series[0].points[0].value).toBe('1.3333');
  });

  it('leaves out, and counts, prices in another unit or currency', () => {
    const result = marketPriceSeries(
      [
        observation('m', '2026-10-05', '240'),
        observation('m', '2026-10-05', '900', { baseUnit: 'unit' }),
        observation('m', '2026-10-05', '0.3', { currency: 'USD' }),
      ],
      { baseUnit: 'kg', currency: 'CLP' },
    );
    expect(result.series[0].points).toEqual([{ date: '2026-10-05', value: '240.0000' }]);
    expect(result.excluded).toBe(2);
  });
});

import { dec, toDecimalString } from '../../shared/money';
import { pricePerBaseUnit } from './domain/unit-label';
import type { MarketPriceResponse } from './dto/market-price.dto';
import type { MarketPriceObservation } from './entities/market-price-observation.entity';

/** Per-base-unit figures are quotients (3400 / 18): shown half-even to this many decimals. */
export const PER_BASE_UNIT_SCALE = 4;

export function toMarketPriceResponse(row: MarketPriceObservation): MarketPriceResponse {
  const optional = (value: string | null) => (value === null ? null : toDecimalString(value));
  return {
    id: row.id,
    productId: row.productId,
    market: row.market,
    date: row.date,
    unit: row.unitLabel,
    baseUnit: row.baseUnit,
    quantityInBaseUnit: toDecimalString(row.baseQuantity),
    currency: row.currency,
    priceMin: optional(row.priceMin),
    priceMax: optional(row.priceMax),
    priceAvg: toDecimalString(row.priceAvg),
    priceAvgPerBaseUnit: toDecimalString(
      pricePerBaseUnit(row.priceAvg, { quantity: dec(row.baseQuantity) }),
      PER_BASE_UNIT_SCALE,
    ),
    volume: optional(row.volume),
    variety: row.variety,
    quality: row.quality,
    origin: row.origin,
    region: row.region,
    vatIncluded: row.vatIncluded,
    source: row.source,
    createdAt: row.createdAt.toISOString(),
  };
}

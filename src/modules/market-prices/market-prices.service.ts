import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { Clock } from '../../shared/clock';
import { isForeignKeyViolation, isUniqueViolation } from '../../shared/database/postgres-errors';
import { CommonErrors, DomainError, validationFailed } from '../../shared/errors/domain-error';
import {
  type Currency,
  type DecimalInput,
  dec,
  isDecimalString,
  toDecimalString,
} from '../../shared/money';
import { Outbox } from '../../shared/outbox/outbox.service';
import { type Page, type PageQuery, mapPage, paginate } from '../../shared/pagination/pagination';
import { Product } from '../catalog/entities/product.entity';
import { type CalendarDate, calendarDateIn, isCalendarDate } from './domain/calendar-date';
import { productAliasKey, tidyText } from './domain/folded-text';
import { MarketPriceErrors } from './domain/market-prices.errors';
import { benchmarkOffer, benchmarkWindow } from './domain/price-benchmark';
import {
  AYLLU_MARKET,
  type ObservationField,
  PRICE_SCALE,
  type PriceSource,
  type ValidObservation,
  validateObservation,
} from './domain/price-observation';
import { type BaseUnit, isBaseUnit, parseUnitLabel } from './domain/unit-label';
import type {
  ListMarketPricesQuery,
  MarketPriceResponse,
  OfferBenchmarkResponse,
  ProductAliasResponse,
  RecordMarketPriceRequest,
} from './dto/market-price.dto';
import { MarketPriceObservation } from './entities/market-price-observation.entity';
import { MarketProductAlias } from './entities/market-product-alias.entity';
import { PER_BASE_UNIT_SCALE, toMarketPriceResponse } from './market-price.mappers';

/** A deal made on the platform, as its price observation: no buyer, no lot, no producer. */
export interface DealPriceInput {
  productId: string;
  /** The deal's market day: `YYYY-MM-DD`, or an instant (its date in Chile). */
  date: CalendarDate | Date;
  /** The lot's unit: a catalogue packaging code (`saco-20kg`), the base unit, or a label. */
  unit: string;
  currency: Currency;
  /** Price of one `unit`. */
  price: DecimalInput;
  /** How many `unit`s the deal is for. */
  quantity: DecimalInput;
  /** The deal recorded, so that recording it twice keeps one observation. */
  dealId?: string;
}

const REQUEST_FIELDS: Partial<Record<ObservationField, string>> = { unitLabel: 'unit' };

@Injectable()
export class MarketPricesService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /** The market day today, in Chile. */
  today(): CalendarDate {
    return calendarDateIn(this.clock.now());
  }

  async record(
    user: AuthenticatedUser,
    request: RecordMarketPriceRequest,
  ): Promise<MarketPriceResponse> {
    const optional = (value: string | undefined) => (value === undefined ? null : dec(value));
    const checked = validateObservation(
      {
        date: request.date,
        market: request.market,
        unitLabel: request.unit,
        currency: request.currency,
        priceMin: optional(request.priceMin),
        priceMax: optional(request.priceMax),
        priceAvg: dec(request.priceAvg),
        volume: optional(request.volume),
        variety: request.variety ?? null,
        quality: request.quality ?? null,
        origin: request.origin ?? null,
        region: request.region ?? null,
        vatIncluded: request.vatIncluded ?? null,
      },
      this.today(),
    );
    if (!checked.ok) {
      throw validationFailed(
        checked.issues.map((issue) => ({
          ...issue,
          field: REQUEST_FIELDS[issue.field] ?? issue.field,
        })),
      );
    }
    try {
      return await this.dataSource.transaction(async (manager) => {
        if (!(await manager.existsBy(Product, { id: request.productId }))) {
          throw validationFailed([
            { field: 'productId', code: 'UNKNOWN_PRODUCT', message: 'no product has that id' },
          ]);
        }
        const row = await manager.save(
          manager.create(
            MarketPriceObservation,
            observationColumns({
              productId: request.productId,
              productNameAsPublished: null,
              observation: checked.observation,
              source: 'manual',
              createdBy: user.id,
            }),
          ),
        );
        await this.outbox.record(manager, {
          type: 'market_price.recorded',
          aggregateType: 'market_price',
          aggregateId: row.id,
          payload: { productId: row.productId, market: row.market, date: row.date },
        });
        return toMarketPriceResponse(row);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(
          MarketPriceErrors.MARKET_PRICE_EXISTS,
          'a price for that date, market, product, variety, quality, unit and origin is already recorded',
        );
      }
      throw error;
    }
  }

  async list(query: ListMarketPricesQuery): Promise<Page<MarketPriceResponse>> {
    if (query.from && query.to && query.from > query.to) {
      throw validationFailed([
        { field: 'from', code: 'OUT_OF_RANGE', message: 'from must not be after to' },
      ]);
    }
    const builder = this.dataSource
      .getRepository(MarketPriceObservation)
      .createQueryBuilder('price');
    if (query.productId) builder.andWhere('price.productId = :productId', query);
    if (query.market) {
      builder.andWhere('lower(price.market) = lower(:market)', { market: tidyText(query.market) });
    }
    if (query.from) builder.andWhere('price.date >= :from', query);
    if (query.to) builder.andWhere('price.date <= :to', query);
    return mapPage(await paginate(builder, query), toMarketPriceResponse);
  }

  /**
   * An offer's price against each market's median average of the 30 days up to `asOf`
   * (counted in Chile's calendar). Only observations in the offer's currency and in the
   * product's base unit count: there is no exchange rate or kilo-per-unit to guess.
   * Reads through the DataSource: call it outside a transaction.
   */
  async benchmark(
    productId: string,
    pricePerBaseUnit: DecimalInput,
    currency: Currency,
    asOf: Date,
  ): Promise<OfferBenchmarkResponse> {
    const product = await this.dataSource.getRepository(Product).findOneBy({ id: productId });
    if (!product) throw new DomainError(CommonErrors.NOT_FOUND, 'no product has that id');
    const baseUnit = checkedBaseUnit(product);
    const day = calendarDateIn(asOf);
    const window = benchmarkWindow(day);
    const rows = await this.dataSource
      .getRepository(MarketPriceObservation)
      .createQueryBuilder('price')
      .where('price.productId = :productId', { productId })
      .andWhere('price.currency = :currency', { currency })
      .andWhere('price.baseUnit = :baseUnit', { baseUnit })
      .andWhere('price.date BETWEEN :from AND :to', window)
      .getMany();
    const result = benchmarkOffer({
      offerPrice: pricePerBaseUnit,
      offerQuantityInBaseUnit: '1',
      asOf: day,
      observations: rows.map((row) => ({
        market: row.market,
        date: row.date,
        priceAvg: row.priceAvg,
        quantityInBaseUnit: row.baseQuantity,
        vatIncluded: row.vatIncluded,
      })),
    });
    return {
      productId,
      currency,
      baseUnit,
      offerPricePerBaseUnit: toDecimalString(pricePerBaseUnit),
      asOf: result.window.to,
      from: result.window.from,
      reference: result.reference,
      markets: result.markets.map((market) => ({
        market: market.market,
        observations: market.observationCount,
        medianPricePerBaseUnit: toDecimalString(market.medianPrice, PER_BASE_UNIT_SCALE),
        differencePercent: toDecimalString(market.differencePercent, 2),
        firstDate: market.firstDate,
        lastDate: market.lastDate,
        vatIncluded: market.vatIncluded,
      })),
    };
  }

  /**
   * A deal's price as an observation of market `ayllu`, written with the caller's manager so
   * it commits with the deal. Nothing names the buyer. One row per deal: deals are not
   * folded into a daily average, so the benchmark counts each deal as one observation.
   * The observation's id, or null when this deal was already recorded.
   */
  async recordDealPrice(manager: EntityManager, deal: DealPriceInput): Promise<string | null> {
    const [id] = await this.recordDealPrices(manager, [deal]);
    return id ?? null;
  }

  /**
   * `recordDealPrice` for many deals in two statements whatever their number: one read of
   * their products and packaging units, one INSERT. Returns the ids of the observations
   * written (deals already recorded write none). Any deal refused refuses them all.
   */
  async recordDealPrices(manager: EntityManager, deals: DealPriceInput[]): Promise<string[]> {
    if (deals.length === 0) return [];
    const checked = deals.map((deal) => {
      const date = deal.date instanceof Date ? calendarDateIn(deal.date) : deal.date;
      if (!isCalendarDate(date)) {
        throw validationFailed([
          { field: 'date', code: 'NOT_DATE', message: 'date must be a date such as 2026-10-05' },
        ]);
      }
      return {
        deal,
        date,
        price: checkedAmount(deal.price, 'price'),
        quantity: checkedAmount(deal.quantity, 'quantity'),
      };
    });
    const units = await manager.query<
      {
        id: string;
        code: string;
        base_unit: string;
        unit: string | null;
        per_unit: string | null;
      }[]
    >(
      `SELECT p.id, p.code, p.base_unit, u.code AS unit, u.quantity_in_base_unit AS per_unit
         FROM products p
         LEFT JOIN packaging_units u ON u.product_id = p.id AND u.code = ANY($2::text[])
        WHERE p.id = ANY($1::uuid[])`,
      [
        [...new Set(deals.map((deal) => deal.productId))],
        [...new Set(deals.map((deal) => deal.unit))],
      ],
    );
    const rows = checked.map(({ deal, date, price, quantity }) => {
      const known = units.filter((row) => row.id === deal.productId);
      if (known.length === 0)
        throw new DomainError(CommonErrors.NOT_FOUND, 'no product has that id');
      const product = { code: known[0].code, baseUnit: known[0].base_unit };
      const baseUnit = checkedBaseUnit(product);
      const packaging = known.find((row) => row.unit === deal.unit);
      const parsed = parseUnitLabel(deal.unit);
      const baseQuantity = packaging?.per_unit
        ? dec(packaging.per_unit)
        : parsed.ok && parsed.unit.baseUnit === baseUnit
          ? parsed.unit.quantity
          : null;
      if (!baseQuantity) {
        throw new DomainError(
          MarketPriceErrors.UNITS_NOT_COMPARABLE,
          `unit "${deal.unit}" is neither a packaging unit of ${product.code} nor a label in ${baseUnit}`,
          { unit: deal.unit, baseUnit },
        );
      }
      return {
        productId: deal.productId,
        date,
        unit: deal.unit,
        baseUnit,
        baseQuantity: toDecimalString(baseQuantity),
        currency: deal.currency,
        price: toDecimalString(price),
        volume: toDecimalString(quantity),
        dealId: deal.dealId ?? null,
      };
    });
    const column = <K extends keyof (typeof rows)[number]>(key: K) => rows.map((row) => row[key]);
    const written = await manager.query<{ id: string }[]>(
      `INSERT INTO market_price_observations
         (product_id, market, date, unit_label, base_unit, base_quantity, currency,
          price_min, price_max, price_avg, volume, source, deal_id)
       SELECT product_id, $10, date, unit_label, base_unit, base_quantity, currency,
              price, price, price, volume, 'ayllu', deal_id
         FROM unnest($1::uuid[], $2::date[], $3::text[], $4::text[], $5::numeric[], $6::text[],
                     $7::numeric[], $8::numeric[], $9::uuid[])
           AS deal (product_id, date, unit_label, base_unit, base_quantity, currency, price,
                    volume, deal_id)
       ON CONFLICT (deal_id) WHERE deal_id IS NOT NULL DO NOTHING
       RETURNING id`,
      [
        column('productId'),
        column('date'),
        column('unit'),
        column('baseUnit'),
        column('baseQuantity'),
        column('currency'),
        column('price'),
        column('volume'),
        column('dealId'),
        AYLLU_MARKET,
      ],
    );
    return written.map((row) => row.id);
  }

  /**
   * Every deal closed on the platform becomes an observation of market `ayllu`, from the
   * `deal.created` event (off the deal's own transaction, so the hot lot is not slowed), a
   * relay batch of events at a time; the deal id makes a repeated delivery a no-op.
   */
  onModuleInit(): void {
    this.outbox.subscribeBatch(async (events) => {
      const deals = events
        .filter((event) => event.type === 'deal.created')
        .map((event) => ({
          ...(event.payload as {
            dealId: string;
            productId: string;
            price: string;
            quantity: string;
            currency: Currency;
            unit: string;
          }),
          date: event.occurredAt,
        }));
      // One read of reference data and one INSERT that a repeat makes a no-op: nothing
      // here needs a transaction around it.
      await this.recordDealPrices(this.dataSource.manager, deals);
    });
  }

  async listAliases(page: PageQuery): Promise<Page<ProductAliasResponse>> {
    const result = await paginate(
      this.dataSource.getRepository(MarketProductAlias).createQueryBuilder('alias'),
      page,
    );
    const products = await this.dataSource
      .getRepository(Product)
      .findBy({ id: In([...new Set(result.items.map((alias) => alias.productId))]) });
    const codes = new Map(products.map((product) => [product.id, product.code]));
    return mapPage(result, (alias) => ({
      id: alias.id,
      name: alias.name,
      productId: alias.productId,
      productCode: codes.get(alias.productId)!,
      createdAt: alias.createdAt.toISOString(),
    }));
  }

  /** Adds an alias, or points an existing one (same name, any accents or case) elsewhere. */
  async putAlias(name: string, productId: string): Promise<ProductAliasResponse> {
    const tidy = tidyText(name);
    if (tidy === '' || tidy.length > 200) {
      throw validationFailed([
        { field: 'name', code: 'INVALID', message: 'name must have 1 to 200 characters' },
      ]);
    }
    try {
      return await this.dataSource.transaction(async (manager) => {
        const [row] = await manager.query<
          { id: string; name: string; product_id: string; created_at: Date }[]
        >(
          `INSERT INTO market_product_aliases (name_key, name, product_id) VALUES ($1, $2, $3)
           ON CONFLICT (name_key) DO UPDATE
             SET name = EXCLUDED.name, product_id = EXCLUDED.product_id, updated_at = now()
           RETURNING id, name, product_id, created_at`,
          [productAliasKey(tidy), tidy, productId],
        );
        const product = await manager.findOneByOrFail(Product, { id: productId });
        await this.outbox.record(manager, {
          type: 'market_product_alias.changed',
          aggregateType: 'market_product_alias',
          aggregateId: row.id,
          payload: { name: row.name, productId },
        });
        return {
          id: row.id,
          name: row.name,
          productId: row.product_id,
          productCode: product.code,
          createdAt: row.created_at.toISOString(),
        };
      });
    } catch (error) {
      if (isForeignKeyViolation(error)) {
        throw validationFailed([
          { field: 'productId', code: 'UNKNOWN_PRODUCT', message: 'no product has that id' },
        ]);
      }
      throw error;
    }
  }

  async deleteAlias(id: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const alias = await manager.findOneBy(MarketProductAlias, { id });
      if (!alias) throw new DomainError(CommonErrors.NOT_FOUND, 'no such alias');
      await manager.delete(MarketProductAlias, { id });
      await this.outbox.record(manager, {
        type: 'market_product_alias.removed',
        aggregateType: 'market_product_alias',
        aggregateId: id,
        payload: { name: alias.name, productId: alias.productId },
      });
    });
  }
}

/** The columns of an observation row, as the entity names them; decimals as strings. */
export function observationColumns(input: {
  productId: string;
  productNameAsPublished: string | null;
  observation: ValidObservation;
  source: Exclude<PriceSource, 'ayllu'>;
  createdBy: string | null;
}): Omit<MarketPriceObservation, 'id' | 'createdAt' | 'updatedAt' | 'dealId'> {
  const { observation } = input;
  const optional = (value: ValidObservation['priceMin']) =>
    value === null ? null : toDecimalString(value);
  return {
    productId: input.productId,
    productNameAsPublished: input.productNameAsPublished,
    market: observation.market,
    date: observation.date,
    unitLabel: observation.unitLabel,
    baseUnit: observation.unit.baseUnit,
    baseQuantity: toDecimalString(observation.unit.quantity),
    currency: observation.currency,
    priceMin: optional(observation.priceMin),
    priceMax: optional(observation.priceMax),
    priceAvg: toDecimalString(observation.priceAvg),
    volume: optional(observation.volume),
    variety: observation.variety,
    quality: observation.quality,
    origin: observation.origin,
    region: observation.region,
    vatIncluded: observation.vatIncluded,
    source: input.source,
    createdBy: input.createdBy,
  };
}

function checkedBaseUnit(product: Pick<Product, 'code' | 'baseUnit'>): BaseUnit {
  if (!isBaseUnit(product.baseUnit)) {
    throw new Error(`product ${product.code} has base unit ${product.baseUnit}, not one we price`);
  }
  return product.baseUnit;
}

function checkedAmount(value: DecimalInput, field: string) {
  if (typeof value === 'string' && !isDecimalString(value)) {
    throw validationFailed([{ field, code: 'NOT_DECIMAL', message: `${field} is not a decimal` }]);
  }
  const amount = dec(value);
  if (amount.lessThanOrEqualTo(0) || amount.decimalPlaces() > PRICE_SCALE) {
    throw validationFailed([
      {
        field,
        code: 'OUT_OF_RANGE',
        message: `${field} must be above zero with at most ${PRICE_SCALE} decimals`,
      },
    ]);
  }
  return amount;
}

import { Controller, Get, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import {
  addDays,
  calendarDateIn,
  isCalendarDate,
} from '../../modules/market-prices/domain/calendar-date';
import { Public } from '../../shared/auth/access.decorators';
import { Clock } from '../../shared/clock';
import { toDecimalString } from '../../shared/money';
import type { Me } from '../api-types';
import { buildLineChart, markerPath } from '../charts/line-chart';
import { marketPriceSeries, type PriceObservation } from '../charts/price-series';
import { ConsoleErrorFilter } from '../console-error.filter';
import { ConsolePages, isRefusal, type Page } from '../console-page';
import { readAll } from './read-all';

interface Product {
  id: string;
  code: string;
  nameEs: string;
  nameEn: string;
  baseUnit: string;
}

interface Offer {
  id: string;
  lotId: string;
  price: string;
  quantity: string;
  status: string;
}

interface Lot {
  id: string;
  productId: string;
  unit: string;
  currency: string;
}

interface OfferBenchmark {
  productId: string;
  currency: string;
  baseUnit: string;
  offerPricePerBaseUnit: string;
  asOf: string;
  from: string;
  reference: 'available' | 'none';
  markets: {
    market: string;
    observations: number;
    medianPricePerBaseUnit: string;
    differencePercent: string;
    firstDate: string;
    lastDate: string;
  }[];
}

/** The period shown when none is chosen: the last 90 days, counted in Chile's calendar. */
const DEFAULT_DAYS = 90;
/**
 * At most this many pages of 100 observations: 2,000 holds 90 days of some twenty quotes a
 * day (markets × varieties × qualities). Beyond it the page says the chart is cut short.
 */
const MAX_PAGES = 20;
const PAGE_SIZE = 100;

/** Market prices per product as a line per market, with an offer's price marked on it. */
@ApiExcludeController()
@Public()
@UseFilters(ConsoleErrorFilter)
@Controller('precios')
export class PricesPagesController {
  constructor(
    private readonly pages: ConsolePages,
    private readonly clock: Clock,
  ) {}

  @Get()
  async prices(
    @Req() req: Request,
    @Res() res: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const text = (name: string) =>
      typeof query[name] === 'string' && query[name] !== '' ? query[name] : undefined;
    const [me, products, offer] = await Promise.all([
      page.get<Me>('/me'),
      this.products(page),
      text('oferta') ? this.offer(page, text('oferta')!) : undefined,
    ]);
    const today = calendarDateIn(this.clock.now());
    const to = text('to') ?? today;
    // A mistyped end date is the API's to refuse; the default start then counts from today.
    const from = text('from') ?? addDays(isCalendarDate(to) ? to : today, -DEFAULT_DAYS);
    // An offer fixes the product: its price means nothing on another product's chart.
    const product = products.find(
      (candidate) =>
        candidate.id === (offer?.lot.productId ?? text('productId') ?? products[0]?.id),
    );
    const values = { productId: product?.id ?? text('productId') ?? '', from, to };
    const locals = {
      title: page.t('prices.title'),
      user: me,
      products: products.map((p) => ({
        value: p.id,
        label: page.language === 'es' ? p.nameEs : p.nameEn,
      })),
      values,
      offer,
    };
    if (!product) return page.render('prices', { ...locals, chart: undefined });

    let observations: { items: PriceObservation[]; truncated: boolean };
    try {
      observations = await readAll<PriceObservation>(
        page,
        '/market-prices',
        { productId: product.id, from, to },
        { maxPages: MAX_PAGES, limit: PAGE_SIZE },
      );
    } catch (error) {
      if (!isRefusal(error)) throw error;
      return page.render(
        'prices',
        { ...locals, errors: error.fieldErrors(), problem: error.problem },
        422,
      );
    }
    const currency = offer?.lot.currency ?? 'CLP';
    const prices = marketPriceSeries(observations.items, { baseUnit: product.baseUnit, currency });
    const chart = buildLineChart(prices.series, {
      reference: offer?.benchmark.offerPricePerBaseUnit,
    });
    page.render('prices', {
      ...locals,
      product: { ...product, name: page.language === 'es' ? product.nameEs : product.nameEn },
      currency,
      unit: page.t(`prices.unit.${product.baseUnit}`),
      chart,
      prices,
      truncated: observations.truncated,
      marker: markerPath,
      /** Per-base-unit figures carry 4 decimals; people read pesos to the cent at most. */
      shown: (value: string) => toDecimalString(value, 2),
      benchmarkRows: offer ? benchmarkRows(offer.benchmark, prices.series) : [],
    });
  }

  private async products(page: Page): Promise<Product[]> {
    return (await readAll<Product>(page, '/products', {}, { maxPages: 5 })).items;
  }

  /** The offer with its lot (for the unit) and its benchmark; either party may read them. */
  private async offer(page: Page, offerId: string) {
    const path = `/offers/${encodeURIComponent(offerId)}`;
    const [offer, benchmark] = await Promise.all([
      page.get<Offer>(path),
      page.get<OfferBenchmark>(`${path}/benchmark`),
    ]);
    const lot = await page.get<Lot>(`/lots/${offer.lotId}`);
    return { ...offer, lot, benchmark };
  }
}

/** The benchmark per market; a market on the chart with no price in its window has none. */
function benchmarkRows(benchmark: OfferBenchmark, series: { name: string }[]) {
  const named = new Map(benchmark.markets.map((market) => [market.market, market]));
  const others = series
    .map((line) => line.name)
    .filter((name) => !named.has(name))
    .map((market) => ({ market, figures: undefined }));
  return [
    ...benchmark.markets.map((market) => ({ market: market.market, figures: market })),
    ...others,
  ];
}

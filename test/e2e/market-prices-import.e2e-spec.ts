import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { MarketPricesService } from '../../src/modules/market-prices/market-prices.service';
import { bearer, newUser, type TestUser } from '../support/builders';
import { expectProblem } from '../support/lot-builders';
import {
  ADMIN_ENV,
  importPrices,
  loginPlatformAdmin,
  newAssociationTeam,
  ODEPA_SAMPLE_LINES,
  odepaFile,
  productIdOf,
  toSemicolons,
} from '../support/market-price-builders';
import { startTestApp, type TestApp } from '../support/test-app';

const LO_VALLEDOR = 'Mercado Mayorista Lo Valledor de Santiago';
const VEGA = 'Vega Central Mapocho de Santiago';
const HEADER = ODEPA_SAMPLE_LINES[0];

/** An ODEPA row: the sample's first carrot row with some cells changed. */
function odepaRow(
  cells: Partial<Record<'date' | 'market' | 'product' | 'unit' | 'min' | 'avg' | 'origin', string>>,
): string {
  const c = {
    date: '2026-10-05',
    market: LO_VALLEDOR,
    product: 'Zanahoria',
    unit: '$/saco 20 kilos',
    min: '4500,0000',
    avg: '4761,1765',
    origin: 'Region de Coquimbo',
    ...cells,
  };
  return `${c.date},"13","Region Metropolitana de Santiago","${c.market}","Hortalizas","${c.product}","Sin especificar","Primera","${c.unit}","${c.origin}","850","${c.min}","5000,0000","${c.avg}"`;
}

describe('market prices: CSV import', () => {
  let t: TestApp;
  let admin: TestUser;
  let carrot: string;
  let beans: string;

  beforeAll(async () => {
    t = await startTestApp(ADMIN_ENV);
    admin = await loginPlatformAdmin(t.http);
    carrot = await productIdOf(t.http, 'zanahoria');
    beans = await productIdOf(t.http, 'habas');
  });

  afterAll(() => t.close());

  async function pricesOf(productId: string, query = '') {
    const response = await t.http
      .get(`/api/v1/market-prices?productId=${productId}&limit=100${query}`)
      .set(bearer(admin))
      .expect(200);
    return response.body.items as Record<string, unknown>[];
  }

  it("imports ODEPA's sample file as published: BOM, commas, quoted text, decimal commas, CRLF", async () => {
    const response = await importPrices(t.http, admin, odepaFile(ODEPA_SAMPLE_LINES)).expect(200);
    expect(response.body).toEqual({
      layout: 'odepa',
      encoding: 'utf-8',
      delimiter: ',',
      rowsRead: 6,
      inserted: 5,
      updated: 0,
      unchanged: 0,
      skippedUnknownProduct: 1,
      unknownProducts: [{ name: 'Papa', rows: 1 }],
      rowsWithErrors: 0,
      errors: [],
      errorsTruncated: false,
    });

    const carrots = await pricesOf(carrot);
    expect(carrots).toHaveLength(4);
    expect(carrots.find((price) => price.market === LO_VALLEDOR)).toEqual({
      id: expect.any(String),
      productId: carrot,
      market: LO_VALLEDOR,
      date: '2026-10-05',
      unit: '$/saco 20 kilos',
      baseUnit: 'kg',
      quantityInBaseUnit: '20',
      currency: 'CLP',
      priceMin: '4500',
      priceMax: '5000',
      priceAvg: '4761.1765',
      priceAvgPerBaseUnit: '238.0588',
      volume: '850',
      variety: 'Sin especificar',
      quality: 'Primera',
      origin: 'Region de Coquimbo',
      region: 'Region Metropolitana de Santiago',
      vatIncluded: true,
      source: 'odepa',
      createdAt: expect.any(String),
    });
    expect(
      carrots
        .map((price) => [price.unit, price.quantityInBaseUnit, price.priceAvgPerBaseUnit])
        .sort(),
    ).toEqual([
      ['$/bandeja 10 kilos', '10', '290.0000'],
      ['$/kilo (en saco de 20 kilos)', '1', '245.0000'],
      ['$/malla 18 kilos', '18', '188.8889'],
      ['$/saco 20 kilos', '20', '238.0588'],
    ]);
    const [haba] = await pricesOf(beans);
    expect(haba).toMatchObject({
      unit: '$/saco 25 kilos',
      priceAvg: '10000',
      priceAvgPerBaseUnit: '400.0000',
    });
  });

  it('re-importing the same file adds nothing; a changed figure updates its observation', async () => {
    const again = await importPrices(t.http, admin, odepaFile(ODEPA_SAMPLE_LINES)).expect(200);
    expect(again.body).toMatchObject({ rowsRead: 6, inserted: 0, updated: 0, unchanged: 5 });
    expect(await pricesOf(carrot)).toHaveLength(4);

    const corrected = [...ODEPA_SAMPLE_LINES];
    corrected[1] = corrected[1].replace('"4761,1765"', '"4800,0000"');
    const update = await importPrices(t.http, admin, odepaFile(corrected)).expect(200);
    expect(update.body).toMatchObject({ inserted: 0, updated: 1, unchanged: 4 });
    const carrots = await pricesOf(carrot, `&market=${encodeURIComponent(LO_VALLEDOR)}`);
    expect(carrots.map((price) => price.priceAvg)).toEqual(['4800']);
    await importPrices(t.http, admin, odepaFile(ODEPA_SAMPLE_LINES)).expect(200);
  });

  it('reads the file saved as Latin-1 with semicolons and accented headings', async () => {
    const accented = HEADER.replace('ID region,Region', 'ID región,Región')
      .replace('comercializacion', 'comercialización')
      .replace('Precio minimo,Precio maximo', 'Precio mínimo,Precio máximo');
    const lines = toSemicolons([
      accented,
      odepaRow({ date: '2026-10-07', origin: 'Región de Ñuble' }),
      odepaRow({
        date: '2026-10-07',
        market: VEGA,
        unit: '$/kilo (en caja de 20 kilos)',
        min: '230,0000',
        avg: '250,0000',
      }),
    ]);
    expect(lines[1]).toContain(';4761,1765');
    const response = await importPrices(
      t.http,
      admin,
      odepaFile(lines, { encoding: 'latin1' }),
    ).expect(200);
    expect(response.body).toMatchObject({
      layout: 'odepa',
      encoding: 'windows-1252',
      delimiter: ';',
      rowsRead: 2,
      inserted: 2,
      rowsWithErrors: 0,
    });
    const stored = await pricesOf(carrot, '&from=2026-10-07&to=2026-10-07');
    expect(
      stored.map((price) => [price.origin, price.priceAvg, price.priceAvgPerBaseUnit]).sort(),
    ).toEqual([
      ['Region de Coquimbo', '250', '250.0000'],
      ['Región de Ñuble', '4761.1765', '238.0588'],
    ]);
  });

  it('keeps the valid rows and reports each bad one with its line and column; unknown products are skipped', async () => {
    const lines = [
      HEADER,
      odepaRow({ date: '2026-10-08' }), // line 2: good
      odepaRow({ date: '2026-10-08', unit: '$/atado' }), // 3
      odepaRow({ date: '2026-10-08', market: VEGA, avg: '0' }), // 4
      odepaRow({ date: '2099-01-01' }), // 5
      '2026-10-08,"13","Region Metropolitana de Santiago"', // 6
      odepaRow({ date: '2026-10-08', product: 'Lechuga', avg: 'no' }), // 7: skipped, not an error
      odepaRow({ date: '2026-10-08', market: 'Femacal de La Calera', min: '5000,0000' }), // 8
      odepaRow({ date: '2026-10-08', market: 'Agricola del Norte S.A. de Arica', avg: '1.800,00' }), // 9
      odepaRow({ date: '2026-10-08', product: 'QUÍNOA', unit: '$/kilo' }), // 10: good, alias ignores accents
    ];
    const response = await importPrices(t.http, admin, odepaFile(lines)).expect(200);
    expect(response.body).toMatchObject({
      rowsRead: 9,
      inserted: 2,
      skippedUnknownProduct: 1,
      unknownProducts: [{ name: 'Lechuga', rows: 1 }],
      rowsWithErrors: 6,
      errorsTruncated: false,
    });
    expect(
      response.body.errors.map((e: Record<string, unknown>) => [e.line, e.field, e.code]),
    ).toEqual([
      [3, 'Unidad de comercializacion', 'UNIT_NOT_PARSED'],
      [4, 'Precio promedio', 'MUST_BE_POSITIVE'],
      [5, 'Fecha', 'DATE_IN_FUTURE'],
      [6, null, 'COLUMN_COUNT'],
      [8, 'Precio minimo', 'PRICE_ORDER'],
      [9, 'Precio promedio', 'NOT_DECIMAL'],
    ]);
    expect(response.body.errors[0].message).toContain('$/atado');
    expect(await pricesOf(carrot, '&from=2026-10-08&to=2026-10-08')).toHaveLength(1);
    expect(await pricesOf(await productIdOf(t.http, 'quinua'))).toEqual([
      expect.objectContaining({ date: '2026-10-08', unit: '$/kilo', baseUnit: 'kg' }),
    ]);
  });

  it('reports a row with a broken quote by its line, keeping the others', async () => {
    const stray = await importPrices(
      t.http,
      admin,
      odepaFile([
        HEADER,
        odepaRow({ date: '2026-11-10', market: VEGA }).replace('"Primera"', '"Primera'),
        odepaRow({ date: '2026-11-10' }),
      ]),
    ).expect(200);
    // csv-parse, relaxed, reads on past the stray quote; the row then has a column too few.
    expect(stray.body).toMatchObject({ rowsRead: 2, inserted: 1, rowsWithErrors: 1 });
    expect(stray.body.errors).toEqual([
      expect.objectContaining({
        line: 2,
        field: null,
        code: expect.stringMatching(/^(MALFORMED_CSV|COLUMN_COUNT)$/),
      }),
    ]);

    const unclosed = await importPrices(
      t.http,
      admin,
      odepaFile([
        HEADER,
        odepaRow({ date: '2026-11-11' }),
        odepaRow({ date: '2026-11-11', market: VEGA }).replace(/"$/, ''),
        odepaRow({ date: '2026-11-11', market: 'Femacal de La Calera' }),
      ]),
    ).expect(200);
    expect(unclosed.body).toMatchObject({ inserted: 1, rowsWithErrors: 1 });
    expect(unclosed.body.errors).toEqual([
      expect.objectContaining({ line: 3, field: null, code: 'MALFORMED_CSV' }),
    ]);
  });

  it('imports our own layout, refusing unknown product codes and the reserved market', async () => {
    const file = [
      'date,market,product_code,unit,currency,price_min,price_max,price_avg',
      '2026-10-10,Feria Modelo de Calama,zanahoria,kg,CLP,250,300,280',
      '2026-10-10,Feria Modelo de Calama,habas,saco-25kg,CLP,,,9500.50',
      '2026-10-10,Feria Modelo de Calama,papa,kg,CLP,,,500',
      '2026-10-10,ayllu,zanahoria,kg,CLP,,,280',
      '2026-10-10,Feria Modelo de Calama,zanahoria,kg,EUR,,,1',
    ].join('\n');
    const response = await importPrices(t.http, admin, file).expect(200);
    expect(response.body).toMatchObject({
      layout: 'ayllu',
      rowsRead: 5,
      inserted: 2,
      rowsWithErrors: 3,
    });
    expect(
      response.body.errors.map((e: Record<string, unknown>) => [e.line, e.field, e.code]),
    ).toEqual([
      [4, 'product_code', 'UNKNOWN_PRODUCT_CODE'],
      [5, 'market', 'MARKET_RESERVED'],
      [6, 'currency', 'NOT_ALLOWED_VALUE'],
    ]);
    const [fair] = await pricesOf(beans, '&market=feria modelo de calama');
    expect(fair).toMatchObject({
      source: 'csv',
      quantityInBaseUnit: '25',
      priceAvg: '9500.5',
      vatIncluded: null,
    });

    // No variety, quality or origin: the natural key still matches (NULLS NOT DISTINCT).
    const again = await importPrices(t.http, admin, file).expect(200);
    expect(again.body).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
  });

  it('lets a row repeating an earlier key in the same file replace it', async () => {
    const file = [
      'date,market,product_code,unit,currency,price_avg',
      '2026-10-11,Feria de Chiu Chiu,habas,kg,CLP,400',
      '2026-10-11,Feria de Chiu Chiu,habas,kg,CLP,420',
      '2026-10-11,Feria de Chiu Chiu,habas,kg,CLP,420',
    ].join('\n');
    const response = await importPrices(t.http, admin, file).expect(200);
    expect(response.body).toMatchObject({ inserted: 1, updated: 1, unchanged: 1 });
    const stored = await pricesOf(beans, '&market=Feria de Chiu Chiu');
    expect(stored.map((price) => price.priceAvg)).toEqual(['420']);
  });

  it('refuses a file whose columns are neither layout, naming what is missing, and imports nothing', async () => {
    const before = (await pricesOf(carrot)).length;
    const response = await importPrices(
      t.http,
      admin,
      'Fecha,Mercado,Producto,Precio\n2026-10-05,Lo Valledor,Zanahoria,100\n',
    ).expect(400);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        field: 'header',
        code: 'MISSING_COLUMN',
        message: 'missing column "Unidad de comercializacion"',
      }),
      expect.objectContaining({
        field: 'header',
        code: 'MISSING_COLUMN',
        message: 'missing column "Precio promedio"',
      }),
    ]);
    expect(await pricesOf(carrot)).toHaveLength(before);
    await importPrices(t.http, admin, '').expect(400);
  });

  it('takes text/csv only, from the platform admin only, and no Idempotency-Key', async () => {
    await importPrices(t.http, admin, '{"a":1}', 'application/json').expect(415);
    await importPrices(t.http, admin, 'x', 'text/csv; charset=utf-16').expect(415);
    const { treasurer } = await newAssociationTeam(t.http);
    await importPrices(t.http, treasurer, odepaFile(ODEPA_SAMPLE_LINES)).expect(403);
    await t.http
      .post('/api/v1/market-prices/import')
      .set('Content-Type', 'text/csv')
      .send(odepaFile(ODEPA_SAMPLE_LINES))
      .expect(401);
    const keyed = await importPrices(t.http, admin, odepaFile(ODEPA_SAMPLE_LINES))
      .set('Idempotency-Key', 'import-1')
      .expect(400);
    expect(keyed.body.errors[0]).toMatchObject({ field: 'Idempotency-Key', code: 'NOT_SUPPORTED' });
  });

  it('refuses an upload declared larger than the limit before reading it', async () => {
    const server = t.app.getHttpServer();
    if (!server.listening)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const status = await new Promise<{ status: number; connection: string | undefined }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/market-prices/import',
            headers: {
              ...bearer(admin),
              'Content-Type': 'text/csv',
              'Content-Length': String(10 * 1024 ** 3),
            },
          },
          (res) => {
            res.resume();
            resolve({ status: res.statusCode!, connection: res.headers.connection });
            req.destroy();
          },
        );
        req.on('error', reject);
        req.write(`${HEADER}\r\n`);
      },
    );
    expect(status).toEqual({ status: 413, connection: 'close' });
  });

  describe('benchmark and deal prices (the services the negotiation module calls)', () => {
    const asOf = new Date('2026-10-20T15:00:00Z');

    it("puts a price per kilo against each market's median of the last 30 days", async () => {
      const prices = t.app.get(MarketPricesService);
      const result = await prices.benchmark(carrot, '200', 'CLP', asOf);
      expect(result).toMatchObject({
        productId: carrot,
        currency: 'CLP',
        baseUnit: 'kg',
        offerPricePerBaseUnit: '200',
        asOf: '2026-10-20',
        from: '2026-09-21',
        reference: 'available',
      });
      const byMarket = Object.fromEntries(
        result.markets.map((m) => [
          m.market,
          [m.observations, m.medianPricePerBaseUnit, m.differencePercent],
        ]),
      );
      // Lo Valledor: 2026-10-05, 07 and 08 at 4761.1765 per 20 kg sack (238.058825 per kg).
      expect(byMarket[LO_VALLEDOR]).toEqual([3, '238.0588', '-15.99']);
      // Vega: 245 (10-05) and 250 (10-07) per kilo → median 247.5.
      expect(byMarket[VEGA]).toEqual([2, '247.5000', '-19.19']);
      // Femacal: 3400 per 18 kg net bag = 188.888… per kg; the offer is above it.
      expect(byMarket['Femacal de La Calera']).toEqual([1, '188.8889', '5.88']);
      expect(
        result.markets.every(
          (m) => m.vatIncluded === true || m.market === 'Feria Modelo de Calama',
        ),
      ).toBe(true);
    });

    it('answers "no reference" without a figure when nothing is recent, or not in that currency', async () => {
      const prices = t.app.get(MarketPricesService);
      for (const result of [
        await prices.benchmark(carrot, '200', 'CLP', new Date('2027-03-01T12:00:00Z')),
        await prices.benchmark(carrot, '0.25', 'USD', asOf),
        await prices.benchmark(await productIdOf(t.http, 'cebada'), '300', 'CLP', asOf),
      ]) {
        expect(result.reference).toBe('none');
        expect(result.markets).toEqual([]);
      }
    });

    it('records a deal price in the caller\'s transaction as market "ayllu", with no buyer', async () => {
      const prices = t.app.get(MarketPricesService);
      const dataSource = t.app.get(DataSource);
      await dataSource.transaction((manager) =>
        prices.recordDealPrice(manager, {
          productId: carrot,
          // 23:00 in Chile on the 19th: the deal's market day is the 19th, not UTC's 20th.
          date: new Date('2026-10-20T02:00:00Z'),
          unit: 'saco-20kg',
          currency: 'CLP',
          price: '5200',
          quantity: '300',
        }),
      );
      await expect(
        dataSource.transaction(async (manager) => {
          await prices.recordDealPrice(manager, {
            productId: carrot,
            date: '2026-10-19',
            unit: 'kg',
            currency: 'CLP',
            price: '250',
            quantity: '1000',
          });
          throw new Error('the deal failed');
        }),
      ).rejects.toThrow('the deal failed');

      const deals = await pricesOf(carrot, '&market=ayllu');
      expect(deals).toEqual([
        expect.objectContaining({
          market: 'ayllu',
          date: '2026-10-19',
          source: 'ayllu',
          unit: 'saco-20kg',
          quantityInBaseUnit: '20',
          priceAvg: '5200',
          priceAvgPerBaseUnit: '260.0000',
          volume: '300',
          vatIncluded: null,
        }),
      ]);
      expect(Object.keys(deals[0]).some((key) => /buyer|organization|lot|offer/i.test(key))).toBe(
        false,
      );

      const result = await prices.benchmark(carrot, '260', 'CLP', asOf);
      expect(result.markets.find((m) => m.market === 'ayllu')).toMatchObject({
        observations: 1,
        medianPricePerBaseUnit: '260.0000',
        differencePercent: '0.00',
      });
    });

    it("refuses a deal unit that is not the product's", async () => {
      const prices = t.app.get(MarketPricesService);
      await expect(
        t.app.get(DataSource).transaction((manager) =>
          prices.recordDealPrice(manager, {
            productId: carrot,
            date: '2026-10-19',
            unit: 'paquete-10',
            currency: 'CLP',
            price: '5200',
            quantity: '3',
          }),
        ),
      ).rejects.toMatchObject({ code: 'UNITS_NOT_COMPARABLE' });
    });

    it('records many deals in one call: each deal once, any unit of the product', async () => {
      const prices = t.app.get(MarketPricesService);
      const manager = t.app.get(DataSource).manager;
      const deal = (dealId: string, unit: string, price: string) => ({
        productId: carrot,
        date: '2026-10-22',
        unit,
        currency: 'CLP' as const,
        price,
        quantity: '10',
        dealId,
      });
      const [sack, kilos, refused] = [randomUUID(), randomUUID(), randomUUID()];

      // One deal refused refuses the call: nothing of it is written.
      await expect(
        prices.recordDealPrices(manager, [
          deal(refused, 'kg', '250'),
          deal(randomUUID(), 'paquete-10', '900'),
        ]),
      ).rejects.toMatchObject({ code: 'UNITS_NOT_COMPARABLE' });

      const written = await prices.recordDealPrices(manager, [
        deal(sack, 'saco-20kg', '5000'),
        deal(kilos, 'kg', '255'),
        deal(sack, 'saco-20kg', '5000'),
      ]);
      expect(written).toHaveLength(2);
      // A second delivery of the same deals writes nothing.
      expect(
        await prices.recordDealPrices(manager, [
          deal(kilos, 'kg', '255'),
          deal(sack, 'saco-20kg', '5000'),
        ]),
      ).toEqual([]);

      const observed = await pricesOf(carrot, '&market=ayllu&from=2026-10-22&to=2026-10-22');
      expect(observed.map((row) => [row.unit, row.priceAvgPerBaseUnit, row.volume]).sort()).toEqual(
        [
          ['kg', '255.0000', '10'],
          ['saco-20kg', '250.0000', '10'],
        ],
      );
    });
  });

  it('lets anyone read prices, but not anonymously', async () => {
    const buyer = await newUser(t.http, 'Comprador');
    await t.http.get('/api/v1/market-prices').set(bearer(buyer)).expect(200);
    await t.http.get('/api/v1/market-prices').expect(401);
  });
});

describe('market prices: import size limit from PRICE_IMPORT_MAX_BYTES', () => {
  const LIMIT = 2048;
  let t: TestApp;
  let admin: TestUser;
  let carrot: string;

  beforeAll(async () => {
    t = await startTestApp({ ...ADMIN_ENV, PRICE_IMPORT_MAX_BYTES: String(LIMIT) });
    admin = await loginPlatformAdmin(t.http);
    carrot = await productIdOf(t.http, 'zanahoria');
  });

  afterAll(() => t.close());

  /** The sample's carrot rows on successive days: valid, and past the limit. */
  const oversized = odepaFile([
    HEADER,
    ...Array.from({ length: 20 }, (_, day) =>
      odepaRow({ date: `2026-09-${String(day + 1).padStart(2, '0')}` }),
    ),
  ]);

  async function storedCarrotPrices(): Promise<number> {
    const response = await t.http
      .get(`/api/v1/market-prices?productId=${carrot}&limit=100`)
      .set(bearer(admin))
      .expect(200);
    return response.body.items.length;
  }

  it('refuses a declared body over the limit with 413 problem details, importing nothing', async () => {
    expect(oversized.length).toBeGreaterThan(LIMIT);
    const response = await importPrices(t.http, admin, oversized);
    const problem = expectProblem(response, 413, 'PAYLOAD_TOO_LARGE');
    expect(problem.maxBytes).toBe(LIMIT);
    expect(await storedCarrotPrices()).toBe(0);
  });

  it('refuses a chunked body once it passes the limit, importing nothing', async () => {
    const server = t.app.getHttpServer();
    if (!server.listening)
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const answer = await new Promise<{ status: number; type: string; body: string }>(
      (resolve, reject) => {
        const req = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/api/v1/market-prices/import',
            // No Content-Length: the limit is met while reading, not announced.
            headers: { ...bearer(admin), 'Content-Type': 'text/csv' },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (chunk: Buffer) => chunks.push(chunk));
            res.on('end', () =>
              resolve({
                status: res.statusCode!,
                type: String(res.headers['content-type']),
                body: Buffer.concat(chunks).toString('utf8'),
              }),
            );
          },
        );
        req.setTimeout(10_000, () => req.destroy(new Error('no answer in 10 s')));
        req.on('error', reject);
        req.end(oversized);
      },
    );
    expect(answer.status).toBe(413);
    expect(answer.type).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(await storedCarrotPrices()).toBe(0);
  });

  it('still imports a file within the limit', async () => {
    const small = odepaFile([HEADER, odepaRow({})]);
    expect(small.length).toBeLessThan(LIMIT);
    await importPrices(t.http, admin, small).expect(200);
    expect(await storedCarrotPrices()).toBe(1);
  });
});

import { bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  ADMIN_ENV,
  importPrices,
  loginPlatformAdmin,
  newAssociationTeam,
  ODEPA_SAMPLE_LINES,
  odepaFile,
  productIdOf,
} from '../support/market-price-builders';
import { startTestApp, type TestApp } from '../support/test-app';

describe('market prices: manual entry, listing and product aliases', () => {
  let t: TestApp;
  let admin: TestUser;
  let team: Awaited<ReturnType<typeof newAssociationTeam>>;
  let carrot: string;
  let beans: string;

  const price = (overrides: Record<string, unknown> = {}) => ({
    productId: carrot,
    market: 'Feria Modelo de Calama',
    date: '2026-10-12',
    unit: '$/malla 18 kilos',
    currency: 'CLP',
    priceMin: '4000',
    priceMax: '4600',
    priceAvg: '4300',
    ...overrides,
  });

  beforeAll(async () => {
    t = await startTestApp(ADMIN_ENV);
    admin = await loginPlatformAdmin(t.http);
    team = await newAssociationTeam(t.http);
    carrot = await productIdOf(t.http, 'zanahoria');
    beans = await productIdOf(t.http, 'habas');
  });

  afterAll(() => t.close());

  describe('POST /market-prices', () => {
    it('a platform admin records a price, returned with decimal strings and the price per kilo', async () => {
      const response = await t.http
        .post('/api/v1/market-prices')
        .set(bearer(admin))
        .send(price({ volume: '12', quality: ' Primera ', vatIncluded: false }))
        .expect(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        productId: carrot,
        market: 'Feria Modelo de Calama',
        date: '2026-10-12',
        unit: '$/malla 18 kilos',
        baseUnit: 'kg',
        quantityInBaseUnit: '18',
        currency: 'CLP',
        priceMin: '4000',
        priceMax: '4600',
        priceAvg: '4300',
        priceAvgPerBaseUnit: '238.8889',
        volume: '12',
        variety: null,
        quality: 'Primera',
        origin: null,
        region: null,
        vatIncluded: false,
        source: 'manual',
        createdAt: expect.any(String),
      });
    });

    it('a treasurer of an association records a price too', async () => {
      await t.http
        .post('/api/v1/market-prices')
        .set(bearer(team.treasurer))
        .send(
          price({
            date: '2026-10-13',
            unit: 'kg',
            priceMin: '230',
            priceMax: '260',
            priceAvg: '245',
          }),
        )
        .expect(201);
    });

    it('a manager, a member or a buyer may not (403); nobody anonymous (401)', async () => {
      const buyer = await newUser(t.http, 'Agente Comprador');
      await newOrganization(t.http, buyer, 'buyer');
      for (const user of [team.manager, team.member, buyer]) {
        const response = await t.http
          .post('/api/v1/market-prices')
          .set(bearer(user))
          .send(price({ date: '2026-10-14' }))
          .expect(403);
        expect(response.body.code).toBe('FORBIDDEN');
      }
      await t.http
        .post('/api/v1/market-prices')
        .send(price({ date: '2026-10-14' }))
        .expect(401);
    });

    it('the same day, market, product, variety, quality, unit and origin twice → 409', async () => {
      const response = await t.http
        .post('/api/v1/market-prices')
        .set(bearer(admin))
        .send(price({ quality: 'Primera', priceAvg: '4400' }))
        .expect(409);
      expect(response.body.code).toBe('MARKET_PRICE_EXISTS');
    });

    it.each([
      ['an unreadable unit', { unit: '$/atado' }, 'unit', 'UNIT_NOT_PARSED'],
      ['a minimum above the average', { priceMin: '4500' }, 'priceMin', 'PRICE_ORDER'],
      ['a zero price', { priceAvg: '0' }, 'priceAvg', 'OUT_OF_RANGE'],
      ['a negative price', { priceMin: '-1' }, 'priceMin', 'OUT_OF_RANGE'],
      ['a number as a JSON number', { priceAvg: 4300 }, 'priceAvg', 'NOT_DECIMAL'],
      ['a date in the future', { date: '2099-01-01' }, 'date', 'DATE_IN_FUTURE'],
      ['a date that does not exist', { date: '2026-02-30' }, 'date', 'NOT_DATE'],
      ['the market of the platform deals', { market: 'Ayllu' }, 'market', 'MARKET_RESERVED'],
      ['an unknown currency', { currency: 'EUR' }, 'currency', 'NOT_ALLOWED_VALUE'],
      [
        'an unknown product',
        { productId: '00000000-0000-4000-8000-000000000000' },
        'productId',
        'UNKNOWN_PRODUCT',
      ],
    ])('refuses %s, naming the field', async (_case, overrides, field, code) => {
      const response = await t.http
        .post('/api/v1/market-prices')
        .set(bearer(admin))
        .send(price({ date: '2026-10-15', ...overrides }))
        .expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors).toContainEqual(expect.objectContaining({ field, code }));
    });
  });

  describe('GET /market-prices', () => {
    beforeAll(async () => {
      await importPrices(t.http, admin, odepaFile(ODEPA_SAMPLE_LINES)).expect(200);
    });

    async function list(query: string) {
      const response = await t.http
        .get(`/api/v1/market-prices?${query}`)
        .set(bearer(team.member))
        .expect(200);
      return response.body as { items: Record<string, string>[]; nextCursor: string | null };
    }

    it('filters by product, market (any case) and date range', async () => {
      expect((await list(`productId=${beans}`)).items.map((p) => p.market)).toEqual([
        'Terminal La Palmera de La Serena',
      ]);
      const fair = await list(`productId=${carrot}&market=FERIA MODELO DE CALAMA`);
      expect(fair.items.map((p) => p.date).sort()).toEqual(['2026-10-12', '2026-10-13']);
      const oneDay = await list(`productId=${carrot}&from=2026-10-06&to=2026-10-06`);
      expect(oneDay.items.map((p) => p.market)).toEqual(['Agricola del Norte S.A. de Arica']);
      const since = await list(`productId=${carrot}&from=2026-10-12`);
      expect(since.items).toHaveLength(2);
    });

    it('pages with limit and cursor, like every list', async () => {
      const first = await list(`productId=${carrot}&limit=4`);
      expect(first.items).toHaveLength(4);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await list(`productId=${carrot}&limit=4&cursor=${first.nextCursor}`);
      expect(second.items).toHaveLength(2);
      expect(second.nextCursor).toBeNull();
      const ids = [...first.items, ...second.items].map((p) => p.id);
      expect(new Set(ids).size).toBe(6);
    });

    it('refuses a bad filter with a field error', async () => {
      const reversed = await t.http
        .get('/api/v1/market-prices?from=2026-10-10&to=2026-10-01')
        .set(bearer(team.member))
        .expect(400);
      expect(reversed.body.errors).toEqual([expect.objectContaining({ field: 'from' })]);
      const notDate = await t.http
        .get('/api/v1/market-prices?from=10/01/2026&productId=zanahoria')
        .set(bearer(team.member))
        .expect(400);
      expect(notDate.body.errors.map((e: { field: string }) => e.field)).toEqual(
        expect.arrayContaining(['from', 'productId']),
      );
    });
  });

  describe('product aliases', () => {
    it('are seeded with the honest mappings only', async () => {
      const response = await t.http
        .get('/api/v1/market-prices/aliases')
        .set(bearer(team.member))
        .expect(200);
      const aliases = Object.fromEntries(
        response.body.items.map((a: { name: string; productCode: string }) => [
          a.name,
          a.productCode,
        ]),
      );
      expect(aliases).toEqual({
        Zanahoria: 'zanahoria',
        Haba: 'habas',
        Habas: 'habas',
        Quínoa: 'quinua',
        Quinua: 'quinua',
        Maíz: 'maiz',
        Cebada: 'cebada',
      });
    });

    it('a platform admin adds one, and the next import no longer skips that product', async () => {
      const potatoRow = ODEPA_SAMPLE_LINES[6];
      const before = await importPrices(
        t.http,
        admin,
        odepaFile([ODEPA_SAMPLE_LINES[0], potatoRow]),
      ).expect(200);
      expect(before.body).toMatchObject({ inserted: 0, skippedUnknownProduct: 1 });

      await t.http
        .put(`/api/v1/market-prices/aliases/${encodeURIComponent('Papa')}`)
        .set(bearer(team.treasurer))
        .send({ productId: beans })
        .expect(403);
      // Not an honest mapping; here only to watch the alias take effect, then removed.
      const alias = await t.http
        .put(`/api/v1/market-prices/aliases/${encodeURIComponent('PAPA')}`)
        .set(bearer(admin))
        .send({ productId: beans })
        .expect(200);
      expect(alias.body).toMatchObject({ name: 'PAPA', productCode: 'habas' });

      const after = await importPrices(
        t.http,
        admin,
        odepaFile([ODEPA_SAMPLE_LINES[0], potatoRow]),
      ).expect(200);
      expect(after.body).toMatchObject({ inserted: 1, skippedUnknownProduct: 0 });

      await t.http
        .delete(`/api/v1/market-prices/aliases/${alias.body.id}`)
        .set(bearer(admin))
        .expect(204);
      await t.http
        .delete(`/api/v1/market-prices/aliases/${alias.body.id}`)
        .set(bearer(admin))
        .expect(404);
      const again = await importPrices(
        t.http,
        admin,
        odepaFile([ODEPA_SAMPLE_LINES[0], potatoRow]),
      ).expect(200);
      expect(again.body).toMatchObject({ skippedUnknownProduct: 1 });
    });

    it('refuses an alias to a product that does not exist', async () => {
      const response = await t.http
        .put('/api/v1/market-prices/aliases/Choclo')
        .set(bearer(admin))
        .send({ productId: '00000000-0000-4000-8000-000000000000' })
        .expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'productId' })]);
    });
  });
});

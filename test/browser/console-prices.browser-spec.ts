/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import { chileanDaysAgo } from '../support/console-builders';
import {
  contribute,
  makeOffer,
  newLot,
  newProducer,
  productByCode,
  publish,
} from '../support/lot-builders';
import { ADMIN_ENV, loginPlatformAdmin } from '../support/market-price-builders';
import {
  type BrowserApp,
  DESKTOP,
  PHONE,
  expectAccessible,
  launchBrowser,
  personOn,
  screenshot,
  startBrowserApp,
} from './support/browser';

const MARKETS = [
  { name: 'Mercado Mayorista Lo Valledor de Santiago', unit: '$/saco 20 kilos', base: 5000 },
  { name: 'Vega Central Mapocho de Santiago', unit: '$/kilo', base: 245 },
  { name: 'Femacal de La Calera', unit: '$/malla 18 kilos', base: 4300 },
];

describe('market prices in the browser', () => {
  let app: BrowserApp;
  let browser: Browser;
  let buyer: TestUser;
  let offerId: string;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserApp(ADMIN_ENV), launchBrowser()]);
    const http = app.http;
    const admin = await loginPlatformAdmin(http);
    const carrot = await productByCode(http, 'zanahoria');
    // Four weeks of prices, twice a week, each market drifting its own way.
    for (const [index, market] of MARKETS.entries()) {
      for (let week = 0; week < 4; week += 1) {
        for (const day of [1, 4]) {
          const daysAgo = week * 7 + day;
          const price = market.base + (index - 1) * daysAgo * (market.base / 200);
          await http
            .post('/api/v1/market-prices')
            .set(bearer(admin))
            .send({
              productId: carrot.id,
              market: market.name,
              date: chileanDaysAgo(daysAgo),
              unit: market.unit,
              currency: 'CLP',
              priceAvg: price.toFixed(0),
            })
            .expect(201);
        }
      }
    }
    const manager = await newUser(http, 'Gerente Lasana');
    buyer = await newUser(http, 'Agente Norte');
    await newOrganization(http, buyer, 'buyer', 'Distribuidora del Norte');
    const association = await newOrganization(http, manager, 'association');
    const producer = await newProducer(http, manager, association.id, 'Familia Anza');
    const lot = await newLot(http, manager, association.id, carrot.id, { unit: 'saco-20kg' });
    await contribute(http, manager, lot.id, producer.id, '300');
    await publish(http, manager, lot.id);
    offerId = (await makeOffer(http, buyer, lot.id, { price: '4600', quantity: '100' })).id;
  });
  afterAll(async () => {
    await browser.close();
    await app.close();
  });

  async function signIn(page: Page, user: TestUser, next: string): Promise<void> {
    await page.goto(`/entrar?next=${encodeURIComponent(next)}`);
    await page.getByLabel('Correo electrónico').fill(user.email);
    await page.getByLabel('Contraseña').fill(user.password);
    await page.getByRole('button', { name: 'Entrar' }).click();
  }

  for (const [screen, size] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`draws a line per market with the offer marked, and its benchmark, on a ${screen}`, async () => {
      const context = await personOn(browser, app, size);
      const page = await context.newPage();
      await signIn(page, buyer, `/precios?oferta=${offerId}`);
      await page.getByRole('heading', { level: 1, name: 'Precios de mercado' }).waitFor();

      const chart = page.getByRole('img', { name: /Precio promedio de Zanahoria por kg/ });
      await chart.waitFor();
      expect(await page.locator('svg.chart-svg g.series').count()).toBe(3);
      expect(await page.locator('svg.chart-svg polyline').count()).toBe(3);
      const dashes = await page
        .locator('svg.chart-svg polyline')
        .evaluateAll((lines) => lines.map((line) => line.getAttribute('stroke-dasharray') ?? ''));
      expect(new Set(dashes).size).toBe(3);
      expect(await page.locator('svg.chart-svg g.reference text').textContent()).toBe(
        'Oferta $ 230',
      );

      // 4.600 $ a sack of 20 kg is 230 $/kg; Vega's median is its own, per kg.
      const offer = page.getByRole('region', { name: 'La oferta frente al mercado' });
      expect(await offer.getByText('4.600 $/saco-20kg').count()).toBe(1);
      const vega = offer.getByRole('row', { name: /Vega Central/ });
      expect(await vega.getByRole('cell').allTextContents()).toEqual(['$ 245', '-6,1 %', '8']);

      const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(overflow).toBeLessThanOrEqual(size.width);
      await expectAccessible(page, `prices-chart-${screen}`);
      await screenshot(page, `prices-chart-${screen}`);

      await page.getByText('Ver las cifras en una tabla').click();
      const table = page.getByRole('table', { name: /por día y mercado/ });
      await table.waitFor();
      expect(await table.getByRole('columnheader').count()).toBe(1 + MARKETS.length);
      await expectAccessible(page, `prices-table-${screen}`);
      await context.close();
    });
  }

  it('chooses a product and a period, with the keyboard', async () => {
    const context = await personOn(browser, app, DESKTOP);
    const page = await context.newPage();
    await signIn(page, buyer, '/precios');
    await page.getByRole('heading', { level: 1, name: 'Precios de mercado' }).waitFor();
    await page.getByLabel('Producto').selectOption({ label: 'Zanahoria' });
    await page.getByLabel('Desde').fill(chileanDaysAgo(10));
    await page.getByLabel('Hasta').fill(chileanDaysAgo(1));
    await page.getByLabel('Hasta').press('Enter');
    await page.getByRole('img', { name: /Zanahoria/ }).waitFor();
    // Days 1, 4, 8: three points a market, no offer.
    const markers = await page.locator('svg.chart-svg g.series').first().locator('path').count();
    expect(markers).toBe(3);
    expect(await page.locator('svg.chart-svg g.reference').count()).toBe(0);
    await expectAccessible(page, 'prices-period');
    await context.close();
  });
});

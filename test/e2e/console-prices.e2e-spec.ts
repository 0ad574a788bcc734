import request from 'supertest';
import { bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import { chileanDaysAgo, signInToConsole } from '../support/console-builders';
import {
  contribute,
  makeOffer,
  newLot,
  newProducer,
  productByCode,
  publish,
} from '../support/lot-builders';
import { ADMIN_ENV, loginPlatformAdmin } from '../support/market-price-builders';
import { type TestApp, startTestApp } from '../support/test-app';

const VALLEDOR = 'Mercado Mayorista Lo Valledor de Santiago';
const VEGA = 'Vega Central Mapocho de Santiago';
const FEMACAL = 'Femacal de La Calera';

/** The market price page below the browser: the chart's lines, the offer and its benchmark. */
describe('console market prices', () => {
  let t: TestApp;
  let manager: TestUser;
  let buyer: TestUser;
  let carrot: { id: string };
  let beans: { id: string };

  beforeAll(async () => {
    t = await startTestApp(ADMIN_ENV);
    const admin = await loginPlatformAdmin(t.http);
    manager = await newUser(t.http, 'Gerente Lasana');
    buyer = await newUser(t.http, 'Agente Norte');
    await newOrganization(t.http, buyer, 'buyer');
    carrot = await productByCode(t.http, 'zanahoria');
    beans = await productByCode(t.http, 'habas');
    const prices: [string, number, string, string][] = [
      // Lo Valledor quotes the 20 kg sack: 5000 and 4600 are 250 and 230 $/kg.
      [VALLEDOR, 2, '$/saco 20 kilos', '5000'],
      [VALLEDOR, 1, '$/saco 20 kilos', '4600'],
      [VEGA, 2, '$/kilo', '245'],
      // Within the chart's 90 days, outside the benchmark's 30.
      [FEMACAL, 45, '$/malla 18 kilos', '4500'],
    ];
    for (const [market, daysAgo, unit, priceAvg] of prices) {
      await t.http
        .post('/api/v1/market-prices')
        .set(bearer(admin))
        .send({
          productId: carrot.id,
          market,
          date: chileanDaysAgo(daysAgo),
          unit,
          currency: 'CLP',
          priceAvg,
        })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  async function offerOn(unit: string, price: string, productId = carrot.id) {
    const association = await newOrganization(t.http, manager, 'association');
    const producer = await newProducer(t.http, manager, association.id, 'Familia Anza');
    const lot = await newLot(t.http, manager, association.id, productId, { unit });
    await contribute(t.http, manager, lot.id, producer.id, '200');
    await publish(t.http, manager, lot.id);
    return makeOffer(t.http, buyer, lot.id, { price, quantity: '100' });
  }

  it('draws a line per market, per kg, with the figures in a table', async () => {
    const browser = request.agent(t.app.getHttpServer());
    await signInToConsole(browser, buyer);
    const page = await browser.get(`/precios?productId=${carrot.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('role="img"');
    const markets = [...page.text.matchAll(/<g class="series" data-market="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(markets).toEqual([FEMACAL, VALLEDOR, VEGA]);
    // Femacal has one day: a marker, no line.
    expect(page.text.match(/<polyline /g)).toHaveLength(1);
    // Per kg: the sack prices divided by 20, formatted as Chileans read them.
    expect(page.text).toContain('$ 250');
    expect(page.text).toContain('$ 230');
    expect(page.text).not.toContain('$ 5.000');
    expect(page.text).not.toContain('Oferta');
  });

  it('marks an offer on the chart and shows its benchmark, per market or "sin referencia"', async () => {
    const offer = await offerOn('saco-20kg', '4320');
    for (const party of [buyer, manager]) {
      const browser = request.agent(t.app.getHttpServer());
      await signInToConsole(browser, party);
      const page = await browser.get(`/precios?oferta=${offer.id}`);
      expect(page.status).toBe(200);
      expect(page.text).toContain('<g class="reference">');
      expect(page.text).toMatch(/Oferta \$ 216</);
      expect(page.text).toContain('4.320 $/saco-20kg');
      const valledorRow = new RegExp(
        `<th scope="row">${VALLEDOR}</th>\\s*<td class="num">\\$ 240</td>\\s*<td class="num">-10 %</td>\\s*<td class="num">2</td>`,
      );
      expect(page.text).toMatch(valledorRow);
      // 216 against Vega's 245: 11.84 % below.
      expect(page.text).toMatch(
        /<th scope="row">Vega Central[^<]*<\/th>\s*<td class="num">\$ 245<\/td>\s*<td class="num">-11,8 %<\/td>/,
      );
      // On the chart, but with no price in the benchmark's 30 days.
      expect(page.text).toMatch(
        new RegExp(
          `<th scope="row">${FEMACAL}</th>\\s*<td class="num" colspan="3">sin referencia</td>`,
        ),
      );
    }
  });

  it('says "sin referencia" when no market has a price in the window, and draws none', async () => {
    const offer = await offerOn('kg', '900', beans.id);
    const browser = request.agent(t.app.getHttpServer());
    await signInToConsole(browser, buyer);
    const page = await browser.get(`/precios?oferta=${offer.id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<strong>sin referencia</strong>');
    expect(page.text).toContain('No hay precios de este producto en el período elegido.');
    expect(page.text).not.toContain('role="img"');
  });

  it('shows the API’s refusal of a period next to its field, keeping what was chosen', async () => {
    const browser = request.agent(t.app.getHttpServer());
    await signInToConsole(browser, buyer);
    const page = await browser.get(`/precios?productId=${carrot.id}&from=2026-10-20&to=2026-10-01`);
    expect(page.status).toBe(422);
    expect(page.text).toMatch(/id="f-from-error"/);
    expect(page.text).toContain('value="2026-10-20"');
  });

  it('sends a person without a session to sign in, and back after', async () => {
    const response = await t.http.get('/precios');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/entrar?next=%2Fprecios');
  });
});

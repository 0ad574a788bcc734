import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  contribute,
  makeOffer,
  newLot,
  newProducer,
  productByCode,
  publish,
} from '../support/lot-builders';
import { ADMIN_ENV, loginPlatformAdmin } from '../support/market-price-builders';
import { startTestApp, type TestApp } from '../support/test-app';

function todayInChile(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Santiago' }).format(new Date());
}

async function waitFor<T>(read: () => Promise<T | undefined>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('not there in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('offers against market prices, and deals feeding them', () => {
  let t: TestApp;
  let manager: TestUser;
  let buyer: TestUser;
  let otherBuyer: TestUser;
  let admin: TestUser;
  let association: { id: string };
  let carrot: { id: string };

  beforeAll(async () => {
    t = await startTestApp(ADMIN_ENV);
    admin = await loginPlatformAdmin(t.http);
    manager = await newUser(t.http, 'Gerente');
    buyer = await newUser(t.http, 'Camionero');
    otherBuyer = await newUser(t.http, 'Otro Camionero');
    association = await newOrganization(t.http, manager, 'association');
    await newOrganization(t.http, buyer, 'buyer');
    await newOrganization(t.http, otherBuyer, 'buyer', 'Comercial El Loa');
    carrot = await productByCode(t.http, 'zanahoria');
  });

  afterAll(() => t.close());

  async function openLot(unit = 'kg'): Promise<string> {
    const producer = await newProducer(
      t.http,
      manager,
      association.id,
      `Familia ${randomUUID().slice(0, 4)}`,
    );
    const lot = await newLot(t.http, manager, association.id, carrot.id, { unit });
    await contribute(t.http, manager, lot.id, producer.id, '2000');
    await publish(t.http, manager, lot.id);
    return lot.id;
  }

  it('says "no reference" when there are no observations, never a made-up figure', async () => {
    const lotId = await openLot();
    const offer = await makeOffer(t.http, buyer, lotId, { price: '216', quantity: '1000' });
    const response = await t.http
      .get(`/api/v1/offers/${offer.id}/benchmark`)
      .set(bearer(buyer))
      .expect(200);
    expect(response.body).toMatchObject({ reference: 'none', markets: [] });
  });

  it("compares the offer with each market's median of the last 30 days, per kg, for both parties only", async () => {
    for (const priceAvg of ['5000', '4600']) {
      await t.http
        .post('/api/v1/market-prices')
        .set(bearer(admin))
        .send({
          productId: carrot.id,
          market: 'Mercado Mayorista Lo Valledor de Santiago',
          date: todayInChile(),
          unit: '$/saco 20 kilos',
          currency: 'CLP',
          priceAvg,
          variety: `v-${priceAvg}`,
        })
        .expect(201);
    }
    // Sold by the 20 kg sack at 4,320 $: 216 $/kg against a median of (250 + 230) / 2 = 240 $/kg, 10 % below.
    const lotId = await openLot('saco-20kg');
    const offer = await makeOffer(t.http, buyer, lotId, { price: '4320', quantity: '100' });
    for (const party of [buyer, manager]) {
      const response = await t.http
        .get(`/api/v1/offers/${offer.id}/benchmark`)
        .set(bearer(party))
        .expect(200);
      expect(response.body.reference).toBe('available');
      expect(response.body.offerPricePerBaseUnit).toBe('216');
      expect(response.body.markets).toEqual([
        expect.objectContaining({
          market: 'Mercado Mayorista Lo Valledor de Santiago',
          observations: 2,
          medianPricePerBaseUnit: '240.0000',
          differencePercent: expect.stringMatching(/^-10(\.0+)?$/),
        }),
      ]);
    }
    await t.http.get(`/api/v1/offers/${offer.id}/benchmark`).set(bearer(otherBuyer)).expect(404);
  });

  it('records every deal as an observation of market ayllu, once, without the buyer', async () => {
    const lotId = await openLot();
    const offer = await makeOffer(t.http, buyer, lotId, { price: '250', quantity: '1000' });
    const accepted = await t.http
      .post(`/api/v1/offers/${offer.id}/accept`)
      .set(bearer(manager))
      .send({})
      .expect(201);
    const observation = await waitFor(async () => {
      const list = await t.http
        .get(`/api/v1/market-prices?productId=${carrot.id}&market=ayllu`)
        .set(bearer(buyer))
        .expect(200);
      return list.body.items.find((item: { priceAvg: string }) => item.priceAvg === '250');
    });
    expect(observation).toMatchObject({ market: 'ayllu', currency: 'CLP', priceAvg: '250' });
    expect(JSON.stringify(observation)).not.toContain(accepted.body.deal.buyerOrganizationId);
    const rows = await t.app
      .get(DataSource)
      .query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM market_price_observations WHERE deal_id = $1`,
        [accepted.body.deal.id],
      );
    expect(rows[0].n).toBe(1);
  });
});

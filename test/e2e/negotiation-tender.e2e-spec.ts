import { DataSource } from 'typeorm';
import { ManualClock } from '../../src/shared/clock';
import { bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  type Buyer,
  contribute,
  expectProblem,
  newBuyer,
  newLot,
  newProducer,
  productByCode,
  publish,
} from '../support/lot-builders';
import { startTestApp, type TestApp } from '../support/test-app';

const HOUR = 3_600_000;

/**
 * A sealed-bid tender with a uniform clearing price. Time moves only on the ManualClock:
 * the close job is an hour away in real time, so the close seen here is the lazy one.
 */
describe('a sealed tender with a uniform clearing price', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date());
  let manager: TestUser;
  let association: { id: string };
  let lotId: string;
  let closesAt: Date;
  /** By bid price: 260, 250, 245, 240, and 190 (below the reserve of 200). */
  let [b260, b250, b245, b240, b190]: Buyer[] = [];
  /** Bids highest of all, but its bid lapses before the tender closes. */
  let lapsing: Buyer;
  const bids: Record<string, { id: string }> = {};

  const inClockHours = (hours: number) => new Date(clock.now().getTime() + hours * HOUR);
  const bid = (
    buyer: Buyer,
    price: string,
    quantity: string,
    minQuantity: string,
    expiresAt = inClockHours(48),
  ) => {
    // Bids a second apart, as in life: placing time breaks ties and orders the lists.
    clock.advance(1000);
    return t.http.post(`/api/v1/lots/${lotId}/offers`).set(bearer(buyer.user)).send({
      price,
      quantity,
      minQuantity,
      paymentTermsDays: 15,
      expiresAt: expiresAt.toISOString(),
    });
  };

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    [manager, b260, b250, b245, b240, b190, lapsing] = await Promise.all([
      newUser(t.http, 'Gerente'),
      ...['Distribuidora', 'Supermercado', 'Feria', 'Restaurante', 'Camionero', 'Mayorista'].map(
        (name) => newBuyer(t.http, name),
      ),
    ]);
    association = await newOrganization(t.http, manager, 'association');
    const carrot = await productByCode(t.http, 'zanahoria');
    closesAt = inClockHours(1);
    lotId = (
      await newLot(t.http, manager, association.id, carrot.id, {
        mechanism: 'tender',
        pricingRule: 'uniform',
        reservePrice: '200',
        closesAt: closesAt.toISOString(),
      })
    ).id;
    const p1 = await newProducer(t.http, manager, association.id, 'Familia Anza');
    const p2 = await newProducer(t.http, manager, association.id, 'Familia Cruz');
    await contribute(t.http, manager, lotId, p1.id, '1800');
    await contribute(t.http, manager, lotId, p2.id, '1200');
    await publish(t.http, manager, lotId);
  });

  afterAll(() => t.close());

  it('takes sealed bids: each buyer sees its own, the association none until close', async () => {
    const first = await bid(b260, '255', '1500', '1500').expect(201);
    expect(first.body).toMatchObject({ kind: 'bid', status: 'pending' });
    // A new bid from the same buyer replaces its standing one.
    bids.b260 = (await bid(b260, '260', '1500', '1500').expect(201)).body;
    bids.b250 = (await bid(b250, '250', '1000', '800').expect(201)).body;
    bids.b245 = (await bid(b245, '245', '1200', '1200').expect(201)).body;
    bids.b240 = (await bid(b240, '240', '1000', '600').expect(201)).body;
    bids.b190 = (await bid(b190, '190', '500', '100').expect(201)).body;
    bids.lapsing = (await bid(lapsing, '300', '500', '100', inClockHours(0.5)).expect(201)).body;

    const own = await t.http.get(`/api/v1/lots/${lotId}/offers`).set(bearer(b260.user)).expect(200);
    expect(own.body.items.map((o: { id: string; status: string }) => [o.id, o.status])).toEqual([
      [first.body.id, 'superseded'],
      [bids.b260.id, 'pending'],
    ]);
    await t.http.get(`/api/v1/offers/${bids.b250.id}`).set(bearer(b260.user)).expect(404);

    expectProblem(
      await t.http.get(`/api/v1/lots/${lotId}/offers`).set(bearer(manager)),
      403,
      'BID_HIDDEN',
    );
    expectProblem(
      await t.http.get(`/api/v1/offers/${bids.b250.id}`).set(bearer(manager)),
      403,
      'BID_HIDDEN',
    );
    expectProblem(
      await t.http.post(`/api/v1/offers/${bids.b250.id}/accept`).set(bearer(manager)).send({}),
      403,
      'BID_HIDDEN',
    );
    for (const who of [manager, b260.user]) {
      expectProblem(
        await t.http.get(`/api/v1/lots/${lotId}/allocation`).set(bearer(who)),
        409,
        'TENDER_NOT_CLOSED',
      );
    }
    // Nor does the association's history name a bidder or a price before the close.
    const history = await t.http
      .get(`/api/v1/lots/${lotId}/history`)
      .set(bearer(manager))
      .expect(200);
    const text = JSON.stringify(history.body.items);
    for (const buyer of [b260, b250, b245, b240, b190, lapsing]) {
      expect(text).not.toContain(buyer.organization.id);
      expect(text).not.toContain(buyer.user.id);
    }
    expect(text).not.toMatch(/"(300|260|250|245|240|190)"/);
  });

  it('closes on the first read after closesAt, though no job ran, and takes no more bids', async () => {
    clock.set(new Date(closesAt.getTime() + 1000));
    const lot = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
    expect(lot.body).toMatchObject({
      status: 'partially_sold',
      quantityTotal: '3000',
      quantitySold: '2500',
      quantityAvailable: '500',
    });
    expectProblem(await bid(b190, '300', '500', '100'), 409, 'TENDER_CLOSED');
  });

  it('allocates by price honouring minimums and the reserve; every winner pays the clearing price', async () => {
    const response = await t.http
      .get(`/api/v1/lots/${lotId}/allocation`)
      .set(bearer(manager))
      .expect(200);
    expect(response.body).toMatchObject({ pricingRule: 'uniform', clearingPrice: '250' });
    const rows = response.body.allocations.map(
      (a: {
        offerId: string;
        price: string;
        minQuantity: string;
        quantityAllocated: string;
        pricePaid: string | null;
      }) => [a.offerId, a.price, a.minQuantity, a.quantityAllocated, a.pricePaid],
    );
    expect(rows).toEqual([
      [bids.b260.id, '260', '1500', '1500', '250'],
      [bids.b250.id, '250', '800', '1000', '250'],
      // 500 kg were left: below this bid's minimum of 1 200 kg, so nothing.
      [bids.b245.id, '245', '1200', '0', null],
      [bids.b240.id, '240', '600', '0', null],
      // 500 kg would fit this bid, but it is under the reserve.
      [bids.b190.id, '190', '100', '0', null],
      // The highest bid had lapsed by the close: it is not a standing bid.
    ]);

    const deals = await t.app
      .get(DataSource)
      .query<{ offer_id: string; price: string; quantity: string }[]>(
        `SELECT offer_id, trim_scale(price)::text AS price, trim_scale(quantity)::text AS quantity
           FROM deals WHERE lot_id = $1 ORDER BY quantity DESC`,
        [lotId],
      );
    expect(deals.map((d) => [d.offer_id, d.price, d.quantity])).toEqual([
      [bids.b260.id, '250', '1500'],
      [bids.b250.id, '250', '1000'],
    ]);

    const all = await t.http.get(`/api/v1/lots/${lotId}/offers`).set(bearer(manager)).expect(200);
    const status = Object.fromEntries(
      all.body.items.map((o: { id: string; status: string }) => [o.id, o.status]),
    );
    expect(
      [bids.b260, bids.b250, bids.b245, bids.b240, bids.b190, bids.lapsing].map(
        (b) => status[b.id],
      ),
    ).toEqual(['accepted', 'accepted', 'rejected', 'rejected', 'rejected', 'expired']);
    expect(all.body.items).toHaveLength(7);
  });

  it('shows each buyer only its own allocation row', async () => {
    for (const [buyer, allocated, paid] of [
      [b250, '1000', '250'],
      [b245, '0', null],
    ] as const) {
      const response = await t.http
        .get(`/api/v1/lots/${lotId}/allocation`)
        .set(bearer(buyer.user))
        .expect(200);
      // Its own row, in the contract's fields: nothing on what others bid or bought.
      expect(Object.keys(response.body).sort()).toEqual([
        'allocations',
        'clearingPrice',
        'pricingRule',
      ]);
      expect(response.body.allocations).toEqual([
        {
          offerId: buyer === b250 ? bids.b250.id : bids.b245.id,
          buyerOrganizationId: buyer.organization.id,
          price: buyer === b250 ? '250' : '245',
          quantityBid: buyer === b250 ? '1000' : '1200',
          minQuantity: buyer === b250 ? '800' : '1200',
          quantityAllocated: allocated,
          pricePaid: paid,
        },
      ]);
    }
  });

  it('closes a tender past its time before any change to it: a late cancel or contribution is refused', async () => {
    const carrot = await productByCode(t.http, 'zanahoria');
    const quiet = await newLot(t.http, manager, association.id, carrot.id, {
      mechanism: 'tender',
      pricingRule: 'pay_as_bid',
      closesAt: inClockHours(1).toISOString(),
    });
    const producer = await newProducer(t.http, manager, association.id, 'Familia Luque');
    await contribute(t.http, manager, quiet.id, producer.id, '700');
    await publish(t.http, manager, quiet.id);
    clock.advance(HOUR);

    // No bid came and nothing read the lot since: the cancel itself finds it closed.
    expectProblem(
      await t.http.post(`/api/v1/lots/${quiet.id}/cancel`).set(bearer(manager)),
      409,
      'INVALID_TRANSITION',
    );
    expectProblem(
      await t.http
        .post(`/api/v1/lots/${quiet.id}/contributions`)
        .set(bearer(manager))
        .send({ producerId: producer.id, quantity: '100' }),
      409,
      'LOT_NOT_OPEN',
    );
    const lot = await t.http.get(`/api/v1/lots/${quiet.id}`).set(bearer(manager)).expect(200);
    expect(lot.body).toMatchObject({ status: 'expired', quantityTotal: '700', quantitySold: '0' });
    const allocation = await t.http
      .get(`/api/v1/lots/${quiet.id}/allocation`)
      .set(bearer(manager))
      .expect(200);
    expect(allocation.body).toMatchObject({
      pricingRule: 'pay_as_bid',
      clearingPrice: null,
      allocations: [],
    });
  });

  it('closes a tender past its time before listing it too: never listed as open', async () => {
    const carrot = await productByCode(t.http, 'zanahoria');
    const listed = await newLot(t.http, manager, association.id, carrot.id, {
      mechanism: 'tender',
      pricingRule: 'pay_as_bid',
      closesAt: inClockHours(1).toISOString(),
    });
    const producer = await newProducer(t.http, manager, association.id, 'Familia Mamani');
    await contribute(t.http, manager, listed.id, producer.id, '400');
    await publish(t.http, manager, listed.id);
    lotId = listed.id;
    expect((await bid(b245, '245', '400', '100')).status).toBe(201);
    const openFor = async (who: TestUser) =>
      (await t.http.get('/api/v1/lots?status=open&limit=100').set(bearer(who)).expect(200)).body
        .items as { id: string }[];
    expect((await openFor(b245.user)).map((lot) => lot.id)).toContain(listed.id);
    clock.advance(HOUR);

    // Nothing read or wrote the lot since its close and no job ran: the lists close it.
    expect((await openFor(b245.user)).map((lot) => lot.id)).not.toContain(listed.id);
    expect((await openFor(manager)).map((lot) => lot.id)).not.toContain(listed.id);
    const all = await t.http.get('/api/v1/lots?limit=100').set(bearer(manager)).expect(200);
    expect(all.body.items.find((lot: { id: string }) => lot.id === listed.id)).toMatchObject({
      status: 'sold',
      quantitySold: '400',
      quantityAvailable: '0',
    });
  });
});

import { DataSource } from 'typeorm';
import { ManualClock } from '../../src/shared/clock';
import { addMember, bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  type Buyer,
  contribute,
  expectProblem,
  lotFootprint,
  makeOffer,
  newBuyer,
  newLot,
  newProducer,
  productByCode,
  publish,
  setPolicy,
  waitUntil,
} from '../support/lot-builders';
import { startTestApp, type TestApp } from '../support/test-app';

const MINUTE = 60_000;

interface Cast {
  manager: TestUser;
  voter: TestUser;
  buyer: Buyer;
  association: { id: string };
  producerId: string;
  carrotId: string;
}

/** An association under member_vote whose one contributing producer's user can vote. */
async function cast(t: TestApp): Promise<Cast> {
  const [manager, voter, buyer] = await Promise.all([
    newUser(t.http, 'Gerente'),
    newUser(t.http, 'Socia'),
    newBuyer(t.http, 'Distribuidora del Norte'),
  ]);
  const association = await newOrganization(t.http, manager, 'association');
  await addMember(t.http, manager, association.id, voter, 'member');
  const producer = await newProducer(t.http, manager, association.id, 'Familia Anza', voter.id);
  const carrot = await productByCode(t.http, 'zanahoria');
  return { manager, voter, buyer, association, producerId: producer.id, carrotId: carrot.id };
}

async function openLot(t: TestApp, c: Cast, quantity = '1000'): Promise<string> {
  const lot = await newLot(t.http, c.manager, c.association.id, c.carrotId);
  await contribute(t.http, c.manager, lot.id, c.producerId, quantity);
  await publish(t.http, c.manager, lot.id);
  return lot.id;
}

async function storedStatus(t: TestApp, table: 'offers' | 'approvals', id: string) {
  const [row] = await t.app
    .get(DataSource)
    .query<{ status: string }[]>(`SELECT status FROM ${table} WHERE id = $1`, [id]);
  return row.status;
}

async function storedHeld(t: TestApp, lotId: string): Promise<string> {
  const [row] = await t.app
    .get(DataSource)
    .query<{ held: string }[]>(
      `SELECT trim_scale(quantity_held)::text AS held FROM lots WHERE id = $1`,
      [lotId],
    );
  return row.held;
}

describe('expiry without the job: the services check the time themselves', () => {
  let t: TestApp;
  const clock = new ManualClock(new Date());
  let c: Cast;

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    c = await cast(t);
  });

  afterAll(() => t.close());

  it('an offer past expiresAt cannot be accepted, countered, rejected or withdrawn', async () => {
    const lotId = await openLot(t, c);
    const offer = await makeOffer(t.http, c.buyer.user, lotId, {
      price: '230',
      quantity: '400',
      expiresAt: new Date(clock.now().getTime() + 10 * MINUTE).toISOString(),
    });
    clock.advance(10 * MINUTE);
    const before = await lotFootprint(t.app.get(DataSource), lotId);

    expectProblem(
      await t.http.post(`/api/v1/offers/${offer.id}/accept`).set(bearer(c.manager)).send({}),
      409,
      'OFFER_EXPIRED',
    );
    expectProblem(
      await t.http
        .post(`/api/v1/offers/${offer.id}/counter`)
        .set(bearer(c.manager))
        .send({
          price: '250',
          quantity: '400',
          expiresAt: new Date(clock.now().getTime() + 60 * MINUTE).toISOString(),
        }),
      409,
      'OFFER_EXPIRED',
    );
    expectProblem(
      await t.http.post(`/api/v1/offers/${offer.id}/reject`).set(bearer(c.manager)),
      409,
      'OFFER_EXPIRED',
    );
    expectProblem(
      await t.http.post(`/api/v1/offers/${offer.id}/withdraw`).set(bearer(c.buyer.user)),
      409,
      'OFFER_EXPIRED',
    );
    const shown = await t.http
      .get(`/api/v1/offers/${offer.id}`)
      .set(bearer(c.buyer.user))
      .expect(200);
    expect(shown.body.status).toBe('expired');
    // The stored row was never touched by a job: the refusal came from the time alone.
    expect(await storedStatus(t, 'offers', offer.id)).toBe('pending');
    expect(await lotFootprint(t.app.get(DataSource), lotId)).toEqual(before);
  });

  it('an approval whose offer expires gives its held quantity back', async () => {
    await setPolicy(t.http, c.manager, c.association.id, {
      approvalPolicy: 'member_vote',
      voteThreshold: '0.6',
      voteHours: 48,
    });
    const lotId = await openLot(t, c);
    const offer = await makeOffer(t.http, c.buyer.user, lotId, {
      price: '230',
      quantity: '1000',
      expiresAt: new Date(clock.now().getTime() + 30 * MINUTE).toISOString(),
    });
    const requested = await t.http
      .post(`/api/v1/offers/${offer.id}/accept`)
      .set(bearer(c.manager))
      .send({})
      .expect(202);
    const approvalId = requested.body.approval.id;
    // The vote closes with the offer, not 48 hours later.
    expect(requested.body.approval.closesAt).toBe(
      new Date(clock.now().getTime() + 30 * MINUTE).toISOString(),
    );
    const held = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(c.manager)).expect(200);
    expect(held.body).toMatchObject({ quantityHeld: '1000', quantityAvailable: '0' });

    clock.advance(30 * MINUTE);
    const released = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(c.manager)).expect(200);
    expect(released.body).toMatchObject({
      status: 'open',
      quantityHeld: '0',
      quantityAvailable: '1000',
    });
    expect(await storedHeld(t, lotId)).toBe('0');
    expect(await storedStatus(t, 'approvals', approvalId)).toBe('expired');
    const approval = await t.http
      .get(`/api/v1/approvals/${approvalId}`)
      .set(bearer(c.voter))
      .expect(200);
    expect(approval.body).toMatchObject({ status: 'expired', dealId: null });
    expectProblem(
      await t.http
        .post(`/api/v1/approvals/${approvalId}/votes`)
        .set(bearer(c.voter))
        .send({ choice: 'approve' }),
      409,
      'APPROVAL_NOT_PENDING',
    );
    // What was held can be sold again.
    await makeOffer(t.http, c.buyer.user, lotId, {
      price: '240',
      quantity: '1000',
      expiresAt: new Date(clock.now().getTime() + 60 * MINUTE).toISOString(),
    });
  });
});

describe(`expiry by the job (${process.env.REDIS_URL ? 'Bull on Redis' : 'in-process queue'})`, () => {
  let t: TestApp;
  let c: Cast;

  beforeAll(async () => {
    t = await startTestApp();
    c = await cast(t);
  });

  afterAll(() => t.close());

  it('marks an offer expired in the database when its time comes', async () => {
    const lotId = await openLot(t, c);
    const offer = await makeOffer(t.http, c.buyer.user, lotId, {
      price: '230',
      quantity: '400',
      expiresAt: new Date(Date.now() + 1500).toISOString(),
    });
    expect(await storedStatus(t, 'offers', offer.id)).toBe('pending');
    // Only the job writes `expired` to the row; reads show it but never store it.
    await waitUntil(
      async () => (await storedStatus(t, 'offers', offer.id)) === 'expired',
      'the expiry job marks the offer expired',
    );
    const shown = await t.http
      .get(`/api/v1/offers/${offer.id}`)
      .set(bearer(c.buyer.user))
      .expect(200);
    expect(shown.body).toMatchObject({ status: 'expired', decidedAt: expect.any(String) });
    const history = await t.http
      .get(`/api/v1/lots/${lotId}/history`)
      .set(bearer(c.manager))
      .expect(200);
    expect(history.body.items.at(-1)).toMatchObject({
      type: 'offer.expired',
      actor: 'job:offer-expire',
      data: { offerId: offer.id },
    });
    expect(history.body.verification).toMatchObject({ ok: true });
  });

  it("expires every offer due within the same second with that second's one job", async () => {
    const lotId = await openLot(t, c);
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const offers = [
      await makeOffer(t.http, c.buyer.user, lotId, { price: '230', quantity: '100', expiresAt }),
      await makeOffer(t.http, c.buyer.user, lotId, { price: '231', quantity: '100', expiresAt }),
    ];
    await waitUntil(async () => {
      const statuses = await Promise.all(offers.map((o) => storedStatus(t, 'offers', o.id)));
      return statuses.every((status) => status === 'expired');
    }, 'both offers marked expired');
    const history = await t.http
      .get(`/api/v1/lots/${lotId}/history`)
      .set(bearer(c.manager))
      .expect(200);
    const expired = history.body.items.filter(
      (item: { type: string }) => item.type === 'offer.expired',
    );
    expect(expired.map((item: { data: { offerId: string } }) => item.data.offerId).sort()).toEqual(
      offers.map((o) => o.id).sort(),
    );
  });

  it('releases the quantity an approval held when its offer expires', async () => {
    await setPolicy(t.http, c.manager, c.association.id, {
      approvalPolicy: 'member_vote',
      voteThreshold: '0.6',
    });
    const lotId = await openLot(t, c);
    const offer = await makeOffer(t.http, c.buyer.user, lotId, {
      price: '230',
      quantity: '600',
      // Long enough for the accept to come first on a busy machine.
      expiresAt: new Date(Date.now() + 3000).toISOString(),
    });
    const requested = await t.http
      .post(`/api/v1/offers/${offer.id}/accept`)
      .set(bearer(c.manager))
      .send({})
      .expect(202);
    expect(await storedHeld(t, lotId)).toBe('600');
    // No API read of the lot meanwhile: that would release the hold lazily.
    await waitUntil(
      async () =>
        (await storedStatus(t, 'approvals', requested.body.approval.id)) === 'expired' &&
        (await storedHeld(t, lotId)) === '0' &&
        (await storedStatus(t, 'offers', offer.id)) === 'expired',
      'the expiry releases the held quantity',
    );
    const lot = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(c.manager)).expect(200);
    expect(lot.body).toMatchObject({ quantityHeld: '0', quantityAvailable: '1000' });
  });
});

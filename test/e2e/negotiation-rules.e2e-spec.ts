import { DataSource } from 'typeorm';
import { ManualClock } from '../../src/shared/clock';
import { addMember, bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  type Buyer,
  contribute,
  counterOffer,
  expectProblem,
  inHours,
  invalidFields,
  lotFootprint,
  makeOffer,
  newBuyer,
  newLot,
  newProducer,
  type NewLotOptions,
  productByCode,
  publish,
} from '../support/lot-builders';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Refused requests: each answers with problem details and its code, and leaves the lot,
 * its offers, deals, approvals, history and outbox exactly as they were.
 */
describe('negotiation: bad input, bad moves and who sees what', () => {
  let t: TestApp;
  let dataSource: DataSource;
  const clock = new ManualClock(new Date());
  let manager: TestUser;
  let member: TestUser;
  let otherManager: TestUser;
  let buyer: Buyer;
  let rival: Buyer;
  let association: { id: string };
  let otherAssociation: { id: string };
  let producers: { id: string }[];
  let carrotId: string;

  const ahead = (hours: number) => inHours(hours, clock.now());
  const post = (who: TestUser, path: string, body: object = {}) =>
    t.http.post(`/api/v1${path}`).set(bearer(who)).send(body);
  const offerBody = (terms: Record<string, unknown> = {}) => ({
    price: '230',
    quantity: '400',
    paymentTermsDays: 30,
    expiresAt: ahead(24),
    ...terms,
  });

  async function openLot(quantities = ['600', '400'], options: NewLotOptions = {}) {
    const lot = await newLot(t.http, manager, association.id, carrotId, {
      minOrderQuantity: '200',
      reservePrice: '210',
      ...options,
    });
    for (const [i, quantity] of quantities.entries()) {
      await contribute(t.http, manager, lot.id, producers[i].id, quantity);
    }
    await publish(t.http, manager, lot.id);
    return lot.id;
  }

  /** Sends the refused request and checks that nothing about the lot changed. */
  async function expectRefused(
    lotId: string,
    send: () => PromiseLike<{
      status: number;
      headers: Record<string, string>;
      body: Record<string, unknown>;
    }>,
    status: number,
    code: string,
  ) {
    const before = await lotFootprint(dataSource, lotId);
    const body = expectProblem(await send(), status, code);
    expect(await lotFootprint(dataSource, lotId)).toEqual(before);
    return body;
  }

  beforeAll(async () => {
    t = await startTestApp({}, { clock });
    dataSource = t.app.get(DataSource);
    [manager, member, otherManager, buyer, rival] = await Promise.all([
      newUser(t.http, 'Gerente'),
      newUser(t.http, 'Socio'),
      newUser(t.http, 'Gerente Ajeno'),
      newBuyer(t.http, 'Distribuidora del Norte'),
      newBuyer(t.http, 'Supermercado Calama'),
    ]);
    association = await newOrganization(t.http, manager, 'association');
    otherAssociation = await newOrganization(t.http, otherManager, 'association', 'Toconce');
    await addMember(t.http, manager, association.id, member, 'member');
    producers = [
      await newProducer(t.http, manager, association.id, 'Familia Anza'),
      await newProducer(t.http, manager, association.id, 'Familia Cruz'),
    ];
    carrotId = (await productByCode(t.http, 'zanahoria')).id;
  });

  afterAll(() => t.close());

  describe('offers need an open lot with the quantity', () => {
    it('refuses an offer on a draft, a cancelled or a sold-out lot (409 LOT_NOT_OPEN)', async () => {
      const draft = await newLot(t.http, manager, association.id, carrotId);
      await contribute(t.http, manager, draft.id, producers[0].id, '500');
      await expectRefused(
        draft.id,
        () => post(buyer.user, `/lots/${draft.id}/offers`, offerBody()),
        409,
        'LOT_NOT_OPEN',
      );

      const cancelled = await openLot();
      await post(manager, `/lots/${cancelled}/cancel`).expect(200);
      await expectRefused(
        cancelled,
        () => post(buyer.user, `/lots/${cancelled}/offers`, offerBody()),
        409,
        'LOT_NOT_OPEN',
      );

      const soldOut = await openLot(['500']);
      const all = await makeOffer(t.http, buyer.user, soldOut, { price: '230', quantity: '500' });
      await post(manager, `/offers/${all.id}/accept`).expect(201);
      await expectRefused(
        soldOut,
        () => post(rival.user, `/lots/${soldOut}/offers`, offerBody()),
        409,
        'LOT_NOT_OPEN',
      );
    });

    it('refuses a quantity above what is available or below the lot minimum (400 INSUFFICIENT_QUANTITY)', async () => {
      const lotId = await openLot();
      const above = await expectRefused(
        lotId,
        () => post(buyer.user, `/lots/${lotId}/offers`, offerBody({ quantity: '1000.5' })),
        400,
        'INSUFFICIENT_QUANTITY',
      );
      expect(above).toMatchObject({ reason: 'above_available', quantityAvailable: '1000' });
      const below = await expectRefused(
        lotId,
        () => post(buyer.user, `/lots/${lotId}/offers`, offerBody({ quantity: '150' })),
        400,
        'INSUFFICIENT_QUANTITY',
      );
      expect(below).toMatchObject({ reason: 'below_minimum', minOrderQuantity: '200' });
      // A counter is held to the same rule.
      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' });
      await expectRefused(
        lotId,
        () =>
          post(manager, `/offers/${offer.id}/counter`, {
            price: '240',
            quantity: '1200',
            expiresAt: ahead(24),
          }),
        400,
        'INSUFFICIENT_QUANTITY',
      );
    });

    it('names each invalid field: zero or negative figures, an expiry in the past (400 VALIDATION_FAILED)', async () => {
      const lotId = await openLot();
      const send = (terms: Record<string, unknown>) =>
        expectRefused(
          lotId,
          () => post(buyer.user, `/lots/${lotId}/offers`, offerBody(terms)),
          400,
          'VALIDATION_FAILED',
        );
      expect(invalidFields(await send({ price: '-5' }))).toEqual(['price']);
      expect(invalidFields(await send({ price: '0', quantity: '0' }))).toEqual([
        'price',
        'quantity',
      ]);
      expect(invalidFields(await send({ price: 230 }))).toEqual(['price']);
      const past = await send({ expiresAt: new Date(clock.now().getTime() - 1000).toISOString() });
      expect(past.errors).toEqual([expect.objectContaining({ field: 'expiresAt' })]);
      expect(invalidFields(await send({ paymentTermsDays: -1 }))).toEqual(['paymentTermsDays']);
      expect(invalidFields(await send({ minQuantity: '500' }))).toEqual(['minQuantity']);

      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' });
      const counter = await expectRefused(
        lotId,
        () =>
          post(manager, `/offers/${offer.id}/counter`, {
            price: '-240',
            quantity: '400',
            expiresAt: ahead(-1),
          }),
        400,
        'VALIDATION_FAILED',
      );
      expect(invalidFields(counter)).toContain('price');
    });

    it('refuses unknown fields instead of ignoring them (400)', async () => {
      const lotId = await openLot();
      const body = await expectRefused(
        lotId,
        () => post(buyer.user, `/lots/${lotId}/offers`, offerBody({ discount: '10' })),
        400,
        'VALIDATION_FAILED',
      );
      expect(body.errors).toEqual([
        expect.objectContaining({ field: 'discount', code: 'UNKNOWN_FIELD' }),
      ]);
      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' });
      const accept = await expectRefused(
        lotId,
        () => post(manager, `/offers/${offer.id}/accept`, { force: true }),
        400,
        'VALIDATION_FAILED',
      );
      expect(invalidFields(accept)).toEqual(['force']);
      const lot = await post(manager, `/organizations/${association.id}/lots`, {
        productId: carrotId,
        grade: 'A',
        unit: 'kg',
        currency: 'CLP',
        mechanism: 'negotiation',
        minOrderQuantity: '100',
        deliveryFrom: '2026-12-10',
        deliveryTo: '2026-12-20',
        deliveryPoint: 'Lasana',
        reservePrise: '200',
      });
      expect(invalidFields(expectProblem(lot, 400, 'VALIDATION_FAILED'))).toEqual(['reservePrise']);
    });
  });

  describe('only the right party moves, and only on a pending offer', () => {
    it('refuses an accept by the party that made the offer (403 NOT_YOUR_TURN)', async () => {
      const lotId = await openLot();
      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' });
      await expectRefused(
        lotId,
        () => post(buyer.user, `/offers/${offer.id}/accept`),
        403,
        'NOT_YOUR_TURN',
      );
      const counter = await counterOffer(t.http, manager, offer.id, {
        price: '250',
        quantity: '400',
      });
      await expectRefused(
        lotId,
        () => post(manager, `/offers/${counter.id}/accept`),
        403,
        'NOT_YOUR_TURN',
      );
      await expectRefused(
        lotId,
        () => post(manager, `/offers/${counter.id}/reject`),
        403,
        'NOT_YOUR_TURN',
      );
      await expectRefused(
        lotId,
        () => post(buyer.user, `/offers/${counter.id}/withdraw`),
        403,
        'NOT_OFFER_MAKER',
      );
    });

    it('refuses to accept a withdrawn, a countered, a rejected or an expired offer (409)', async () => {
      const lotId = await openLot();
      const withdrawn = await makeOffer(t.http, buyer.user, lotId, {
        price: '230',
        quantity: '200',
      });
      await post(buyer.user, `/offers/${withdrawn.id}/withdraw`).expect(200);
      await expectRefused(
        lotId,
        () => post(manager, `/offers/${withdrawn.id}/accept`),
        409,
        'OFFER_NOT_PENDING',
      );

      const countered = await makeOffer(t.http, buyer.user, lotId, {
        price: '220',
        quantity: '200',
      });
      const counter = await counterOffer(t.http, manager, countered.id, {
        price: '240',
        quantity: '200',
      });
      await expectRefused(
        lotId,
        () => post(manager, `/offers/${countered.id}/accept`),
        409,
        'OFFER_NOT_PENDING',
      );
      // The counter took its place and is the one the buyer may accept.
      await expectRefused(
        lotId,
        () =>
          post(buyer.user, `/offers/${countered.id}/counter`, {
            price: '230',
            quantity: '200',
            expiresAt: ahead(2),
          }),
        403,
        'NOT_YOUR_TURN',
      );
      expect((await post(buyer.user, `/offers/${counter.id}/reject`).expect(200)).body.status).toBe(
        'rejected',
      );
      await expectRefused(
        lotId,
        () => post(buyer.user, `/offers/${counter.id}/accept`),
        409,
        'OFFER_NOT_PENDING',
      );

      const expiring = await makeOffer(t.http, buyer.user, lotId, {
        price: '230',
        quantity: '200',
        expiresAt: ahead(1),
      });
      clock.advance(3_600_000);
      await expectRefused(
        lotId,
        () => post(manager, `/offers/${expiring.id}/accept`),
        409,
        'OFFER_EXPIRED',
      );
    });

    it('lets a member read offers but not accept, counter or reject them (403)', async () => {
      const lotId = await openLot();
      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' });
      await t.http.get(`/api/v1/offers/${offer.id}`).set(bearer(member)).expect(200);
      await expectRefused(
        lotId,
        () => post(member, `/offers/${offer.id}/accept`),
        403,
        'FORBIDDEN',
      );
      await expectRefused(
        lotId,
        () =>
          post(member, `/offers/${offer.id}/counter`, {
            price: '260',
            quantity: '400',
            expiresAt: ahead(2),
          }),
        403,
        'FORBIDDEN',
      );
      await expectRefused(
        lotId,
        () => post(member, `/offers/${offer.id}/reject`),
        403,
        'FORBIDDEN',
      );
      // Nor make offers, as a member of no buyer.
      await expectRefused(
        lotId,
        () => post(member, `/lots/${lotId}/offers`, offerBody()),
        403,
        'FORBIDDEN',
      );
    });

    it('refuses to cancel a lot or withdraw a contribution once it has a deal (409 LOT_HAS_DEALS)', async () => {
      const lotId = await openLot();
      // Before any deal a producer may take their harvest back.
      const late = await contribute(t.http, manager, lotId, producers[0].id, '300');
      await t.http
        .delete(`/api/v1/lots/${lotId}/contributions/${late.id}`)
        .set(bearer(manager))
        .expect(204);
      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' });
      await post(manager, `/offers/${offer.id}/accept`).expect(201);
      const lot = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
      expect(lot.body).toMatchObject({
        status: 'open',
        quantityTotal: '1000',
        quantitySold: '400',
      });

      await expectRefused(
        lotId,
        () => post(manager, `/lots/${lotId}/cancel`),
        409,
        'LOT_HAS_DEALS',
      );
      await expectRefused(
        lotId,
        () =>
          t.http
            .delete(`/api/v1/lots/${lotId}/contributions/${lot.body.contributions[0].id}`)
            .set(bearer(manager)),
        409,
        'LOT_HAS_DEALS',
      );
    });
  });

  describe('who sees what', () => {
    it('never shows a buyer the reserve, the floor, the contributions or what was sold', async () => {
      const lotId = await openLot();
      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' });
      await post(manager, `/offers/${offer.id}/accept`).expect(201);

      const own = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
      expect(own.body).toMatchObject({ reservePrice: '210', quantitySold: '400' });
      expect(own.body).toHaveProperty('floorPrice');
      expect(own.body.contributions).toHaveLength(2);

      const hidden = [
        'reservePrice',
        'floorPrice',
        'contributions',
        'quantitySold',
        'quantityHeld',
      ];
      const seen = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(rival.user)).expect(200);
      expect(seen.body).toMatchObject({ id: lotId, quantityAvailable: '600' });
      for (const field of hidden) expect(seen.body).not.toHaveProperty(field);

      const listed = await t.http.get('/api/v1/lots?limit=100').set(bearer(rival.user)).expect(200);
      const item = listed.body.items.find((l: { id: string }) => l.id === lotId);
      expect(item).toMatchObject({ id: lotId, status: 'open' });
      for (const lot of listed.body.items) {
        for (const field of hidden) expect(lot).not.toHaveProperty(field);
      }
    });

    it('hides drafts from buyers', async () => {
      const draft = await newLot(t.http, manager, association.id, carrotId, {
        reservePrice: '200',
      });
      await expectProblemAt(`/lots/${draft.id}`, buyer.user, 404);
      await expectProblemAt(`/lots/${draft.id}/offers`, buyer.user, 404);
      const listed = await t.http.get('/api/v1/lots?limit=100').set(bearer(buyer.user)).expect(200);
      expect(listed.body.items.map((l: { id: string }) => l.id)).not.toContain(draft.id);
      expect(listed.body.items.every((l: { status: string }) => l.status === 'open')).toBe(true);
    });

    it('hides one buyer’s offers from another (404)', async () => {
      const lotId = await openLot();
      const mine = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' });
      const counter = await counterOffer(t.http, manager, mine.id, {
        price: '250',
        quantity: '400',
      });
      await makeOffer(t.http, rival.user, lotId, { price: '235', quantity: '300' });

      await expectProblemAt(`/offers/${mine.id}`, rival.user, 404);
      await expectProblemAt(`/offers/${counter.id}`, rival.user, 404);
      await expectRefused(
        lotId,
        () => post(rival.user, `/offers/${counter.id}/accept`),
        404,
        'NOT_FOUND',
      );
      const listed = await t.http
        .get(`/api/v1/lots/${lotId}/offers`)
        .set(bearer(rival.user))
        .expect(200);
      expect(listed.body.items).toHaveLength(1);
      expect(listed.body.items[0].buyerOrganizationId).toBe(rival.organization.id);
    });

    it('hides a lot and its offers from another association (404)', async () => {
      const lotId = await openLot();
      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' });
      for (const path of [
        `/lots/${lotId}`,
        `/lots/${lotId}/offers`,
        `/lots/${lotId}/history`,
        `/offers/${offer.id}`,
      ]) {
        await expectProblemAt(path, otherManager, 404);
      }
      await expectRefused(
        lotId,
        () => post(otherManager, `/offers/${offer.id}/accept`),
        404,
        'NOT_FOUND',
      );
      await expectRefused(
        lotId,
        () => post(otherManager, `/lots/${lotId}/cancel`),
        404,
        'NOT_FOUND',
      );
      const listed = await t.http
        .get('/api/v1/lots?limit=100')
        .set(bearer(otherManager))
        .expect(200);
      expect(listed.body.items.map((l: { id: string }) => l.id)).not.toContain(lotId);
      expect(otherAssociation.id).not.toBe(association.id);
    });
  });

  describe('approvals under member_vote stay consistent with their offer', () => {
    let voting: { id: string };
    let linked: { id: string };
    let unlinked: { id: string };

    const approval = async (id: string) =>
      (await t.http.get(`/api/v1/approvals/${id}`).set(bearer(member)).expect(200)).body;
    const lotView = async (lotId: string) =>
      (await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200)).body;

    /** 600 kg from the member's own producer, who can vote; 400 kg from one who cannot. */
    async function votingLot(): Promise<string> {
      const lot = await newLot(t.http, manager, voting.id, carrotId, { minOrderQuantity: '100' });
      await contribute(t.http, manager, lot.id, linked.id, '600');
      await contribute(t.http, manager, lot.id, unlinked.id, '400');
      await publish(t.http, manager, lot.id);
      return lot.id;
    }

    async function underVote(lotId: string) {
      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '500' });
      const requested = await post(manager, `/offers/${offer.id}/accept`).expect(202);
      expect((await lotView(lotId)).quantityHeld).toBe('500');
      return { offer, approvalId: requested.body.approval.id as string };
    }

    beforeAll(async () => {
      voting = await newOrganization(t.http, manager, 'association', 'Cooperativa de Caspana');
      await addMember(t.http, manager, voting.id, member, 'member');
      linked = await newProducer(t.http, manager, voting.id, 'Familia Anza', member.id);
      unlinked = await newProducer(t.http, manager, voting.id, 'Familia Cruz');
      await t.http
        .patch(`/api/v1/organizations/${voting.id}/policy`)
        .set(bearer(manager))
        .send({ approvalPolicy: 'member_vote', voteThreshold: '0.6' })
        .expect(200);
    });

    it('refuses a second accept of an offer already under vote (409), holding nothing twice', async () => {
      const lotId = await votingLot();
      const { offer, approvalId } = await underVote(lotId);
      const again = await expectRefused(
        lotId,
        () => post(manager, `/offers/${offer.id}/accept`),
        409,
        'APPROVAL_PENDING',
      );
      expect(again.approvalId).toBe(approvalId);
    });

    it('a buyer withdrawing the offer ends the vote: later votes are refused, the hold is given back once', async () => {
      const lotId = await votingLot();
      const { offer, approvalId } = await underVote(lotId);
      await post(buyer.user, `/offers/${offer.id}/withdraw`).expect(200);
      expect(await lotView(lotId)).toMatchObject({ quantityHeld: '0', quantityAvailable: '1000' });
      expect(await approval(approvalId)).toMatchObject({ status: 'rejected', dealId: null });

      await expectRefused(
        lotId,
        () => post(member, `/approvals/${approvalId}/votes`, { choice: 'approve' }),
        409,
        'APPROVAL_NOT_PENDING',
      );
    });

    it('countering an offer under vote ends the vote and gives its hold back', async () => {
      const lotId = await votingLot();
      const { offer, approvalId } = await underVote(lotId);
      await counterOffer(t.http, manager, offer.id, { price: '260', quantity: '500' });
      expect(await lotView(lotId)).toMatchObject({ quantityHeld: '0', quantityAvailable: '1000' });
      expect((await approval(approvalId)).status).toBe('rejected');
    });

    it('decides at once a vote that those who can vote could never pass', async () => {
      // 70 % needed; the only producer with a login holds 60 %.
      await t.http
        .patch(`/api/v1/organizations/${voting.id}/policy`)
        .set(bearer(manager))
        .send({ voteThreshold: '0.7' })
        .expect(200);
      const lotId = await votingLot();
      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '500' });
      const requested = await post(manager, `/offers/${offer.id}/accept`).expect(202);
      expect(requested.body.approval).toMatchObject({ status: 'rejected', dealId: null });
      expect(await lotView(lotId)).toMatchObject({ quantityHeld: '0', quantityAvailable: '1000' });
      const shown = await t.http
        .get(`/api/v1/offers/${offer.id}`)
        .set(bearer(buyer.user))
        .expect(200);
      expect(shown.body.status).toBe('rejected');
      const [row] = await dataSource.query<{ status: string }[]>(
        `SELECT status FROM approvals WHERE id = $1`,
        [requested.body.approval.id],
      );
      expect(row.status).toBe('rejected');
    });
  });

  describe('Idempotency-Key', () => {
    it('replays an accept: the same deal, and no second one', async () => {
      const lotId = await openLot();
      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' });
      const key = { 'Idempotency-Key': `accept-${offer.id}` };
      const first = await post(manager, `/offers/${offer.id}/accept`).set(key).expect(201);
      const replay = await post(manager, `/offers/${offer.id}/accept`).set(key).expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);

      const deals = await dataSource.query<{ id: string }[]>(
        `SELECT id FROM deals WHERE offer_id = $1`,
        [offer.id],
      );
      expect(deals.map((d) => d.id)).toEqual([first.body.deal.id]);
      const lot = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
      expect(lot.body.quantitySold).toBe('400');
      // Without the key it is a new request, refused on its own merits.
      await expectRefused(
        lotId,
        () => post(manager, `/offers/${offer.id}/accept`),
        409,
        'OFFER_NOT_PENDING',
      );
      // The key names one request: another body under it is refused.
      await expectRefused(
        lotId,
        () => post(manager, `/offers/${offer.id}/accept`, { overrideReason: 'x' }).set(key),
        422,
        'IDEMPOTENCY_KEY_REUSED',
      );
    });

    it('replays an offer and a counter without creating them twice, even sent at once', async () => {
      const lotId = await openLot();
      const key = { 'Idempotency-Key': `offer-${lotId}` };
      const [a, b] = await Promise.all([
        post(buyer.user, `/lots/${lotId}/offers`, offerBody()).set(key),
        post(buyer.user, `/lots/${lotId}/offers`, offerBody()).set(key),
      ]);
      // The second either waited for the first's answer or was told it is still running.
      const created = [a, b].filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      for (const r of [a, b]) {
        if (r.status !== 201) expectProblem(r, 409, 'IDEMPOTENCY_REQUEST_IN_PROGRESS');
      }
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      const offerId = created[0].body.id;

      const counterKey = { 'Idempotency-Key': `counter-${offerId}` };
      const counterBody = { price: '260', quantity: '400', expiresAt: ahead(12) };
      const c1 = await post(manager, `/offers/${offerId}/counter`, counterBody)
        .set(counterKey)
        .expect(201);
      const c2 = await post(manager, `/offers/${offerId}/counter`, counterBody)
        .set(counterKey)
        .expect(201);
      expect(c2.body.id).toBe(c1.body.id);
      const offers = await dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM offers WHERE lot_id = $1`,
        [lotId],
      );
      expect(offers[0].n).toBe(2);
    });

    // The offer and the accept store their answer in the statement that makes the change:
    // duplicates sent together must still make one deal and all hear of that one.
    it('answers ten accepts sent at once under one key with one deal', async () => {
      const lotId = await openLot();
      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' });
      const key = { 'Idempotency-Key': `accept-at-once-${offer.id}` };
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => post(manager, `/offers/${offer.id}/accept`).set(key)),
      );
      const deals = await dataSource.query<{ id: string }[]>(
        `SELECT id FROM deals WHERE offer_id = $1`,
        [offer.id],
      );
      expect(deals).toHaveLength(1);
      const created = answers.filter((a) => a.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(created.map((a) => a.body.deal.id)).toEqual(created.map(() => deals[0].id));
      expect(answers.filter((a) => a.status !== 201).map((a) => [a.status, a.body.code])).toEqual(
        answers.filter((a) => a.status !== 201).map(() => [409, 'IDEMPOTENCY_REQUEST_IN_PROGRESS']),
      );
      const lot = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
      expect(lot.body.quantitySold).toBe('400');
    });

    // Two offers each for all that is left, accepted at once: whichever loses (in the one
    // statement, after it stored its answer, or on the careful path) must leave no answer
    // under its key, or its replay would claim a deal that was never made.
    it('leaves nothing under the key of an accept that lost the lot to another', async () => {
      for (let round = 0; round < 3; round += 1) {
        const lotId = await openLot(['400']);
        const offers = [
          await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' }),
          await makeOffer(t.http, buyer.user, lotId, { price: '231', quantity: '400' }),
        ];
        const keys = offers.map((offer) => ({ 'Idempotency-Key': `race-${offer.id}` }));
        const answers = await Promise.all(
          offers.map((offer, i) => post(manager, `/offers/${offer.id}/accept`).set(keys[i])),
        );
        // The loser is refused as the lot stood when it looked: sold out (409), or still
        // open with nothing left (400) in the moment before the sell-out commits.
        expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
        const loser = answers.findIndex((a) => a.status !== 201);
        expect([400, 409]).toContain(answers[loser].status);
        const stored = await dataSource.query<{ state: string }[]>(
          `SELECT state FROM idempotency_keys WHERE key = $1`,
          [keys[loser]['Idempotency-Key']],
        );
        expect(stored).toEqual([]);
        // Sent again, it is judged anew (and refused), not answered with a stored deal.
        const again = await post(manager, `/offers/${offers[loser].id}/accept`).set(keys[loser]);
        expect(again.status).toBe(409);
        expect(again.headers['idempotent-replayed']).toBeUndefined();
      }
    });
  });

  async function expectProblemAt(path: string, who: TestUser, status: number) {
    const response = await t.http.get(`/api/v1${path}`).set(bearer(who));
    expectProblem(response, status, status === 404 ? 'NOT_FOUND' : String(status));
  }
});

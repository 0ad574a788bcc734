import { DataSource } from 'typeorm';
import { addMember, bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  type Buyer,
  contribute,
  counterOffer,
  expectProblem,
  inHours,
  makeOffer,
  newBuyer,
  newLot,
  newProducer,
  productByCode,
  publish,
  setPolicy,
} from '../support/lot-builders';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The story the product was written for: the carrot growers of Lasana pool their harvest
 * and sell it together, in parts, to three buyers, under each of the association's
 * approval policies, and every member can read (and check) how the price was agreed.
 * The steps build on each other, in order.
 */
describe('the Lasana story: a pooled carrot lot sold in parts to three buyers', () => {
  let t: TestApp;
  let manager: TestUser;
  let treasurer: TestUser;
  let association: { id: string };
  /** Members linked to the first six producers; the other six have no login. */
  let members: TestUser[] = [];
  const producers: { id: string; name: string }[] = [];
  let distribuidora: Buyer;
  let supermercado: Buyer;
  let restaurante: Buyer;
  let lotId: string;
  const dealIds: Record<string, string> = {};

  // kg per producer: 3300 kg from producers who can vote, 1200 kg from those who cannot.
  const QUANTITIES = ['800', '700', '600', '500', '400', '300', ...Array<string>(6).fill('200')];

  const lot = async (who: TestUser) =>
    (await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(who)).expect(200)).body;
  const offer = async (who: TestUser, id: string) =>
    (await t.http.get(`/api/v1/offers/${id}`).set(bearer(who)).expect(200)).body;
  const accept = (who: TestUser, id: string) =>
    t.http.post(`/api/v1/offers/${id}/accept`).set(bearer(who)).send({});
  const vote = (who: TestUser, approvalId: string, choice: 'approve' | 'reject') =>
    t.http.post(`/api/v1/approvals/${approvalId}/votes`).set(bearer(who)).send({ choice });

  beforeAll(async () => {
    t = await startTestApp();
    // Users in parallel: password hashing dominates the set-up time.
    const names = ['Ana', 'Berta', 'Carmen', 'Delia', 'Elena', 'Flor'];
    [manager, treasurer, ...members] = await Promise.all(
      ['Gerente Lasana', 'Tesorera Lasana', ...names.map((n) => `Socia ${n}`)].map((name) =>
        newUser(t.http, name),
      ),
    );
    [distribuidora, supermercado, restaurante] = await Promise.all(
      ['Distribuidora del Norte', 'Supermercado Calama', 'Restaurante San Pedro'].map((name) =>
        newBuyer(t.http, name),
      ),
    );
    association = await newOrganization(t.http, manager, 'association');
    await addMember(t.http, manager, association.id, treasurer, 'treasurer');
    for (const member of members)
      await addMember(t.http, manager, association.id, member, 'member');
    for (let i = 0; i < 12; i++) {
      producers.push(
        await newProducer(t.http, manager, association.id, `Familia ${i + 1}`, members[i]?.id),
      );
    }
  });

  afterAll(() => t.close());

  it('pools twelve producers’ carrots into one lot and opens it to buyers', async () => {
    const carrot = await productByCode(t.http, 'zanahoria');
    lotId = (
      await newLot(t.http, manager, association.id, carrot.id, {
        reservePrice: '190',
        askingPrice: '230',
        minOrderQuantity: '500',
      })
    ).id;
    for (const [i, producer] of producers.entries()) {
      await contribute(t.http, manager, lotId, producer.id, QUANTITIES[i]);
    }
    await publish(t.http, manager, lotId);

    const own = await lot(manager);
    expect(own).toMatchObject({
      status: 'open',
      quantityTotal: '4500',
      quantityAvailable: '4500',
      quantitySold: '0',
      reservePrice: '190',
    });
    expect(own.contributions).toHaveLength(12);
    const seen = await lot(distribuidora.user);
    expect(seen).toMatchObject({ status: 'open', quantityTotal: '4500', askingPrice: '230' });
    expect(seen).not.toHaveProperty('reservePrice');
  });

  let firstOffer: { id: string; threadId: string };
  let supermercadoOffer: { id: string };
  let restauranteCounter: { id: string };

  it('negotiates with three buyers at once, each in its own thread, and sells a first part', async () => {
    firstOffer = await makeOffer(t.http, distribuidora.user, lotId, {
      price: '180',
      quantity: '2000',
    });
    supermercadoOffer = await makeOffer(t.http, supermercado.user, lotId, {
      price: '200',
      quantity: '1500',
      minQuantity: '1000',
    });
    const restauranteOffer = await makeOffer(t.http, restaurante.user, lotId, {
      price: '185',
      quantity: '1000',
    });

    const ours = await counterOffer(t.http, manager, firstOffer.id, {
      price: '225',
      quantity: '2000',
    });
    restauranteCounter = await counterOffer(t.http, manager, restauranteOffer.id, {
      price: '215',
      quantity: '1000',
    });
    const theirs = await counterOffer(t.http, distribuidora.user, ours.id, {
      price: '205',
      quantity: '2000',
    });
    expect([ours.threadId, theirs.threadId]).toEqual([firstOffer.threadId, firstOffer.threadId]);
    expect(restauranteCounter).toMatchObject({ madeBy: 'association', status: 'pending' });

    const accepted = await accept(manager, theirs.id).expect(201);
    expect(accepted.body.deal).toMatchObject({
      buyerOrganizationId: distribuidora.organization.id,
      price: '205',
      quantity: '2000',
      currency: 'CLP',
    });
    dealIds.distribuidora = accepted.body.deal.id;

    const thread = await offer(distribuidora.user, theirs.id);
    expect(
      thread.thread.map((o: { madeBy: string; price: string; status: string }) => [
        o.madeBy,
        o.price,
        o.status,
      ]),
    ).toEqual([
      ['buyer', '180', 'countered'],
      ['association', '225', 'countered'],
      ['buyer', '205', 'accepted'],
    ]);
    // Sold in part: the lot stays open for the other two buyers.
    expect(await lot(manager)).toMatchObject({
      status: 'open',
      quantitySold: '2000',
      quantityAvailable: '2500',
    });

    // Each buyer sees its own thread only; the association sees all three.
    const supermercadoList = await t.http
      .get(`/api/v1/lots/${lotId}/offers`)
      .set(bearer(supermercado.user))
      .expect(200);
    expect(supermercadoList.body.items.map((o: { id: string }) => o.id)).toEqual([
      supermercadoOffer.id,
    ]);
    await t.http.get(`/api/v1/offers/${theirs.id}`).set(bearer(supermercado.user)).expect(404);
    const all = await t.http.get(`/api/v1/lots/${lotId}/offers`).set(bearer(manager)).expect(200);
    expect(
      new Set(all.body.items.map((o: { buyerOrganizationId: string }) => o.buyerOrganizationId)),
    ).toEqual(
      new Set([
        distribuidora.organization.id,
        supermercado.organization.id,
        restaurante.organization.id,
      ]),
    );
    expect(all.body.items).toHaveLength(6);
  });

  it('puts an offer to a member vote weighted by contributed quantity, which passes', async () => {
    await setPolicy(t.http, manager, association.id, {
      approvalPolicy: 'member_vote',
      voteThreshold: '0.6',
    });
    const requested = await accept(manager, supermercadoOffer.id).expect(202);
    const approval = requested.body.approval;
    expect(approval).toMatchObject({
      policy: 'member_vote',
      status: 'pending',
      threshold: '0.6',
      quantityHeld: '1500',
      dealId: null,
    });
    expect(
      approval.weights.map((w: { producerId: string; weight: string }) => [w.producerId, w.weight]),
    ).toEqual(expect.arrayContaining(producers.map((p, i) => [p.id, QUANTITIES[i]])));
    expect(approval.weights).toHaveLength(12);
    // The held quantity is out of reach of every other buyer while the vote runs.
    expect(await lot(manager)).toMatchObject({ quantityHeld: '1500', quantityAvailable: '1000' });

    // Weights, not heads: 4 500 kg in all, 2 700 kg (60 %) needed; the six who can vote hold 3 300.
    await vote(members[0], approval.id, 'approve').expect(201);
    await vote(members[1], approval.id, 'approve').expect(201);
    const afterReject = await vote(members[2], approval.id, 'reject').expect(201);
    expect(afterReject.body.tally).toMatchObject({
      status: 'pending',
      approveWeight: '1500',
      rejectWeight: '600',
      outstandingWeight: '1200',
      unreachableWeight: '1200',
      totalWeight: '4500',
    });
    expectProblem(await vote(members[0], approval.id, 'reject'), 409, 'ALREADY_VOTED');
    expectProblem(await vote(treasurer, approval.id, 'approve'), 403, 'NOT_ELIGIBLE_VOTER');
    await vote(members[3], approval.id, 'approve').expect(201);
    const stillPending = await vote(members[4], approval.id, 'approve').expect(201);
    expect(stillPending.body).toMatchObject({ status: 'pending', dealId: null });
    expect(stillPending.body.tally.approveWeight).toBe('2400');

    const passed = await vote(members[5], approval.id, 'approve').expect(201);
    expect(passed.body.status).toBe('approved');
    expect(passed.body.tally).toMatchObject({ approveWeight: '2700', approveShare: '0.6' });
    const deal = await t.http
      .get(`/api/v1/deals/${passed.body.dealId}`)
      .set(bearer(supermercado.user))
      .expect(200);
    expect(deal.body).toMatchObject({
      buyerOrganizationId: supermercado.organization.id,
      price: '200',
      quantity: '1500',
    });
    dealIds.supermercado = deal.body.id;
    expect(await lot(manager)).toMatchObject({
      status: 'open',
      quantitySold: '3500',
      quantityHeld: '0',
      quantityAvailable: '1000',
    });
    expect((await offer(supermercado.user, supermercadoOffer.id)).status).toBe('accepted');
  });

  it('a member vote that fails releases the held quantity and rejects the offer', async () => {
    const buyersCounter = await counterOffer(t.http, restaurante.user, restauranteCounter.id, {
      price: '195',
      quantity: '1000',
    });
    const requested = await accept(manager, buyersCounter.id).expect(202);
    const approvalId = requested.body.approval.id;
    expect(await lot(manager)).toMatchObject({ quantityHeld: '1000', quantityAvailable: '0' });
    // Everything left is held for the vote: no other buyer may take it meanwhile.
    expectProblem(
      await t.http
        .post(`/api/v1/lots/${lotId}/offers`)
        .set(bearer(distribuidora.user))
        .send({ price: '240', quantity: '500', paymentTermsDays: 30, expiresAt: inHours(24) }),
      400,
      'INSUFFICIENT_QUANTITY',
    );

    await vote(members[1], approvalId, 'approve').expect(201);
    // 800 kg against: 700 approve + 1 800 still to vote can no longer reach 2 700.
    const failed = await vote(members[0], approvalId, 'reject').expect(201);
    expect(failed.body).toMatchObject({ status: 'rejected', dealId: null });
    expect(failed.body.tally).toMatchObject({ approveWeight: '700', rejectWeight: '800' });

    expect(await lot(manager)).toMatchObject({
      status: 'open',
      quantityHeld: '0',
      quantityAvailable: '1000',
      quantitySold: '3500',
    });
    expect((await offer(restaurante.user, buyersCounter.id)).status).toBe('rejected');
    expectProblem(await accept(manager, buyersCounter.id), 409, 'OFFER_NOT_PENDING');
    expectProblem(await vote(members[3], approvalId, 'approve'), 409, 'APPROVAL_NOT_PENDING');
    const [{ deals }] = await t.app
      .get(DataSource)
      .query<{ deals: number }[]>(`SELECT count(*)::int AS deals FROM deals WHERE lot_id = $1`, [
        lotId,
      ]);
    expect(deals).toBe(2);
  });

  it('two_person: a manager and a treasurer, two different users, sell the rest', async () => {
    await setPolicy(t.http, manager, association.id, { approvalPolicy: 'two_person' });
    const again = await makeOffer(t.http, restaurante.user, lotId, {
      price: '210',
      quantity: '1000',
    });
    const requested = await accept(manager, again.id).expect(202);
    const approval = requested.body.approval;
    expect(approval).toMatchObject({
      policy: 'two_person',
      status: 'pending',
      quantityHeld: '1000',
    });
    expect(approval.votes).toEqual([
      expect.objectContaining({ userId: manager.id, role: 'manager', choice: 'approve' }),
    ]);

    // The same person cannot be both signatures; a plain member is not a signatory at all.
    expectProblem(await vote(manager, approval.id, 'approve'), 409, 'ALREADY_VOTED');
    expectProblem(await vote(members[0], approval.id, 'approve'), 403, 'NOT_ELIGIBLE_VOTER');
    expect((await lot(manager)).quantitySold).toBe('3500');

    const approved = await vote(treasurer, approval.id, 'approve').expect(201);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.tally).toMatchObject({
      managerUserId: manager.id,
      treasurerUserId: treasurer.id,
    });
    const deal = await t.http
      .get(`/api/v1/deals/${approved.body.dealId}`)
      .set(bearer(restaurante.user))
      .expect(200);
    expect(deal.body).toMatchObject({ price: '210', quantity: '1000' });
    dealIds.restaurante = deal.body.id;

    expect(await lot(manager)).toMatchObject({
      status: 'sold',
      quantitySold: '4500',
      quantityHeld: '0',
      quantityAvailable: '0',
    });
    // A buyer reads its own deal, never another's.
    await t.http
      .get(`/api/v1/deals/${dealIds.distribuidora}`)
      .set(bearer(restaurante.user))
      .expect(404);
  });

  it('keeps a history every member can read and check, and an outbox event for each change', async () => {
    const history = await t.http
      .get(`/api/v1/lots/${lotId}/history`)
      .set(bearer(members[5]))
      .expect(200);
    expect(history.body.verification).toMatchObject({ ok: true });
    const types: string[] = history.body.items.map((e: { type: string }) => e.type);
    expect(types.slice(0, 14)).toEqual([
      'lot.created',
      ...Array<string>(12).fill('contribution.added'),
      'lot.published',
    ]);
    expect(types.filter((type) => type === 'offer.accepted')).toHaveLength(3);
    expect(types.filter((type) => type === 'approval.voted')).toHaveLength(9);
    expect(types).toEqual(
      expect.arrayContaining([
        'offer.received',
        'offer.countered',
        'approval.requested',
        'approval.approved',
        'approval.rejected',
      ]),
    );
    const items = history.body.items as { seq: number; prevHash: string; hash: string }[];
    expect(items.map((event) => event.seq)).toEqual(items.map((_, i) => i + 1));
    expect(items.slice(1).map((event) => event.prevHash)).toEqual(
      items.slice(0, -1).map((event) => event.hash),
    );
    const votes = history.body.items.filter((e: { type: string }) => e.type === 'approval.voted');
    expect(votes[0]).toMatchObject({ actor: members[0].id, data: { choice: 'approve' } });

    await t.http.get(`/api/v1/lots/${lotId}/history`).set(bearer(supermercado.user)).expect(404);

    const events = await t.app
      .get(DataSource)
      .query<{ type: string }[]>(
        `SELECT DISTINCT type FROM outbox_events WHERE aggregate_type = 'lot' AND aggregate_id = $1`,
        [lotId],
      );
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'lot.published',
        'offer.received',
        'offer.countered',
        'offer.accepted',
        'approval.requested',
        'approval.rejected',
        'offer.rejected',
        'deal.created',
      ]),
    );
  });

  it('detects a stored history row that was changed, and a row removed from the end', async () => {
    const dataSource = t.app.get(DataSource);
    const read = () =>
      t.http.get(`/api/v1/lots/${lotId}/history`).set(bearer(members[0])).expect(200);
    const [target] = await dataSource.query<{ seq: number; data: Record<string, string> }[]>(
      `SELECT seq, data FROM lot_history WHERE lot_id = $1 AND type = 'offer.accepted'
        ORDER BY seq LIMIT 1`,
      [lotId],
    );
    expect(target.data.price).toBe('205');

    // Someone with database access rewrites the price the first buyer agreed to.
    await dataSource.query(
      `UPDATE lot_history SET data = jsonb_set(data, '{price}', '"250"') WHERE lot_id = $1 AND seq = $2`,
      [lotId, target.seq],
    );
    const tampered = await read();
    expect(tampered.body.items.find((e: { seq: number }) => e.seq === target.seq).data.price).toBe(
      '250',
    );
    expect(tampered.body.verification).toEqual({
      ok: false,
      seq: target.seq,
      reason: 'hash_mismatch',
    });

    // Put back, the chain verifies again: the check reads the rows, not a flag.
    await dataSource.query(
      `UPDATE lot_history SET data = jsonb_set(data, '{price}', '"205"') WHERE lot_id = $1 AND seq = $2`,
      [lotId, target.seq],
    );
    expect((await read()).body.verification).toMatchObject({ ok: true });

    // Dropping the last row leaves a valid-looking chain; the head kept on the lot row catches it.
    const [{ last }] = await dataSource.query<{ last: number }[]>(
      `SELECT max(seq) AS last FROM lot_history WHERE lot_id = $1`,
      [lotId],
    );
    await dataSource.query(`DELETE FROM lot_history WHERE lot_id = $1 AND seq = $2`, [lotId, last]);
    expect((await read()).body.verification).toEqual({
      ok: false,
      seq: last,
      reason: 'head_mismatch',
    });
  });
});

import { DataSource } from 'typeorm';
import { addMember, bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  contribute,
  makeOffer,
  newLot,
  newProducer,
  productByCode,
  publish,
} from '../support/lot-builders';
import { deliver, settle, soldLot } from '../support/settlement-builders';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * Bad input, wrong state and wrong caller: each refused with its code, and nothing of the
 * refused request written. One association with a treasurer, a plain member, a buyer and a
 * second association; each case builds the small lot it needs.
 */
describe('settlement: refusals and access', () => {
  let t: TestApp;
  let db: DataSource;
  let manager: TestUser;
  let treasurer: TestUser;
  let member: TestUser;
  let buyer: TestUser;
  let otherManager: TestUser;
  let association: { id: string };
  let carrot: { id: string };
  let rosa: { id: string };
  let juan: { id: string };
  let outsider: { id: string };

  const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();
  const line = (producerId: string, delivered: string, accepted: string, grade = 'A') => ({
    producerId,
    quantityDelivered: delivered,
    quantityAccepted: accepted,
    grade,
  });

  /** Rosa 600 kg and Juan 400 kg, sold whole to the buyer at CLP 200/kg. */
  const soldCarrots = () =>
    soldLot(
      t.http,
      manager,
      association.id,
      carrot.id,
      [
        { producerId: rosa.id, quantity: '600' },
        { producerId: juan.id, quantity: '400' },
      ],
      [{ buyer, price: '200', quantity: '1000' }],
    );

  /** The same lot, delivered whole: gross 200,000. */
  const deliveredCarrots = async () => {
    const sold = await soldCarrots();
    await deliver(t.http, manager, sold.dealIds[0], [
      line(rosa.id, '600', '600'),
      line(juan.id, '400', '400'),
    ]).expect(201);
    return sold;
  };

  const dealStatus = async (dealId: string) =>
    (await t.http.get(`/api/v1/deals/${dealId}`).set(bearer(manager)).expect(200)).body.status;
  const deliveriesOf = async (dealId: string) =>
    (await t.http.get(`/api/v1/deals/${dealId}/deliveries`).set(bearer(manager)).expect(200)).body
      .items;
  /** Whatever was refused left the deal as it was: confirmed, with no delivery. */
  const expectDealUntouched = async (dealId: string) => {
    expect(await dealStatus(dealId)).toBe('confirmed');
    expect(await deliveriesOf(dealId)).toEqual([]);
  };
  const settlementsOf = async (lotId: string) =>
    (await t.http.get(`/api/v1/lots/${lotId}/settlements`).set(bearer(treasurer)).expect(200)).body
      .items;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
    [manager, treasurer, member, buyer, otherManager] = await Promise.all([
      newUser(t.http, 'Gerente'),
      newUser(t.http, 'Tesorera'),
      newUser(t.http, 'Socia'),
      newUser(t.http, 'Camionero'),
      newUser(t.http, 'Gerente Socaire'),
    ]);
    association = await newOrganization(t.http, manager, 'association');
    await newOrganization(t.http, buyer, 'buyer');
    const other = await newOrganization(t.http, otherManager, 'association', 'Socaire');
    await addMember(t.http, manager, association.id, treasurer, 'treasurer');
    await addMember(t.http, manager, association.id, member, 'member');
    carrot = await productByCode(t.http, 'zanahoria');
    rosa = await newProducer(t.http, manager, association.id, 'Familia Mamani');
    juan = await newProducer(t.http, manager, association.id, 'Familia Anza');
    outsider = await newProducer(t.http, otherManager, other.id, 'Familia Socaire');
  });

  afterAll(() => t.close());

  describe('a delivery', () => {
    let dealId: string;

    beforeAll(async () => {
      ({
        dealIds: [dealId],
      } = await soldCarrots());
    });

    it('accepting more than was delivered: 400 ACCEPTED_EXCEEDS_DELIVERED', async () => {
      const response = await deliver(t.http, manager, dealId, [line(rosa.id, '500', '501')]).expect(
        400,
      );
      expect(response.body.code).toBe('ACCEPTED_EXCEEDS_DELIVERED');
      await expectDealUntouched(dealId);
    });

    it('accepting more in total than the deal: 422 DELIVERY_EXCEEDS_DEAL', async () => {
      const response = await deliver(t.http, manager, dealId, [
        line(rosa.id, '650', '650'),
        line(juan.id, '400', '400'),
      ]).expect(422);
      expect(response.body).toMatchObject({ code: 'DELIVERY_EXCEEDS_DEAL', totalAccepted: '1050' });
      await expectDealUntouched(dealId);
    });

    it('a producer who did not contribute to the lot: 422 PRODUCER_NOT_IN_LOT', async () => {
      const response = await deliver(t.http, manager, dealId, [
        line(rosa.id, '600', '600'),
        line(outsider.id, '10', '10'),
      ]).expect(422);
      expect(response.body).toMatchObject({
        code: 'PRODUCER_NOT_IN_LOT',
        producerIds: [outsider.id],
      });
      await expectDealUntouched(dealId);
    });

    it('a negative quantity, a grade the product lacks, a producer twice: 400', async () => {
      const negative = await deliver(t.http, manager, dealId, [line(rosa.id, '-1', '0')]).expect(
        400,
      );
      expect(negative.body).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(negative.body.errors[0].field).toBe('lines.0.quantityDelivered');
      const grade = await deliver(t.http, manager, dealId, [
        line(rosa.id, '600', '600', 'Z'),
      ]).expect(400);
      expect(grade.body.errors).toEqual([
        expect.objectContaining({ field: 'lines.0.grade', code: 'NOT_ALLOWED_VALUE' }),
      ]);
      const twice = await deliver(t.http, manager, dealId, [
        line(rosa.id, '300', '300'),
        line(rosa.id, '300', '300'),
      ]).expect(400);
      expect(twice.body.code).toBe('DUPLICATE_PRODUCER_LINE');
      await expectDealUntouched(dealId);
    });

    it('by a treasurer, a member, a buyer or another association: 403 or 404', async () => {
      const lines = [line(rosa.id, '600', '600')];
      await deliver(t.http, treasurer, dealId, lines).expect(403);
      await deliver(t.http, member, dealId, lines).expect(403);
      await deliver(t.http, buyer, dealId, lines).expect(404);
      await deliver(t.http, otherManager, dealId, lines).expect(404);
      await expectDealUntouched(dealId);
    });
  });

  it('a second delivery of a deal: 409 DEAL_ALREADY_DELIVERED, the first one kept', async () => {
    const { dealIds } = await deliveredCarrots();
    const again = await deliver(t.http, manager, dealIds[0], [line(rosa.id, '600', '500')]).expect(
      409,
    );
    expect(again.body.code).toBe('DEAL_ALREADY_DELIVERED');
    const [kept] = await deliveriesOf(dealIds[0]);
    expect(kept.quantityAccepted).toBe('1000');
  });

  it('payments: negative, fractional pesos, in the future, overpaid, or not by the treasurer', async () => {
    const { dealIds } = await soldCarrots();
    const pay = (caller: TestUser, body: Record<string, unknown>) =>
      t.http.post(`/api/v1/deals/${dealIds[0]}/payments`).set(bearer(caller)).send(body);
    const negative = await pay(treasurer, { amount: '-5', receivedAt: hoursAgo(1) }).expect(400);
    expect(negative.body.errors[0].field).toBe('amount');
    const cents = await pay(treasurer, { amount: '10.5', receivedAt: hoursAgo(1) }).expect(400);
    expect(cents.body.errors).toEqual([
      expect.objectContaining({ field: 'amount', code: 'TOO_MANY_DECIMALS' }),
    ]);
    const future = await pay(treasurer, { amount: '10', receivedAt: hoursAgo(-24) }).expect(400);
    expect(future.body.errors[0].code).toBe('IN_THE_FUTURE');
    const over = await pay(treasurer, { amount: '200001', receivedAt: hoursAgo(1) }).expect(422);
    expect(over.body).toMatchObject({ code: 'OVERPAYMENT', amountDue: '200000' });
    await pay(manager, { amount: '10', receivedAt: hoursAgo(1) }).expect(403);
    await pay(buyer, { amount: '10', receivedAt: hoursAgo(1) }).expect(404);
    const account = await t.http
      .get(`/api/v1/deals/${dealIds[0]}/payments`)
      .set(bearer(member))
      .expect(200);
    expect(account.body).toMatchObject({ paid: '0', outstanding: '200000', payments: [] });
    await t.http.get(`/api/v1/deals/${dealIds[0]}/payments`).set(bearer(buyer)).expect(404);
  });

  it('two payments at once that together overpay: one is recorded, the other refused', async () => {
    const { dealIds } = await soldCarrots();
    const responses = await Promise.all(
      ['A', 'B'].map((reference) =>
        t.http
          .post(`/api/v1/deals/${dealIds[0]}/payments`)
          .set(bearer(treasurer))
          .send({ amount: '150000', receivedAt: hoursAgo(1), reference }),
      ),
    );
    expect(responses.map((response) => response.status).sort()).toEqual([201, 422]);
    const account = await t.http
      .get(`/api/v1/deals/${dealIds[0]}/payments`)
      .set(bearer(treasurer))
      .expect(200);
    expect(account.body).toMatchObject({ paid: '150000', outstanding: '50000' });
  });

  it('a replayed payment with the same Idempotency-Key is recorded once', async () => {
    const { dealIds } = await soldCarrots();
    const body = { amount: '50000', receivedAt: hoursAgo(2), reference: 'TRF 1' };
    const send = () =>
      t.http
        .post(`/api/v1/deals/${dealIds[0]}/payments`)
        .set(bearer(treasurer))
        .set('Idempotency-Key', `pay-${dealIds[0]}`)
        .send(body)
        .expect(201);
    const first = await send();
    const replay = await send();
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(first.body);
    const account = await t.http
      .get(`/api/v1/deals/${dealIds[0]}/payments`)
      .set(bearer(treasurer))
      .expect(200);
    expect(account.body).toMatchObject({ paid: '50000', outstanding: '150000' });
    expect(account.body.payments).toHaveLength(1);
    const reused = await t.http
      .post(`/api/v1/deals/${dealIds[0]}/payments`)
      .set(bearer(treasurer))
      .set('Idempotency-Key', `pay-${dealIds[0]}`)
      .send({ ...body, amount: '1' })
      .expect(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('settling a lot whose deals are not all delivered: 409 DEALS_NOT_DELIVERED', async () => {
    const { lotId, dealIds } = await soldCarrots();
    const response = await settle(t.http, treasurer, lotId).expect(409);
    expect(response.body).toMatchObject({ code: 'DEALS_NOT_DELIVERED', dealIds });
    expect(await settlementsOf(lotId)).toEqual([]);
  });

  it('settling a lot that is still selling: 409 INVALID_TRANSITION', async () => {
    const lot = await newLot(t.http, manager, association.id, carrot.id, {
      minOrderQuantity: '10',
    });
    await contribute(t.http, manager, lot.id, rosa.id, '600');
    await publish(t.http, manager, lot.id);
    const offer = await makeOffer(t.http, buyer, lot.id, { price: '200', quantity: '300' });
    const accepted = await t.http
      .post(`/api/v1/offers/${offer.id}/accept`)
      .set(bearer(manager))
      .send({})
      .expect(201);
    await deliver(t.http, manager, accepted.body.deal.id, [line(rosa.id, '300', '300')]).expect(
      201,
    );
    const response = await settle(t.http, treasurer, lot.id).expect(409);
    expect(response.body).toMatchObject({ code: 'INVALID_TRANSITION', from: 'open' });
  });

  describe('a settlement request', () => {
    let lotId: string;

    beforeAll(async () => {
      ({ lotId } = await deliveredCarrots());
    });

    it('with deductions above the gross: 422 DEDUCTIONS_EXCEED_GROSS', async () => {
      const response = await settle(t.http, treasurer, lotId, {
        deductions: [
          { type: 'freight', amount: '150000' },
          { type: 'commission', rate: '0.3' },
        ],
      }).expect(422);
      expect(response.body).toMatchObject({
        code: 'DEDUCTIONS_EXCEED_GROSS',
        gross: '200000',
        totalDeductions: '210000',
      });
      expect(await settlementsOf(lotId)).toEqual([]);
    });

    it('with a negative amount, a rate above 1, or both amount and rate: 400', async () => {
      const negative = await settle(t.http, treasurer, lotId, {
        deductions: [{ type: 'freight', amount: '-100' }],
      }).expect(400);
      expect(negative.body.errors[0].field).toBe('deductions.0.amount');
      const rate = await settle(t.http, treasurer, lotId, {
        deductions: [{ type: 'other', rate: '1.5' }],
      }).expect(400);
      expect(rate.body.errors[0].field).toBe('deductions.0.rate');
      const both = await settle(t.http, treasurer, lotId, {
        deductions: [{ type: 'packaging', amount: '100', rate: '0.01' }],
      }).expect(400);
      expect(both.body.errors[0].code).toBe('AMOUNT_XOR_RATE');
      const unknown = await settle(t.http, treasurer, lotId, {
        deductions: [{ type: 'bribe', amount: '100' }],
      }).expect(400);
      expect(unknown.body.errors[0].field).toBe('deductions.0.type');
      expect(await settlementsOf(lotId)).toEqual([]);
    });

    it('with a grade factor of zero or below, or not a decimal: 400 INVALID_GRADE_FACTOR', async () => {
      for (const factor of ['0', '-0.5', 'mucho']) {
        const response = await settle(t.http, treasurer, lotId, {
          gradeFactors: { A: '1', B: factor },
        }).expect(400);
        expect(response.body).toMatchObject({ code: 'INVALID_GRADE_FACTOR' });
        expect(response.body.errors[0].field).toBe('gradeFactors.B');
      }
      expect(await settlementsOf(lotId)).toEqual([]);
    });

    it('by a manager, a member, a buyer or another association: 403 or 404', async () => {
      await settle(t.http, manager, lotId).expect(403);
      await settle(t.http, member, lotId).expect(403);
      await settle(t.http, buyer, lotId).expect(404);
      await settle(t.http, otherManager, lotId).expect(404);
      expect(await settlementsOf(lotId)).toEqual([]);
    });
  });

  describe('a confirmed settlement', () => {
    let settlementId: string;

    beforeAll(async () => {
      const { lotId } = await deliveredCarrots();
      settlementId = (await settle(t.http, treasurer, lotId).expect(201)).body.id;
      // A draft may be discarded and computed again.
      await t.http.delete(`/api/v1/settlements/${settlementId}`).set(bearer(treasurer)).expect(204);
      settlementId = (await settle(t.http, treasurer, lotId).expect(201)).body.id;
      await t.http
        .post(`/api/v1/settlements/${settlementId}/confirm`)
        .set(bearer(member))
        .expect(403);
      await t.http
        .post(`/api/v1/settlements/${settlementId}/confirm`)
        .set(bearer(treasurer))
        .expect(200);
    });

    it('refuses a second confirmation and a deletion: 409 SETTLEMENT_CONFIRMED', async () => {
      const again = await t.http
        .post(`/api/v1/settlements/${settlementId}/confirm`)
        .set(bearer(treasurer))
        .expect(409);
      expect(again.body.code).toBe('SETTLEMENT_CONFIRMED');
      const deleted = await t.http
        .delete(`/api/v1/settlements/${settlementId}`)
        .set(bearer(treasurer))
        .expect(409);
      expect(deleted.body.code).toBe('SETTLEMENT_CONFIRMED');
    });

    it('is immutable in the database itself, payouts included', async () => {
      await expect(
        db.query(`UPDATE settlements SET net = net WHERE id = $1`, [settlementId]),
      ).rejects.toThrow(/confirmed and cannot change/);
      await expect(
        db.query(`UPDATE settlement_payouts SET amount = amount WHERE settlement_id = $1`, [
          settlementId,
        ]),
      ).rejects.toThrow(/confirmed settlement cannot change/);
      await expect(
        db.query(`DELETE FROM settlement_payouts WHERE settlement_id = $1`, [settlementId]),
      ).rejects.toThrow(/confirmed settlement cannot change/);
      const read = await t.http
        .get(`/api/v1/settlements/${settlementId}`)
        .set(bearer(member))
        .expect(200);
      expect(read.body).toMatchObject({ status: 'confirmed', net: '200000' });
      expect(read.body.payouts.map((p: { amount: string }) => p.amount)).toEqual(
        [rosa.id, juan.id].sort().map((id) => (id === rosa.id ? '120000' : '80000')),
      );
    });

    it('is hidden from a buyer and another association, and its CSV from a member', async () => {
      await t.http.get(`/api/v1/settlements/${settlementId}`).set(bearer(buyer)).expect(404);
      await t.http.get(`/api/v1/settlements/${settlementId}`).set(bearer(otherManager)).expect(404);
      await t.http
        .get(`/api/v1/settlements/${settlementId}/statements.csv`)
        .set(bearer(member))
        .expect(403);
      await t.http
        .post(`/api/v1/settlements/${settlementId}/statement-bundle`)
        .set(bearer(manager))
        .expect(403);
    });
  });

  it('bundles statements of a confirmed settlement only: 409 SETTLEMENT_NOT_CONFIRMED', async () => {
    const { lotId } = await deliveredCarrots();
    const draft = await settle(t.http, treasurer, lotId).expect(201);
    const response = await t.http
      .post(`/api/v1/settlements/${draft.body.id}/statement-bundle`)
      .set(bearer(treasurer))
      .expect(409);
    expect(response.body.code).toBe('SETTLEMENT_NOT_CONFIRMED');
    await t.http
      .get(`/api/v1/settlements/${draft.body.id}/statement-bundle.pdf`)
      .set(bearer(treasurer))
      .expect(404);
  });
});

import { addMember, bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  contribute,
  makeOffer,
  newLot,
  newProducer,
  productByCode,
  publish,
} from '../support/lot-builders';
import { startTestApp, type TestApp } from '../support/test-app';

describe('negotiation smoke', () => {
  let t: TestApp;
  let manager: TestUser;
  let buyer: TestUser;
  let association: { id: string };
  let carrot: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    manager = await newUser(t.http, 'Gerente');
    buyer = await newUser(t.http, 'Camionero');
    association = await newOrganization(t.http, manager, 'association');
    await newOrganization(t.http, buyer, 'buyer');
    carrot = await productByCode(t.http, 'zanahoria');
  });

  afterAll(() => t.close());

  it('offer, counter, accept: a deal, and the lot sold out', async () => {
    const p1 = await newProducer(t.http, manager, association.id, 'Familia Anza');
    const p2 = await newProducer(t.http, manager, association.id, 'Familia Cruz');
    const lot = await newLot(t.http, manager, association.id, carrot.id, { reservePrice: '200' });
    await contribute(t.http, manager, lot.id, p1.id, '1000');
    await contribute(t.http, manager, lot.id, p2.id, '500');
    await publish(t.http, manager, lot.id);

    const asBuyer = await t.http.get(`/api/v1/lots/${lot.id}`).set(bearer(buyer)).expect(200);
    expect(asBuyer.body.reservePrice).toBeUndefined();
    expect(asBuyer.body.quantityAvailable).toBe('1500');

    const offer = await makeOffer(t.http, buyer, lot.id, { price: '180', quantity: '1500' });
    const counter = await t.http
      .post(`/api/v1/offers/${offer.id}/counter`)
      .set(bearer(manager))
      .send({
        price: '220',
        quantity: '1500',
        expiresAt: new Date(Date.now() + 3600_000).toISOString(),
      })
      .expect(201);
    await t.http
      .post(`/api/v1/offers/${counter.body.id}/accept`)
      .set(bearer(manager))
      .send({})
      .expect(403);
    const accepted = await t.http
      .post(`/api/v1/offers/${counter.body.id}/accept`)
      .set(bearer(buyer))
      .send({})
      .expect(201);
    expect(accepted.body.deal).toMatchObject({ price: '220', quantity: '1500', currency: 'CLP' });

    const asManager = await t.http.get(`/api/v1/lots/${lot.id}`).set(bearer(manager)).expect(200);
    expect(asManager.body).toMatchObject({
      status: 'sold',
      quantityAvailable: '0',
      quantitySold: '1500',
    });
    const history = await t.http
      .get(`/api/v1/lots/${lot.id}/history`)
      .set(bearer(manager))
      .expect(200);
    expect(history.body.verification).toMatchObject({ ok: true });
    expect(history.body.items.map((e: { type: string }) => e.type)).toEqual([
      'lot.created',
      'contribution.added',
      'contribution.added',
      'lot.published',
      'offer.received',
      'offer.countered',
      'offer.accepted',
    ]);
  });

  it('two_person needs a manager and a treasurer', async () => {
    const treasurer = await newUser(t.http, 'Tesorera');
    await addMember(t.http, manager, association.id, treasurer, 'treasurer');
    await t.http
      .patch(`/api/v1/organizations/${association.id}/policy`)
      .set(bearer(manager))
      .send({ approvalPolicy: 'two_person' })
      .expect(200);
    const p = await newProducer(t.http, manager, association.id, 'Familia Luque');
    const lot = await newLot(t.http, manager, association.id, carrot.id);
    await contribute(t.http, manager, lot.id, p.id, '800');
    await publish(t.http, manager, lot.id);
    const offer = await makeOffer(t.http, buyer, lot.id, { price: '230', quantity: '800' });
    const accepted = await t.http
      .post(`/api/v1/offers/${offer.id}/accept`)
      .set(bearer(manager))
      .send({})
      .expect(202);
    expect(accepted.body.approval).toMatchObject({
      policy: 'two_person',
      status: 'pending',
      quantityHeld: '800',
    });
    const approved = await t.http
      .post(`/api/v1/approvals/${accepted.body.approval.id}/votes`)
      .set(bearer(treasurer))
      .send({ choice: 'approve' })
      .expect(201);
    expect(approved.body.status).toBe('approved');
    expect(approved.body.dealId).toEqual(expect.any(String));
    const deal = await t.http
      .get(`/api/v1/deals/${approved.body.dealId}`)
      .set(bearer(buyer))
      .expect(200);
    expect(deal.body.quantity).toBe('800');
  });
});

import { addMember, bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import { carrotSheet } from '../support/costing-builders';
import {
  contribute,
  makeOffer,
  newLot,
  newProducer,
  productByCode,
  publish,
} from '../support/lot-builders';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The floor of a lot is the contribution-weighted break-even of its cost sheets. The README's
 * carrot sheet costs 1,384,546 pesos for an expected 8,000 kg: 173.06825 $/kg, so the floor,
 * rounded up to the peso, is 174 $/kg (3,480 $ per 20 kg sack).
 */
describe('floor price from the cost sheets', () => {
  let t: TestApp;
  let manager: TestUser;
  let buyer: TestUser;
  let association: { id: string };
  let carrot: { id: string };
  let sheetId: string;
  let withCost: { id: string };
  let withoutCost: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    manager = await newUser(t.http, 'Gerente Lasana');
    const treasurer = await newUser(t.http, 'Tesorero Lasana');
    buyer = await newUser(t.http, 'Camionero');
    association = await newOrganization(t.http, manager, 'association');
    await addMember(t.http, manager, association.id, treasurer, 'treasurer');
    await newOrganization(t.http, buyer, 'buyer');
    carrot = await productByCode(t.http, 'zanahoria');
    const sheet = await t.http
      .post(`/api/v1/organizations/${association.id}/cost-sheets`)
      .set(bearer(treasurer))
      .send(carrotSheet(carrot.id))
      .expect(201);
    sheetId = sheet.body.id;
    withCost = await newProducer(t.http, manager, association.id, 'Familia Anza');
    withoutCost = await newProducer(t.http, manager, association.id, 'Familia Cruz');
  });

  afterAll(() => t.close());

  async function lotWithCosts(unit?: string): Promise<string> {
    const lot = await newLot(t.http, manager, association.id, carrot.id, unit ? { unit } : {});
    await contribute(t.http, manager, lot.id, withCost.id, '1000', sheetId);
    await contribute(t.http, manager, lot.id, withoutCost.id, '500');
    await publish(t.http, manager, lot.id);
    return lot.id;
  }

  it('shows the association its floor and the producers a price leaves short; buyers see neither', async () => {
    const lotId = await lotWithCosts();
    const own = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
    expect(own.body.floorPrice).toBe('174');
    const asBuyer = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(buyer)).expect(200);
    expect(asBuyer.body).not.toHaveProperty('floorPrice');
    expect(asBuyer.body).not.toHaveProperty('contributions');
    await t.http.get(`/api/v1/lots/${lotId}/cost-basis`).set(bearer(buyer)).expect(404);

    const basis = await t.http
      .get(`/api/v1/lots/${lotId}/cost-basis?price=170`)
      .set(bearer(manager))
      .expect(200);
    expect(basis.body).toMatchObject({
      floorPrice: '174',
      suggestedFloorPrice: '174',
      quantityWithCost: '1000',
      quantityWithoutCost: '500',
    });
    expect(basis.body.producersAboveCost).toEqual([
      expect.objectContaining({ producerId: withCost.id, quantity: '1000' }),
    ]);
  });

  it('refuses to accept below the floor under the blocking policy, and writes nothing', async () => {
    const lotId = await lotWithCosts();
    const offer = await makeOffer(t.http, buyer, lotId, { price: '170', quantity: '1500' });
    const refused = await t.http
      .post(`/api/v1/offers/${offer.id}/accept`)
      .set(bearer(manager))
      .send({})
      .expect(409);
    expect(refused.body).toMatchObject({
      code: 'BELOW_FLOOR_PRICE',
      floorPrice: '174',
      overridable: false,
    });
    const lot = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
    expect(lot.body).toMatchObject({
      status: 'open',
      quantitySold: '0',
      quantityAvailable: '1500',
    });
    const atFloor = await makeOffer(t.http, buyer, lotId, { price: '174', quantity: '500' });
    await t.http
      .post(`/api/v1/offers/${atFloor.id}/accept`)
      .set(bearer(manager))
      .send({})
      .expect(201);
  });

  it('accepts below the floor with a reason under override_with_reason, and records it', async () => {
    await t.http
      .patch(`/api/v1/organizations/${association.id}/policy`)
      .set(bearer(manager))
      .send({ floorPolicy: 'override_with_reason' })
      .expect(200);
    const lotId = await lotWithCosts();
    const offer = await makeOffer(t.http, buyer, lotId, { price: '170', quantity: '1500' });
    const noReason = await t.http
      .post(`/api/v1/offers/${offer.id}/accept`)
      .set(bearer(manager))
      .send({})
      .expect(409);
    expect(noReason.body).toMatchObject({ code: 'BELOW_FLOOR_PRICE', overridable: true });
    const reason = 'La helada adelantó la cosecha: hay que vender esta semana';
    const accepted = await t.http
      .post(`/api/v1/offers/${offer.id}/accept`)
      .set(bearer(manager))
      .send({ overrideReason: reason })
      .expect(201);
    expect(accepted.body.deal).toMatchObject({ price: '170', quantity: '1500' });
    const history = await t.http
      .get(`/api/v1/lots/${lotId}/history`)
      .set(bearer(manager))
      .expect(200);
    expect(history.body.items).toContainEqual(
      expect.objectContaining({
        type: 'floor.overridden',
        data: expect.objectContaining({ reason, price: '170', floorPrice: '174' }),
      }),
    );
    await t.http
      .patch(`/api/v1/organizations/${association.id}/policy`)
      .set(bearer(manager))
      .send({ floorPolicy: 'block' })
      .expect(200);
  });

  it('prices the floor per sack when the lot is sold by the 20 kg sack', async () => {
    const lotId = await lotWithCosts('saco-20kg');
    const own = await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
    expect(own.body.floorPrice).toBe('3480');
  });
});

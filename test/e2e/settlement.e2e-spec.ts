import { DataSource } from 'typeorm';
import { Dec } from '../../src/shared/money';
import { addMember, bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import { newProducer, productByCode } from '../support/lot-builders';
import {
  binaryParser,
  csvDecimal,
  csvRows,
  deliver,
  pdfText,
  settle,
  soldLot,
} from '../support/settlement-builders';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * The Lasana carrot pool, from deal to confirmed settlement and statements.
 *
 * Twelve families pool 1,800 kg: six give 200 kg, six give 100 kg. The Vega Modelo de Calama
 * buys 1,200 kg at CLP 250/kg, Supermercado El Loa 600 kg at CLP 260/kg; the lot sells out.
 *
 *   delivery to the Vega: families 1–6 deliver 200 kg each; the Vega accepts 200 kg of 1–4
 *     (grade A), 200 kg of 5 (grade B), 180 kg of 6 (grade A): 1,180 kg × 250 = 295,000
 *   delivery to El Loa: families 7–12 deliver 100 kg each; El Loa accepts 100 kg of 7–11
 *     (grade A) and rejects all of 12 (grade B): 500 kg × 260 = 130,000
 *   gross 425,000
 *   freight 42,500 (amount); packaging 2 % = 8,500; commission 3 % (the association's rate,
 *   not in the request) = 12,750; deductions 63,750; net 361,250
 *   weights (A 1, B 0.85): 200 × 4, 170, 180, 100 × 5, 0: W = 1,650
 *   exact shares 361,250 × w / 1,650: w 200 → 43,787.879; 170 → 37,219.697;
 *     180 → 39,409.091; 100 → 21,893.939. Floors add to 361,241: the 9 pesos left go to the
 *     five remainders of .939 and the four of .879.
 *   payouts: 43,788 × 4, 37,219, 39,409, 21,894 × 5, 0 = 361,250
 *
 * The freight invoice then comes in at 40,850, 1,650 less: an adjusting settlement pays each
 * family exactly its weight in pesos more (200, 170, 180, 100, 0), 1,650 in all.
 */
const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

const FAMILIES = [
  'Familia Mamani',
  'Familia Anza',
  'Familia Cruz',
  'Familia Luque',
  'Familia Ayavire',
  'Familia Colque',
  'Familia Condori',
  'Familia Soza',
  'Familia Liquitay',
  'Familia Berna',
  'Familia Panire',
  'Familia Tito',
];

describe('settlement: the Lasana pool', () => {
  let t: TestApp;
  let manager: TestUser;
  let treasurer: TestUser;
  let rosa: TestUser;
  let member: TestUser;
  let vegaAgent: TestUser;
  let elLoaAgent: TestUser;
  let association: { id: string };
  let producers: { id: string; name: string }[];
  let lotId: string;
  let vegaDeal: string;
  let elLoaDeal: string;
  let settlementId: string;

  const lot = () => t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
  const deal = (id: string) => t.http.get(`/api/v1/deals/${id}`).set(bearer(manager)).expect(200);

  beforeAll(async () => {
    t = await startTestApp();
    [manager, treasurer, rosa, member, vegaAgent, elLoaAgent] = await Promise.all([
      newUser(t.http, 'Gerente Lasana'),
      newUser(t.http, 'Tesorera Lasana'),
      newUser(t.http, 'Rosa Mamani'),
      newUser(t.http, 'Juan Anza'),
      newUser(t.http, 'Agente Vega'),
      newUser(t.http, 'Agente El Loa'),
    ]);
    association = await newOrganization(t.http, manager, 'association');
    await newOrganization(t.http, vegaAgent, 'buyer', 'Vega Modelo de Calama');
    await newOrganization(t.http, elLoaAgent, 'buyer', 'Supermercado El Loa');
    await addMember(t.http, manager, association.id, treasurer, 'treasurer');
    await addMember(t.http, manager, association.id, rosa, 'member');
    await addMember(t.http, manager, association.id, member, 'member');
    await t.http
      .patch(`/api/v1/organizations/${association.id}/policy`)
      .set(bearer(manager))
      .send({ commissionRate: '0.03' })
      .expect(200);
    producers = [];
    for (const [index, name] of FAMILIES.entries()) {
      producers.push(
        await newProducer(t.http, manager, association.id, name, index === 0 ? rosa.id : undefined),
      );
    }
    const carrot = await productByCode(t.http, 'zanahoria');
    const sold = await soldLot(
      t.http,
      manager,
      association.id,
      carrot.id,
      producers.map((producer, index) => ({
        producerId: producer.id,
        quantity: index < 6 ? '200' : '100',
      })),
      [
        { buyer: vegaAgent, price: '250', quantity: '1200' },
        { buyer: elLoaAgent, price: '260', quantity: '600' },
      ],
    );
    lotId = sold.lotId;
    [vegaDeal, elLoaDeal] = sold.dealIds;
  });

  afterAll(() => t.close());

  it('records the Vega payment before delivery against the contracted amount', async () => {
    const paid = await t.http
      .post(`/api/v1/deals/${vegaDeal}/payments`)
      .set(bearer(treasurer))
      .send({ amount: '100000', receivedAt: hoursAgo(48), reference: 'TRF 8812' })
      .expect(201);
    expect(paid.body).toMatchObject({
      dealId: vegaDeal,
      amount: '100000',
      currency: 'CLP',
      reference: 'TRF 8812',
      balance: { basis: 'contracted', amountDue: '300000', paid: '100000', outstanding: '200000' },
    });
  });

  it('records each delivery; the lot is delivered once both deals are', async () => {
    const vega = await deliver(t.http, manager, vegaDeal, [
      ...producers.slice(0, 4).map((producer) => ({
        producerId: producer.id,
        quantityDelivered: '200',
        quantityAccepted: '200',
        grade: 'A',
      })),
      {
        producerId: producers[4].id,
        quantityDelivered: '200',
        quantityAccepted: '200',
        grade: 'B',
      },
      {
        producerId: producers[5].id,
        quantityDelivered: '200',
        quantityAccepted: '180',
        grade: 'A',
      },
    ]).expect(201);
    expect(vega.body).toMatchObject({
      dealId: vegaDeal,
      lotId,
      quantityDelivered: '1200',
      quantityAccepted: '1180',
      buyerConfirmedAt: null,
      dealStatus: 'delivered',
      lotStatus: 'sold',
    });
    expect(vega.body.lines).toHaveLength(6);
    expect((await lot()).body.status).toBe('sold');

    const elLoa = await deliver(t.http, manager, elLoaDeal, [
      ...producers.slice(6, 11).map((producer) => ({
        producerId: producer.id,
        quantityDelivered: '100',
        quantityAccepted: '100',
        grade: 'A',
      })),
      {
        producerId: producers[11].id,
        quantityDelivered: '100',
        quantityAccepted: '0',
        grade: 'B',
      },
    ]).expect(201);
    expect(elLoa.body).toMatchObject({ quantityAccepted: '500', lotStatus: 'delivered' });
    expect((await lot()).body.status).toBe('delivered');
    expect((await deal(elLoaDeal)).body.status).toBe('delivered');

    const listed = await t.http
      .get(`/api/v1/deals/${vegaDeal}/deliveries`)
      .set(bearer(member))
      .expect(200);
    expect(listed.body.items.map((d: { id: string }) => d.id)).toEqual([vega.body.id]);
  });

  it("lets the buyer's agent confirm receipt once, and only the buyer", async () => {
    const [delivery] = (
      await t.http.get(`/api/v1/deals/${vegaDeal}/deliveries`).set(bearer(manager)).expect(200)
    ).body.items;
    await t.http.post(`/api/v1/deliveries/${delivery.id}/confirm`).set(bearer(manager)).expect(404);
    await t.http
      .post(`/api/v1/deliveries/${delivery.id}/confirm`)
      .set(bearer(elLoaAgent))
      .expect(404);
    const seen = await t.http
      .get(`/api/v1/deliveries/${delivery.id}`)
      .set(bearer(vegaAgent))
      .expect(200);
    expect(seen.body.quantityAccepted).toBe('1180');
    const confirmed = await t.http
      .post(`/api/v1/deliveries/${delivery.id}/confirm`)
      .set(bearer(vegaAgent))
      .expect(200);
    expect(confirmed.body.buyerConfirmedAt).toEqual(expect.any(String));
    const again = await t.http
      .post(`/api/v1/deliveries/${delivery.id}/confirm`)
      .set(bearer(vegaAgent))
      .expect(409);
    expect(again.body.code).toBe('DELIVERY_ALREADY_CONFIRMED');
  });

  it('owes on what was accepted once delivered, and refuses an overpayment', async () => {
    const account = await t.http
      .get(`/api/v1/deals/${vegaDeal}/payments`)
      .set(bearer(member))
      .expect(200);
    expect(account.body).toMatchObject({
      dealId: vegaDeal,
      dealStatus: 'delivered',
      basis: 'accepted',
      amountDue: '295000',
      paid: '100000',
      outstanding: '195000',
      overpaid: '0',
    });
    expect(account.body.payments).toHaveLength(1);
    const over = await t.http
      .post(`/api/v1/deals/${vegaDeal}/payments`)
      .set(bearer(treasurer))
      .send({ amount: '195001', receivedAt: hoursAgo(1) })
      .expect(422);
    expect(over.body).toMatchObject({ code: 'OVERPAYMENT', outstanding: '195000' });
    const rest = await t.http
      .post(`/api/v1/deals/${vegaDeal}/payments`)
      .set(bearer(treasurer))
      .send({ amount: '195000', receivedAt: hoursAgo(1) })
      .expect(201);
    expect(rest.body.balance).toMatchObject({ paid: '295000', outstanding: '0' });
  });

  it('computes the draft: gross, deductions in order, the commission by default, payouts', async () => {
    const draft = await settle(t.http, treasurer, lotId, {
      deductions: [
        { type: 'packaging', rate: '0.02' },
        { type: 'freight', amount: '42500' },
      ],
      gradeFactors: { A: '1', B: '0.85' },
    }).expect(201);
    settlementId = draft.body.id;
    expect(draft.body).toMatchObject({
      lotId,
      kind: 'settlement',
      adjustsSettlementId: null,
      status: 'draft',
      version: 1,
      currency: 'CLP',
      gross: '425000',
      totalDeductions: '63750',
      net: '361250',
      corrected: null,
    });
    expect(draft.body.deductions).toEqual([
      { type: 'freight', basis: 'amount', rate: null, amount: '42500', source: 'request' },
      { type: 'packaging', basis: 'rate', rate: '0.02', amount: '8500', source: 'request' },
      { type: 'commission', basis: 'rate', rate: '0.03', amount: '12750', source: 'association' },
    ]);
    expect(draft.body.deals).toEqual([
      { dealId: vegaDeal, price: '250', quantityAccepted: '1180', amount: '295000' },
      { dealId: elLoaDeal, price: '260', quantityAccepted: '500', amount: '130000' },
    ]);
    const byName = new Map<string, Record<string, unknown>>(
      draft.body.payouts.map((p: { producerName: string }) => [p.producerName, p]),
    );
    const amounts = FAMILIES.map((name) => byName.get(name)?.amount);
    expect(amounts).toEqual([
      ...Array<string>(4).fill('43788'),
      '37219',
      '39409',
      ...Array<string>(5).fill('21894'),
      '0',
    ]);
    expect(byName.get('Familia Colque')).toMatchObject({
      quantityDelivered: '200',
      quantity: '180',
      weight: '180',
      grades: [{ grade: 'A', factor: '1', quantityAccepted: '180' }],
    });
    expect(byName.get('Familia Ayavire')).toMatchObject({ weight: '170' });
    expect(byName.get('Familia Tito')).toMatchObject({
      quantityDelivered: '100',
      quantity: '0',
      grossShare: '0',
      amount: '0',
    });
    // Every column adds up to its total, every row to its payout.
    const payouts = draft.body.payouts as {
      grossShare: string;
      deductionShares: string[];
      totalDeductions: string;
      amount: string;
    }[];
    const total = (pick: (p: (typeof payouts)[number]) => string) =>
      payouts.reduce((acc, p) => acc.plus(pick(p)), new Dec(0)).toFixed();
    expect(total((p) => p.amount)).toBe('361250');
    expect(total((p) => p.grossShare)).toBe('425000');
    expect([0, 1, 2].map((i) => total((p) => p.deductionShares[i]))).toEqual([
      '42500',
      '8500',
      '12750',
    ]);
    for (const p of payouts) {
      expect(new Dec(p.grossShare).minus(p.totalDeductions).toFixed()).toBe(p.amount);
    }
  });

  it('recomputes the draft in place on a new request', async () => {
    const again = await settle(t.http, treasurer, lotId, {
      deductions: [
        { type: 'freight', amount: '42500' },
        { type: 'packaging', rate: '0.02' },
      ],
      gradeFactors: { A: '1', B: '0.85' },
    }).expect(200);
    expect(again.body).toMatchObject({ id: settlementId, version: 2, net: '361250' });
    expect(again.body.deductions.map((d: { type: string }) => d.type)).toEqual([
      'freight',
      'packaging',
      'commission',
    ]);
    expect(again.body.payouts).toHaveLength(12);
    const listed = await t.http
      .get(`/api/v1/lots/${lotId}/settlements`)
      .set(bearer(member))
      .expect(200);
    expect(listed.body.items).toHaveLength(1);
  });

  it('confirms: the lot and its deals are settled, events are in the outbox', async () => {
    const key = `confirm-${settlementId}`;
    const confirmed = await t.http
      .post(`/api/v1/settlements/${settlementId}/confirm`)
      .set(bearer(treasurer))
      .set('Idempotency-Key', key)
      .expect(200);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', net: '361250' });
    expect(confirmed.body.confirmedAt).toEqual(expect.any(String));

    // A retry with the same key gets the first answer; a new request is refused.
    const replay = await t.http
      .post(`/api/v1/settlements/${settlementId}/confirm`)
      .set(bearer(treasurer))
      .set('Idempotency-Key', key)
      .expect(200);
    expect(replay.headers['idempotent-replayed']).toBe('true');
    expect(replay.body).toEqual(confirmed.body);
    const twice = await t.http
      .post(`/api/v1/settlements/${settlementId}/confirm`)
      .set(bearer(treasurer))
      .expect(409);
    expect(twice.body.code).toBe('SETTLEMENT_CONFIRMED');

    expect((await lot()).body.status).toBe('settled');
    expect((await deal(vegaDeal)).body.status).toBe('settled');
    expect((await deal(elLoaDeal)).body.status).toBe('settled');

    const events = await t.app
      .get(DataSource)
      .query<{ type: string; payload: Record<string, unknown> }[]>(
        `SELECT type, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY type`,
        [settlementId],
      );
    expect(events.filter((e) => e.type === 'settlement.confirmed')).toHaveLength(1);
    const ready = events.filter((e) => e.type === 'payout.ready');
    expect(ready).toHaveLength(12);
    expect(ready.find((e) => e.payload.producerId === producers[0].id)?.payload).toMatchObject({
      settlementId,
      lotId,
      userId: rosa.id,
      amount: '43788',
      currency: 'CLP',
    });

    const history = await t.http
      .get(`/api/v1/lots/${lotId}/history`)
      .set(bearer(member))
      .expect(200);
    expect(history.body.verification).toMatchObject({ ok: true });
    expect(history.body.items.map((e: { type: string }) => e.type).slice(-3)).toEqual([
      'deal.delivered',
      'deal.delivered',
      'settlement.confirmed',
    ]);
  });

  it('is readable by any member of the association', async () => {
    const read = await t.http
      .get(`/api/v1/settlements/${settlementId}`)
      .set(bearer(member))
      .expect(200);
    expect(read.body).toMatchObject({ status: 'confirmed', gross: '425000', net: '361250' });
    expect(read.body.payouts).toHaveLength(12);
  });

  it('exports one CSV row per producer whose totals match the settlement', async () => {
    const response = await t.http
      .get(`/api/v1/settlements/${settlementId}/statements.csv`)
      .set(bearer(treasurer))
      .expect(200);
    expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
    const rows = csvRows(response.text);
    expect(rows[0]).toEqual([
      'Productor',
      'RUT',
      'Cantidad entregada',
      'Cantidad aceptada',
      'Calidad',
      'Participación bruta',
      'Flete',
      'Envases (2 %)',
      'Comisión (3 %)',
      'Total descuentos',
      'Neto a pagar',
    ]);
    const body = rows.slice(1, -1);
    const totals = rows[rows.length - 1];
    expect(body.map((row) => row[0]).sort()).toEqual([...FAMILIES].sort());
    expect(totals).toEqual([
      'Total',
      '',
      '1800',
      '1680',
      '',
      '425000',
      '42500',
      '8500',
      '12750',
      '63750',
      '361250',
    ]);
    for (let column = 2; column < totals.length; column++) {
      if (column === 4) continue;
      const columnSum = body.reduce((acc, row) => acc.plus(csvDecimal(row[column])), new Dec(0));
      expect(columnSum.toFixed()).toBe(csvDecimal(totals[column]));
    }
    const mamani = body.find((row) => row[0] === 'Familia Mamani');
    expect(mamani?.[10]).toBe('43788');
    expect(body.find((row) => row[0] === 'Familia Ayavire')?.[4]).toBe('B');
  });

  it("gives the producer's own user a one-page PDF with name, buyers, deductions and net", async () => {
    const url = `/api/v1/settlements/${settlementId}/producers/${producers[0].id}/statement.pdf`;
    const response = await t.http
      .get(url)
      .set(bearer(rosa))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    expect(response.headers['content-type']).toBe('application/pdf');
    const { text, pages } = await pdfText(response.body as Buffer);
    expect(pages).toBe(1);
    for (const expected of [
      'Liquidación al productor',
      'Asociación de Productores de Lasana',
      'Familia Mamani',
      'Zanahoria',
      'Vega Modelo de Calama',
      'Supermercado El Loa',
      '$ 250',
      '200 kg',
      'Flete',
      'Comisión (3 %)',
      'Neto a pagar',
      '$ 43.788',
    ]) {
      expect(text).toContain(expected);
    }
    await t.http.get(url).set(bearer(treasurer)).expect(200);
    // Another member, the manager, a buyer and another producer's statement: refused.
    await t.http.get(url).set(bearer(member)).expect(403);
    await t.http.get(url).set(bearer(manager)).expect(403);
    await t.http.get(url).set(bearer(vegaAgent)).expect(404);
    await t.http
      .get(`/api/v1/settlements/${settlementId}/producers/${producers[1].id}/statement.pdf`)
      .set(bearer(rosa))
      .expect(403);
    await t.http
      .get(`/api/v1/settlements/${settlementId}/producers/${vegaDeal}/statement.pdf`)
      .set(bearer(treasurer))
      .expect(404);
  });

  it('bundles every statement in one PDF through a job: 202, then a link that becomes ready', async () => {
    const requested = await t.http
      .post(`/api/v1/settlements/${settlementId}/statement-bundle`)
      .set(bearer(treasurer))
      .expect((res) => expect([200, 202]).toContain(res.status));
    expect(requested.body.href).toBe(`/api/v1/settlements/${settlementId}/statement-bundle.pdf`);
    let status = requested.body.status as string;
    for (let tries = 0; status === 'pending' && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (
        await t.http
          .get(`/api/v1/settlements/${settlementId}/statement-bundle`)
          .set(bearer(treasurer))
          .expect(200)
      ).body.status;
    }
    expect(status).toBe('ready');
    const pdf = await t.http
      .get(requested.body.href)
      .set(bearer(treasurer))
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    const { text, pages } = await pdfText(pdf.body as Buffer);
    expect(pages).toBe(12);
    for (const name of FAMILIES) expect(text).toContain(name);
    // Asking again once ready changes nothing.
    const again = await t.http
      .post(`/api/v1/settlements/${settlementId}/statement-bundle`)
      .set(bearer(treasurer))
      .expect(200);
    expect(again.body).toMatchObject({ status: 'ready', pages: 12 });
  });

  it('corrects a confirmed settlement with an adjusting one that carries only the difference', async () => {
    const adjustment = await settle(t.http, treasurer, lotId, {
      deductions: [
        { type: 'freight', amount: '40850' },
        { type: 'packaging', rate: '0.02' },
      ],
      gradeFactors: { A: '1', B: '0.85' },
    }).expect(201);
    expect(adjustment.body).toMatchObject({
      kind: 'adjustment',
      adjustsSettlementId: settlementId,
      status: 'draft',
      gross: '0',
      totalDeductions: '-1650',
      net: '1650',
      deductions: [],
      corrected: { gross: '425000', totalDeductions: '62100', net: '362900' },
    });
    const byName = new Map<string, Record<string, string>>(
      adjustment.body.payouts.map((p: { producerName: string }) => [p.producerName, p]),
    );
    expect(FAMILIES.map((name) => byName.get(name)?.amount)).toEqual([
      ...Array<string>(4).fill('200'),
      '170',
      '180',
      ...Array<string>(5).fill('100'),
      '0',
    ]);
    expect(byName.get('Familia Mamani')).toMatchObject({
      confirmedAmount: '43788',
      correctedAmount: '43988',
    });

    // The confirmed settlement is untouched.
    const original = await t.http
      .get(`/api/v1/settlements/${settlementId}`)
      .set(bearer(treasurer))
      .expect(200);
    expect(original.body).toMatchObject({ status: 'confirmed', net: '361250' });

    await t.http
      .post(`/api/v1/settlements/${adjustment.body.id}/confirm`)
      .set(bearer(treasurer))
      .expect(200);
    expect((await lot()).body.status).toBe('settled');
    const events = await t.app
      .get(DataSource)
      .query<{ type: string; payload: Record<string, unknown> }[]>(
        `SELECT type, payload FROM outbox_events WHERE aggregate_id = $1 AND type = 'payout.ready'`,
        [adjustment.body.id],
      );
    expect(events).toHaveLength(12);
    expect(events.find((e) => e.payload.producerId === producers[0].id)?.payload).toMatchObject({
      kind: 'adjustment',
      amount: '200',
    });
    const csv = csvRows(
      (
        await t.http
          .get(`/api/v1/settlements/${adjustment.body.id}/statements.csv`)
          .set(bearer(treasurer))
          .expect(200)
      ).text,
    );
    expect(csv[csv.length - 1]).toEqual([
      'Total',
      '',
      '1680',
      '',
      '361250',
      '362900',
      '0',
      '-1650',
      '1650',
    ]);

    // Asking for the same figures again is not a correction.
    const same = await settle(t.http, treasurer, lotId, {
      deductions: [
        { type: 'freight', amount: '40850' },
        { type: 'packaging', rate: '0.02' },
      ],
      gradeFactors: { A: '1', B: '0.85' },
    }).expect(422);
    expect(same.body.code).toBe('ADJUSTMENT_CHANGES_NOTHING');
  });
});

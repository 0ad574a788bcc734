import { randomBytes, randomUUID } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  contribute,
  inHours,
  newLot,
  newProducer,
  productByCode,
  publish,
} from '../support/lot-builders';
import {
  createScratchDatabase,
  type ScratchDatabase,
  startTestApp,
  type TestApp,
} from '../support/test-app';

const OFFERS = 50;
const SLICE = '40';
const LOT_TOTAL = '1000';
/** 50 slices of 40 kg ask for 2 000 kg of a 1 000 kg lot: exactly 25 fit. */
const FITTING = 25;

/**
 * Any number of concurrent accepts, from any number of API processes, never sell more than
 * the lot holds and never make two deals of one offer. Every request below goes to the next
 * instance in turn; with one instance that is the embedded database's single connection,
 * with three it is three connection pools racing on one PostgreSQL.
 */
function concurrencyScenario(instances: () => TestApp[]) {
  let next = 0;
  let dataSource: DataSource;
  let manager: TestUser;
  let agents: TestUser[];
  let association: { id: string };
  let buyers: { id: string; agent: TestUser }[];
  let producerIds: string[];
  let carrotId: string;

  const http = (): TestAgent => {
    const apps = instances();
    return apps[next++ % apps.length].http;
  };

  async function openLot(): Promise<string> {
    const lot = await newLot(http(), manager, association.id, carrotId, {
      minOrderQuantity: '10',
    });
    await contribute(http(), manager, lot.id, producerIds[0], '600');
    await contribute(http(), manager, lot.id, producerIds[1], '400');
    await publish(http(), manager, lot.id);
    return lot.id;
  }

  async function offerFrom(buyer: { id: string; agent: TestUser }, lotId: string) {
    return http()
      .post(`/api/v1/lots/${lotId}/offers`)
      .set(bearer(buyer.agent))
      .send({
        price: '230',
        quantity: SLICE,
        paymentTermsDays: 30,
        expiresAt: inHours(24),
        buyerOrganizationId: buyer.id,
      });
  }

  beforeAll(async () => {
    dataSource = instances()[0].app.get(DataSource);
    [manager, ...agents] = await Promise.all(
      ['Gerente', 'Agente Uno', 'Agente Dos', 'Agente Tres', 'Agente Cuatro', 'Agente Cinco'].map(
        (name) => newUser(http(), name),
      ),
    );
    association = await newOrganization(http(), manager, 'association');
    // Fifty buyer organisations, ten per agent: each offer below comes from its own buyer.
    buyers = await Promise.all(
      Array.from({ length: OFFERS }, async (_, i) => {
        const agent = agents[i % agents.length];
        const organization = await newOrganization(http(), agent, 'buyer', `Comprador ${i + 1}`);
        return { id: organization.id, agent };
      }),
    );
    producerIds = [
      (await newProducer(http(), manager, association.id, 'Familia Anza')).id,
      (await newProducer(http(), manager, association.id, 'Familia Cruz')).id,
    ];
    carrotId = (await productByCode(http(), 'zanahoria')).id;
  });

  it(`${OFFERS} parallel offers and ${OFFERS} parallel accepts sell exactly what fits`, async () => {
    const lotId = await openLot();
    const offers = await Promise.all(buyers.map((buyer) => offerFrom(buyer, lotId)));
    expect(offers.map((r) => r.status)).toEqual(Array<number>(OFFERS).fill(201));

    // Reads race the accepts: no reader may ever see a negative or inconsistent quantity.
    const reads: { quantityAvailable: string; quantitySold: string; quantityTotal: string }[] = [];
    const accepts = await Promise.all([
      ...offers.map((offer) =>
        http().post(`/api/v1/offers/${offer.body.id}/accept`).set(bearer(manager)).send({}),
      ),
      ...Array.from({ length: 10 }, async () => {
        const lot = await http().get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
        reads.push(lot.body);
        return null;
      }),
    ]).then((all) => all.filter((r) => r !== null));

    const created = accepts.filter((r) => r.status === 201);
    expect(created).toHaveLength(FITTING);
    // The rest were refused cleanly: the sale that emptied the lot ended their offers
    // (no 500, no partial deal).
    for (const refused of accepts.filter((r) => r.status !== 201)) {
      expect({ status: refused.status, code: refused.body.code }).toEqual({
        status: 409,
        code: 'OFFER_NOT_PENDING',
      });
    }
    for (const read of reads) {
      expect(read.quantityAvailable).toMatch(/^\d+$/);
      expect(BigInt(read.quantityAvailable) + BigInt(read.quantitySold)).toBe(BigInt(LOT_TOTAL));
    }

    const deals = await dataSource.query<{ id: string; offer_id: string; quantity: string }[]>(
      `SELECT id, offer_id, trim_scale(quantity)::text AS quantity FROM deals WHERE lot_id = $1`,
      [lotId],
    );
    expect(deals).toHaveLength(FITTING);
    expect(new Set(deals.map((d) => d.offer_id)).size).toBe(FITTING);
    expect(deals.every((d) => d.quantity === SLICE)).toBe(true);
    expect(new Set(deals.map((d) => d.id))).toEqual(new Set(created.map((r) => r.body.deal.id)));
    const [sum] = await dataSource.query<{ sold: string; total: string; available: string }[]>(
      `SELECT trim_scale((SELECT sum(quantity) FROM deals WHERE lot_id = $1))::text AS sold,
              trim_scale(quantity_total)::text AS total,
              trim_scale(quantity_total - quantity_sold - quantity_held)::text AS available
         FROM lots WHERE id = $1`,
      [lotId],
    );
    expect(sum).toEqual({ sold: LOT_TOTAL, total: LOT_TOTAL, available: '0' });

    const lot = await http().get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
    expect(lot.body).toMatchObject({
      status: 'sold',
      quantitySold: LOT_TOTAL,
      quantityAvailable: '0',
    });
    // The offers that did not fit were left behind by the sale, not left pending.
    const statuses = await dataSource.query<{ status: string; n: number }[]>(
      `SELECT status, count(*)::int AS n FROM offers WHERE lot_id = $1 GROUP BY status ORDER BY status`,
      [lotId],
    );
    expect(statuses).toEqual([
      { status: 'accepted', n: FITTING },
      { status: 'superseded', n: OFFERS - FITTING },
    ]);
    const history = await http()
      .get(`/api/v1/lots/${lotId}/history`)
      .set(bearer(manager))
      .expect(200);
    expect(history.body.verification).toMatchObject({ ok: true });
    expect(
      history.body.items.filter((e: { type: string }) => e.type === 'offer.accepted'),
    ).toHaveLength(FITTING);
  });

  it('one offer accepted by twenty requests at once makes one deal', async () => {
    const lotId = await openLot();
    const offer = await offerFrom(buyers[0], lotId);
    const accepts = await Promise.all(
      Array.from({ length: 20 }, () =>
        http().post(`/api/v1/offers/${offer.body.id}/accept`).set(bearer(manager)).send({}),
      ),
    );
    expect(accepts.filter((r) => r.status === 201)).toHaveLength(1);
    for (const refused of accepts.filter((r) => r.status !== 201)) {
      expect({ status: refused.status, code: refused.body.code }).toEqual({
        status: 409,
        code: 'OFFER_NOT_PENDING',
      });
    }
    const deals = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM deals WHERE offer_id = $1`,
      [offer.body.id],
    );
    expect(deals[0].n).toBe(1);
    const lot = await http().get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
    expect(lot.body).toMatchObject({ quantitySold: SLICE, quantityAvailable: '960' });
  });
}

describe('concurrent accepts on one app instance', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ LOGIN_THROTTLE_ADDRESS_LIMIT: '1000' });
  });
  afterAll(() => t.close());

  concurrencyScenario(() => [t]);
});

// Several API processes need a database server they can share: the embedded one belongs to
// the single process that opens it, so this part runs where DATABASE_URL names one (CI).
if (process.env.DATABASE_URL) {
  describe('concurrent accepts spread over three app instances on one database', () => {
    const apps: TestApp[] = [];
    let database: ScratchDatabase;

    beforeAll(async () => {
      database = await createScratchDatabase(process.env.DATABASE_URL!);
      // One deployment: the same signing secret and the same job queue for every instance.
      const env = {
        JWT_SECRET: randomBytes(32).toString('hex'),
        QUEUE_PREFIX: `ayllu-test-${randomUUID()}`,
        LOGIN_THROTTLE_ADDRESS_LIMIT: '1000',
      };
      for (let i = 0; i < 3; i++) {
        apps.push(await startTestApp(env, { databaseUrl: database.url }));
      }
    });

    afterAll(async () => {
      for (const app of apps) await app.close();
      await database?.drop();
    });

    concurrencyScenario(() => apps);

    it('really ran on three instances sharing one database', () => {
      const urls = new Set(apps.map((app) => app.config.databaseUrl));
      expect(apps).toHaveLength(3);
      expect(urls).toEqual(new Set([database.url]));
      expect(new Set(apps.map((app) => app.app.getHttpServer())).size).toBe(3);
    });
  });
}

import type { Response } from 'supertest';
import { DataSource } from 'typeorm';
import { startEmbeddedPostgres } from '../../src/shared/database/embedded-postgres';
import { bearer, newOrganization, newUser, type TestUser } from '../support/builders';
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
  waitUntil,
} from '../support/lot-builders';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { createScratchDatabase, startTestApp, type TestApp } from '../support/test-app';

const QUERY_TIMEOUT_MS = 1500;
const CONNECT_TIMEOUT_MS = 1000;
/**
 * The documented bound (RELIABILITY.md): a request on an unreachable database answers within
 * the connect timeout plus two query timeouts (the stalled statement, then its ROLLBACK on
 * the same connection), plus a margin for this busy machine.
 */
const ANSWER_BOUND_MS = CONNECT_TIMEOUT_MS + 2 * QUERY_TIMEOUT_MS + 1500;

const realPostgres = process.env.DATABASE_URL;

/** The database the app is cut from: a scratch one on the real server, or an embedded PGlite. */
async function openTarget(): Promise<{ url: string; close(): Promise<void> }> {
  if (realPostgres) {
    const scratch = await createScratchDatabase(realPostgres);
    return { url: scratch.url, close: () => scratch.drop() };
  }
  const embedded = await startEmbeddedPostgres('memory://', 4);
  return { url: embedded.url, close: () => embedded.stop() };
}

describe(`database cut under the app (${realPostgres ? 'PostgreSQL' : 'embedded PGlite'} behind a TCP proxy)`, () => {
  let target: { url: string; close(): Promise<void> };
  let proxy: TcpProxy;
  let t: TestApp;
  let dataSource: DataSource;
  let manager: TestUser;
  let buyer: Buyer;
  let lotId: string;

  beforeAll(async () => {
    target = await openTarget();
    proxy = await startTcpProxy(target.url, 5432);
    t = await startTestApp(
      {
        DATABASE_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
        DATABASE_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
        // PGlite is one session: the embedded database always gets one pooled connection.
        ...(realPostgres ? {} : { DATABASE_POOL_SIZE: '1' }),
      },
      { databaseUrl: proxy.url },
    );
    dataSource = t.app.get(DataSource);
    manager = await newUser(t.http, 'Gerente');
    const association = await newOrganization(t.http, manager, 'association');
    buyer = await newBuyer(t.http, 'Camiones Loa');
    const carrotId = (await productByCode(t.http, 'zanahoria')).id;
    const producerId = (await newProducer(t.http, manager, association.id, 'Familia Anza')).id;
    const lot = await newLot(t.http, manager, association.id, carrotId);
    await contribute(t.http, manager, lot.id, producerId, '1000');
    await publish(t.http, manager, lot.id);
    lotId = lot.id;
  });

  afterAll(async () => {
    proxy?.restore();
    await t?.close();
    await proxy?.close();
    await target?.close();
  });

  async function timed(request: () => PromiseLike<Response>): Promise<[Response, number]> {
    const started = Date.now();
    const response = await request();
    return [response, Date.now() - started];
  }

  /** 503 problem details with a code, and nothing of the driver's error in it. */
  function expectUnavailable(response: Response, elapsedMs: number): void {
    expectProblem(response, 503, 'DATABASE_UNAVAILABLE');
    expect(response.headers['retry-after']).toBe('5');
    expect(JSON.stringify(response.body)).not.toMatch(
      /INSERT|SELECT|Connection|timeout|ECONN|\.js:\d+|\bat /,
    );
    expect(elapsedMs).toBeLessThan(ANSWER_BOUND_MS);
  }

  async function servesAgain(): Promise<number> {
    const started = Date.now();
    await waitUntil(
      async () =>
        (await t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager))).status === 200 &&
        (await t.http.get('/health')).status === 200,
      'the app serves again once the database is back',
      15_000,
    );
    return Date.now() - started;
  }

  it('a connection cut in the middle of an accept answers 503 and leaves nothing half-written', async () => {
    const offer = await makeOffer(t.http, buyer.user, lotId, { price: '200', quantity: '400' });
    const before = await lotFootprint(dataSource, lotId);

    // The accept's one statement (lock and decrement the lot, mark the offer accepted,
    // insert the deal, its history and its events) is on its way when the connection dies.
    const sprung = proxy.cutOn('INSERT INTO deals');
    const [accept, acceptMs] = await timed(() =>
      t.http.post(`/api/v1/offers/${offer.id}/accept`).set(bearer(manager)).send({}),
    );
    await sprung;
    expectUnavailable(accept, acceptMs);

    // While it stays cut: reads too, and /health says the database is down.
    const [read, readMs] = await timed(() =>
      t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)),
    );
    expectUnavailable(read, readMs);
    const [health, healthMs] = await timed(() => t.http.get('/health'));
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ status: 'unavailable', database: 'down' });
    expect(healthMs).toBeLessThan(3000);

    proxy.restore();
    const recoveryMs = await servesAgain();
    // Straight from the database: the transaction rolled back as a whole.
    expect(await lotFootprint(dataSource, lotId)).toEqual(before);
    const [row] = await dataSource.query<{ status: string }[]>(
      `SELECT status FROM offers WHERE id = $1`,
      [offer.id],
    );
    expect(row.status).toBe('pending');
    // The client's retry succeeds, once.
    const retried = await t.http
      .post(`/api/v1/offers/${offer.id}/accept`)
      .set(bearer(manager))
      .send({});
    expect(retried.status).toBe(201);
    expect(await lotFootprint(dataSource, lotId)).toMatchObject({
      deals: 1,
      sold: expect.stringMatching(/^400(\.0+)?$/),
    });
    process.stdout.write(
      `reliability (database cut mid-accept): accept answered 503 in ${acceptMs} ms, ` +
        `read ${readMs} ms, /health ${healthMs} ms, serving again ${recoveryMs} ms after restore\n`,
    );
  });

  it('a database that stops answering: 503 within the documented time, not a hang', async () => {
    const before = await lotFootprint(dataSource, lotId);
    proxy.stall();
    const [read, readMs] = await timed(() =>
      t.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)),
    );
    expectUnavailable(read, readMs);
    const [write, writeMs] = await timed(() =>
      t.http
        .post(`/api/v1/lots/${lotId}/offers`)
        .set(bearer(buyer.user))
        .send({
          price: '210',
          quantity: '100',
          paymentTermsDays: 30,
          expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
        }),
    );
    expectUnavailable(write, writeMs);
    const [health, healthMs] = await timed(() => t.http.get('/health'));
    expect(health.body).toMatchObject({ status: 'unavailable', database: 'down' });
    expect(healthMs).toBeLessThan(3000);

    proxy.restore();
    const recoveryMs = await servesAgain();
    expect(await lotFootprint(dataSource, lotId)).toEqual(before);
    await makeOffer(t.http, buyer.user, lotId, { price: '210', quantity: '100' });
    process.stdout.write(
      `reliability (database stalled): read answered 503 in ${readMs} ms, write ${writeMs} ms, ` +
        `/health ${healthMs} ms, serving again ${recoveryMs} ms after restore\n`,
    );
  });
});

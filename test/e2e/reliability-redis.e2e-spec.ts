import { DataSource } from 'typeorm';
import { ManualClock } from '../../src/shared/clock';
import { JobQueue, QueueUnavailableError } from '../../src/shared/jobs/job-queue';
import { Outbox } from '../../src/shared/outbox/outbox.service';
import { bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  type Buyer,
  contribute,
  counterOffer,
  expectProblem,
  makeOffer,
  newBuyer,
  newLot,
  newProducer,
  productByCode,
  publish,
  waitUntil,
} from '../support/lot-builders';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { type CountingReceiver, startCountingReceiver } from '../support/webhook-receiver';

const MINUTE = 60_000;
/** Every lot event a negotiation and a tender write; all are the association's. */
const LOT_EVENTS = [
  'lot.published',
  'offer.received',
  'offer.countered',
  'offer.accepted',
  'deal.created',
  'bid.received',
  'offer.expired',
  'tender.closed',
];

/**
 * How the job queue is taken away. With REDIS_URL the app's Redis goes through a TCP proxy
 * that is cut (the machine's Redis keeps running); without it jobs run in-process, there is
 * no server to cut, and the queue itself refuses every job as the Bull queue does when Redis
 * is away (QueueUnavailableError), which is what the services and the outbox relay see.
 */
interface QueueFault {
  env: Record<string, string>;
  attach(t: TestApp): void;
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

async function redisProxyFault(redisUrl: string): Promise<QueueFault> {
  const proxy: TcpProxy = await startTcpProxy(redisUrl, 6379);
  return {
    env: { REDIS_URL: proxy.url },
    attach: () => undefined,
    cut: () => proxy.cut(),
    restore: () => proxy.restore(),
    close: () => proxy.close(),
  };
}

function refusingQueueFault(): QueueFault {
  let jobs: JobQueue | undefined;
  return {
    env: {},
    attach(t) {
      jobs = t.app.get(JobQueue);
    },
    cut() {
      jobs!.enqueue = () => Promise.reject(new QueueUnavailableError());
    },
    restore() {
      delete (jobs as Partial<JobQueue>).enqueue;
    },
    close: () => Promise.resolve(),
  };
}

const redisUrl = process.env.REDIS_URL;
const faultName = redisUrl
  ? 'Redis cut by a TCP proxy'
  : 'the in-process queue refusing every job (no Redis to cut)';

describe(`job queue away for a whole negotiation: ${faultName}`, () => {
  const clock = new ManualClock(new Date());
  let fault: QueueFault;
  let t: TestApp;
  let receiver: CountingReceiver;
  let dataSource: DataSource;
  let manager: TestUser;
  let buyerA: Buyer;
  let buyerB: Buyer;
  let association: { id: string };

  beforeAll(async () => {
    fault = redisUrl ? await redisProxyFault(redisUrl) : refusingQueueFault();
    receiver = await startCountingReceiver();
    t = await startTestApp(fault.env, { clock });
    fault.attach(t);
    dataSource = t.app.get(DataSource);
    manager = await newUser(t.http, 'Gerente');
    association = await newOrganization(t.http, manager, 'association');
    [buyerA, buyerB] = await Promise.all([
      newBuyer(t.http, 'Camiones Loa'),
      newBuyer(t.http, 'Feria Calama'),
    ]);
  });

  afterAll(async () => {
    fault?.restore();
    await t?.close();
    await receiver?.close();
    await fault?.close();
  });

  async function pendingEvents(): Promise<number> {
    const [row] = await dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL`,
    );
    return row.n;
  }

  it('negotiates and closes a tender while the queue is away; the outbox then delivers every event once', async () => {
    await t.http
      .post(`/api/v1/organizations/${association.id}/webhooks`)
      .set(bearer(manager))
      .send({ url: receiver.url, events: LOT_EVENTS })
      .expect(201);
    const carrotId = (await productByCode(t.http, 'zanahoria')).id;
    const producerId = (await newProducer(t.http, manager, association.id, 'Familia Anza')).id;
    const lot = await newLot(t.http, manager, association.id, carrotId);
    await contribute(t.http, manager, lot.id, producerId, '1000');
    await publish(t.http, manager, lot.id);
    const tender = await newLot(t.http, manager, association.id, carrotId, {
      mechanism: 'tender',
      pricingRule: 'pay_as_bid',
      reservePrice: '150',
      closesAt: new Date(clock.now().getTime() + 30 * MINUTE).toISOString(),
    });
    await contribute(t.http, manager, tender.id, producerId, '500');
    await publish(t.http, manager, tender.id);
    await waitUntil(() => receiver.seen.size === 2, 'both lot.published delivered before the cut');

    fault.cut();
    const timings: number[] = [];
    const timed = async <T>(call: () => Promise<T>): Promise<T> => {
      const started = Date.now();
      try {
        return await call();
      } finally {
        timings.push(Date.now() - started);
      }
    };

    // A whole negotiation: offer, counter, accept, deal.
    const offer = await timed(() =>
      makeOffer(t.http, buyerA.user, lot.id, { price: '180', quantity: '400' }),
    );
    const counter = await timed(() =>
      counterOffer(t.http, manager, offer.id, { price: '220', quantity: '400' }),
    );
    const accepted = await timed(() =>
      t.http.post(`/api/v1/offers/${counter.id}/accept`).set(bearer(buyerA.user)).send({}),
    );
    expect(accepted.status).toBe(201);
    const dealId: string = accepted.body.deal.id;
    const short = await timed(() =>
      makeOffer(t.http, buyerB.user, lot.id, {
        price: '190',
        quantity: '300',
        expiresAt: new Date(clock.now().getTime() + 10 * MINUTE).toISOString(),
      }),
    );
    // Two sealed bids on the tender.
    await timed(() => makeOffer(t.http, buyerA.user, tender.id, { price: '200', quantity: '300' }));
    await timed(() => makeOffer(t.http, buyerB.user, tender.id, { price: '170', quantity: '200' }));

    // Time passes with no job able to run: the offer's expiry and the tender's close are
    // enforced by the services on the next read or write.
    clock.advance(31 * MINUTE);
    expectProblem(
      await timed(() =>
        t.http.post(`/api/v1/offers/${short.id}/accept`).set(bearer(manager)).send({}),
      ),
      409,
      'OFFER_EXPIRED',
    );
    const [shortRow] = await dataSource.query<{ status: string }[]>(
      `SELECT status FROM offers WHERE id = $1`,
      [short.id],
    );
    expect(shortRow.status).toBe('pending');
    expectProblem(
      await timed(() =>
        t.http
          .post(`/api/v1/lots/${tender.id}/offers`)
          .set(bearer(buyerB.user))
          .send({
            price: '300',
            quantity: '100',
            paymentTermsDays: 30,
            expiresAt: new Date(clock.now().getTime() + 60 * MINUTE).toISOString(),
          }),
      ),
      409,
      'TENDER_CLOSED',
    );
    const allocation = await timed(() =>
      t.http.get(`/api/v1/lots/${tender.id}/allocation`).set(bearer(manager)),
    );
    expect(allocation.status).toBe(200);
    expect(
      allocation.body.allocations.map(
        (row: { quantityAllocated: string }) => row.quantityAllocated,
      ),
    ).toEqual(['300', '200']);
    const history = await t.http
      .get(`/api/v1/lots/${tender.id}/history`)
      .set(bearer(manager))
      .expect(200);
    expect(
      history.body.items.find((item: { type: string }) => item.type === 'tender.closed'),
    ).toMatchObject({ actor: 'system:lazy-close' });
    const deal = await t.http.get(`/api/v1/deals/${dealId}`).set(bearer(buyerA.user)).expect(200);
    expect(deal.body).toMatchObject({ price: '220', quantity: '400' });

    // Nothing reached the receiver: the events wait in the outbox.
    expect(await t.app.get(Outbox).relayOnce()).toBe(0);
    const waiting = await pendingEvents();
    expect(waiting).toBeGreaterThanOrEqual(9);
    expect(receiver.seen.size).toBe(2);

    fault.restore();
    const expected = await dataSource.query<{ id: string }[]>(
      `SELECT id FROM outbox_events WHERE organization_id = $1 AND type = ANY($2)`,
      [association.id, LOT_EVENTS],
    );
    await waitUntil(
      async () =>
        (await pendingEvents()) === 0 && expected.every(({ id }) => receiver.seen.has(id)),
      'the outbox drained and every event delivered',
      30_000,
    );
    // Room for a duplicate a replayed enqueue could cause, before counting.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const deliveries = [...receiver.seen.values()].reduce((sum, n) => sum + n, 0);
    process.stdout.write(
      `reliability (${faultName}): ${timings.length} requests during the cut, ` +
        `slowest ${Math.max(...timings)} ms, ${waiting} events waited, ` +
        `${expected.length} expected, ${receiver.seen.size} received (${deliveries} deliveries)\n`,
    );
    expect(new Set(receiver.seen.keys())).toEqual(new Set(expected.map(({ id }) => id)));
    // Every request answered within the queue's bounded enqueue wait, not Redis's return.
    expect(Math.max(...timings)).toBeLessThan(10_000);
  });
});

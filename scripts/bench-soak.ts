/**
 * `npm run bench:soak`: the Lasana story as a mixed workload, 50 clients at once for 5
 * minutes (SOAK_DURATION_S, SOAK_CLIENTS to change), against the built app as a child process.
 *
 * With DATABASE_URL (and REDIS_URL) the app runs on a scratch database made next to the one
 * named there (dropped at the end) and Bull on that Redis under a queue prefix of its own
 * (its keys deleted at the end); without them, on an embedded PGlite served from this process
 * (the app's one pooled connection) with in-process jobs.
 *
 * Setup: 5 associations (a manager, a treasurer, 4 producers, a 3 % commission, a webhook to a
 * counting receiver on 127.0.0.1, one shared "hot" lot of 200 kg) and 10 buyers. Each client
 * then loops on its association: buy 1–3 kg of the hot lot (offer, accept: the lot sells out
 * during the run, after which refusals are expected), then a whole pooled lot: lot, three
 * contributions, publish; offer, counter, accept (deal), a second offer accepted (deal) — or,
 * one cycle in five, a tender with three sealed bids closed by its time; deliveries, a payment
 * per deal, a settlement with freight and commission, confirmed; reads along the way.
 *
 * Reported: requests, throughput, p50/p99 per operation, errors (5xx, network, or a status the
 * step did not expect), the app's RSS every 2 s (first third against last third), and the
 * invariants once the outbox has drained: no lot oversold (Σ deals = quantity sold ≤ total),
 * every confirmed settlement's payouts sum to its net, every outbox event relayed, every
 * webhook event delivered (counted by event id at the receiver). Writes the "Soak" section of
 * BENCHMARKS.md. Only 127.0.0.1 is contacted; the whole run is bounded in time.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/shared/database/embedded-postgres';
import { dec, toDecimalString } from '../src/shared/money';
import { startCountingReceiver } from '../test/support/webhook-receiver';
import {
  type HttpClient,
  killApps,
  newUser,
  percentiles,
  sleep,
  startApp,
  stopApp,
} from './support/app-process';
import { machineLine, writeBenchmarkTable } from './support/benchmarks-file';

const DURATION_S = positive('SOAK_DURATION_S', 300);
const CLIENTS = positive('SOAK_CLIENTS', 50);
const ASSOCIATIONS = 5;
const BUYERS = 10;
const PRODUCERS = 4;
const HOT_LOT_KG = '200';
const RSS_EVERY_MS = 2000;
/** Long enough for lot, contributions, publish and three bids on a loaded machine. */
const TENDER_WINDOW_MS = 20_000;
const DRAIN_TIMEOUT_MS = 120_000;
/** Setup, the run, the drain, the checks: everything ends within this. */
const DEADLINE_MS = (DURATION_S + 600) * 1000;
const WEBHOOK_EVENTS = [
  'lot.published',
  'deal.created',
  'tender.closed',
  'payment.recorded',
  'settlement.confirmed',
];

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a whole number > 0`);
  return value;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');

// =======================================================================================
// Measurements

interface Stats {
  latencies: Map<string, number[]>;
  errors: Map<string, number>;
  refusals: Map<string, number>;
  requests: number;
  cycles: number;
  tenders: number;
}

const stats: Stats = {
  latencies: new Map(),
  errors: new Map(),
  refusals: new Map(),
  requests: 0,
  cycles: 0,
  tenders: 0,
};

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

class StepFailed extends Error {}

/**
 * One request of a step, timed. A status other than `expected` is an error (and ends the
 * cycle), unless its problem code is one of `refusals`: an answer the workload expects
 * under contention.
 */
async function call<T>(
  client: HttpClient,
  op: string,
  expected: number,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  options: { token: string; body?: unknown; refusals?: string[] },
): Promise<T> {
  const started = performance.now();
  let status: number;
  let body: unknown;
  try {
    ({ status, body } = await client.request(method, path, {
      token: options.token,
      body: options.body,
      idempotencyKey: method === 'POST' ? randomUUID() : undefined,
    }));
  } catch (error) {
    stats.requests += 1;
    bump(stats.errors, `${op}: ${(error as Error).message}`);
    throw new StepFailed(op);
  }
  stats.requests += 1;
  const list = stats.latencies.get(op) ?? [];
  list.push(performance.now() - started);
  stats.latencies.set(op, list);
  if (status === expected) return body as T;
  const code = (body as { code?: string } | null)?.code ?? '';
  if (status < 500 && options.refusals?.includes(code)) {
    bump(stats.refusals, `${op} ${status} ${code}`);
  } else {
    bump(stats.errors, `${op} ${status} ${code}`);
  }
  throw new StepFailed(op);
}

// =======================================================================================
// The Lasana cast

interface Association {
  id: string;
  manager: string;
  treasurer: string;
  producers: string[];
  hotLotId: string;
  carrotId: string;
}

async function setUpAssociation(
  client: HttpClient,
  index: number,
  webhookUrl: string,
): Promise<Association> {
  const manager = await newUser(client, `gerente${index}`);
  const treasurerEmail = `tesorera${index}.${randomUUID().slice(0, 8)}@bench.ayllu.test`;
  const treasurerPassword = `bench-${randomUUID()}`;
  await client.expect(201, 'POST', '/api/v1/auth/register', {
    body: { email: treasurerEmail, password: treasurerPassword, displayName: 'Tesorera' },
  });
  const treasurer = (
    await client.expect<{ accessToken: string }>(200, 'POST', '/api/v1/auth/login', {
      body: { email: treasurerEmail, password: treasurerPassword },
    })
  ).accessToken;
  const association = await client.expect<{ id: string }>(201, 'POST', '/api/v1/organizations', {
    token: manager,
    body: { kind: 'association', name: `Asociación de Productores de Lasana ${index} (soak)` },
  });
  await client.expect(201, 'POST', `/api/v1/organizations/${association.id}/members`, {
    token: manager,
    body: { email: treasurerEmail, role: 'treasurer' },
  });
  await client.expect(200, 'PATCH', `/api/v1/organizations/${association.id}/policy`, {
    token: manager,
    body: { commissionRate: '0.03' },
  });
  // Before anything is published, so the receiver is owed every event of the run.
  await client.expect(201, 'POST', `/api/v1/organizations/${association.id}/webhooks`, {
    token: manager,
    body: { url: webhookUrl, events: WEBHOOK_EVENTS },
  });
  const producers: string[] = [];
  for (const family of ['Anza', 'Mamani', 'Cruz', 'Ramos'].slice(0, PRODUCERS)) {
    const producer = await client.expect<{ id: string }>(
      201,
      'POST',
      `/api/v1/organizations/${association.id}/producers`,
      { token: manager, body: { name: `Familia ${family}` } },
    );
    producers.push(producer.id);
  }
  const products = await client.expect<{ items: { id: string; code: string }[] }>(
    200,
    'GET',
    '/api/v1/products?limit=100',
  );
  const carrotId = products.items.find((p) => p.code === 'zanahoria')!.id;
  const hot = await client.expect<{ id: string }>(
    201,
    'POST',
    `/api/v1/organizations/${association.id}/lots`,
    { token: manager, body: lotBody(carrotId, { minOrderQuantity: '1' }) },
  );
  await client.expect(201, 'POST', `/api/v1/lots/${hot.id}/contributions`, {
    token: manager,
    body: { producerId: producers[0], quantity: HOT_LOT_KG },
  });
  await client.expect(200, 'POST', `/api/v1/lots/${hot.id}/publish`, { token: manager });
  return { id: association.id, manager, treasurer, producers, hotLotId: hot.id, carrotId };
}

function lotBody(carrotId: string, extra: Record<string, unknown> = {}) {
  return {
    productId: carrotId,
    grade: 'A',
    unit: 'kg',
    currency: 'CLP',
    mechanism: 'negotiation',
    minOrderQuantity: '10',
    deliveryFrom: '2026-12-10',
    deliveryTo: '2026-12-20',
    deliveryPoint: 'Sede de la asociación, Lasana',
    ...extra,
  };
}

const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

// =======================================================================================
// One client's cycle

interface Deal {
  id: string;
  price: string;
  quantity: string;
}

/** Refusals a hot lot gives once (nearly) sold out; the cycle goes on without the purchase. */
const HOT_LOT_REFUSALS = ['LOT_NOT_OPEN', 'INSUFFICIENT_QUANTITY', 'OFFER_NOT_PENDING'];

async function hotLotPurchase(
  client: HttpClient,
  a: Association,
  buyer: string,
  n: number,
): Promise<void> {
  try {
    const offer = await call<{ id: string }>(
      client,
      'hot: offer',
      201,
      'POST',
      `/api/v1/lots/${a.hotLotId}/offers`,
      {
        token: buyer,
        body: {
          price: '240',
          quantity: String(1 + (n % 3)),
          paymentTermsDays: 30,
          expiresAt: inMinutes(60),
        },
        refusals: HOT_LOT_REFUSALS,
      },
    );
    await call(client, 'hot: accept', 201, 'POST', `/api/v1/offers/${offer.id}/accept`, {
      token: a.manager,
      body: {},
      refusals: HOT_LOT_REFUSALS,
    });
  } catch (error) {
    // Counted as an error or a refusal by `call`; the pooled lot below does not depend on it.
    if (!(error instanceof StepFailed)) throw error;
  }
}

async function negotiatedLot(
  client: HttpClient,
  a: Association,
  buyers: [string, string],
  lotId: string,
): Promise<Deal[]> {
  const offer = await call<{ id: string }>(
    client,
    'offer',
    201,
    'POST',
    `/api/v1/lots/${lotId}/offers`,
    {
      token: buyers[0],
      body: { price: '200', quantity: '150', paymentTermsDays: 30, expiresAt: inMinutes(60) },
    },
  );
  const counter = await call<{ id: string }>(
    client,
    'counter',
    201,
    'POST',
    `/api/v1/offers/${offer.id}/counter`,
    { token: a.manager, body: { price: '230', quantity: '150', expiresAt: inMinutes(60) } },
  );
  const first = await call<{ deal: Deal }>(
    client,
    'accept',
    201,
    'POST',
    `/api/v1/offers/${counter.id}/accept`,
    {
      token: buyers[0],
      body: {},
    },
  );
  await call(client, 'read offer', 200, 'GET', `/api/v1/offers/${offer.id}`, { token: buyers[0] });
  const second = await call<{ id: string }>(
    client,
    'offer',
    201,
    'POST',
    `/api/v1/lots/${lotId}/offers`,
    {
      token: buyers[1],
      body: { price: '220', quantity: '150', paymentTermsDays: 15, expiresAt: inMinutes(60) },
    },
  );
  const accepted = await call<{ deal: Deal }>(
    client,
    'accept',
    201,
    'POST',
    `/api/v1/offers/${second.id}/accept`,
    {
      token: a.manager,
      body: {},
    },
  );
  return [first.deal, accepted.deal];
}

async function tenderLot(
  client: HttpClient,
  a: Association,
  buyers: string[],
  lotId: string,
  closesAt: Date,
): Promise<Deal[]> {
  const bids: [string, string][] = [
    ['200', '100'],
    ['190', '150'],
    ['170', '100'],
  ];
  for (const [i, [price, quantity]] of bids.entries()) {
    await call(client, 'bid', 201, 'POST', `/api/v1/lots/${lotId}/offers`, {
      token: buyers[i],
      body: { price, quantity, minQuantity: '10', paymentTermsDays: 30, expiresAt: inMinutes(60) },
    });
  }
  await sleep(Math.max(0, closesAt.getTime() - Date.now()) + 200);
  // Closed by its job or, first, by this read: either way the allocation is there.
  await call(client, 'allocation', 200, 'GET', `/api/v1/lots/${lotId}/allocation`, {
    token: a.manager,
  });
  const history = await call<{ items: { type: string; data: { dealIds?: string[] } }[] }>(
    client,
    'history',
    200,
    'GET',
    `/api/v1/lots/${lotId}/history?limit=100`,
    { token: a.manager },
  );
  const dealIds = history.items.find((item) => item.type === 'tender.closed')?.data.dealIds ?? [];
  const deals: Deal[] = [];
  for (const id of dealIds) {
    deals.push(
      await call<Deal>(client, 'read deal', 200, 'GET', `/api/v1/deals/${id}`, {
        token: a.manager,
      }),
    );
  }
  stats.tenders += 1;
  return deals;
}

/** Each producer's contribution goes to the deals in order: the delivery lines of each deal. */
function deliveryLines(contributions: { producerId: string; quantity: string }[], deals: Deal[]) {
  const left = contributions.map((c) => ({ producerId: c.producerId, left: dec(c.quantity) }));
  return deals.map((deal) => {
    let need = dec(deal.quantity);
    const lines = [];
    for (const producer of left) {
      if (need.isZero()) break;
      if (producer.left.isZero()) continue;
      const take = producer.left.lessThan(need) ? producer.left : need;
      producer.left = producer.left.minus(take);
      need = need.minus(take);
      const quantity = toDecimalString(take);
      lines.push({
        producerId: producer.producerId,
        quantityDelivered: quantity,
        quantityAccepted: quantity,
        grade: 'A',
      });
    }
    return { deal, lines };
  });
}

async function cycle(
  client: HttpClient,
  a: Association,
  buyers: string[],
  n: number,
): Promise<void> {
  await hotLotPurchase(client, a, buyers[n % buyers.length], n);
  const tender = n % 5 === 4;
  const closesAt = new Date(Date.now() + TENDER_WINDOW_MS);
  const lot = await call<{ id: string }>(
    client,
    'create lot',
    201,
    'POST',
    `/api/v1/organizations/${a.id}/lots`,
    {
      token: a.manager,
      body: lotBody(
        a.carrotId,
        tender
          ? {
              mechanism: 'tender',
              pricingRule: n % 2 ? 'uniform' : 'pay_as_bid',
              reservePrice: '150',
              closesAt: closesAt.toISOString(),
            }
          : {},
      ),
    },
  );
  const contributions = a.producers
    .slice(1, 4)
    .map((producerId) => ({ producerId, quantity: '100' }));
  for (const contribution of contributions) {
    await call(client, 'contribute', 201, 'POST', `/api/v1/lots/${lot.id}/contributions`, {
      token: a.manager,
      body: contribution,
    });
  }
  await call(client, 'publish', 200, 'POST', `/api/v1/lots/${lot.id}/publish`, {
    token: a.manager,
  });
  const rotated = [0, 1, 2].map((i) => buyers[(n + i) % buyers.length]);
  const deals = tender
    ? await tenderLot(client, a, rotated, lot.id, closesAt)
    : await negotiatedLot(client, a, [rotated[0], rotated[1]], lot.id);
  await call(client, 'read lot', 200, 'GET', `/api/v1/lots/${lot.id}`, { token: a.manager });
  if (deals.length === 0) return;
  for (const { deal, lines } of deliveryLines(contributions, deals)) {
    await call(client, 'delivery', 201, 'POST', `/api/v1/deals/${deal.id}/deliveries`, {
      token: a.manager,
      body: { lines },
    });
    await call(client, 'payment', 201, 'POST', `/api/v1/deals/${deal.id}/payments`, {
      token: a.treasurer,
      body: {
        amount: toDecimalString(dec(deal.price).times(deal.quantity)),
        receivedAt: new Date().toISOString(),
        reference: `TRF ${n}`,
      },
    });
  }
  const settlement = await call<{ id: string }>(
    client,
    'settlement',
    201,
    'POST',
    `/api/v1/lots/${lot.id}/settlements`,
    {
      token: a.treasurer,
      body: {
        deductions: [
          { type: 'freight', amount: '3000' },
          { type: 'commission', rate: '0.03' },
        ],
      },
    },
  );
  await call(
    client,
    'confirm settlement',
    200,
    'POST',
    `/api/v1/settlements/${settlement.id}/confirm`,
    {
      token: a.treasurer,
    },
  );
  await call(client, 'read settlement', 200, 'GET', `/api/v1/settlements/${settlement.id}`, {
    token: a.treasurer,
  });
  stats.cycles += 1;
}

// =======================================================================================
// Memory of the app

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kib / 1024;
}

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / values.length;

// =======================================================================================
// Invariants, straight from the database

interface Invariants {
  lots: number;
  oversold: number;
  dealsNotSold: number;
  confirmedSettlements: number;
  unreconciled: number;
  events: number;
  unrelayed: number;
}

async function checkInvariants(db: pg.Client): Promise<Invariants> {
  const { rows: lots } = await db.query<{ lots: number; oversold: number; mismatch: number }>(
    `SELECT count(*)::int AS lots,
            count(*) FILTER (WHERE l.quantity_sold + l.quantity_held > l.quantity_total)::int AS oversold,
            count(*) FILTER (WHERE coalesce(d.total, 0) <> l.quantity_sold)::int AS mismatch
       FROM lots l
       LEFT JOIN (SELECT lot_id, sum(quantity) AS total FROM deals GROUP BY lot_id) d ON d.lot_id = l.id`,
  );
  const { rows: settlements } = await db.query<{ confirmed: number; unreconciled: number }>(
    `SELECT count(*)::int AS confirmed,
            count(*) FILTER (WHERE coalesce(p.total, 0) <> s.net)::int AS unreconciled
       FROM settlements s
       LEFT JOIN (SELECT settlement_id, sum(amount) AS total FROM settlement_payouts GROUP BY settlement_id) p
         ON p.settlement_id = s.id
      WHERE s.status = 'confirmed'`,
  );
  const { rows: events } = await db.query<{ events: number; unrelayed: number }>(
    `SELECT count(*)::int AS events, count(*) FILTER (WHERE published_at IS NULL)::int AS unrelayed
       FROM outbox_events`,
  );
  return {
    lots: lots[0].lots,
    oversold: lots[0].oversold,
    dealsNotSold: lots[0].mismatch,
    confirmedSettlements: settlements[0].confirmed,
    unreconciled: settlements[0].unreconciled,
    events: events[0].events,
    unrelayed: events[0].unrelayed,
  };
}

// =======================================================================================
// Main

async function main(): Promise<void> {
  const startedAt = new Date();
  const deadline = setTimeout(() => {
    process.stderr.write(`bench:soak: over its time bound (${DEADLINE_MS / 1000} s); stopping\n`);
    killApps();
    process.exit(3);
  }, DEADLINE_MS);
  deadline.unref();

  const realUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  const queuePrefix = `ayllu-soak-${process.pid}-${Date.now()}`;
  const cleanups: (() => Promise<void>)[] = [];
  const receiver = await startCountingReceiver();
  cleanups.push(() => receiver.close());
  try {
    let databaseUrl: string;
    let setting: string;
    if (realUrl) {
      const name = `ayllu_soak_${randomBytes(4).toString('hex')}`;
      const admin = new pg.Client({ connectionString: realUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const version = (
        await admin.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)
      ).rows[0].v;
      cleanups.push(async () => {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      });
      const url = new URL(realUrl);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      setting = `PostgreSQL ${version}`;
    } else {
      const embedded = await startEmbeddedPostgres('memory://', 4);
      cleanups.push(() => embedded.stop());
      databaseUrl = embedded.url;
      setting = 'embedded PGlite';
    }
    if (redisUrl) {
      setting += ' + Redis (Bull)';
      cleanups.push(async () => {
        const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
        const keys = await redis.keys(`${queuePrefix}:*`);
        if (keys.length > 0) await redis.del(...keys);
        redis.disconnect();
      });
    } else {
      setting += ', in-process jobs';
    }

    log(`soak: ${setting}, ${CLIENTS} clients for ${DURATION_S} s`);
    const app = await startApp(
      {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.tmpdir(),
        HOST: '127.0.0.1',
        DATA_DIR: 'memory://',
        DATABASE_URL: databaseUrl,
        ...(realUrl ? {} : { DATABASE_POOL_SIZE: '1' }),
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
        QUEUE_PREFIX: queuePrefix,
        JWT_SECRET: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'info',
        LOGIN_THROTTLE_ADDRESS_LIMIT: '100000',
      },
      { tag: 'soak' },
    );
    const pid = app.child.pid!;
    try {
      const associations: Association[] = [];
      for (let i = 0; i < ASSOCIATIONS; i += 1) {
        associations.push(await setUpAssociation(app.http, i, receiver.url));
      }
      const buyers: string[] = [];
      for (let i = 0; i < BUYERS; i += 1) {
        const token = await newUser(app.http, `comprador${i}`);
        await app.http.expect(201, 'POST', '/api/v1/organizations', {
          token,
          body: { kind: 'buyer', name: `Comprador ${i} (soak)` },
        });
        buyers.push(token);
      }
      log(`set up: ${ASSOCIATIONS} associations, ${BUYERS} buyers; running…`);

      const rss: { at: number; mib: number }[] = [];
      const runStart = Date.now();
      const runEnd = runStart + DURATION_S * 1000;
      const sampler = setInterval(() => {
        try {
          rss.push({ at: Date.now() - runStart, mib: rssMiB(pid) });
        } catch {
          // the process is gone; the run reports its errors
        }
      }, RSS_EVERY_MS);
      const progress = setInterval(() => {
        const errors = [...stats.errors.values()].reduce((s, v) => s + v, 0);
        log(
          `  ${Math.round((Date.now() - runStart) / 1000)} s: ${stats.requests} requests, ${stats.cycles} cycles, ` +
            `${errors} errors, RSS ${f1(rss.at(-1)?.mib ?? NaN)} MiB`,
        );
      }, 30_000);
      await Promise.all(
        Array.from({ length: CLIENTS }, async (_, c) => {
          const a = associations[c % ASSOCIATIONS];
          for (let n = c; Date.now() < runEnd; n += CLIENTS) {
            try {
              await cycle(app.http, a, buyers, n);
            } catch (error) {
              if (!(error instanceof StepFailed)) throw error;
            }
          }
        }),
      );
      const elapsedS = (Date.now() - runStart) / 1000;
      clearInterval(sampler);
      clearInterval(progress);

      // Drain: every outbox event relayed and every webhook event at the receiver.
      const check = new pg.Client({ connectionString: databaseUrl });
      const expectedEvents = async () => {
        const { rows } = await check.query<{ id: string }>(
          `SELECT id FROM outbox_events WHERE organization_id = ANY($1) AND type = ANY($2)`,
          [associations.map((a) => a.id), WEBHOOK_EVENTS],
        );
        return rows.map((row) => row.id);
      };
      let expected: string[] = [];
      let drainMs = 0;
      if (realUrl) {
        await check.connect();
        const drainStart = Date.now();
        while (Date.now() - drainStart < DRAIN_TIMEOUT_MS) {
          expected = await expectedEvents();
          const { rows } = await check.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL`,
          );
          if (rows[0].n === 0 && expected.every((id) => receiver.seen.has(id))) break;
          await sleep(500);
        }
        drainMs = Date.now() - drainStart;
      } else {
        // PGlite is one session: wait on the receiver alone, then read once the app is gone.
        const drainStart = Date.now();
        let last = -1;
        while (Date.now() - drainStart < DRAIN_TIMEOUT_MS) {
          await sleep(2000);
          if (receiver.seen.size === last) break;
          last = receiver.seen.size;
        }
        drainMs = Date.now() - drainStart;
      }
      await stopApp(app);
      if (!realUrl) {
        await check.connect();
        expected = await expectedEvents();
      }
      const invariants = await checkInvariants(check);
      await check.end();

      const missing = expected.filter((id) => !receiver.seen.has(id)).length;
      const deliveries = [...receiver.seen.values()].reduce((s, v) => s + v, 0);
      const duplicates = deliveries - receiver.seen.size;
      const all = [...stats.latencies.values()].flat();
      const overall = percentiles(all);
      const errors = [...stats.errors.values()].reduce((s, v) => s + v, 0);
      const refusals = [...stats.refusals.values()].reduce((s, v) => s + v, 0);
      const third = Math.floor(rss.length / 3);
      const rssFirst = mean(rss.slice(0, third).map((r) => r.mib));
      const rssLast = mean(rss.slice(rss.length - third).map((r) => r.mib));
      const rssMax = Math.max(...rss.map((r) => r.mib));
      const invariantsHold =
        invariants.oversold === 0 &&
        invariants.dealsNotSold === 0 &&
        invariants.unreconciled === 0 &&
        invariants.unrelayed === 0 &&
        missing === 0;

      const opRows = [...stats.latencies.entries()]
        .sort((x, y) => y[1].length - x[1].length)
        .map(([op, values]) => {
          const p = percentiles(values);
          return `| ${op} | ${values.length} | ${f1(p.p50)} | ${f1(p.p99)} |`;
        });
      const heading = `### ${setting}`;
      const table = [
        heading,
        '',
        `- ${machineLine().slice(2)}; load average (1 min) at the end ${os.loadavg()[0].toFixed(2)}: the machine is shared with other sessions, so the figures are noisy`,
        `- Command: \`${realUrl ? 'DATABASE_URL=… REDIS_URL=… ' : ''}npm run bench:soak\` (SOAK_DURATION_S=${DURATION_S}, SOAK_CLIENTS=${CLIENTS}), run ${startedAt.toISOString()}`,
        `- ${stats.requests} requests in ${f1(elapsedS)} s: **${f1(stats.requests / elapsedS)} requests/s**, p50 ${f1(overall.p50)} ms, p99 ${f1(overall.p99)} ms; ${stats.cycles} whole cycles (lot to confirmed settlement), ${stats.tenders} of them tenders`,
        `- Errors (5xx, network, or a status the step did not expect): **${errors}**${errors ? ` (${[...stats.errors.entries()].map(([k, v]) => `${k}: ${v}`).join('; ')})` : ''}`,
        `- Expected refusals on the hot lots once sold out: ${refusals}${refusals ? ` (${[...stats.refusals.entries()].map(([k, v]) => `${k}: ${v}`).join('; ')})` : ''}`,
        `- App RSS, sampled every ${RSS_EVERY_MS / 1000} s (${rss.length} samples): first third ${f1(rssFirst)} MiB, last third ${f1(rssLast)} MiB, max ${f1(rssMax)} MiB`,
        `- Invariants after the outbox drained (${f1(drainMs / 1000)} s): ${invariants.lots} lots, oversold ${invariants.oversold}, Σ deals ≠ quantity sold ${invariants.dealsNotSold}; ${invariants.confirmedSettlements} confirmed settlements, payouts ≠ net ${invariants.unreconciled}; ${invariants.events} outbox events, unrelayed ${invariants.unrelayed}; ${expected.length} webhook events, missing at the receiver ${missing}, duplicate deliveries ${duplicates}: **${invariantsHold ? 'all hold' : 'VIOLATED'}**`,
        '',
        '| operation | requests | p50 ms | p99 ms |',
        '|---|---|---|---|',
        ...opRows,
        '',
      ].join('\n');
      log(`\n${table}`);
      writeBenchmarkTable(
        [
          '## Soak',
          '',
          '`npm run bench:soak` (scripts/bench-soak.ts): the Lasana story as a mixed workload against the',
          'built app (a child process, `LOG_LEVEL=info` to a file): 5 associations and 10 buyers; each',
          'client buys 1–3 kg of its association’s shared 200 kg lot, then takes a pooled lot from',
          'creation to a confirmed settlement (contributions, offer, counter, accept, a second deal, or',
          'one time in five a tender closed by its time; deliveries, payments, settlement with freight and',
          'commission). RSS is the app process’s; invariants are read from the database at the end.',
          '',
        ].join('\n'),
        heading,
        table,
      );
      log('wrote the "Soak" section of BENCHMARKS.md');
      if (!invariantsHold || errors > 0) process.exitCode = 1;
    } finally {
      await stopApp(app);
    }
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch((error: unknown) => log(`cleanup: ${(error as Error).message}`));
    }
    clearTimeout(deadline);
  }
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (error: unknown) => {
    killApps();
    process.stderr.write(
      `bench:soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);

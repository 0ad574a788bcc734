/**
 * `npm run bench:negotiation`: how many deals per second one hot lot takes, through the
 * whole app over HTTP on real PostgreSQL and Redis, against what PostgreSQL itself does
 * with the bare hot-lot transaction (pgbench) on the same machine in the same run.
 *
 * 1. Creates a fresh database `ayllu_bench` on postgres://postgres@127.0.0.1:5432, starts
 *    the built app (dist/src/main.js) as a child process on it, with Redis on 127.0.0.1 and
 *    a queue prefix of its own, and sets up an association, one big open lot and N buyers.
 * 2. At each client count (8 and 50): every client loops "the buyer offers a small
 *    quantity, the manager accepts it (201 deal)"; after a warm-up, for a fixed time, it
 *    counts deals, the latency of the offer+accept pair and errors. While it runs it samples
 *    pg_stat_activity (what the app's connections are doing) and the machine's CPU.
 *    Then deals started at a steady rate (BENCH_STEADY_RATE a second, not looping): the
 *    app's and PostgreSQL's CPU per deal, deliveries included, when the app keeps up.
 * 3. Stops the app and runs pgbench on the bare transaction (conditional UPDATE of the lot
 *    row, which locks it, then INSERT of a deal) at the same client counts.
 * 4. When the ratio at 50 clients is under 0.40 or p99 is over 100 ms, restarts the app with
 *    a query probe (this file, preloaded with `node -r`: it wraps pg's Client#query and
 *    attributes every query to the HTTP request that caused it) and reports the queries and
 *    database time per request, and how long the accept transaction holds the lot's lock.
 * 5. Writes the "Negotiation hot lot" section of BENCHMARKS.md (other sections are kept),
 *    drops the database and deletes its Redis keys.
 *
 * Only 127.0.0.1 is ever contacted, and the whole run is bounded in time.
 * Knobs (environment): BENCH_DURATION_S (15), BENCH_WARMUP_S (5), BENCH_CLIENTS ("8,50"),
 * BENCH_PROFILE ("auto" | "always" | "never"), BENCH_KEEP_DB=1 to keep the database,
 * BENCH_WEB_CONCURRENCY (1): the app's WEB_CONCURRENCY, its HTTP worker processes (the
 * probe pass always runs one process), BENCH_DATABASE_POOL_SIZE (the app's default, 10):
 * its DATABASE_POOL_SIZE, BENCH_STEADY_RATE (150),
 * BENCH_CPU_PROF=<dir> to record a V8 CPU profile of the measured app (this file preloaded
 * with `node -r`; a .cpuprofile in that directory when the app stops, for Chrome DevTools).
 */
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { AsyncLocalStorage } from 'node:async_hooks';
import inspector from 'node:inspector';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import pg from 'pg';
import {
  HttpClient,
  type HttpResult,
  killApps,
  newUser,
  type Percentiles,
  percentiles,
  productionNodeFlags,
  type RunningApp,
  sleep,
  startApp,
  stopApp,
} from './support/app-process';

const HOST = '127.0.0.1';
const PG_PORT = 5432;
const PG_USER = 'postgres';
const BENCH_DB = 'ayllu_bench';
const ADMIN_URL = `postgres://${PG_USER}@${HOST}:${PG_PORT}/postgres`;
const BENCH_DB_URL = `postgres://${PG_USER}@${HOST}:${PG_PORT}/${BENCH_DB}`;
const REDIS_URL = `redis://${HOST}:6379`;
const ROOT = join(__dirname, '..', '..');
const PROBE_PATH = '/__bench_probe';

const DURATION_S = positiveNumber('BENCH_DURATION_S', 15);
const WARMUP_S = positiveNumber('BENCH_WARMUP_S', 5);
const CLIENT_COUNTS = (process.env.BENCH_CLIENTS ?? '8,50')
  .split(',')
  .map((v) => Number(v.trim()))
  .filter((v) => Number.isInteger(v) && v > 0 && v <= 80);
const PROFILE = process.env.BENCH_PROFILE ?? 'auto';
const KEEP_DB = process.env.BENCH_KEEP_DB === '1';
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF;
const WEB_CONCURRENCY = positiveNumber('BENCH_WEB_CONCURRENCY', 1);
const POOL_SIZE = positiveNumber('BENCH_DATABASE_POOL_SIZE', 10);
/** Deals started per second in the steady pass (pairs not looping, below saturation). */
const STEADY_RATE = positiveNumber('BENCH_STEADY_RATE', 150);
/** Everything (setup, app runs, two pgbench scripts, profile, cleanup) must end within this. */
const DEADLINE_MS =
  (240 +
    CLIENT_COUNTS.length * (WARMUP_S + DURATION_S + 2 * (DURATION_S + 5)) +
    (WARMUP_S + DURATION_S + 2 * 60) +
    60) *
  1000;

const TARGET_RATIO = 0.4;
const TARGET_P99_MS = 100;
const LOT_QUANTITY = '10000000';
const DEAL_QUANTITY = '1';
const PRICE = '240';

function positiveNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

// =======================================================================================
// The app as a child process

/**
 * The app with this bench's own preload when it probes (the query probe) or profiles
 * (BENCH_CPU_PROF); otherwise exactly as `npm start` runs it.
 */
function startBenchApp(
  env: Record<string, string>,
  options: { probe: boolean; tag: string },
): Promise<RunningApp> {
  const preload = options.probe || CPU_PROF_DIR !== undefined;
  return startApp(
    {
      ...env,
      ...(options.probe ? { AYLLU_BENCH_PROBE: '1' } : {}),
      ...(!options.probe && CPU_PROF_DIR ? { AYLLU_BENCH_CPU_PROF: CPU_PROF_DIR } : {}),
    },
    { tag: `bench-app-${options.tag}`, ...(preload ? { preload: __filename } : {}) },
  );
}

// =======================================================================================
// Setup through the API

interface Actors {
  managerToken: string;
  buyerTokens: string[];
  lotId: string;
}

async function setUp(client: HttpClient, buyers: number): Promise<Actors> {
  const managerToken = await newUser(client, 'gerente');
  const association = await client.expect<{ id: string }>(201, 'POST', '/api/v1/organizations', {
    token: managerToken,
    body: { kind: 'association', name: 'Asociación de Productores de Lasana (bench)' },
  });
  const products = await client.expect<{ items: { id: string; code: string }[] }>(
    200,
    'GET',
    '/api/v1/products?limit=100',
  );
  const carrot = products.items.find((p) => p.code === 'zanahoria');
  if (!carrot) throw new Error('no product zanahoria in the reference data');
  const producer = await client.expect<{ id: string }>(
    201,
    'POST',
    `/api/v1/organizations/${association.id}/producers`,
    { token: managerToken, body: { name: 'Familia Anza' } },
  );
  const lot = await client.expect<{ id: string }>(
    201,
    'POST',
    `/api/v1/organizations/${association.id}/lots`,
    {
      token: managerToken,
      body: {
        productId: carrot.id,
        grade: 'A',
        unit: 'kg',
        currency: 'CLP',
        mechanism: 'negotiation',
        minOrderQuantity: DEAL_QUANTITY,
        deliveryFrom: '2026-12-10',
        deliveryTo: '2026-12-20',
        deliveryPoint: 'Sede de la asociación, Lasana',
      },
    },
  );
  await client.expect(201, 'POST', `/api/v1/lots/${lot.id}/contributions`, {
    token: managerToken,
    body: { producerId: producer.id, quantity: LOT_QUANTITY },
  });
  await client.expect(200, 'POST', `/api/v1/lots/${lot.id}/publish`, { token: managerToken });

  const buyerTokens: string[] = [];
  for (let i = 0; i < buyers; i += 5) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(5, buyers - i) }, async (_, j) => {
        const token = await newUser(client, `comprador${i + j}`);
        await client.expect(201, 'POST', '/api/v1/organizations', {
          token,
          body: { kind: 'buyer', name: `Comprador ${i + j}` },
        });
        return token;
      }),
    );
    buyerTokens.push(...batch);
  }
  return { managerToken, buyerTokens, lotId: lot.id };
}

// =======================================================================================
// The load

interface LoadResult {
  clients: number;
  deals: number;
  dealsPerSecond: number;
  pair: Percentiles;
  offer: Percentiles;
  accept: Percentiles;
  errors: number;
  errorKinds: Record<string, number>;
  totalAccepted: number;
  activity: ActivitySummary;
  cpu: CpuSummary;
  commitsPerDeal: number;
}

async function runLoad(
  client: HttpClient,
  actors: Actors,
  clients: number,
  warmupS: number,
  durationS: number,
  observe?: { admin: pg.Client; appPid: number },
): Promise<LoadResult> {
  const measureStart = Date.now() + warmupS * 1000;
  const measureEnd = measureStart + durationS * 1000;
  const pairs: number[] = [];
  const offers: number[] = [];
  const accepts: number[] = [];
  const errorKinds: Record<string, number> = {};
  let errors = 0;
  let totalAccepted = 0;

  const fail = (what: string) => {
    const now = Date.now();
    if (now >= measureStart && now <= measureEnd) {
      errors += 1;
      errorKinds[what] = (errorKinds[what] ?? 0) + 1;
    }
  };

  const loop = async (index: number) => {
    const buyerToken = actors.buyerTokens[index % actors.buyerTokens.length];
    while (Date.now() < measureEnd) {
      const attempt = await dealOnce(client, actors, buyerToken);
      if (!attempt.ok) {
        fail(attempt.error);
        await sleep(20);
        continue;
      }
      const ended = Date.now();
      totalAccepted += 1;
      // Throughput is what completes inside the window (a pair begun in the warm-up counts).
      if (ended >= measureStart && ended <= measureEnd) {
        pairs.push(attempt.offerMs + attempt.acceptMs);
        offers.push(attempt.offerMs);
        accepts.push(attempt.acceptMs);
      }
    }
  };

  const observer = observe
    ? observeWindow(observe.admin, observe.appPid, measureStart, measureEnd)
    : null;
  await Promise.all(Array.from({ length: clients }, (_, i) => loop(i)));
  const observed = observer ? await observer : null;
  return {
    clients,
    deals: pairs.length,
    dealsPerSecond: pairs.length / durationS,
    pair: percentiles(pairs),
    offer: percentiles(offers),
    accept: percentiles(accepts),
    errors,
    errorKinds,
    totalAccepted,
    activity: observed?.activity ?? emptyActivity(),
    cpu: observed?.cpu ?? {
      machinePct: NaN,
      appPct: NaN,
      postgresPct: NaN,
      benchPct: NaN,
      otherPct: NaN,
    },
    commitsPerDeal: observed ? observed.commits / Math.max(1, pairs.length) : NaN,
  };
}

type DealAttempt = { ok: true; offerMs: number; acceptMs: number } | { ok: false; error: string };

/** A buyer's offer of 1 kg and the manager's acceptance of it: a deal, or what went wrong. */
async function dealOnce(
  client: HttpClient,
  actors: Actors,
  buyerToken: string,
): Promise<DealAttempt> {
  const t0 = performance.now();
  let offer: HttpResult;
  try {
    offer = await client.request('POST', `/api/v1/lots/${actors.lotId}/offers`, {
      token: buyerToken,
      idempotencyKey: randomUUID(),
      body: {
        price: PRICE,
        quantity: DEAL_QUANTITY,
        paymentTermsDays: 30,
        expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    });
  } catch (error) {
    return { ok: false, error: `offer: ${(error as Error).message}` };
  }
  const t1 = performance.now();
  if (offer.status !== 201) {
    return { ok: false, error: `offer ${offer.status} ${problemCode(offer.body)}` };
  }
  const offerId = (offer.body as { id: string }).id;
  let accept: HttpResult;
  try {
    accept = await client.request('POST', `/api/v1/offers/${offerId}/accept`, {
      token: actors.managerToken,
      idempotencyKey: randomUUID(),
      body: {},
    });
  } catch (error) {
    return { ok: false, error: `accept: ${(error as Error).message}` };
  }
  const t2 = performance.now();
  if (accept.status !== 201 || !(accept.body as { deal?: unknown }).deal) {
    return { ok: false, error: `accept ${accept.status} ${problemCode(accept.body)}` };
  }
  return { ok: true, offerMs: t1 - t0, acceptMs: t2 - t1 };
}

interface SteadyResult {
  rate: number;
  deals: number;
  errors: number;
  totalAccepted: number;
  pair: Percentiles;
  appMsPerDeal: number;
  postgresMsPerDeal: number;
  /** From the window's end until every deal had its market price and no event was left to relay. */
  drainMs: number;
  drained: boolean;
  /** The same wait for what the looping runs before this pass had left to deliver. */
  backlogMs: number;
  backlogDrained: boolean;
}

/**
 * Pairs started at a fixed rate, below what the app can take, instead of looping: what a deal
 * costs the app and PostgreSQL when they keep up, its deliveries included (the inbox, the
 * webhooks check, the market price). CPU counts from the window's start until the window's
 * pairs are answered, every deal has its market-price observation (the last delivery of a
 * deal) and no event is left to relay.
 */
async function runSteady(
  client: HttpClient,
  actors: Actors,
  appPid: number,
): Promise<SteadyResult> {
  let index = 0;
  let errors = 0;
  let totalAccepted = 0;
  let pairs: number[] = [];
  const paced = async (seconds: number) => {
    const began = performance.now();
    const running: Promise<void>[] = [];
    for (let i = 0; i < seconds * STEADY_RATE; i += 1) {
      const wait = began + (i * 1000) / STEADY_RATE - performance.now();
      if (wait > 0) await sleep(wait);
      const buyerToken = actors.buyerTokens[index % actors.buyerTokens.length];
      index += 1;
      running.push(
        dealOnce(client, actors, buyerToken).then((attempt) => {
          if (!attempt.ok) {
            errors += 1;
            return;
          }
          totalAccepted += 1;
          pairs.push(attempt.offerMs + attempt.acceptMs);
        }),
      );
    }
    await Promise.all(running);
  };
  const db = new pg.Client({ connectionString: BENCH_DB_URL });
  await db.connect();
  try {
    // What the looping runs left to deliver is theirs, not this pass's.
    const backlog = await untilDelivered(db);
    await paced(WARMUP_S);
    pairs = [];
    const errorsBefore = errors;
    const appBefore = processTreeCpuMs(appPid);
    const postgresBefore = postgresCpuMs();
    await paced(DURATION_S);
    const { drained, ms: drainMs } = await untilDelivered(db);
    const deals = pairs.length;
    return {
      rate: STEADY_RATE,
      deals,
      errors: errors - errorsBefore,
      totalAccepted,
      pair: percentiles(pairs),
      appMsPerDeal: (processTreeCpuMs(appPid) - appBefore) / Math.max(1, deals),
      postgresMsPerDeal: postgresCpuDelta(postgresBefore, postgresCpuMs()) / Math.max(1, deals),
      drainMs,
      drained,
      backlogMs: backlog.ms,
      backlogDrained: backlog.drained,
    };
  } finally {
    await db.end();
  }
}

/**
 * Waits (up to 60 s) until every deal has its market-price observation, the last of its
 * deliveries, and no event is left to relay; how long that took.
 */
async function untilDelivered(db: pg.Client): Promise<{ drained: boolean; ms: number }> {
  const started = performance.now();
  for (;;) {
    const { rows } = await db.query<{ left: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM outbox_events WHERE published_at IS NULL)
           OR (SELECT count(*) FROM deals) >
              (SELECT count(*) FROM market_price_observations WHERE deal_id IS NOT NULL) AS left`,
    );
    const ms = performance.now() - started;
    if (!rows[0].left) return { drained: true, ms };
    if (ms > 60_000) return { drained: false, ms };
    await sleep(50);
  }
}

function problemCode(body: unknown): string {
  if (body && typeof body === 'object' && 'code' in body) return String(body.code);
  return typeof body === 'string' ? body.slice(0, 80) : '';
}

// =======================================================================================
// What the database connections and the CPUs do during the measured window

interface ActivitySummary {
  samples: number;
  /** Average number of the app's connections in each state. */
  running: number;
  waitingOnLock: number;
  idleInTransaction: number;
  idle: number;
}

interface CpuSummary {
  /** Busy share of all cores, %. */
  machinePct: number;
  /** CPU of the PostgreSQL server processes, % of one core. */
  postgresPct: number;
  /** What is left of the busy time: other processes on this shared machine, % of one core. */
  otherPct: number;
  /** CPU of the app process, % of one core. */
  appPct: number;
  /** CPU of this load generator, % of one core. */
  benchPct: number;
}

function emptyActivity(): ActivitySummary {
  return { samples: 0, running: NaN, waitingOnLock: NaN, idleInTransaction: NaN, idle: NaN };
}

function machineTicks(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const cpu of os.cpus()) {
    const t = cpu.times;
    busy += t.user + t.nice + t.sys + t.irq;
    total += t.user + t.nice + t.sys + t.irq + t.idle;
  }
  return { busy, total };
}

/** utime + stime of every PostgreSQL server process, by pid, in ms. */
function postgresCpuMs(): Map<number, number> {
  const result = new Map<number, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return result;
  }
  for (const entry of entries) {
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
      result.set(Number(entry), processCpuMs(Number(entry)));
    } catch {
      // gone meanwhile
    }
  }
  return result;
}

function postgresCpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** utime + stime of a process, in ms (Linux /proc, 100 ticks a second). */
function processCpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

/** CPU of a process and its children (the app's cluster workers), in ms. */
function processTreeCpuMs(pid: number): number {
  let total = processCpuMs(pid);
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (parent === pid) total += processCpuMs(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

async function xactCommits(admin: pg.Client): Promise<number> {
  const { rows } = await admin.query<{ n: string }>(
    `SELECT xact_commit::text AS n FROM pg_stat_database WHERE datname = $1`,
    [BENCH_DB],
  );
  return Number(rows[0]?.n ?? 0);
}

async function observeWindow(
  admin: pg.Client,
  appPid: number,
  start: number,
  end: number,
): Promise<{ activity: ActivitySummary; cpu: CpuSummary; commits: number }> {
  await sleep(Math.max(0, start - Date.now()));
  const machine0 = machineTicks();
  const app0 = processTreeCpuMs(appPid);
  const postgres0 = postgresCpuMs();
  const bench0 = process.cpuUsage();
  const wall0 = performance.now();
  // pg_stat_database is refreshed at most every 500 ms; the window is long enough for it.
  const commits0 = await xactCommits(admin);
  const totals = { running: 0, waitingOnLock: 0, idleInTransaction: 0, idle: 0 };
  let samples = 0;
  while (Date.now() < end - 100) {
    const { rows } = await admin.query<{ state: string | null; wait: string | null; n: string }>(
      `SELECT state, wait_event_type AS wait, count(*)::text AS n FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'
        GROUP BY 1, 2`,
      [BENCH_DB],
    );
    for (const row of rows) {
      const n = Number(row.n);
      if (row.state === 'active' && row.wait === 'Lock') totals.waitingOnLock += n;
      else if (row.state === 'active') totals.running += n;
      else if (row.state?.startsWith('idle in transaction')) totals.idleInTransaction += n;
      else totals.idle += n;
    }
    samples += 1;
    await sleep(100);
  }
  await sleep(Math.max(0, end - Date.now()));
  const wall = performance.now() - wall0;
  const machine1 = machineTicks();
  const appMs = processTreeCpuMs(appPid) - app0;
  const postgresMs = postgresCpuDelta(postgres0, postgresCpuMs());
  const bench = process.cpuUsage(bench0);
  const benchMs = (bench.user + bench.system) / 1000;
  const machinePct =
    (100 * (machine1.busy - machine0.busy)) / Math.max(1, machine1.total - machine0.total);
  const cores = os.cpus().length;
  const commits1 = await xactCommits(admin);
  const avg = (v: number) => (samples === 0 ? NaN : v / samples);
  return {
    activity: {
      samples,
      running: avg(totals.running),
      waitingOnLock: avg(totals.waitingOnLock),
      idleInTransaction: avg(totals.idleInTransaction),
      idle: avg(totals.idle),
    },
    cpu: {
      machinePct,
      appPct: (100 * appMs) / wall,
      postgresPct: (100 * postgresMs) / wall,
      benchPct: (100 * benchMs) / wall,
      otherPct: Math.max(0, machinePct * cores - (100 * (appMs + postgresMs + benchMs)) / wall),
    },
    commits: commits1 - commits0,
  };
}

// =======================================================================================
// pgbench: the bare hot-lot transaction

interface PgbenchResult {
  clients: number;
  tps: number;
  latencyMs: number;
  failed: number;
  command: string;
}

const HOT_LOT_ID = '00000000-0000-4000-8000-00000000b0a7';

async function preparePgbench(): Promise<void> {
  const db = new pg.Client({ connectionString: BENCH_DB_URL });
  await db.connect();
  try {
    await db.query(`
      CREATE TABLE bench_lots (
        id uuid PRIMARY KEY,
        quantity_total numeric(20, 6) NOT NULL,
        quantity_sold numeric(20, 6) NOT NULL DEFAULT 0,
        quantity_held numeric(20, 6) NOT NULL DEFAULT 0,
        CONSTRAINT bench_lots_never_oversold CHECK (
          quantity_sold >= 0 AND quantity_held >= 0 AND quantity_sold + quantity_held <= quantity_total)
      );
      CREATE TABLE bench_deals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lot_id uuid NOT NULL REFERENCES bench_lots(id),
        price numeric(20, 6) NOT NULL CHECK (price > 0),
        quantity numeric(20, 6) NOT NULL CHECK (quantity > 0),
        currency text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX bench_deals_lot_idx ON bench_deals (lot_id);
      INSERT INTO bench_lots (id, quantity_total) VALUES ('${HOT_LOT_ID}', 1000000000000);
    `);
  } finally {
    await db.end();
  }
}

/** The transaction the app's accept comes down to, with the lock taken by the UPDATE itself. */
function pgbenchScript(explicitLock: boolean): string {
  return [
    `\\set q ${DEAL_QUANTITY}`,
    'BEGIN;',
    ...(explicitLock ? [`SELECT id FROM bench_lots WHERE id = '${HOT_LOT_ID}' FOR UPDATE;`] : []),
    `UPDATE bench_lots SET quantity_sold = quantity_sold + :q WHERE id = '${HOT_LOT_ID}' AND quantity_total - quantity_sold - quantity_held >= :q RETURNING quantity_sold, quantity_held;`,
    `INSERT INTO bench_deals (lot_id, price, quantity, currency) VALUES ('${HOT_LOT_ID}', ${PRICE}, :q, 'CLP');`,
    'COMMIT;',
    '',
  ].join('\n');
}

function runPgbench(scriptFile: string, clients: number, seconds: number): Promise<PgbenchResult> {
  const threads = Math.max(1, Math.min(clients, os.availableParallelism()));
  const args = [
    '-h',
    HOST,
    '-p',
    String(PG_PORT),
    '-U',
    PG_USER,
    '-n',
    '-M',
    'extended',
    '-c',
    String(clients),
    '-j',
    String(threads),
    '-T',
    String(seconds),
    '-f',
    scriptFile,
    BENCH_DB,
  ];
  const command = `pgbench ${args.join(' ')}`;
  return new Promise((resolve, reject) => {
    execFile(
      'pgbench',
      args,
      { timeout: (seconds + 60) * 1000, env: { ...process.env, PGHOST: HOST } },
      (error, stdout, stderr) => {
        if (error) {
          reject(new Error(`${command} failed: ${error.message}\n${stderr}`));
          return;
        }
        const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout);
        const latency = /latency average = ([\d.]+) ms/.exec(stdout);
        const failed = /number of failed transactions: (\d+)/.exec(stdout);
        if (!tps) {
          reject(new Error(`could not read tps from pgbench:\n${stdout}\n${stderr}`));
          return;
        }
        resolve({
          clients,
          tps: Number(tps[1]),
          latencyMs: latency ? Number(latency[1]) : NaN,
          failed: failed ? Number(failed[1]) : 0,
          command: command.replace(scriptFile, 'hot-lot.sql'),
        });
      },
    );
  });
}

function pgbenchAvailable(): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('pgbench', ['--version'], { timeout: 10_000 }, (error, stdout) =>
      resolve(error ? null : stdout.trim()),
    );
  });
}

// =======================================================================================
// The probe: preloaded into the app (`node -r`) for the profile pass only

interface SqlStat {
  count: number;
  ms: number;
  afterResponse: number;
}

interface TxStat {
  count: number;
  statements: number;
  durations: number[];
  lockHeld: number[];
  lockWait: number[];
}

interface RouteStat {
  requests: number;
  totalMs: number;
  queries: number;
  queryMs: number;
  /** Time of the queries run before the response was sent. */
  queryMsInRequest: number;
  /** Time spent waiting for a pooled connection. */
  poolWaitMs: number;
  poolCheckouts: number;
  sql: Record<string, SqlStat>;
  tx: Record<string, TxStat>;
}

interface ProbeReport {
  routes: Record<string, RouteStat>;
}

interface RequestContext {
  route: string;
  finished: boolean;
}

interface TxState {
  start: number;
  statements: number;
  lockAt: number | null;
  lockWait: number;
  label: string;
}

function installProbe(): void {
  const als = new AsyncLocalStorage<RequestContext>();
  let report: ProbeReport = { routes: {} };
  const routeStat = (route: string): RouteStat =>
    (report.routes[route] ??= {
      requests: 0,
      totalMs: 0,
      queries: 0,
      queryMs: 0,
      queryMsInRequest: 0,
      poolWaitMs: 0,
      poolCheckouts: 0,
      sql: {},
      tx: {},
    });

  const serverProto = http.Server.prototype as unknown as {
    emit: (this: http.Server, event: string, ...args: unknown[]) => boolean;
  };
  const originalEmit = serverProto.emit;
  serverProto.emit = function (this: http.Server, event: string, ...args: unknown[]): boolean {
    if (event !== 'request') return originalEmit.call(this, event, ...args);
    const [req, res] = args as [http.IncomingMessage, http.ServerResponse];
    if (req.url?.startsWith(PROBE_PATH)) {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(report));
      if (req.url.endsWith('/reset')) report = { routes: {} };
      return true;
    }
    const context: RequestContext = { route: routeOf(req), finished: false };
    const started = performance.now();
    res.once('finish', () => {
      context.finished = true;
      const stat = routeStat(context.route);
      stat.requests += 1;
      stat.totalMs += performance.now() - started;
    });
    return als.run(context, () => originalEmit.call(this, event, ...args));
  };

  const transactions = new WeakMap<object, TxState>();
  const clientProto = pg.Client.prototype as unknown as {
    query: (this: object, ...args: unknown[]) => unknown;
  };
  const originalQuery = clientProto.query;
  clientProto.query = function (this: object, ...args: unknown[]): unknown {
    const first = args[0];
    const text =
      typeof first === 'string' ? first : ((first as { text?: string } | null)?.text ?? '?');
    const context = als.getStore();
    const afterResponse = context?.finished ?? false;
    const started = performance.now();
    const finish = () => {
      const ms = performance.now() - started;
      const stat = routeStat(context?.route ?? 'background (no request)');
      stat.queries += 1;
      stat.queryMs += ms;
      if (!afterResponse) stat.queryMsInRequest += ms;
      const key = normalizeSql(text);
      const sql = (stat.sql[key] ??= { count: 0, ms: 0, afterResponse: 0 });
      sql.count += 1;
      sql.ms += ms;
      if (afterResponse) sql.afterResponse += 1;
      trackTransaction(this, text, started, ms, stat);
    };
    const callbackIndex = args.findIndex((a) => typeof a === 'function');
    if (callbackIndex >= 0) {
      const callback = args[callbackIndex] as (...a: unknown[]) => void;
      args[callbackIndex] = (...a: unknown[]) => {
        finish();
        callback(...a);
      };
      return originalQuery.apply(this, args);
    }
    const result = originalQuery.apply(this, args);
    if (result instanceof Promise) void result.then(finish, finish);
    return result;
  };

  // TypeORM checks a connection out with the callback form of Pool#connect, and so does
  // Pool#query (the app's prepared statements). A caller that had to wait is called back
  // from the request that released the connection: the callback is put back in the
  // caller's own context, or its queries would count for that other request.
  const poolProto = pg.Pool.prototype as unknown as {
    connect: (this: object, ...args: unknown[]) => unknown;
  };
  const originalConnect = poolProto.connect;
  poolProto.connect = function (this: object, ...args: unknown[]): unknown {
    const context = als.getStore();
    const started = performance.now();
    const record = () => {
      const stat = routeStat(context?.route ?? 'background (no request)');
      stat.poolWaitMs += performance.now() - started;
      stat.poolCheckouts += 1;
    };
    const callback = args[0];
    if (typeof callback === 'function') {
      return originalConnect.call(this, (...a: unknown[]) => {
        record();
        const resume = () => (callback as (...b: unknown[]) => void)(...a);
        if (context) als.run(context, resume);
        else als.exit(resume);
      });
    }
    const result = originalConnect.apply(this, args);
    if (result instanceof Promise) void result.then(record, record);
    return result;
  };

  function trackTransaction(
    client: object,
    text: string,
    started: number,
    ms: number,
    stat: RouteStat,
  ): void {
    const head = text.trim().slice(0, 40).toUpperCase();
    if (head.startsWith('START TRANSACTION') || head === 'BEGIN') {
      transactions.set(client, {
        start: started,
        statements: 0,
        lockAt: null,
        lockWait: 0,
        label: '',
      });
      return;
    }
    const tx = transactions.get(client);
    if (!tx) {
      if (locksLot(text)) {
        // One autocommit statement takes and releases the lot's lock: its whole time bounds
        // how long it held the lock (the wait for it included).
        const label = `(autocommit) ${normalizeSql(text).slice(0, 60)}`;
        const t = (stat.tx[label] ??= {
          count: 0,
          statements: 0,
          durations: [],
          lockHeld: [],
          lockWait: [],
        });
        t.count += 1;
        t.statements += 1;
        t.durations.push(ms);
        t.lockHeld.push(ms);
        t.lockWait.push(NaN);
      }
      return;
    }
    if (head.startsWith('COMMIT') || head.startsWith('ROLLBACK')) {
      transactions.delete(client);
      const label = tx.label || '(no lot lock)';
      const t = (stat.tx[label] ??= {
        count: 0,
        statements: 0,
        durations: [],
        lockHeld: [],
        lockWait: [],
      });
      t.count += 1;
      t.statements += tx.statements;
      const end = started + ms;
      t.durations.push(end - tx.start);
      if (tx.lockAt !== null) {
        t.lockHeld.push(end - tx.lockAt);
        t.lockWait.push(tx.lockWait);
      }
      return;
    }
    tx.statements += 1;
    if (!tx.label) tx.label = normalizeSql(text).slice(0, 60);
    if (tx.lockAt === null && locksLot(text)) {
      // The lot row is locked from the moment this statement gets it: when it returns.
      tx.lockAt = started + ms;
      tx.lockWait = ms;
    }
  }
}

/** A statement that locks a lot row: an UPDATE of lots, or a read of lots FOR UPDATE. */
function locksLot(text: string): boolean {
  return (
    /\bUPDATE\s+"?lots"?\s+SET/i.test(text) ||
    (/\blots\b|"lots"/i.test(text) && /FOR UPDATE/i.test(text))
  );
}

function routeOf(req: http.IncomingMessage): string {
  const path = (req.url ?? '').split('?')[0];
  return `${req.method} ${path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, ':id')}`;
}

function normalizeSql(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/'[^']*'/g, "'…'")
    .trim()
    .slice(0, 110);
}

// =======================================================================================
// Profile pass

interface ProfileResult {
  clients: number;
  seconds: number;
  deals: number;
  report: ProbeReport;
}

async function profile(
  env: Record<string, string>,
  actors: Actors,
  clientCounts: number[],
): Promise<ProfileResult[]> {
  // One process: the probe's report lives in the process that answers its URL.
  const app = await startBenchApp({ ...env, WEB_CONCURRENCY: '1' }, { probe: true, tag: 'probe' });
  const results: ProfileResult[] = [];
  try {
    for (const clients of clientCounts) {
      const seconds = clients === 1 ? 4 : 6;
      const warmup = 2;
      const run = runLoad(app.http, actors, clients, warmup, seconds);
      await sleep(warmup * 1000);
      await app.http.request('GET', `${PROBE_PATH}/reset`);
      const load = await run;
      const dump = await app.http.expect<ProbeReport>(200, 'GET', `${PROBE_PATH}/reset`);
      results.push({ clients, seconds, deals: load.deals, report: dump });
    }
  } finally {
    await stopApp(app);
  }
  return results;
}

function describeProfile(result: ProfileResult, withStatements = true): string[] {
  const lines: string[] = [];
  lines.push(
    `#### Probe at ${result.clients} client${result.clients === 1 ? '' : 's'} (${result.deals} deals in ${result.seconds} s; a deal = an offer+accept pair)`,
    '',
    '| route | requests | server ms per request | queries per request (per deal when no request) | DB ms per request (before the response) | pool checkouts / wait ms per request | rest: Node, event loop ms |',
    '|---|---|---|---|---|---|---|',
  );
  const routes = Object.entries(result.report.routes).sort((a, b) => b[1].queries - a[1].queries);
  const perDeal = {
    queries: 0,
    checkouts: 0,
    lockedStatements: 0,
    lockHeldMs: 0,
    /** The hold was measured as an autocommit statement's whole time, lock wait included. */
    upperBound: false,
  };
  for (const [route, stat] of routes) {
    const per = stat.requests > 0 ? stat.requests : Math.max(1, result.deals);
    const server = stat.requests ? stat.totalMs / stat.requests : NaN;
    const inRequest = stat.queryMsInRequest / per;
    const poolWait = stat.poolWaitMs / per;
    perDeal.queries += stat.queries / per;
    perDeal.checkouts += stat.poolCheckouts / per;
    lines.push(
      `| ${route} | ${stat.requests} | ${f1(server)} | ${(stat.queries / per).toFixed(1)} | ` +
        `${f1(stat.queryMs / per)} (${f1(inRequest)}) | ${(stat.poolCheckouts / per).toFixed(1)} / ${f1(poolWait)} | ` +
        `${stat.requests ? f1(server - inRequest - poolWait) : '–'} |`,
    );
  }
  const transactions: string[] = [];
  for (const [route, stat] of routes) {
    if (!route.includes('/accept') && !route.includes('/offers')) continue;
    const per = Math.max(1, stat.requests);
    if (withStatements) {
      lines.push(
        '',
        `Queries of \`${route}\` (per request; "after" = run after the response, by the outbox relay):`,
        '',
        '| statement | per request | ms each | after |',
        '|---|---|---|---|',
      );
      for (const [sql, s] of Object.entries(stat.sql).sort((a, b) => b[1].ms - a[1].ms)) {
        lines.push(
          `| \`${sql.replace(/\|/g, '\\|')}\` | ${(s.count / per).toFixed(2)} | ${(s.ms / s.count).toFixed(2)} | ${s.afterResponse ? (s.afterResponse / per).toFixed(2) : ''} |`,
        );
      }
    }
    for (const [label, tx] of Object.entries(stat.tx)) {
      if (tx.lockHeld.length === 0) continue;
      const held = percentiles(tx.lockHeld);
      const wait = percentiles(tx.lockWait);
      const dur = percentiles(tx.durations);
      const statements = tx.statements / tx.count;
      perDeal.lockedStatements += statements;
      perDeal.lockHeldMs += held.mean;
      if (label.startsWith('(autocommit)')) {
        perDeal.upperBound = true;
        transactions.push(
          `- \`${route}\`: one autocommit statement (no transaction around it) locks the lot row, ` +
            `writes everything and commits; it takes p50 ${f1(dur.p50)} / p99 ${f1(dur.p99)} / mean ${f2(dur.mean)} ms, ` +
            `the wait for the lock included, so that is an upper bound of how long it holds the lock.`,
        );
        continue;
      }
      transactions.push(
        `- \`${route}\`: its transaction locks the lot row with its first statement and runs ` +
          `${statements.toFixed(1)} statements, then COMMIT; the whole transaction takes p50 ${f1(dur.p50)} / p99 ${f1(dur.p99)} ms; ` +
          `the lot row is held (lock granted → COMMIT done) p50 ${f1(held.p50)} / p99 ${f1(held.p99)} / mean ${f2(held.mean)} ms; ` +
          `waiting for the lock p50 ${f1(wait.p50)} / p99 ${f1(wait.p99)} ms.`,
      );
    }
  }
  lines.push(
    '',
    `Per deal: ${perDeal.queries.toFixed(1)} queries and ${perDeal.checkouts.toFixed(1)} pool checkouts; ` +
      `${perDeal.lockedStatements.toFixed(0)} statements run while the hot lot row is locked (pgbench: 2, and its COMMIT), ` +
      (perDeal.upperBound
        ? `holding it at most ${f1(perDeal.lockHeldMs)} ms in all (the statement's whole time, its wait for the lock included, so no ceiling on deals/s follows from it).`
        : `holding it ${f1(perDeal.lockHeldMs)} ms in all, so one lot takes at most ${(1000 / perDeal.lockHeldMs).toFixed(0)} deals/s at these statement latencies.`),
    '',
    ...transactions,
  );
  return lines;
}

// =======================================================================================
// BENCHMARKS.md

const SECTION = '## Negotiation hot lot';

function writeSection(content: string): void {
  const file = join(ROOT, 'BENCHMARKS.md');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n';
  const start = existing.indexOf(`${SECTION}\n`);
  let next: string;
  if (start === -1) {
    next = `${existing.replace(/\s*$/, '')}\n\n${content.trim()}\n`;
  } else {
    const after = existing.slice(start + SECTION.length);
    const nextHeading = after.search(/\n## (?!#)/);
    const end = nextHeading === -1 ? existing.length : start + SECTION.length + nextHeading + 1;
    next = `${existing.slice(0, start)}${content.trim()}\n${end < existing.length ? `\n${existing.slice(end)}` : ''}`;
  }
  writeFileSync(file, next);
}

const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '–');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '–');

// =======================================================================================
// Main

async function cleanUp(admin: pg.Client | null, queuePrefix: string): Promise<void> {
  killApps();
  if (admin && !KEEP_DB) {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    } catch (error) {
      log(`could not drop ${BENCH_DB}: ${(error as Error).message}`);
    }
  }
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    let deleted = 0;
    do {
      const [nextCursor, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${queuePrefix}:*`,
        'COUNT',
        1000,
      );
      cursor = nextCursor;
      if (keys.length > 0) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    log(`removed ${deleted} Redis keys under ${queuePrefix}:`);
  } catch (error) {
    log(`could not clean Redis keys: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

async function main(): Promise<void> {
  const startedAt = new Date();
  const deadline = setTimeout(() => {
    process.stderr.write(`bench: over its time bound (${DEADLINE_MS / 1000} s); stopping\n`);
    killApps();
    process.exit(3);
  }, DEADLINE_MS);
  deadline.unref();
  if (CLIENT_COUNTS.length === 0) throw new Error('BENCH_CLIENTS names no client count');

  const pgbenchVersion = await pgbenchAvailable();
  if (!pgbenchVersion) {
    throw new Error(
      'pgbench is not installed: on Debian, `apt-get install postgresql-client` ' +
        '(or postgresql-contrib); it ships with the PostgreSQL server packages',
    );
  }

  const admin = new pg.Client({ connectionString: ADMIN_URL });
  const queuePrefix = `ayllu-bench-${process.pid}-${Date.now()}`;
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`cannot reach PostgreSQL at ${ADMIN_URL}: ${(error as Error).message}`);
  }
  try {
    const pgVersion = (
      await admin.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)
    ).rows[0].v;
    const redisVersion = await redisInfo();
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${BENCH_DB}`);

    const machine = `${os.availableParallelism()} × ${os.cpus()[0]?.model.trim() ?? 'CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${os.type()} ${os.release()}; Node ${process.version}; PostgreSQL ${pgVersion}; Redis ${redisVersion}; ${pgbenchVersion}`;
    const loadAtStart = os.loadavg()[0];
    log(`machine: ${machine}; load average ${f2(loadAtStart)}`);

    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.tmpdir(),
      NODE_ENV: 'production',
      HOST,
      DATABASE_URL: BENCH_DB_URL,
      REDIS_URL,
      QUEUE_PREFIX: queuePrefix,
      JWT_SECRET: randomBytes(32).toString('hex'),
      LOG_LEVEL: 'info',
      LOGIN_THROTTLE_ADDRESS_LIMIT: '100000',
      WEB_CONCURRENCY: String(WEB_CONCURRENCY),
      DATABASE_POOL_SIZE: String(POOL_SIZE),
    };

    log(`starting the app on ${BENCH_DB} (queue prefix ${queuePrefix})…`);
    const app = await startBenchApp(env, { probe: false, tag: 'main' });
    const maxClients = Math.max(...CLIENT_COUNTS);
    const actors = await setUp(app.http, maxClients);
    log(`set up: 1 association, 1 open lot of ${LOT_QUANTITY} kg, ${maxClients} buyers`);

    const loads: LoadResult[] = [];
    for (const clients of CLIENT_COUNTS) {
      log(`app: ${clients} clients, ${WARMUP_S} s warm-up + ${DURATION_S} s…`);
      const result = await runLoad(app.http, actors, clients, WARMUP_S, DURATION_S, {
        admin,
        appPid: app.child.pid!,
      });
      loads.push(result);
      log(
        `  ${f1(result.dealsPerSecond)} deals/s, pair p50 ${f1(result.pair.p50)} ms p99 ${f1(result.pair.p99)} ms, ` +
          `errors ${result.errors}${result.errors ? ` ${JSON.stringify(result.errorKinds)}` : ''}`,
      );
    }
    log(`app: deals started at ${STEADY_RATE}/s, ${WARMUP_S} s warm-up + ${DURATION_S} s…`);
    const steady = await runSteady(app.http, actors, app.child.pid!);
    log(
      `  ${steady.deals} deals, errors ${steady.errors}, pair p50 ${f1(steady.pair.p50)} ms p99 ${f1(steady.pair.p99)} ms; ` +
        `CPU per deal: app ${f2(steady.appMsPerDeal)} ms, PostgreSQL ${f2(steady.postgresMsPerDeal)} ms; ` +
        (steady.drained
          ? `deliveries done ${f1(steady.drainMs / 1000)} s after the window`
          : 'deliveries NOT done 60 s after the window') +
        `; what the looping runs left: delivered ${steady.backlogDrained ? `${f1(steady.backlogMs / 1000)} s after them` : 'NOT within 60 s'}`,
    );
    await stopApp(app);

    const check = new pg.Client({ connectionString: BENCH_DB_URL });
    await check.connect();
    const totalAccepted = loads.reduce((sum, l) => sum + l.totalAccepted, 0) + steady.totalAccepted;
    const { rows: sanity } = await check.query<{
      deals: string;
      sum: string;
      sold: string;
      total: string;
    }>(
      `SELECT (SELECT count(*) FROM deals WHERE lot_id = $1)::text AS deals,
              (SELECT coalesce(sum(quantity), 0) FROM deals WHERE lot_id = $1)::text AS sum,
              quantity_sold::text AS sold, quantity_total::text AS total
         FROM lots WHERE id = $1`,
      [actors.lotId],
    );
    await check.end();
    const consistent =
      Number(sanity[0].deals) === totalAccepted && Number(sanity[0].sum) === Number(sanity[0].sold);
    log(
      `check: ${sanity[0].deals} deals in the database for ${totalAccepted} answers 201, ` +
        `Σ deal quantity ${sanity[0].sum} = quantity_sold ${sanity[0].sold}: ${consistent ? 'consistent' : 'INCONSISTENT'}`,
    );

    log('pgbench: the bare hot-lot transaction…');
    await preparePgbench();
    const dir = mkdtempSync(join(os.tmpdir(), 'ayllu-bench-'));
    const scripts = {
      update: join(dir, 'hot-lot.sql'),
      explicit: join(dir, 'hot-lot-select-for-update.sql'),
    };
    writeFileSync(scripts.update, pgbenchScript(false));
    writeFileSync(scripts.explicit, pgbenchScript(true));
    const pgbench: PgbenchResult[] = [];
    const pgbenchExplicit: PgbenchResult[] = [];
    try {
      for (const clients of CLIENT_COUNTS) {
        const result = await runPgbench(scripts.update, clients, DURATION_S);
        pgbench.push(result);
        log(`  ${clients} clients: ${f1(result.tps)} tps (latency ${f2(result.latencyMs)} ms)`);
        const explicit = await runPgbench(scripts.explicit, clients, DURATION_S);
        explicit.command = explicit.command.replace('hot-lot.sql', 'hot-lot-select-for-update.sql');
        pgbenchExplicit.push(explicit);
        log(`  ${clients} clients, SELECT … FOR UPDATE first: ${f1(explicit.tps)} tps`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const rows = CLIENT_COUNTS.map((clients, i) => ({
      load: loads[i],
      pg: pgbench[i],
      pgExplicit: pgbenchExplicit[i],
      ratio: loads[i].dealsPerSecond / pgbench[i].tps,
    }));
    const at50 = rows.find((r) => r.load.clients === 50) ?? rows[rows.length - 1];
    const belowTarget = at50.ratio < TARGET_RATIO || at50.load.pair.p99 > TARGET_P99_MS;
    for (const r of rows) {
      log(
        `ratio at ${r.load.clients} clients: ${f2(r.load.dealsPerSecond)} / ${f1(r.pg.tps)} = ${f2(r.ratio)}`,
      );
    }

    let profiles: ProfileResult[] = [];
    if (PROFILE === 'always' || (PROFILE === 'auto' && belowTarget)) {
      log('profile: the app again, with the query probe, at 1 and 50 clients…');
      profiles = await profile(env, actors, [1, Math.max(...CLIENT_COUNTS)]);
    }

    const section = [
      SECTION,
      '',
      'One hot lot, through the whole app over HTTP (keep-alive, local socket) on real',
      'PostgreSQL and Redis: each client loops "a buyer offers 1 kg at $ 240, the manager accepts',
      'it (201 deal)", each POST with its own `Idempotency-Key`, every client a different buyer,',
      `one manager. The app runs as \`npm run start:prod\` runs it (\`node ${[...productionNodeFlags(), 'dist/src/main.js'].join(' ')}\`), with \`NODE_ENV=production\`, \`LOG_LEVEL=info\``,
      `(one JSON log line per request, to a file), \`DATABASE_POOL_SIZE\` ${POOL_SIZE === 10 ? 'at its default 10' : POOL_SIZE} per process,`,
      `${WEB_CONCURRENCY === 1 ? 'one process' : `\`WEB_CONCURRENCY=${WEB_CONCURRENCY}\` (${WEB_CONCURRENCY} HTTP worker processes)`}; the load generator runs on the same machine. Measured ${DURATION_S} s per client count`,
      `after ${WARMUP_S} s of warm-up; a pair counts when it ends inside the window.`,
      'The baseline is pgbench on the bare hot-lot transaction, in the same database in the same run:',
      '`BEGIN; UPDATE bench_lots SET quantity_sold = quantity_sold + 1 WHERE id = … AND',
      'quantity_total - quantity_sold - quantity_held >= 1 RETURNING …; INSERT INTO bench_deals …;',
      'COMMIT;` (the conditional UPDATE takes the row lock; same column types, CHECK constraint and',
      "foreign key as `lots`/`deals`). The ratio is the app's deals/s ÷ pgbench tps at the same",
      'number of clients; the aim is ≥ 0.40 at 50 clients with p99 < 100 ms.',
      '',
      `- Machine: ${machine}`,
      `- Load average (1 min) when the run started: ${f2(loadAtStart)}; the machine is shared, so "other processes" below is CPU this benchmark did not use`,
      `- Command: \`npm run bench:negotiation\` (BENCH_DURATION_S=${DURATION_S}, BENCH_WARMUP_S=${WARMUP_S}, BENCH_CLIENTS=${CLIENT_COUNTS.join(',')}, BENCH_WEB_CONCURRENCY=${WEB_CONCURRENCY}, BENCH_DATABASE_POOL_SIZE=${POOL_SIZE}), run ${startedAt.toISOString()}`,
      `- pgbench: \`${pgbench[0].command}\`` +
        (CLIENT_COUNTS.length > 1
          ? ` (and \`-c ${CLIENT_COUNTS.slice(1).join('`, `-c ')}\`); the variant runs \`hot-lot-select-for-update.sql\` (the same with \`SELECT … FOR UPDATE\` of the lot first) the same way`
          : ''),
      `- Check after the runs: ${sanity[0].deals} deals in the database for ${totalAccepted} answers 201, Σ deal quantity = quantity_sold: ${consistent ? 'yes' : 'NO'}`,
      '',
      '| clients | deals/s | pair p50 ms | pair p99 ms | offer p50 / p99 ms | accept p50 / p99 ms | errors | pgbench tps | ratio | pgbench tps, SELECT … FOR UPDATE first |',
      '|---|---|---|---|---|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.load.clients} | ${f1(r.load.dealsPerSecond)} | ${f1(r.load.pair.p50)} | ${f1(r.load.pair.p99)} | ` +
          `${f1(r.load.offer.p50)} / ${f1(r.load.offer.p99)} | ${f1(r.load.accept.p50)} / ${f1(r.load.accept.p99)} | ` +
          `${r.load.errors}${
            r.load.errors
              ? ` (${Object.entries(r.load.errorKinds)
                  .map(([k, v]) => `${k}: ${v}`)
                  .join('; ')})`
              : ''
          } | ` +
          `${f1(r.pg.tps)} | **${f2(r.ratio)}** | ${f1(r.pgExplicit.tps)} |`,
      ),
      '',
      'During each measured window (pg_stat_activity sampled every 100 ms; CPU from /proc):',
      '',
      '| clients | app connections running / waiting on a lock / idle in transaction / idle (average) | transactions committed per deal (autocommit statements included) | machine CPU busy (all cores) | CPU, % of one core: app / PostgreSQL / load generator / other processes |',
      '|---|---|---|---|---|',
      ...rows.map(
        (r) =>
          `| ${r.load.clients} | ${f1(r.load.activity.running)} / ${f1(r.load.activity.waitingOnLock)} / ${f1(r.load.activity.idleInTransaction)} / ${f1(r.load.activity.idle)} | ` +
          `${f1(r.load.commitsPerDeal)} | ${f1(r.load.cpu.machinePct)} % | ` +
          `${f1(r.load.cpu.appPct)} / ${f1(r.load.cpu.postgresPct)} / ${f1(r.load.cpu.benchPct)} / ${f1(r.load.cpu.otherPct)} |`,
      ),
      '',
      `Deals started at a steady ${steady.rate} a second (${DURATION_S} s after ${WARMUP_S} s of warm-up, the`,
      'pairs not looping, below what the app can take): what a deal costs when the app keeps up,',
      'its deliveries included. It starts once the looping runs’ deliveries are done (how long',
      'after them is the last column); CPU counts from its window’s start until every deal has',
      'its market-price observation (the last of its deliveries) and no event is left to relay.',
      '',
      '| deals started per second | deals | errors | pair p50 / p99 ms | CPU per deal, ms: app / PostgreSQL | deliveries done after the window | the looping runs’ deliveries done after them |',
      '|---|---|---|---|---|---|---|',
      `| ${steady.rate} | ${steady.deals} | ${steady.errors} | ${f1(steady.pair.p50)} / ${f1(steady.pair.p99)} | ` +
        `${f2(steady.appMsPerDeal)} / ${f2(steady.postgresMsPerDeal)} | ` +
        `${steady.drained ? `${f1(steady.drainMs / 1000)} s` : '**not within 60 s**'} | ` +
        `${steady.backlogDrained ? `${f1(steady.backlogMs / 1000)} s` : '**not within 60 s**'} |`,
      ...(profiles.length > 0
        ? [
            '',
            `### Where the time goes (${belowTarget ? 'below the aim, so profiled' : 'profiled on request'})`,
            '',
            'The app once more with a query probe preloaded (`node -r dist/scripts/bench-negotiation.js`):',
            "it wraps pg's `Client#query` and attributes each query to the HTTP request that caused it",
            '(outbox relay work started by a request counts for that request, marked "after").',
            'Its own overhead is small but nonzero, so its throughput is not the one above.',
            '',
            ...profiles.flatMap((p, i) => [...describeProfile(p, i === 0), '']),
          ]
        : []),
    ].join('\n');
    writeSection(section);
    log(`wrote the "${SECTION.slice(3)}" section of BENCHMARKS.md`);
    if (profiles.length > 0)
      log(`\n${profiles.flatMap((p) => [...describeProfile(p, false), '']).join('\n')}`);
  } finally {
    await cleanUp(admin, queuePrefix);
    await admin.end().catch(() => undefined);
    clearTimeout(deadline);
  }
}

async function redisInfo(): Promise<string> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    const info = await redis.info('server');
    return /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
  } catch (error) {
    throw new Error(`cannot reach Redis at ${REDIS_URL}: ${(error as Error).message}`);
  } finally {
    redis.disconnect();
  }
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      killApps();
      process.stderr.write(
        `bench:negotiation failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
      );
      process.exit(1);
    },
  );
} else if (process.env.AYLLU_BENCH_PROBE === '1') {
  installProbe();
} else if (process.env.AYLLU_BENCH_CPU_PROF) {
  startCpuProfile(process.env.AYLLU_BENCH_CPU_PROF);
}

/**
 * `node --cpu-prof` writes its profile only on a normal exit, and Nest ends the process on
 * SIGTERM by sending the signal again; so the profile is taken with the inspector and
 * written when the first SIGTERM arrives (this listener also keeps the second from killing
 * the process before the file is written).
 */
function startCpuProfile(dir: string): void {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  process.on('SIGTERM', () => {
    session.post('Profiler.stop', (error, result) => {
      if (!error) {
        writeFileSync(
          join(dir, `ayllu-app-${process.pid}.cpuprofile`),
          JSON.stringify(result.profile),
        );
      }
      process.exit(0);
    });
  });
}

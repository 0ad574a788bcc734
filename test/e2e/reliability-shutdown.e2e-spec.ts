import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import request from 'supertest';
import { expirySweepAt } from '../../src/modules/negotiation/domain/offer-state';
import { startEmbeddedPostgres } from '../../src/shared/database/embedded-postgres';
import { newOrganization, newUser, type TestUser } from '../support/builders';
import {
  type Buyer,
  contribute,
  makeOffer,
  newBuyer,
  newLot,
  newProducer,
  productByCode,
  publish,
  waitUntil,
} from '../support/lot-builders';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { createScratchDatabase } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const MAIN = join(ROOT, 'dist', 'src', 'main.js');
const SHUTDOWN_TIMEOUT_MS = 8000;
const realPostgres = process.env.DATABASE_URL;
/**
 * Each database round trip of the app takes twice this, so the requests last until well
 * after the offer's expiry falls due. An accept is three round trips. On PostgreSQL they run
 * side by side: at 40 ms the shutdown ended 0.15 s before the expiry once the outbox relay
 * stopped running a pass per request. The embedded database has one connection and runs
 * them one after the other, so less does (at 15 ms the shutdown ended only 0.1 s after it).
 */
const DATABASE_DELAY_MS = realPostgres ? 100 : 30;
const redisUrl = process.env.REDIS_URL;
const queuePrefix = `ayllu-test-${randomUUID()}`;

/** The built app is what runs in production; build it when the sources are newer. */
async function ensureBuilt(): Promise<void> {
  const newestSource = Math.max(
    ...['src', 'migrations'].flatMap((folder) =>
      readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
        .filter((file) => file.endsWith('.ts'))
        .map((file) => statSync(join(ROOT, folder, file)).mtimeMs),
    ),
  );
  if (existsSync(MAIN) && statSync(MAIN).mtimeMs >= newestSource) return;
  await new Promise<void>((resolve, reject) => {
    execFile('npm', ['run', 'build'], { cwd: ROOT, timeout: 150_000 }, (error, _out, stderr) =>
      error ? reject(new Error(`npm run build failed: ${stderr}`)) : resolve(),
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

type Outcome = { status: number; body: Record<string, unknown> } | { error: string };

/** One request on a fresh connection (no keep-alive reuse racing the server's close). */
function send(
  port: number,
  method: 'GET' | 'POST',
  path: string,
  token: string,
  body?: object,
): Promise<Outcome> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: false,
        timeout: 20_000,
        headers: {
          Authorization: `Bearer ${token}`,
          ...(payload ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} });
        });
        res.on('error', (error: NodeJS.ErrnoException) =>
          resolve({ error: error.code ?? error.message }),
        );
      },
    );
    req.on('timeout', () => req.destroy(new Error('no answer in 20 s')));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ error: error.code ?? error.message }),
    );
    req.end(payload);
  });
}

async function jobLeftInRedis(jobId: string): Promise<boolean | 'no Redis'> {
  if (!redisUrl) return 'no Redis';
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    return (await redis.exists(`${queuePrefix}:jobs:${jobId}`)) === 1;
  } finally {
    redis.disconnect();
  }
}

describe(`SIGTERM with requests in flight (node dist/src/main.js on ${realPostgres ? 'PostgreSQL' : 'embedded PGlite'}, ${redisUrl ? 'Bull on Redis' : 'in-process jobs'})`, () => {
  let target: { url: string; close(): Promise<void> };
  let proxy: TcpProxy;
  let child: ChildProcess | undefined;
  let output = '';
  let port: number;

  beforeAll(async () => {
    await ensureBuilt();
    if (realPostgres) {
      const scratch = await createScratchDatabase(realPostgres);
      target = { url: scratch.url, close: () => scratch.drop() };
    } else {
      const embedded = await startEmbeddedPostgres('memory://', 4);
      target = { url: embedded.url, close: () => embedded.stop() };
    }
    proxy = await startTcpProxy(target.url, 5432);
    port = await freePort();
    child = spawn(process.execPath, [MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        HOST: '127.0.0.1',
        PORT: String(port),
        DATA_DIR: 'memory://',
        DATABASE_URL: proxy.url,
        ...(realPostgres ? {} : { DATABASE_POOL_SIZE: '1' }),
        ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
        QUEUE_PREFIX: queuePrefix,
        JWT_SECRET: randomBytes(32).toString('hex'),
        LOG_LEVEL: 'info',
        SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await waitUntil(
      async () => {
        if (child!.exitCode !== null) throw new Error(`the app exited at start:\n${output}`);
        const health = await send(port, 'GET', '/health', '');
        return 'status' in health && health.status === 200;
      },
      'the built app answers /health',
      60_000,
    );
  }, 240_000);

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await proxy?.close();
    await target?.close();
    if (redisUrl) {
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
      const keys = await redis.keys(`${queuePrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it('answers every request in flight, takes no new job, and exits within SHUTDOWN_TIMEOUT_MS', async () => {
    const api = request(`http://127.0.0.1:${port}`);
    const manager: TestUser = await newUser(api, 'Gerente');
    const association = await newOrganization(api, manager, 'association');
    const buyer: Buyer = await newBuyer(api, 'Camiones Loa');
    const carrotId = (await productByCode(api, 'zanahoria')).id;
    const producerId = (await newProducer(api, manager, association.id, 'Familia Anza')).id;
    const lot = await newLot(api, manager, association.id, carrotId);
    await contribute(api, manager, lot.id, producerId, '1000');
    await publish(api, manager, lot.id);
    const offers = [];
    for (const price of ['200', '205', '210']) {
      offers.push(await makeOffer(api, buyer.user, lot.id, { price, quantity: '300' }));
    }

    // An offer whose expiry job falls due while the process is shutting down: SIGTERM comes
    // about 0.7 s after it is made and the shutdown lasts well over a second (measured:
    // due 0.65 s after the signal and 0.8 s before the exit on the embedded database).
    const expiresAt = new Date(Date.now() + 1300);
    const expiringOffer = await makeOffer(api, buyer.user, lot.id, {
      price: '190',
      quantity: '100',
      expiresAt: expiresAt.toISOString(),
    });

    // Slow database: the requests below are still running when SIGTERM arrives.
    proxy.delay(DATABASE_DELAY_MS);
    const inFlight = [
      ...offers.map((offer) =>
        send(port, 'POST', `/api/v1/offers/${offer.id}/accept`, manager.token, {}),
      ),
      send(port, 'GET', `/api/v1/lots/${lot.id}`, manager.token),
      send(port, 'GET', `/api/v1/lots/${lot.id}/offers`, manager.token),
    ];
    await new Promise((resolve) => setTimeout(resolve, 600));
    const exited = new Promise<{ code: number | null; signal: string | null; at: number }>(
      (resolve) => child!.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })),
    );
    const signalledAt = Date.now();
    child!.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 200));
    const late = send(port, 'GET', `/api/v1/lots/${lot.id}`, manager.token);

    const outcomes = await Promise.all(inFlight);
    const answeredAt = Date.now();
    const lateOutcome = await late;
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error('the app did not exit')),
          SHUTDOWN_TIMEOUT_MS + 5000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    const exitMs = exit.at - signalledAt;
    process.stdout.write(
      `reliability (SIGTERM): ${outcomes.length} requests in flight answered ` +
        `${JSON.stringify(outcomes.map((o) => ('status' in o ? o.status : o.error)))} ` +
        `${answeredAt - signalledAt} ms after the signal; a request 200 ms after it: ` +
        `${'status' in lateOutcome ? lateOutcome.status : lateOutcome.error}; exit ${exit.code ?? exit.signal} ` +
        `after ${exitMs} ms\n`,
    );

    // Every request in flight got its answer: no reset, no 5xx.
    expect(outcomes).toEqual([
      expect.objectContaining({ status: 201 }),
      expect.objectContaining({ status: 201 }),
      expect.objectContaining({ status: 201 }),
      expect.objectContaining({ status: 200 }),
      expect.objectContaining({ status: 200 }),
    ]);
    // A request after the signal is answered or its connection refused, never cut halfway.
    expect([200, 503, 'ECONNREFUSED']).toContain(
      'status' in lateOutcome ? lateOutcome.status : lateOutcome.error,
    );
    // Nest closes everything, then raises the signal again, so the process ends by SIGTERM
    // as its supervisor asked (an exit code 1 would be the forced exit on timeout).
    expect(exit).toMatchObject({ code: null, signal: 'SIGTERM' });
    expect(exitMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    expect(output).toContain('"msg":"shutting down"');
    expect(output).not.toContain('shutdown timed out');

    // Straight from the database once the process is gone.
    proxy.restore();
    const db = new Client({ connectionString: target.url });
    await db.connect();
    try {
      const { rows: deals } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM deals WHERE lot_id = $1`,
        [lot.id],
      );
      expect(deals[0].n).toBe(3);
      // Its expiry fell due before the process was gone, but the workers had stopped taking
      // jobs: the row is untouched (the services still treat it as expired by its time).
      const { rows: offer } = await db.query<{ status: string; expires_at: Date }>(
        `SELECT status, expires_at FROM offers WHERE id = $1`,
        [expiringOffer.id],
      );
      expect(offer[0].status).toBe('pending');
      expect(exit.at).toBeGreaterThan(offer[0].expires_at.getTime());
      process.stdout.write(
        `reliability (SIGTERM): the expiry job was due ${exit.at - offer[0].expires_at.getTime()} ms before the exit\n`,
      );
    } finally {
      await db.end();
    }
    // With Bull the job (of the offer's second) is left in Redis for the next process, not
    // lost; in-process jobs die with their process, and the services' time checks stand in
    // for them.
    expect(await jobLeftInRedis(`offers-expire-${expirySweepAt(expiresAt).getTime()}`)).toBe(
      redisUrl ? true : 'no Redis',
    );
  });
});

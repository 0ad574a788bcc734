import { randomBytes, randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Client } from 'pg';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { createApp } from '../../src/app.factory';
import { type AppConfig, loadConfig } from '../../src/config/app-config';
import type { Clock } from '../../src/shared/clock';

export interface TestApp {
  app: NestExpressApplication;
  http: TestAgent;
  config: AppConfig;
  /** Every JSON log line the app wrote, parsed. */
  logs: string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  clock?: Clock;
  /**
   * Run on this database as it is: it is neither created nor dropped here. Several app
   * instances sharing one database (as API processes behind a load balancer do) each get
   * the same URL from `createScratchDatabase`, and the test drops it once they are closed.
   * Real PostgreSQL only: the embedded database belongs to the one process that opens it.
   */
  databaseUrl?: string;
}

/**
 * The whole app, as `npm start` builds it. With DATABASE_URL (CI), each call gets a fresh
 * database created next to the one named there and dropped at close; without it, an
 * in-memory embedded database. REDIS_URL, when set, is shared with a queue prefix of our own.
 * Instances meant to act as one deployment pass the same JWT_SECRET and QUEUE_PREFIX in `env`.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const database =
    !options.databaseUrl && process.env.DATABASE_URL
      ? await createScratchDatabase(process.env.DATABASE_URL)
      : undefined;
  const databaseUrl = options.databaseUrl ?? database?.url;
  const config = loadConfig({
    DATA_DIR: 'memory://',
    LOG_LEVEL: 'info',
    JWT_SECRET: randomBytes(32).toString('hex'),
    QUEUE_PREFIX: `ayllu-test-${randomUUID()}`,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
    ...env,
  });
  const logs: string[] = [];
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const { app } = await createApp(config, { logDestination, clock: options.clock });
  await app.init();
  return {
    app,
    http: request(app.getHttpServer()),
    config,
    logs,
    async close() {
      await app.close();
      await database?.drop();
    },
  };
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** An empty database next to the one `baseUrl` names (the app migrates it on start). */
export async function createScratchDatabase(baseUrl: string): Promise<ScratchDatabase> {
  const name = `ayllu_test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new Client({ connectionString: baseUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

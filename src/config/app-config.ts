import { resolve } from 'node:path';

/**
 * The environment, read and checked once at boot. Everything else receives this object,
 * so no module reads process.env on its own and a bad value fails the start, not a request.
 */
export interface AppConfig {
  production: boolean;
  port: number;
  host: string;
  /** Unset outside production: the app runs an embedded PGlite under `dataDir`. */
  databaseUrl?: string;
  /** Unset outside production: jobs run in-process. */
  redisUrl?: string;
  /** Where the embedded database and the generated development secret live; `memory://` keeps nothing. */
  dataDir: string;
  jwtSecret?: string;
  jwtExpiresInSeconds: number;
  platformAdmin?: { email: string; password: string };
  corsOrigins: string[];
  bodyLimitBytes: number;
  /** Largest price file `POST /market-prices/import` reads; it streams, so not a memory bound. */
  priceImportMaxBytes: number;
  logLevel: string;
  /** Prefix of every Bull queue key, so several deployments (or test files) can share one Redis. */
  queuePrefix: string;
  databasePoolSize: number;
  databaseQueryTimeoutMs: number;
  /** Longest wait for a connection: opening one, or a free one from the pool. */
  databaseConnectTimeoutMs: number;
  /** Login attempts allowed per account, and per client address, in one window. */
  loginThrottle: { accountLimit: number; addressLimit: number; windowSeconds: number };
  shutdownTimeoutMs: number;
  /** Express's `trust proxy`: whose X-Forwarded-For is believed (the console's own calls come over loopback). */
  trustProxy: string;
  /**
   * HTTP worker processes (node:cluster) sharing the port; 1 (the default) is one plain
   * process. More than 1 needs DATABASE_URL (PGlite is one process) and JWT_SECRET (every
   * worker must verify the others' tokens).
   */
  webConcurrency: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): AppConfig {
  const production = env.NODE_ENV === 'production';
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  const redisUrl = nonEmpty(env.REDIS_URL);
  const jwtSecret = nonEmpty(env.JWT_SECRET);

  if (production) {
    const missing = [
      databaseUrl ? null : 'DATABASE_URL',
      redisUrl ? null : 'REDIS_URL',
      jwtSecret ? null : 'JWT_SECRET',
    ].filter((name): name is string => name !== null);
    if (missing.length > 0) {
      throw new ConfigError(
        `NODE_ENV=production needs ${missing.join(', ')}: the embedded database and in-process jobs are for development only`,
      );
    }
  }
  if (jwtSecret && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET must be at least 32 characters');
  }

  const adminEmail = nonEmpty(env.PLATFORM_ADMIN_EMAIL);
  const adminPassword = nonEmpty(env.PLATFORM_ADMIN_PASSWORD);
  if (Boolean(adminEmail) !== Boolean(adminPassword)) {
    throw new ConfigError('PLATFORM_ADMIN_EMAIL and PLATFORM_ADMIN_PASSWORD go together');
  }

  const webConcurrency = integer(env, 'WEB_CONCURRENCY', 1, 1, 64);
  if (webConcurrency > 1 && (!databaseUrl || !jwtSecret)) {
    throw new ConfigError(
      'WEB_CONCURRENCY above 1 needs DATABASE_URL (the embedded database is one process) and JWT_SECRET',
    );
  }

  const dataDir = env.DATA_DIR === 'memory://' ? 'memory://' : resolve(env.DATA_DIR ?? 'data');

  return {
    production,
    port: integer(env, 'PORT', 3000, 0, 65535),
    host: env.HOST ?? '0.0.0.0',
    databaseUrl,
    redisUrl,
    dataDir,
    jwtSecret,
    jwtExpiresInSeconds: integer(env, 'JWT_EXPIRES_IN_SECONDS', 3600, 60, 7 * 24 * 3600),
    platformAdmin:
      adminEmail && adminPassword ? { email: adminEmail, password: adminPassword } : undefined,
    corsOrigins: (env.CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 1024 * 1024, 1024, 50 * 1024 * 1024),
    priceImportMaxBytes: integer(
      env,
      'PRICE_IMPORT_MAX_BYTES',
      128 * 1024 * 1024,
      1024,
      4 * 1024 * 1024 * 1024,
    ),
    logLevel: env.LOG_LEVEL ?? 'info',
    queuePrefix: env.QUEUE_PREFIX ?? 'ayllu',
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
    databaseQueryTimeoutMs: integer(env, 'DATABASE_QUERY_TIMEOUT_MS', 10000, 100, 600000),
    databaseConnectTimeoutMs: integer(env, 'DATABASE_CONNECT_TIMEOUT_MS', 5000, 100, 600000),
    loginThrottle: {
      accountLimit: integer(env, 'LOGIN_THROTTLE_ACCOUNT_LIMIT', 10, 1, 10000),
      addressLimit: integer(env, 'LOGIN_THROTTLE_ADDRESS_LIMIT', 100, 1, 100000),
      windowSeconds: integer(env, 'LOGIN_THROTTLE_WINDOW_SECONDS', 60, 1, 86400),
    },
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_MS', 10000, 100, 120000),
    trustProxy: nonEmpty(env.TRUST_PROXY) ?? 'loopback',
    webConcurrency,
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) {
    throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  }
  return value;
}

export const APP_CONFIG = Symbol('APP_CONFIG');

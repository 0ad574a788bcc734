import { DataSource, type MixedList, type EntitySchema, MigrationExecutor } from 'typeorm';

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  queryTimeoutMs: number;
  connectTimeoutMs: number;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  migrations: MixedList<Function | string>;
}

/** One DataSource shape for real PostgreSQL and the embedded one: same driver, same SQL. */
export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities: options.entities,
    migrations: options.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    migrationsRun: false,
    // uuid-ossp is not in PGlite; keys come from gen_random_uuid(), built into Postgres 13+.
    installExtensions: false,
    poolSize: options.poolSize,
    connectTimeoutMS: options.connectTimeoutMs,
    extra: {
      // A query waiting on a lock or a lost server must fail, not hang the request.
      query_timeout: options.queryTimeoutMs,
      statement_timeout: options.queryTimeoutMs,
      // Covers both opening a connection and waiting for a free one in the pool.
      connectionTimeoutMillis: options.connectTimeoutMs,
    },
    logging: false,
  });
}

/**
 * Several API processes may start at once against one database; an advisory lock makes
 * them apply pending migrations one after the other instead of racing on the same DDL.
 * The migrations run on the connection that holds the lock, so a pool of one connection
 * (DATABASE_POOL_SIZE=1) does not wait on itself.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      const executor = new MigrationExecutor(dataSource, runner);
      executor.transaction = 'each';
      await executor.executePendingMigrations();
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/** Arbitrary constant: "ayllu" in ASCII, so it will not collide with another app's lock by chance. */
const MIGRATION_LOCK_KEY = 0x61796c6c75;

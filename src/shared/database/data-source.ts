import { DataSource, type MixedList, type EntitySchema } from 'typeorm';

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  queryTimeoutMs: number;
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
    connectTimeoutMS: 5000,
    extra: {
      // A query waiting on a lock or a lost server must fail, not hang the request.
      query_timeout: options.queryTimeoutMs,
      statement_timeout: options.queryTimeoutMs,
      connectionTimeoutMillis: 5000,
    },
    logging: false,
  });
}

/**
 * Several API processes may start at once against one database; an advisory lock makes
 * them apply pending migrations one after the other instead of racing on the same DDL.
 */
export async function runMigrationsExclusively(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await dataSource.runMigrations({ transaction: 'each' });
    } finally {
      await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

/** Arbitrary constant: "ayllu" in ASCII, so it will not collide with another app's lock by chance. */
const MIGRATION_LOCK_KEY = 0x61796c6c75;

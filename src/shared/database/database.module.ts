import {
  type DynamicModule,
  Global,
  Injectable,
  Module,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { createDataSource, type DataSourceOptions, runMigrationsExclusively } from './data-source';
import { preparesStatements } from './prepared-query';
import { type EmbeddedPostgres, startEmbeddedPostgres } from './embedded-postgres';

/** The app's one pooled connection, plus room for a psql or TypeORM CLI session. */
const EMBEDDED_MAX_CONNECTIONS = 4;

export type DatabaseSchema = Pick<DataSourceOptions, 'entities' | 'migrations'>;

/** The open database: the DataSource every service uses, and the embedded server behind it, if any. */
@Injectable()
export class DatabaseConnection implements OnApplicationShutdown {
  constructor(
    readonly dataSource: DataSource,
    private readonly embedded: EmbeddedPostgres | undefined,
  ) {}

  static async open(config: AppConfig, schema: DatabaseSchema): Promise<DatabaseConnection> {
    const embedded = config.databaseUrl
      ? undefined
      : await startEmbeddedPostgres(config.dataDir, EMBEDDED_MAX_CONNECTIONS);
    try {
      const dataSource = createDataSource({
        ...schema,
        url: config.databaseUrl ?? embedded!.url,
        // PGlite is one database session behind the socket: extended-protocol messages of two
        // connections interleave there (a Bind of one meets the Parse of the other), so the
        // embedded database gets exactly one pooled connection. It runs one transaction at a
        // time anyway; a query issued outside its own transaction then fails after the
        // connect timeout instead of passing unnoticed.
        poolSize: embedded ? 1 : config.databasePoolSize,
        queryTimeoutMs: config.databaseQueryTimeoutMs,
        connectTimeoutMs: config.databaseConnectTimeoutMs,
      });
      await dataSource.initialize();
      if (!embedded) preparesStatements(dataSource);
      if (embedded) {
        // One process per folder (the lock file), so no other process can race the DDL.
        await dataSource.runMigrations({ transaction: 'each' });
      } else {
        await runMigrationsExclusively(dataSource);
      }
      return new DatabaseConnection(dataSource, embedded);
    } catch (error) {
      await embedded?.stop();
      throw error;
    }
  }

  /** Last of all: jobs and HTTP have stopped (beforeApplicationShutdown) by now. */
  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
    await this.embedded?.stop();
  }
}

@Global()
@Module({})
export class DatabaseModule {
  static forRoot(schema: DatabaseSchema): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        {
          provide: DatabaseConnection,
          useFactory: (config: AppConfig) => DatabaseConnection.open(config, schema),
          inject: [APP_CONFIG],
        },
        {
          provide: DataSource,
          useFactory: (connection: DatabaseConnection) => connection.dataSource,
          inject: [DatabaseConnection],
        },
      ],
      exports: [DataSource],
    };
  }
}

import { createSecretKey } from 'node:crypto';
import { type DynamicModule, Global, Module } from '@nestjs/common';
import { JwtModule } from '@nestjs/jwt';
import type { Logger } from 'pino';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { Clock } from './clock';
import { OrganizationResolver } from './auth/organization-resolver';
import { TokenService } from './auth/token.service';
import { IdempotencyService } from './idempotency/idempotency.service';
import { LOGGER } from './logging/logger';
import { Metrics } from './metrics/metrics';
import { Outbox } from './outbox/outbox.service';

/** The cross-cutting services every module may inject: one instance each per app. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(
    config: AppConfig & { jwtSecret: string },
    logger: Logger,
    metrics: Metrics,
    clock: Clock,
  ): DynamicModule {
    return {
      module: CoreModule,
      // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as
      // a PEM public key on every verification (and fails), which costs a request a lot of CPU.
      imports: [JwtModule.register({ secret: createSecretKey(Buffer.from(config.jwtSecret)) })],
      providers: [
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: Metrics, useValue: metrics },
        { provide: Clock, useValue: clock },
        TokenService,
        OrganizationResolver,
        Outbox,
        IdempotencyService,
      ],
      exports: [
        APP_CONFIG,
        LOGGER,
        Metrics,
        Clock,
        TokenService,
        OrganizationResolver,
        Outbox,
        IdempotencyService,
      ],
    };
  }
}

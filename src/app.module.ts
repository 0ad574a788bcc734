import { type DynamicModule, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import type { Request } from 'express';
import type { Logger } from 'pino';
import type { AppConfig } from './config/app-config';
import { APP_SCHEMA } from './app.schema';
import { CatalogModule } from './modules/catalog/catalog.module';
import { CostingModule } from './modules/costing/costing.module';
import { IdentityModule } from './modules/identity/identity.module';
import { MarketPricesModule } from './modules/market-prices/market-prices.module';
import { NegotiationModule } from './modules/negotiation/negotiation.module';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { PoolingModule } from './modules/pooling/pooling.module';
import { SettlementModule } from './modules/settlement/settlement.module';
import type { Clock } from './shared/clock';
import { CoreModule } from './shared/core.module';
import { DatabaseModule } from './shared/database/database.module';
import { OperationsController } from './shared/health/operations.controller';
import { IdempotencyInterceptor } from './shared/idempotency/idempotency.interceptor';
import { JobsModule } from './shared/jobs/jobs.module';
import type { Metrics } from './shared/metrics/metrics';
import { WebModule } from './web/web.module';

@Module({})
export class AppModule {
  static register(
    config: AppConfig & { jwtSecret: string },
    logger: Logger,
    metrics: Metrics,
    clock: Clock,
  ): DynamicModule {
    const windowMs = config.loginThrottle.windowSeconds * 1000;
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(config, logger, metrics, clock),
        DatabaseModule.forRoot(APP_SCHEMA),
        JobsModule.forRoot(config),
        ThrottlerModule.forRoot({
          throttlers: [
            { name: 'login-address', ttl: windowMs, limit: config.loginThrottle.addressLimit },
            {
              name: 'login-account',
              ttl: windowMs,
              limit: config.loginThrottle.accountLimit,
              getTracker: (req: Record<string, unknown>) => {
                const email = ((req as unknown as Request).body as { email?: unknown } | undefined)
                  ?.email;
                return typeof email === 'string' ? email.trim().toLowerCase() : 'no-email';
              },
            },
          ],
        }),
        IdentityModule,
        CatalogModule,
        CostingModule,
        PoolingModule,
        NegotiationModule,
        SettlementModule,
        MarketPricesModule,
        NotificationsModule,
        WebModule,
      ],
      controllers: [OperationsController],
      providers: [{ provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor }],
    };
  }
}

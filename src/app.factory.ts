import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import type { DestinationStream, Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { randomUUID } from 'node:crypto';
import { AppModule } from './app.module';
import type { AppConfig } from './config/app-config';
import { withJwtSecret } from './config/jwt-secret';
import { ProblemDetailsFilter, sendProblem } from './shared/errors/problem-details.filter';
import { type Clock, SystemClock } from './shared/clock';
import { AylluExpressAdapter } from './shared/http/ayllu-express-adapter';
import { createLogger, httpLogSerializers, PinoNestLogger } from './shared/logging/logger';
import { Metrics } from './shared/metrics/metrics';
import { rejectDeepJson } from './shared/validation/json-depth';
import { createValidationPipe } from './shared/validation/validation.pipe';
import { CONSOLE_PATHS, configureConsoleHttp } from './web/console-http';

export const API_PREFIX = 'api/v1';

export interface CreateAppOptions {
  /** Where the JSON log goes (stdout when absent); tests pass a stream they can read. */
  logDestination?: DestinationStream;
  /** The services' clock; tests pass a ManualClock to move time. */
  clock?: Clock;
}

export interface AylluApp {
  app: NestExpressApplication;
  logger: Logger;
}

/** Builds the whole application; `main.ts` listens on it, tests drive it with supertest. */
export async function createApp(
  config: AppConfig,
  options: CreateAppOptions = {},
): Promise<AylluApp> {
  const logger = createLogger(config.logLevel, options.logDestination);
  const metrics = new Metrics();
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(withJwtSecret(config), logger, metrics, options.clock ?? new SystemClock()),
    new AylluExpressAdapter(express()),
    { bodyParser: false, logger: new PinoNestLogger(logger), abortOnError: false },
  );

  // The console calls the API over loopback with the browser's address in X-Forwarded-For
  // (throttling and logs see the person, not the console); a reverse proxy on the same host
  // does the same. Addresses claimed by anyone else are ignored.
  app.set('trust proxy', config.trustProxy);
  app.use(helmet());
  if (config.corsOrigins.length > 0) {
    app.enableCors({ origin: config.corsOrigins, credentials: false, maxAge: 600 });
  }
  app.use(metrics.middleware());
  app.use(
    pinoHttp({
      logger,
      serializers: httpLogSerializers,
      wrapSerializers: false,
      genReqId: (req, res) => {
        const id = randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    }),
  );
  configureConsoleHttp(app, config.bodyLimitBytes);
  app.use(express.json({ limit: config.bodyLimitBytes, strict: true }));
  app.use(rejectDeepJson());
  // Body-parser failures (malformed JSON, too large) happen before Nest's router, so they
  // get their problem details here.
  app.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (!error) return next();
    sendProblem(error, req, res, logger);
  });

  app.setGlobalPrefix(API_PREFIX, { exclude: ['health', 'metrics', ...CONSOLE_PATHS] });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter(logger));
  app.enableShutdownHooks();

  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
  return { app, logger };
}

export function buildOpenApiDocument(app: NestExpressApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Ayllu API')
    .setDescription(
      'Cooperative marketing and collective price negotiation for small producer associations. ' +
        'Money and quantities are decimal strings; errors are RFC 9457 problem details with a stable `code`.',
    )
    .setVersion('1')
    .addBearerAuth()
    .build();
  return SwaggerModule.createDocument(app, config);
}

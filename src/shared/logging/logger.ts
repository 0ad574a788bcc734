import type { LoggerService } from '@nestjs/common';
import type { Request, Response } from 'express';
import pino, { type DestinationStream, type Logger } from 'pino';

/**
 * Paths that may hold a secret in anything we log. Request bodies are never logged, but a
 * header, an error's context or a job's data could carry one; these are censored wherever
 * they appear.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  'password',
  '*.password',
  'accessToken',
  '*.accessToken',
  'token',
  '*.token',
  'secret',
  '*.secret',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'ayllu' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination,
  );
}

/**
 * What a request's log line keeps: enough to find the request (its id is also the
 * X-Request-Id header) and what came of it. No headers: they carry credentials, and the
 * response's dozen security headers repeated on every line. pino-http builds a child
 * logger from the request before the route runs, whatever the level, so its default
 * serializers (every header, then redaction) cost more than the rest of a small request's
 * log work together.
 */
export const httpLogSerializers = {
  req: (req: Request) => ({
    id: req.id,
    method: req.method,
    url: req.originalUrl,
    // Behind the console or a trusted proxy, the person's address, as throttling sees it.
    remoteAddress: req.ip,
  }),
  res: (res: Response) => ({ statusCode: res.statusCode }),
  err: pino.stdSerializers.err,
};

/** Nest's own messages (bootstrap, route mapping) go through the same JSON log. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}

export const LOGGER = Symbol('LOGGER');

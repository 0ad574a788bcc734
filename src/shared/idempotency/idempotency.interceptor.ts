import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { catchError, from, mergeMap, type Observable, of } from 'rxjs';
import { validationFailed } from '../errors/domain-error';
import { effectiveStatus, overrideStatus } from '../http/status-override';
import type { AuthenticatedRequest } from '../auth/access';
import { IdempotencyService } from './idempotency.service';
import { IdempotentReplay, InlineIdempotency, STORES_OWN_ANSWER } from './inline-idempotency';
import { requestFingerprint } from './request-fingerprint';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * `Idempotency-Key` on a POST: the first successful answer is stored with a hash of the
 * request; a replay gets that answer again, the same key with another body is refused.
 * Keys are scoped to the caller, so two users cannot collide or read each other's answers.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly idempotency: IdempotencyService,
    private readonly reflector: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request & Partial<AuthenticatedRequest>>();
    const res = http.getResponse<Response>();
    const key = req.header('idempotency-key');
    if (req.method !== 'POST' || key === undefined) return next.handle();
    if (!KEY_PATTERN.test(key)) {
      throw validationFailed([
        {
          field: 'Idempotency-Key',
          code: 'INVALID',
          message: 'Idempotency-Key must be 1 to 200 visible ASCII characters',
        },
      ]);
    }
    const scope = req.user?.id ?? 'anonymous';
    const hash = requestFingerprint(req.method, req.originalUrl, req.body);

    if (this.reflector.get<boolean>(STORES_OWN_ANSWER, context.getHandler())) {
      return this.handleInline(
        next,
        res,
        new InlineIdempotency(scope, key, hash, this.idempotency),
        req as Request & { inlineIdempotency?: InlineIdempotency },
      );
    }

    return from(this.idempotency.start(scope, key, hash)).pipe(
      mergeMap((start) => {
        if (start.kind === 'replay') return of(replay(res, start));
        return next.handle().pipe(
          mergeMap(async (body: unknown) => {
            await this.idempotency.complete(scope, key, effectiveStatus(res), body);
            return body;
          }),
          catchError(async (error: unknown) => {
            await this.idempotency.release(scope, key);
            throw error;
          }),
        );
      }),
    );
  }

  /**
   * A handler that stores its own answer (StoresOwnIdempotentAnswer): it gets the key and
   * either stores the answer with its change or claims the key first. When it wrote nothing
   * under the key and fails, the failure may be a replay's (the first request's change
   * makes the same request invalid now: an accepted offer cannot be accepted again), so
   * the earlier answer, if any, wins over the failure.
   */
  private handleInline(
    next: CallHandler,
    res: Response,
    inline: InlineIdempotency,
    req: Request & { inlineIdempotency?: InlineIdempotency },
  ): Observable<unknown> {
    req.inlineIdempotency = inline;
    const { scope, key, requestHash } = inline;
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        if (inline.claimed) {
          await this.idempotency.complete(scope, key, effectiveStatus(res), body);
        } else if (!inline.stored) {
          // A path that neither stored nor claimed: the answer is stored now, so that a
          // replay still repeats it.
          const start = await this.idempotency.start(scope, key, requestHash);
          if (start.kind === 'execute') {
            await this.idempotency.complete(scope, key, effectiveStatus(res), body);
          }
        }
        return body;
      }),
      catchError(async (error: unknown) => {
        if (error instanceof IdempotentReplay) return replay(res, error);
        if (inline.claimed) {
          await this.idempotency.release(scope, key);
          throw error;
        }
        if (inline.stored) throw error;
        const earlier = await this.idempotency.earlierAnswer(scope, key, requestHash);
        if (earlier) return replay(res, earlier);
        throw error;
      }),
    );
  }
}

function replay(res: Response, answer: { status: number; body: unknown }): unknown {
  overrideStatus(res, answer.status);
  res.setHeader('Idempotent-Replayed', 'true');
  return answer.body;
}

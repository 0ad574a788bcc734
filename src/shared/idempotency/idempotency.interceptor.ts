import {
  type CallHandler,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { catchError, from, mergeMap, type Observable, of } from 'rxjs';
import { validationFailed } from '../errors/domain-error';
import { effectiveStatus, overrideStatus } from '../http/status-override';
import type { AuthenticatedRequest } from '../auth/access';
import { IdempotencyService } from './idempotency.service';
import { requestFingerprint } from './request-fingerprint';

const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * `Idempotency-Key` on a POST: the first successful answer is stored with a hash of the
 * request; a replay gets that answer again, the same key with another body is refused.
 * Keys are scoped to the caller, so two users cannot collide or read each other's answers.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly idempotency: IdempotencyService) {}

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

    return from(this.idempotency.start(scope, key, hash)).pipe(
      mergeMap((start) => {
        if (start.kind === 'replay') {
          overrideStatus(res, start.status);
          res.setHeader('Idempotent-Replayed', 'true');
          return of(start.body);
        }
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
}

import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { preparedQuery } from '../database/prepared-query';
import { DomainError } from '../errors/domain-error';
import { IdempotencyErrors } from './idempotency.errors';

export type IdempotencyStart =
  { kind: 'execute' } | { kind: 'replay'; status: number; body: unknown };

/**
 * A request left in progress this long is taken to have died with its process (the
 * response was never stored), and the key may run again.
 */
const ABANDONED_AFTER_SECONDS = 60;

@Injectable()
export class IdempotencyService {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Claims the key with a single INSERT ... ON CONFLICT: of two concurrent requests with
   * the same key exactly one inserts and executes; the other sees the row and is told the
   * first is in progress (or gets its stored answer).
   */
  async start(scope: string, key: string, requestHash: string): Promise<IdempotencyStart> {
    const claimed = await preparedQuery<unknown>(
      this.dataSource,
      `INSERT INTO idempotency_keys (scope, key, request_hash, state)
       VALUES ($1, $2, $3, 'in_progress')
       ON CONFLICT (scope, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, created_at = now(), updated_at = now()
         WHERE idempotency_keys.state = 'in_progress'
           AND idempotency_keys.request_hash = EXCLUDED.request_hash
           AND idempotency_keys.updated_at < now() - make_interval(secs => $4)
       RETURNING scope`,
      [scope, key, requestHash, ABANDONED_AFTER_SECONDS],
    );
    if (claimed.length === 1) return { kind: 'execute' };
    return (
      (await this.earlierAnswer(scope, key, requestHash)) ?? this.start(scope, key, requestHash)
    );
  }

  /**
   * What an earlier request with this key left: its answer to replay, or a refusal (another
   * request, or still in progress); null when it left nothing (it failed, or never ran).
   */
  async earlierAnswer(
    scope: string,
    key: string,
    requestHash: string,
  ): Promise<Extract<IdempotencyStart, { kind: 'replay' }> | null> {
    const [existing] = await preparedQuery<{
      request_hash: string;
      state: string;
      response_status: number | null;
      response_body: unknown;
    }>(
      this.dataSource,
      `SELECT request_hash, state, response_status, response_body
         FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [scope, key],
    );
    if (!existing) return null;
    if (existing.request_hash !== requestHash) {
      throw new DomainError(
        IdempotencyErrors.IDEMPOTENCY_KEY_REUSED,
        'this Idempotency-Key was first used with a different request',
      );
    }
    if (existing.state !== 'completed' || existing.response_status === null) {
      throw new DomainError(
        IdempotencyErrors.IDEMPOTENCY_REQUEST_IN_PROGRESS,
        'the first request with this Idempotency-Key has not finished; retry later',
      );
    }
    return { kind: 'replay', status: existing.response_status, body: existing.response_body };
  }

  async complete(scope: string, key: string, status: number, body: unknown): Promise<void> {
    await preparedQuery(
      this.dataSource,
      `UPDATE idempotency_keys
          SET state = 'completed', response_status = $3, response_body = $4, updated_at = now()
        WHERE scope = $1 AND key = $2`,
      [scope, key, status, JSON.stringify(body ?? null)],
    );
  }

  /** A failed request stores nothing: the client may fix the cause and retry with the same key. */
  async release(scope: string, key: string): Promise<void> {
    await preparedQuery(
      this.dataSource,
      `DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND state = 'in_progress'`,
      [scope, key],
    );
  }
}

import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { LOGGER } from '../../shared/logging/logger';
import {
  appendEvent,
  type ChainedEvent,
  type ChainHead,
  type ChainVerification,
  GENESIS_HASH,
  type JsonValue,
  verifyChain,
} from '../negotiation/domain/history-chain';
import { LotHistoryEvent } from './entities/lot-history-event.entity';

export interface NewHistoryEvent {
  type: string;
  at: Date;
  actor: string;
  data: JsonValue;
}

/**
 * The staging INSERT of a lot's events as one statement with array parameters (numbered
 * from `firstParameter`), for `append` and for callers that stage events inside a larger
 * statement; with `source`, only if that relation (a CTE of the statement) has a row.
 * Rows keep the order of `events` (unnest WITH ORDINALITY), which the chain follows.
 */
export function historyInsert(
  lotId: string,
  events: NewHistoryEvent[],
  firstParameter: number,
  source?: string,
): { sql: string; parameters: unknown[] } {
  const p = (i: number) => `$${firstParameter + i}`;
  return {
    sql:
      `INSERT INTO lot_history_pending (lot_id, type, at, actor, data) ` +
      `SELECT ${p(0)}::uuid, e.type, e.at, e.actor, e.data ` +
      `FROM unnest(${p(1)}::text[], ${p(2)}::timestamptz[], ${p(3)}::text[], ${p(4)}::jsonb[]) ` +
      `WITH ORDINALITY AS e(type, at, actor, data, n)` +
      (source ? ` WHERE EXISTS (SELECT 1 FROM ${source})` : '') +
      ` ORDER BY e.n`,
    parameters: [
      lotId,
      events.map((event) => event.type),
      events.map((event) => event.at),
      events.map((event) => event.actor),
      events.map((event) => JSON.stringify(event.data)),
    ],
  };
}

const CHAIN_INTERVAL_MS = 1000;
const LOTS_PER_PASS = 100;

/**
 * Each lot's append-only, hash-chained log, in two steps. `append` stages events with the
 * writer's transaction (committed with the change they describe, touching no shared row);
 * `chain` moves a lot's staged events onto the chain in staging order, under the lock of
 * that lot's head row, so two chainers can never fork it. Every read chains first, and a
 * timer chains whatever is left, so events stay unchained for about a second at most.
 */
@Injectable()
export class LotHistory implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async append(manager: EntityManager, lotId: string, events: NewHistoryEvent[]): Promise<void> {
    if (events.length === 0) return;
    const insert = historyInsert(lotId, events, 1);
    await manager.query(insert.sql, insert.parameters);
  }

  /** Moves the lot's staged events onto its chain; returns the head after them. */
  chain(lotId: string): Promise<{ seq: number; head: string }> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(
        `INSERT INTO lot_history_heads (lot_id, seq, head) VALUES ($1, 0, $2) ON CONFLICT DO NOTHING`,
        [lotId, GENESIS_HASH],
      );
      const [current] = await manager.query<{ seq: number; head: string }[]>(
        `SELECT seq, head FROM lot_history_heads WHERE lot_id = $1 FOR UPDATE`,
        [lotId],
      );
      const staged = await manager.query<
        { id: string; type: string; at: Date; actor: string; data: JsonValue }[]
      >(`SELECT id, type, at, actor, data FROM lot_history_pending WHERE lot_id = $1 ORDER BY id`, [
        lotId,
      ]);
      if (staged.length === 0) return current;
      let head: ChainHead | null =
        current.seq === 0 ? null : { lotId, seq: current.seq, hash: current.head };
      const chained: ChainedEvent[] = [];
      for (const event of staged) {
        const row = appendEvent(head, { lotId, ...event });
        chained.push(row);
        head = row;
      }
      const values: unknown[] = [];
      const rows = chained.map((row, i) => {
        values.push(
          row.lotId,
          row.seq,
          row.type,
          row.at,
          row.actor,
          JSON.stringify(row.data),
          row.prevHash,
          row.hash,
        );
        const p = i * 8;
        return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}, $${p + 7}, $${p + 8})`;
      });
      await manager.query(
        `INSERT INTO lot_history (lot_id, seq, type, at, actor, data, prev_hash, hash) VALUES ${rows.join(', ')}`,
        values,
      );
      await manager.query(`DELETE FROM lot_history_pending WHERE lot_id = $1 AND id <= $2`, [
        lotId,
        staged[staged.length - 1].id,
      ]);
      const last = chained[chained.length - 1];
      await manager.query(`UPDATE lot_history_heads SET seq = $2, head = $3 WHERE lot_id = $1`, [
        lotId,
        last.seq,
        last.hash,
      ]);
      return { seq: last.seq, head: last.hash };
    });
  }

  /** The whole chain, verified against the head row (which also catches a cut-off tail). */
  async read(lotId: string): Promise<{ events: ChainedEvent[]; verification: ChainVerification }> {
    const { head } = await this.chain(lotId);
    const rows = await this.dataSource.getRepository(LotHistoryEvent).find({
      where: { lotId },
      order: { seq: 'ASC' },
    });
    const events = rows.map((row): ChainedEvent => ({
      lotId: row.lotId,
      seq: row.seq,
      type: row.type,
      at: row.at.toISOString(),
      actor: row.actor,
      data: row.data,
      prevHash: row.prevHash,
      hash: row.hash,
    }));
    return { events, verification: verifyChain(events, { expectedHeadHash: head }) };
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.chainPending(), CHAIN_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.pass;
  }

  /** One pass over the lots with staged events; several processes may run it side by side. */
  chainPending(): Promise<void> {
    this.pass ??= (async () => {
      if (!this.dataSource.isInitialized) return;
      const lots = await this.dataSource.query<{ lot_id: string }[]>(
        `SELECT DISTINCT lot_id FROM lot_history_pending LIMIT ${LOTS_PER_PASS}`,
      );
      for (const { lot_id } of lots) await this.chain(lot_id);
    })()
      .catch((error: unknown) =>
        this.logger.warn({ err: error }, 'lot history chaining failed; retried next pass'),
      )
      .finally(() => {
        this.pass = undefined;
      });
    return this.pass;
  }
}

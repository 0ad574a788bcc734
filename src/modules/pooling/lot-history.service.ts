import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  appendEvent,
  type ChainedEvent,
  type ChainVerification,
  type JsonValue,
  verifyChain,
} from '../negotiation/domain/history-chain';
import { LotHistoryEvent } from './entities/lot-history-event.entity';
import type { Lot } from './entities/lot.entity';

export interface NewHistoryEvent {
  type: string;
  at: Date;
  actor: string;
  data: JsonValue;
}

/**
 * Each lot's append-only, hash-chained log. The chain's head (seq and hash) lives on the
 * lot row, so appending happens under the lot's row lock, which every writer of a lot
 * already holds: two writers can never fork the chain.
 */
@Injectable()
export class LotHistory {
  constructor(private readonly dataSource: DataSource) {}

  /** `lot` must be locked by the caller's transaction; its head fields are advanced in place. */
  async append(manager: EntityManager, lot: Lot, events: NewHistoryEvent[]): Promise<void> {
    if (events.length === 0) return;
    let head =
      lot.historySeq === 0 ? null : { lotId: lot.id, seq: lot.historySeq, hash: lot.historyHead };
    const rows: ChainedEvent[] = [];
    for (const event of events) {
      const row = appendEvent(head, { lotId: lot.id, ...event });
      rows.push(row);
      head = row;
    }
    for (const row of rows) {
      await manager.query(
        `INSERT INTO lot_history (lot_id, seq, type, at, actor, data, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          row.lotId,
          row.seq,
          row.type,
          row.at,
          row.actor,
          JSON.stringify(row.data),
          row.prevHash,
          row.hash,
        ],
      );
    }
    const last = rows[rows.length - 1];
    await manager.query(`UPDATE lots SET history_seq = $2, history_head = $3 WHERE id = $1`, [
      lot.id,
      last.seq,
      last.hash,
    ]);
    lot.historySeq = last.seq;
    lot.historyHead = last.hash;
  }

  async read(lot: Lot): Promise<{ events: ChainedEvent[]; verification: ChainVerification }> {
    const rows = await this.dataSource.getRepository(LotHistoryEvent).find({
      where: { lotId: lot.id },
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
    return { events, verification: verifyChain(events, { expectedHeadHash: lot.historyHead }) };
  }
}

import { Column, Entity, PrimaryColumn } from 'typeorm';
import type { JsonValue } from '../../negotiation/domain/history-chain';

/** Append-only: rows are inserted by LotHistory and never updated. */
@Entity('lot_history')
export class LotHistoryEvent {
  @PrimaryColumn({ name: 'lot_id', type: 'uuid' })
  lotId!: string;

  @PrimaryColumn({ type: 'integer' })
  seq!: number;

  @Column({ type: 'text' })
  type!: string;

  @Column({ type: 'timestamptz' })
  at!: Date;

  @Column({ type: 'text' })
  actor!: string;

  @Column({ type: 'jsonb' })
  data!: JsonValue;

  @Column({ name: 'prev_hash', type: 'text' })
  prevHash!: string;

  @Column({ type: 'text' })
  hash!: string;
}

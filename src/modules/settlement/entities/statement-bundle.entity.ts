import { Column, Entity, PrimaryColumn } from 'typeorm';

export type StatementBundleStatus = 'pending' | 'ready' | 'failed';

/** Every producer's statement of a confirmed settlement in one PDF, rendered by a job. */
@Entity('settlement_statement_bundles')
export class StatementBundle {
  @PrimaryColumn({ name: 'settlement_id', type: 'uuid' })
  settlementId!: string;

  @Column({ type: 'text' })
  status!: StatementBundleStatus;

  /** Bumped on each new request after a failure, so the job id of the retry is new. */
  @Column({ type: 'integer', default: 1 })
  generation!: number;

  @Column({ name: 'requested_by', type: 'uuid' })
  requestedBy!: string;

  @Column({ name: 'requested_at', type: 'timestamptz' })
  requestedAt!: Date;

  @Column({ name: 'ready_at', type: 'timestamptz', nullable: true })
  readyAt!: Date | null;

  @Column({ type: 'integer', nullable: true })
  pages!: number | null;

  @Column({ type: 'bytea', nullable: true, select: false })
  pdf!: Buffer | null;
}

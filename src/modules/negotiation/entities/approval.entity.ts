import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { ApprovalPolicy } from '../../identity/domain/roles';
import type { ApprovalStatus, AssociationRole, VoteChoice, Voter } from '../domain/approval';

@Entity('approvals')
export class Approval {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'lot_id', type: 'uuid' })
  lotId!: string;

  @Column({ name: 'offer_id', type: 'uuid' })
  offerId!: string;

  @Column({ type: 'text' })
  policy!: ApprovalPolicy;

  @Column({ type: 'text', default: 'pending' })
  status!: ApprovalStatus;

  @Column({ type: 'numeric', precision: 5, scale: 4, nullable: true })
  threshold!: string | null;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  electorate!: Voter[];

  @Column({ name: 'quantity_held', type: 'numeric', precision: 20, scale: 6 })
  quantityHeld!: string;

  @Column({ name: 'closes_at', type: 'timestamptz' })
  closesAt!: Date;

  @Column({ name: 'requested_by_user_id', type: 'uuid' })
  requestedByUserId!: string;

  @Column({ name: 'override_reason', type: 'text', nullable: true })
  overrideReason!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;
}

@Entity('approval_votes')
export class ApprovalVoteRecord {
  @PrimaryColumn({ name: 'approval_id', type: 'uuid' })
  approvalId!: string;

  @PrimaryColumn({ name: 'user_id', type: 'uuid' })
  userId!: string;

  @Column({ type: 'text', nullable: true })
  role!: AssociationRole | null;

  @Column({ type: 'text' })
  choice!: VoteChoice;

  @Column({ name: 'cast_at', type: 'timestamptz' })
  castAt!: Date;
}

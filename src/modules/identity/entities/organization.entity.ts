import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { ApprovalPolicy, FloorPolicy, OrganizationKind } from '../domain/roles';

@Entity('organizations')
export class Organization {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  kind!: OrganizationKind;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text', nullable: true })
  rut!: string | null;

  @Column({ name: 'community_id', type: 'uuid', nullable: true })
  communityId!: string | null;

  @Column({ name: 'approval_policy', type: 'text', default: 'manager' })
  approvalPolicy!: ApprovalPolicy;

  @Column({ name: 'vote_threshold', type: 'numeric', precision: 5, scale: 4, default: '0.5' })
  voteThreshold!: string;

  @Column({ name: 'vote_hours', type: 'integer', default: 48 })
  voteHours!: number;

  @Column({ name: 'floor_policy', type: 'text', default: 'block' })
  floorPolicy!: FloorPolicy;

  @Column({ name: 'commission_rate', type: 'numeric', precision: 7, scale: 6, default: '0' })
  commissionRate!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Currency } from '../../../shared/money';

@Entity('deals')
export class Deal {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'lot_id', type: 'uuid' })
  lotId!: string;

  @Column({ name: 'offer_id', type: 'uuid' })
  offerId!: string;

  @Column({ name: 'buyer_organization_id', type: 'uuid' })
  buyerOrganizationId!: string;

  @Column({ type: 'numeric', precision: 20, scale: 6 })
  price!: string;

  @Column({ type: 'numeric', precision: 20, scale: 6 })
  quantity!: string;

  @Column({ type: 'text' })
  currency!: Currency;

  @Column({ name: 'payment_terms_days', type: 'integer' })
  paymentTermsDays!: number;

  @Column({ type: 'text', default: 'confirmed' })
  status!: 'confirmed' | 'delivered' | 'settled';

  @Column({ name: 'approval_id', type: 'uuid', nullable: true })
  approvalId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

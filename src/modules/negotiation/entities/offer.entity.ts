import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { OfferParty, OfferStatus } from '../domain/offer-state';

@Entity('offers')
export class Offer {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'lot_id', type: 'uuid' })
  lotId!: string;

  @Column({ name: 'buyer_organization_id', type: 'uuid' })
  buyerOrganizationId!: string;

  /** The id of the thread's first offer: every counter in the thread shares it. */
  @Column({ name: 'thread_id', type: 'uuid' })
  threadId!: string;

  @Column({ name: 'parent_offer_id', type: 'uuid', nullable: true })
  parentOfferId!: string | null;

  @Column({ type: 'text' })
  kind!: 'offer' | 'bid';

  @Column({ name: 'made_by', type: 'text' })
  madeBy!: OfferParty;

  @Column({ name: 'made_by_user_id', type: 'uuid' })
  madeByUserId!: string;

  @Column({ type: 'numeric', precision: 20, scale: 6 })
  price!: string;

  @Column({ type: 'numeric', precision: 20, scale: 6 })
  quantity!: string;

  @Column({ name: 'min_quantity', type: 'numeric', precision: 20, scale: 6 })
  minQuantity!: string;

  @Column({ name: 'payment_terms_days', type: 'integer' })
  paymentTermsDays!: number;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'text', default: 'pending' })
  status!: OfferStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'decided_at', type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @Column({ name: 'decided_by_user_id', type: 'uuid', nullable: true })
  decidedByUserId!: string | null;
}

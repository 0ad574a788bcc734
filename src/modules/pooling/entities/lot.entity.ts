import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Currency } from '../../../shared/money';
import type { LotMechanism } from '../../negotiation/domain/tender-window';
import type { PricingRule } from '../../negotiation/domain/tender-allocation';
import type { LotStatus } from '../domain/lot-state';

@Entity('lots')
export class Lot {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'product_id', type: 'uuid' })
  productId!: string;

  @Column({ type: 'text' })
  grade!: string;

  @Column({ type: 'text' })
  unit!: string;

  @Column({ type: 'text' })
  currency!: Currency;

  @Column({ type: 'text' })
  mechanism!: LotMechanism;

  @Column({ name: 'pricing_rule', type: 'text', nullable: true })
  pricingRule!: PricingRule | null;

  @Column({ name: 'asking_price', type: 'numeric', precision: 20, scale: 6, nullable: true })
  askingPrice!: string | null;

  @Column({ name: 'reserve_price', type: 'numeric', precision: 20, scale: 6, nullable: true })
  reservePrice!: string | null;

  @Column({ name: 'min_order_quantity', type: 'numeric', precision: 20, scale: 6 })
  minOrderQuantity!: string;

  @Column({ name: 'delivery_from', type: 'date' })
  deliveryFrom!: string;

  @Column({ name: 'delivery_to', type: 'date' })
  deliveryTo!: string;

  @Column({ name: 'delivery_point', type: 'text' })
  deliveryPoint!: string;

  @Column({ name: 'closes_at', type: 'timestamptz', nullable: true })
  closesAt!: Date | null;

  @Column({ type: 'text', default: 'draft' })
  status!: LotStatus;

  @Column({ name: 'quantity_total', type: 'numeric', precision: 20, scale: 6, default: '0' })
  quantityTotal!: string;

  @Column({ name: 'quantity_sold', type: 'numeric', precision: 20, scale: 6, default: '0' })
  quantitySold!: string;

  @Column({ name: 'quantity_held', type: 'numeric', precision: 20, scale: 6, default: '0' })
  quantityHeld!: string;

  @Column({ name: 'created_by', type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'published_at', type: 'timestamptz', nullable: true })
  publishedAt!: Date | null;

  @Column({ name: 'closed_at', type: 'timestamptz', nullable: true })
  closedAt!: Date | null;
}

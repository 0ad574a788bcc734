import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/** What the buyer received of one deal: one delivery per deal, never edited once recorded. */
@Entity('deliveries')
export class Delivery {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'deal_id', type: 'uuid' })
  dealId!: string;

  @Column({ name: 'lot_id', type: 'uuid' })
  lotId!: string;

  @Column({ name: 'quantity_delivered', type: 'numeric', precision: 20, scale: 6 })
  quantityDelivered!: string;

  @Column({ name: 'quantity_accepted', type: 'numeric', precision: 20, scale: 6 })
  quantityAccepted!: string;

  @Column({ name: 'recorded_by', type: 'uuid' })
  recordedBy!: string;

  @Column({ name: 'recorded_at', type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ name: 'buyer_confirmed_by', type: 'uuid', nullable: true })
  buyerConfirmedBy!: string | null;

  @Column({ name: 'buyer_confirmed_at', type: 'timestamptz', nullable: true })
  buyerConfirmedAt!: Date | null;
}

@Entity('delivery_lines')
export class DeliveryLine {
  @PrimaryColumn({ name: 'delivery_id', type: 'uuid' })
  deliveryId!: string;

  @PrimaryColumn({ name: 'producer_id', type: 'uuid' })
  producerId!: string;

  @Column({ name: 'quantity_delivered', type: 'numeric', precision: 20, scale: 6 })
  quantityDelivered!: string;

  @Column({ name: 'quantity_accepted', type: 'numeric', precision: 20, scale: 6 })
  quantityAccepted!: string;

  @Column({ type: 'text', nullable: true })
  grade!: string | null;
}

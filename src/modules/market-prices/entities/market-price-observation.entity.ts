import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import type { Currency } from '../../../shared/money';
import type { PriceSource } from '../domain/price-observation';
import type { BaseUnit } from '../domain/unit-label';

/**
 * One published price: a product's min/max/average on one market day, per unit as the
 * source wrote it. Unique on (date, market, product, variety, quality, unit, origin) except
 * for the platform's own deals (market `ayllu`), which are one row per deal.
 */
@Entity('market_price_observations')
export class MarketPriceObservation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'product_id', type: 'uuid' })
  productId!: string;

  /** The source's own product name (ODEPA's `Producto`), kept to audit the alias used. */
  @Column({ name: 'product_name_as_published', type: 'text', nullable: true })
  productNameAsPublished!: string | null;

  @Column({ type: 'text' })
  market!: string;

  /** `YYYY-MM-DD`: TypeORM hydrates a date column as text (raw SQL must cast `date::text`). */
  @Column({ type: 'date' })
  date!: string;

  @Column({ name: 'unit_label', type: 'text' })
  unitLabel!: string;

  @Column({ name: 'base_unit', type: 'text' })
  baseUnit!: BaseUnit;

  /** How much of the base unit one published unit holds (25 for `$/saco 25 kilos`). */
  @Column({ name: 'base_quantity', type: 'numeric', precision: 20, scale: 6 })
  baseQuantity!: string;

  @Column({ type: 'text' })
  currency!: Currency;

  @Column({ name: 'price_min', type: 'numeric', precision: 20, scale: 6, nullable: true })
  priceMin!: string | null;

  @Column({ name: 'price_max', type: 'numeric', precision: 20, scale: 6, nullable: true })
  priceMax!: string | null;

  @Column({ name: 'price_avg', type: 'numeric', precision: 20, scale: 6 })
  priceAvg!: string;

  @Column({ type: 'numeric', precision: 20, scale: 6, nullable: true })
  volume!: string | null;

  @Column({ type: 'text', nullable: true })
  variety!: string | null;

  @Column({ type: 'text', nullable: true })
  quality!: string | null;

  @Column({ type: 'text', nullable: true })
  origin!: string | null;

  @Column({ type: 'text', nullable: true })
  region!: string | null;

  /** null: the source does not say. */
  @Column({ name: 'vat_included', type: 'boolean', nullable: true })
  vatIncluded!: boolean | null;

  @Column({ type: 'text' })
  source!: PriceSource;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;

  /** Set on market `ayllu` rows: the platform deal the price comes from. */
  @Column({ name: 'deal_id', type: 'uuid', nullable: true })
  dealId!: string | null;
}

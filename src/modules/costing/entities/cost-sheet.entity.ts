import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Currency } from '../../../shared/money';

/**
 * The stored shape of a cost sheet; its lines are `CostSheetLineEntity` rows. Named with
 * `Entity` because `CostSheet` is the calculator's own type (domain/cost-sheet.ts).
 */
@Entity('cost_sheets')
export class CostSheetEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ name: 'producer_id', type: 'uuid', nullable: true })
  producerId!: string | null;

  @Column({ name: 'product_id', type: 'uuid' })
  productId!: string;

  @Column({ type: 'text', nullable: true })
  name!: string | null;

  @Column({ type: 'text' })
  season!: string;

  @Column({ name: 'area_ha', type: 'numeric', precision: 20, scale: 6 })
  areaHa!: string;

  @Column({ type: 'text' })
  currency!: Currency;

  @Column({ name: 'yield_low', type: 'numeric', precision: 20, scale: 6 })
  yieldLow!: string;

  @Column({ name: 'yield_expected', type: 'numeric', precision: 20, scale: 6 })
  yieldExpected!: string;

  @Column({ name: 'yield_high', type: 'numeric', precision: 20, scale: 6 })
  yieldHigh!: string;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'created_by', type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}

import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { CostCategory, CostLineKind } from '../domain/cost-sheet';

/**
 * One line of a cost sheet, in the sheet's order (`position`). Only the columns of the
 * line's kind are set; a placeholder (started from a template) has no figure at all.
 */
@Entity('cost_sheet_lines')
export class CostSheetLineEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'cost_sheet_id', type: 'uuid' })
  costSheetId!: string;

  @Column({ type: 'integer' })
  position!: number;

  @Column({ type: 'text' })
  kind!: CostLineKind;

  @Column({ type: 'text' })
  category!: CostCategory;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'is_placeholder', type: 'boolean', default: false })
  isPlaceholder!: boolean;

  @Column({ type: 'text', nullable: true })
  period!: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 6, nullable: true })
  quantity!: string | null;

  @Column({ type: 'text', nullable: true })
  unit!: string | null;

  @Column({ name: 'unit_price', type: 'numeric', precision: 20, scale: 6, nullable: true })
  unitPrice!: string | null;

  @Column({ name: 'source_sheet_id', type: 'uuid', nullable: true })
  sourceSheetId!: string | null;

  @Column({ name: 'asset_value', type: 'numeric', precision: 20, scale: 6, nullable: true })
  assetValue!: string | null;

  @Column({ name: 'salvage_value', type: 'numeric', precision: 20, scale: 6, nullable: true })
  salvageValue!: string | null;

  @Column({ name: 'life_years', type: 'numeric', precision: 20, scale: 6, nullable: true })
  lifeYears!: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 6, nullable: true })
  share!: string | null;

  @Column({ name: 'annual_rate', type: 'numeric', precision: 20, scale: 6, nullable: true })
  annualRate!: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 6, nullable: true })
  months!: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 6, nullable: true })
  rate!: string | null;

  @Column({ name: 'base_categories', type: 'text', array: true, nullable: true })
  baseCategories!: CostCategory[] | null;
}

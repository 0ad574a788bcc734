import { Column, CreateDateColumn, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import type { Currency } from '../../../shared/money';
import type {
  PayoutGradeQuantity,
  SettlementDealFigures,
  SettlementDeduction,
} from '../domain/payout-split';
import type { SettlementStatus } from '../domain/settlement-status';

export type SettlementKind = 'settlement' | 'adjustment';

/** The figures an adjustment corrects to; the adjustment's own columns are the differences. */
export interface CorrectedTotals {
  gross: string;
  deductions: SettlementDeduction[];
  totalDeductions: string;
  net: string;
}

@Entity('settlements')
export class Settlement {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'lot_id', type: 'uuid' })
  lotId!: string;

  @Column({ name: 'organization_id', type: 'uuid' })
  organizationId!: string;

  @Column({ type: 'text' })
  kind!: SettlementKind;

  @Column({ name: 'adjusts_settlement_id', type: 'uuid', nullable: true })
  adjustsSettlementId!: string | null;

  @Column({ type: 'text', default: 'draft' })
  status!: SettlementStatus;

  @Column({ type: 'text' })
  currency!: Currency;

  @Column({ type: 'numeric', precision: 20, scale: 6 })
  gross!: string;

  @Column({ name: 'total_deductions', type: 'numeric', precision: 20, scale: 6 })
  totalDeductions!: string;

  @Column({ type: 'numeric', precision: 20, scale: 6 })
  net!: string;

  @Column({ type: 'jsonb' })
  deductions!: SettlementDeduction[];

  @Column({ name: 'grade_factors', type: 'jsonb' })
  gradeFactors!: Record<string, string>;

  @Column({ type: 'jsonb' })
  deals!: SettlementDealFigures[];

  @Column({ type: 'jsonb', nullable: true })
  corrected!: CorrectedTotals | null;

  @Column({ type: 'integer', default: 1 })
  version!: number;

  @Column({ name: 'computed_by', type: 'uuid' })
  computedBy!: string;

  @Column({ name: 'computed_at', type: 'timestamptz' })
  computedAt!: Date;

  @Column({ name: 'confirmed_by', type: 'uuid', nullable: true })
  confirmedBy!: string | null;

  @Column({ name: 'confirmed_at', type: 'timestamptz', nullable: true })
  confirmedAt!: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

@Entity('settlement_payouts')
export class SettlementPayout {
  @PrimaryColumn({ name: 'settlement_id', type: 'uuid' })
  settlementId!: string;

  @PrimaryColumn({ name: 'producer_id', type: 'uuid' })
  producerId!: string;

  @Column({ name: 'quantity_delivered', type: 'numeric', precision: 20, scale: 6 })
  quantityDelivered!: string;

  @Column({ type: 'numeric', precision: 20, scale: 6 })
  quantity!: string;

  @Column({ type: 'numeric' })
  weight!: string;

  @Column({ type: 'jsonb' })
  grades!: PayoutGradeQuantity[];

  @Column({ name: 'gross_share', type: 'numeric', precision: 20, scale: 6 })
  grossShare!: string;

  /** One per settlement deduction, in order; null on an adjustment, which carries totals only. */
  @Column({ name: 'deduction_shares', type: 'jsonb', nullable: true })
  deductionShares!: string[] | null;

  @Column({ name: 'total_deductions', type: 'numeric', precision: 20, scale: 6 })
  totalDeductions!: string;

  @Column({ type: 'numeric', precision: 20, scale: 6 })
  amount!: string;

  @Column({ name: 'confirmed_amount', type: 'numeric', precision: 20, scale: 6, nullable: true })
  confirmedAmount!: string | null;

  @Column({ name: 'corrected_amount', type: 'numeric', precision: 20, scale: 6, nullable: true })
  correctedAmount!: string | null;
}

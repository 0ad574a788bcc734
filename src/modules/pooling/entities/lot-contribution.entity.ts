import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('lot_contributions')
export class LotContribution {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ name: 'lot_id', type: 'uuid' })
  lotId!: string;

  @Column({ name: 'producer_id', type: 'uuid' })
  producerId!: string;

  @Column({ type: 'numeric', precision: 20, scale: 6 })
  quantity!: string;

  @Column({ type: 'text', nullable: true })
  grade!: string | null;

  @Column({ name: 'cost_sheet_id', type: 'uuid', nullable: true })
  costSheetId!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';

/** A product name as a price source writes it (ODEPA's `Haba`) → a catalogue product. */
@Entity('market_product_aliases')
export class MarketProductAlias {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** The name folded (no accents, lower case): `Quínoa` and `Quinoa` are one alias. */
  @Column({ name: 'name_key', type: 'text' })
  nameKey!: string;

  /** The name as first written, for people. */
  @Column({ type: 'text' })
  name!: string;

  @Column({ name: 'product_id', type: 'uuid' })
  productId!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}

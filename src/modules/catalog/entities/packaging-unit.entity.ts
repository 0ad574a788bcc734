import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A unit buyers trade in (a 20 kg sack of carrots) and how much of the base unit it holds. */
@Entity('packaging_units')
export class PackagingUnit {
  @PrimaryColumn({ name: 'product_id', type: 'uuid' })
  productId!: string;

  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ name: 'name_es', type: 'text' })
  nameEs!: string;

  @Column({ name: 'name_en', type: 'text' })
  nameEn!: string;

  @Column({ name: 'quantity_in_base_unit', type: 'numeric', precision: 14, scale: 4 })
  quantityInBaseUnit!: string;
}

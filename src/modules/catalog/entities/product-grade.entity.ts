import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity('product_grades')
export class ProductGrade {
  @PrimaryColumn({ name: 'product_id', type: 'uuid' })
  productId!: string;

  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ name: 'name_es', type: 'text' })
  nameEs!: string;

  @Column({ name: 'name_en', type: 'text' })
  nameEn!: string;

  /** 1 is the best grade. */
  @Column({ type: 'integer' })
  rank!: number;
}

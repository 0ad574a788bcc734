import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Entity('communities')
export class Community {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  commune!: string;

  @Column({ type: 'integer', nullable: true })
  families!: number | null;

  @Column({ name: 'altitude_m', type: 'integer', nullable: true })
  altitudeM!: number | null;

  @Column({
    name: 'distance_km_to_calama',
    type: 'numeric',
    precision: 8,
    scale: 1,
    nullable: true,
  })
  distanceKmToCalama!: string | null;

  @Column({ name: 'cultivated_ha', type: 'numeric', precision: 10, scale: 2, nullable: true })
  cultivatedHa!: string | null;

  @Column({ name: 'product_codes', type: 'text', array: true, default: () => "'{}'" })
  productCodes!: string[];

  @Column({ type: 'text', nullable: true })
  notes!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;
}

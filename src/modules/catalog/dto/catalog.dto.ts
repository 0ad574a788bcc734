import { ApiProperty } from '@nestjs/swagger';

export class CommunityResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() commune!: string;
  @ApiProperty({ nullable: true, type: Number }) families!: number | null;
  @ApiProperty({ nullable: true, type: Number }) altitudeM!: number | null;
  @ApiProperty({ nullable: true, type: String }) distanceKmToCalama!: string | null;
  @ApiProperty({ nullable: true, type: String }) cultivatedHa!: string | null;
  @ApiProperty({ type: [String] }) productCodes!: string[];
  @ApiProperty({ nullable: true, type: String }) notes!: string | null;
}

export class GradeResponse {
  @ApiProperty({ example: 'A' }) code!: string;
  @ApiProperty({ example: 'Primera' }) nameEs!: string;
  @ApiProperty({ example: 'First grade' }) nameEn!: string;
  @ApiProperty({ description: '1 is the best grade' }) rank!: number;
}

export class PackagingUnitResponse {
  @ApiProperty({ example: 'saco-20kg' }) code!: string;
  @ApiProperty({ example: 'Saco 20 kilos' }) nameEs!: string;
  @ApiProperty({ example: '20 kg sack' }) nameEn!: string;
  @ApiProperty({ example: '20', description: 'how much of the base unit one holds' })
  quantityInBaseUnit!: string;
}

export class ProductResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'zanahoria' }) code!: string;
  @ApiProperty({ example: 'Zanahoria' }) nameEs!: string;
  @ApiProperty({ example: 'Carrot' }) nameEn!: string;
  @ApiProperty({ example: 'hortaliza' }) category!: string;
  @ApiProperty({ example: 'kg' }) baseUnit!: string;
  @ApiProperty({ type: [GradeResponse] }) grades!: GradeResponse[];
  @ApiProperty({ type: [PackagingUnitResponse] }) packagingUnits!: PackagingUnitResponse[];
}

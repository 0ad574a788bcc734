import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsDateString,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
} from 'class-validator';
import { CURRENCIES, type Currency } from '../../../shared/money';
import { PageQuery } from '../../../shared/pagination/pagination';
import { DecimalField } from '../../../shared/validation/decimal.validators';
import type { PricingRule } from '../../negotiation/domain/tender-allocation';
import type { LotMechanism } from '../../negotiation/domain/tender-window';
import { LOT_STATUSES, type LotStatus } from '../domain/lot-state';

const MECHANISMS: LotMechanism[] = ['negotiation', 'tender'];
const PRICING_RULES: PricingRule[] = ['pay_as_bid', 'uniform'];
const QUANTITY = { maxScale: 6, max: '99999999999999' } as const;

export class CreateLotRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  productId!: string;

  @ApiProperty({ example: 'A', description: 'one of the product grades' })
  @IsString()
  @MaxLength(20)
  grade!: string;

  @ApiProperty({
    example: 'kg',
    description: "the product's base unit or one of its packaging units",
  })
  @IsString()
  @MaxLength(40)
  unit!: string;

  @ApiProperty({ enum: CURRENCIES })
  @IsIn(CURRENCIES)
  currency!: Currency;

  @ApiProperty({ enum: MECHANISMS })
  @IsIn(MECHANISMS)
  mechanism!: LotMechanism;

  @ApiPropertyOptional({ enum: PRICING_RULES, description: 'tenders only; default pay_as_bid' })
  @IsOptional()
  @IsIn(PRICING_RULES)
  pricingRule?: PricingRule;

  @DecimalField({
    optional: true,
    greaterThan: '0',
    ...QUANTITY,
    description: 'price per unit the association asks',
  })
  askingPrice?: string;

  @DecimalField({
    optional: true,
    greaterThan: '0',
    ...QUANTITY,
    description: 'never shown to buyers',
  })
  reservePrice?: string;

  @DecimalField({ greaterThan: '0', ...QUANTITY, example: '500' })
  minOrderQuantity!: string;

  @ApiProperty({ example: '2026-12-01' })
  @IsDateString({ strict: true })
  deliveryFrom!: string;

  @ApiProperty({ example: '2026-12-15' })
  @IsDateString({ strict: true })
  deliveryTo!: string;

  @ApiProperty({ example: 'Sede de la asociación, Lasana' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  deliveryPoint!: string;

  @ApiPropertyOptional({ description: 'tenders: when bidding closes (ISO 8601 with offset)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  closesAt?: string;
}

export class AddContributionRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  producerId!: string;

  @DecimalField({ greaterThan: '0', ...QUANTITY, example: '1200' })
  quantity!: string;

  @ApiPropertyOptional({ example: 'A' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  grade?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: "the producer's cost sheet, for the floor price",
  })
  @IsOptional()
  @IsUUID()
  costSheetId?: string;
}

export class LotListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LOT_STATUSES })
  @IsOptional()
  @IsIn(LOT_STATUSES)
  status?: LotStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  productId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  communityId?: string;
}

export class ContributionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) producerId!: string;
  @ApiProperty() quantity!: string;
  @ApiProperty({ nullable: true, type: String }) grade!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'uuid' }) costSheetId!: string | null;
  @ApiProperty() createdAt!: string;
}

/** What a buyer sees of a lot. */
export class LotResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) organizationId!: string;
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty() grade!: string;
  @ApiProperty() unit!: string;
  @ApiProperty({ enum: CURRENCIES }) currency!: Currency;
  @ApiProperty({ enum: MECHANISMS }) mechanism!: LotMechanism;
  @ApiProperty({ enum: PRICING_RULES, nullable: true }) pricingRule!: PricingRule | null;
  @ApiProperty({ nullable: true, type: String }) askingPrice!: string | null;
  @ApiProperty() minOrderQuantity!: string;
  @ApiProperty() deliveryFrom!: string;
  @ApiProperty() deliveryTo!: string;
  @ApiProperty() deliveryPoint!: string;
  @ApiProperty({ nullable: true, type: String }) closesAt!: string | null;
  @ApiProperty({ enum: LOT_STATUSES }) status!: LotStatus;
  @ApiProperty() quantityTotal!: string;
  @ApiProperty() quantityAvailable!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) publishedAt!: string | null;
}

/** What the association's own members see besides. */
export class AssociationLotResponse extends LotResponse {
  @ApiProperty({ nullable: true, type: String }) reservePrice!: string | null;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'weighted break-even of the contributions',
  })
  floorPrice!: string | null;
  @ApiProperty() quantitySold!: string;
  @ApiProperty() quantityHeld!: string;
  @ApiProperty({ type: [ContributionResponse] }) contributions!: ContributionResponse[];
}

export class CostBasisQuery {
  @DecimalField({
    optional: true,
    greaterThan: '0',
    ...QUANTITY,
    description: 'price per lot unit',
  })
  price?: string;
}

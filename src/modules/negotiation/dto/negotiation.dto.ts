import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { DecimalField } from '../../../shared/validation/decimal.validators';

const FIGURE = { greaterThan: '0', maxScale: 6, max: '99999999999999' } as const;

export class MakeOfferRequest {
  @DecimalField({ ...FIGURE, description: 'price per unit of the lot', example: '250' })
  price!: string;

  @DecimalField({ ...FIGURE, example: '2000' })
  quantity!: string;

  @DecimalField({
    ...FIGURE,
    optional: true,
    description: 'least the buyer will take; default: all of quantity',
  })
  minQuantity?: string;

  @ApiProperty({ minimum: 0, maximum: 365, example: 30 })
  @IsInt()
  @Min(0)
  @Max(365)
  paymentTermsDays!: number;

  @ApiProperty({ example: '2026-12-01T18:00:00-03:00' })
  @IsISO8601({ strict: true })
  expiresAt!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'needed only when the caller acts for several buyers',
  })
  @IsOptional()
  @IsUUID()
  buyerOrganizationId?: string;
}

export class CounterOfferRequest {
  @DecimalField({ ...FIGURE, example: '270' })
  price!: string;

  @DecimalField({ ...FIGURE, example: '2000' })
  quantity!: string;

  @ApiProperty({ example: '2026-12-02T18:00:00-03:00' })
  @IsISO8601({ strict: true })
  expiresAt!: string;

  @DecimalField({ ...FIGURE, optional: true })
  minQuantity?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 365 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(365)
  paymentTermsDays?: number;

  @ApiPropertyOptional({ description: 'association only: why a price below the floor is offered' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  overrideReason?: string;
}

export class AcceptOfferRequest {
  @ApiPropertyOptional({ description: 'why the association accepts below its floor price' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  overrideReason?: string;
}

export class VoteRequest {
  @ApiProperty({ enum: ['approve', 'reject'] })
  @IsIn(['approve', 'reject'])
  choice!: 'approve' | 'reject';
}

export class OfferResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty({ format: 'uuid' }) buyerOrganizationId!: string;
  @ApiProperty({ format: 'uuid' }) threadId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) parentOfferId!: string | null;
  @ApiProperty({ enum: ['offer', 'bid'] }) kind!: string;
  @ApiProperty({ enum: ['buyer', 'association'] }) madeBy!: string;
  @ApiProperty() price!: string;
  @ApiProperty() quantity!: string;
  @ApiProperty() minQuantity!: string;
  @ApiProperty() paymentTermsDays!: number;
  @ApiProperty() expiresAt!: string;
  @ApiProperty({
    enum: ['pending', 'countered', 'accepted', 'rejected', 'withdrawn', 'expired', 'superseded'],
  })
  status!: string;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ nullable: true, type: String }) decidedAt!: string | null;
}

export class OfferWithThreadResponse extends OfferResponse {
  @ApiProperty({ type: [OfferResponse], description: 'every offer of the thread, oldest first' })
  thread!: OfferResponse[];
}

export class DealResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty({ format: 'uuid' }) offerId!: string;
  @ApiProperty({ format: 'uuid' }) buyerOrganizationId!: string;
  @ApiProperty() price!: string;
  @ApiProperty() quantity!: string;
  @ApiProperty() currency!: string;
  @ApiProperty() paymentTermsDays!: number;
  @ApiProperty() status!: string;
  @ApiProperty() createdAt!: string;
}

export class ApprovalVoteResponse {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ nullable: true, type: String }) role!: string | null;
  @ApiProperty({ enum: ['approve', 'reject'] }) choice!: string;
  @ApiProperty() castAt!: string;
}

export class ApprovalResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty({ format: 'uuid' }) offerId!: string;
  @ApiProperty({ enum: ['manager', 'two_person', 'member_vote'] }) policy!: string;
  @ApiProperty({ enum: ['pending', 'approved', 'rejected', 'expired'] }) status!: string;
  @ApiProperty({ nullable: true, type: String }) threshold!: string | null;
  @ApiProperty() quantityHeld!: string;
  @ApiProperty() closesAt!: string;
  @ApiProperty({ description: 'member_vote: each contributing producer and its weight' })
  weights!: { producerId: string; userId: string | null; weight: string }[];
  @ApiProperty({ type: [ApprovalVoteResponse] }) votes!: ApprovalVoteResponse[];
  @ApiProperty({ description: 'the tally at the time of reading' }) tally!: Record<string, unknown>;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) dealId!: string | null;
}

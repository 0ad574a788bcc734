import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { DecimalField } from '../../../shared/validation/decimal.validators';
import { DEDUCTION_TYPES, type DeductionType } from '../domain/payout-split';

/** numeric(20, 6): the domain refuses finer figures; the currency's minor unit is its check. */
const FIGURE = { maxScale: 6, max: '99999999999999' } as const;
/** A pool of an association of about a thousand families, with room to spare. */
const MAX_LINES = 20_000;

export class DeliveryLineRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  producerId!: string;

  @DecimalField({ ...FIGURE, min: '0', example: '420.5' })
  quantityDelivered!: string;

  @DecimalField({ ...FIGURE, min: '0', description: 'at most quantityDelivered', example: '400' })
  quantityAccepted!: string;

  @ApiProperty({ description: "a grade of the lot's product", example: 'A' })
  @IsString()
  @MinLength(1)
  @MaxLength(20)
  grade!: string;
}

export class RecordDeliveryRequest {
  @ApiProperty({ type: [DeliveryLineRequest], description: 'one line per producer' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LINES)
  @ValidateNested({ each: true })
  @Type(() => DeliveryLineRequest)
  lines!: DeliveryLineRequest[];
}

export class DeliveryLineResponse {
  @ApiProperty({ format: 'uuid' }) producerId!: string;
  @ApiProperty() quantityDelivered!: string;
  @ApiProperty() quantityAccepted!: string;
  @ApiProperty({ nullable: true, type: String }) grade!: string | null;
}

export class DeliveryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) dealId!: string;
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty() quantityDelivered!: string;
  @ApiProperty() quantityAccepted!: string;
  @ApiProperty() recordedAt!: string;
  @ApiProperty({ nullable: true, type: String, description: "the buyer agent's receipt" })
  buyerConfirmedAt!: string | null;
  @ApiProperty({ type: [DeliveryLineResponse] }) lines!: DeliveryLineResponse[];
}

export class RecordedDeliveryResponse extends DeliveryResponse {
  @ApiProperty({ enum: ['delivered'] }) dealStatus!: string;
  @ApiProperty({ description: 'delivered once every deal of the lot is' }) lotStatus!: string;
}

export class RecordPaymentRequest {
  @DecimalField({ ...FIGURE, greaterThan: '0', description: "in the deal's currency" })
  amount!: string;

  @ApiProperty({ example: '2026-12-15T12:00:00-03:00', description: 'not in the future' })
  @IsISO8601({ strict: true })
  receivedAt!: string;

  @ApiPropertyOptional({ description: 'transfer number, cheque, receipt', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  reference?: string;
}

export class DealBalanceResponse {
  @ApiProperty({
    enum: ['contracted', 'accepted'],
    description: 'contracted: price × deal quantity; accepted: price × accepted at delivery',
  })
  basis!: string;
  @ApiProperty() amountDue!: string;
  @ApiProperty() paid!: string;
  @ApiProperty() outstanding!: string;
  @ApiProperty({ description: 'owed back to the buyer after a smaller acceptance' })
  overpaid!: string;
}

export class PaymentResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) dealId!: string;
  @ApiProperty() amount!: string;
  @ApiProperty() currency!: string;
  @ApiProperty() receivedAt!: string;
  @ApiProperty({ nullable: true, type: String }) reference!: string | null;
  @ApiProperty() recordedAt!: string;
}

export class RecordedPaymentResponse extends PaymentResponse {
  @ApiProperty({ type: DealBalanceResponse, description: 'the deal once this payment counts' })
  balance!: DealBalanceResponse;
}

export class DealAccountResponse extends DealBalanceResponse {
  @ApiProperty({ format: 'uuid' }) dealId!: string;
  @ApiProperty() currency!: string;
  @ApiProperty() dealStatus!: string;
  @ApiProperty({ type: [PaymentResponse] }) payments!: PaymentResponse[];
}

export class DeductionRequest {
  @ApiProperty({ enum: DEDUCTION_TYPES })
  @IsIn(DEDUCTION_TYPES)
  type!: DeductionType;

  @DecimalField({ ...FIGURE, min: '0', optional: true, description: 'a fixed amount' })
  amount?: string;

  @DecimalField({
    maxScale: 6,
    min: '0',
    max: '1',
    optional: true,
    description: 'a fraction of the gross: "0.03" is 3 %',
  })
  rate?: string;
}

export class ComputeSettlementRequest {
  @ApiPropertyOptional({
    type: [DeductionRequest],
    description:
      "applied in the order freight, packaging, commission, other; each with an amount or a rate; without a commission line the association's commissionRate applies",
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => DeductionRequest)
  deductions?: DeductionRequest[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'string' },
    example: { A: '1', B: '0.85' },
    description: 'grade → factor (> 0); a grade not named weighs 1',
  })
  @IsOptional()
  @IsObject()
  gradeFactors?: Record<string, string>;
}

export class SettlementDeductionResponse {
  @ApiProperty({ enum: DEDUCTION_TYPES }) type!: string;
  @ApiProperty({ enum: ['amount', 'rate'] }) basis!: string;
  @ApiProperty({ nullable: true, type: String }) rate!: string | null;
  @ApiProperty() amount!: string;
  @ApiProperty({ enum: ['request', 'association'] }) source!: string;
}

export class SettlementDealResponse {
  @ApiProperty({ format: 'uuid' }) dealId!: string;
  @ApiProperty() price!: string;
  @ApiProperty() quantityAccepted!: string;
  @ApiProperty() amount!: string;
}

export class PayoutGradeResponse {
  @ApiProperty({ nullable: true, type: String }) grade!: string | null;
  @ApiProperty() factor!: string;
  @ApiProperty() quantityAccepted!: string;
}

export class PayoutResponse {
  @ApiProperty({ format: 'uuid' }) producerId!: string;
  @ApiProperty() producerName!: string;
  @ApiProperty() quantityDelivered!: string;
  @ApiProperty({ description: 'accepted quantity' }) quantity!: string;
  @ApiProperty({ description: 'Σ accepted × grade factor' }) weight!: string;
  @ApiProperty({ type: [PayoutGradeResponse] }) grades!: PayoutGradeResponse[];
  @ApiProperty() grossShare!: string;
  @ApiProperty({
    type: [String],
    nullable: true,
    description: 'one per deduction, in order; null on an adjustment',
  })
  deductionShares!: string[] | null;
  @ApiProperty() totalDeductions!: string;
  @ApiProperty({ description: 'paid to the producer; on an adjustment, the difference' })
  amount!: string;
  @ApiProperty({ nullable: true, type: String }) confirmedAmount!: string | null;
  @ApiProperty({ nullable: true, type: String }) correctedAmount!: string | null;
}

export class CorrectedTotalsResponse {
  @ApiProperty() gross!: string;
  @ApiProperty({ type: [SettlementDeductionResponse] })
  deductions!: SettlementDeductionResponse[];
  @ApiProperty() totalDeductions!: string;
  @ApiProperty() net!: string;
}

export class SettlementSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) lotId!: string;
  @ApiProperty({ enum: ['settlement', 'adjustment'] }) kind!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String })
  adjustsSettlementId!: string | null;
  @ApiProperty({ enum: ['draft', 'confirmed'] }) status!: string;
  @ApiProperty({ description: 'recomputations of the draft, starting at 1' }) version!: number;
  @ApiProperty() currency!: string;
  @ApiProperty({ description: 'on an adjustment: corrected − confirmed' }) gross!: string;
  @ApiProperty({ type: [SettlementDeductionResponse] })
  deductions!: SettlementDeductionResponse[];
  @ApiProperty() totalDeductions!: string;
  @ApiProperty() net!: string;
  @ApiProperty({ type: CorrectedTotalsResponse, nullable: true })
  corrected!: CorrectedTotalsResponse | null;
  @ApiProperty() computedAt!: string;
  @ApiProperty({ nullable: true, type: String }) confirmedAt!: string | null;
}

export class SettlementResponse extends SettlementSummaryResponse {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  gradeFactors!: Record<string, string>;
  @ApiProperty({ type: [SettlementDealResponse] }) deals!: SettlementDealResponse[];
  @ApiProperty({ type: [PayoutResponse], description: 'Σ amount = net' })
  payouts!: PayoutResponse[];
}

export class StatementBundleResponse {
  @ApiProperty({ format: 'uuid' }) settlementId!: string;
  @ApiProperty({ enum: ['pending', 'ready', 'failed'] }) status!: string;
  @ApiProperty() requestedAt!: string;
  @ApiProperty({ nullable: true, type: String }) readyAt!: string | null;
  @ApiProperty({ nullable: true, type: Number }) pages!: number | null;
  @ApiProperty({ description: 'where the PDF is, once status is ready' }) href!: string;
}

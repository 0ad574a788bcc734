import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { CURRENCIES, type Currency } from '../../../shared/money';
import { PageQuery } from '../../../shared/pagination/pagination';
import { DecimalField } from '../../../shared/validation/decimal.validators';
import { PRICE_SCALE, PRICE_SOURCES, type PriceSource } from '../domain/price-observation';
import { BASE_UNITS, type BaseUnit } from '../domain/unit-label';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` calendar date that exists (no 2026-02-30). */
function CalendarDateField(): PropertyDecorator {
  return applyDecorators(
    Matches(DATE_ONLY, {
      message: ({ property }) => `${property} must be a date such as 2026-10-05`,
    }),
    IsISO8601({ strict: true }, { message: ({ property }) => `${property} is not a real date` }),
  );
}

export class RecordMarketPriceRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  productId!: string;

  @ApiProperty({ example: 'Feria Modelo de Calama' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  market!: string;

  @ApiProperty({ example: '2026-10-05' })
  @CalendarDateField()
  date!: string;

  @ApiProperty({
    example: '$/saco 25 kilos',
    description: 'as the market quotes it: `$/kilo`, `$/saco 25 kilos`, `kg`, `saco-25kg`...',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  unit!: string;

  @ApiProperty({ enum: CURRENCIES })
  @IsIn(CURRENCIES)
  currency!: Currency;

  @DecimalField({ optional: true, greaterThan: '0', maxScale: PRICE_SCALE, example: '4500' })
  priceMin?: string;

  @DecimalField({ optional: true, greaterThan: '0', maxScale: PRICE_SCALE, example: '5000' })
  priceMax?: string;

  @DecimalField({ greaterThan: '0', maxScale: PRICE_SCALE, example: '4761.1765' })
  priceAvg!: string;

  @DecimalField({ optional: true, min: '0', maxScale: PRICE_SCALE, example: '850' })
  volume?: string;

  @ApiPropertyOptional({ example: 'Sin especificar' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  variety?: string;

  @ApiPropertyOptional({ example: 'Primera' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  quality?: string;

  @ApiPropertyOptional({ example: 'Region de Antofagasta' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  origin?: string;

  @ApiPropertyOptional({ example: 'Region de Antofagasta' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  region?: string;

  @ApiPropertyOptional({ description: 'whether the prices include VAT; absent: not stated' })
  @IsOptional()
  @IsBoolean()
  vatIncluded?: boolean;
}

export class ListMarketPricesQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  productId?: string;

  @ApiPropertyOptional({ description: 'exact market name, any case; `ayllu` for deal prices' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  market?: string;

  @ApiPropertyOptional({ example: '2026-10-01', description: 'first date, inclusive' })
  @IsOptional()
  @CalendarDateField()
  from?: string;

  @ApiPropertyOptional({ example: '2026-10-31', description: 'last date, inclusive' })
  @IsOptional()
  @CalendarDateField()
  to?: string;
}

export class MarketPriceResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty({ example: 'Mercado Mayorista Lo Valledor de Santiago' }) market!: string;
  @ApiProperty({ example: '2026-10-05' }) date!: string;
  @ApiProperty({ example: '$/saco 20 kilos', description: 'the unit as published' })
  unit!: string;
  @ApiProperty({ enum: BASE_UNITS }) baseUnit!: BaseUnit;
  @ApiProperty({ example: '20', description: 'how much of the base unit one unit holds' })
  quantityInBaseUnit!: string;
  @ApiProperty({ enum: CURRENCIES }) currency!: Currency;
  @ApiProperty({ nullable: true, type: String, example: '4500' }) priceMin!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '5000' }) priceMax!: string | null;
  @ApiProperty({ example: '4761.1765' }) priceAvg!: string;
  @ApiProperty({
    example: '238.0588',
    description: 'the average price of one base unit, rounded half-even to 4 decimals',
  })
  priceAvgPerBaseUnit!: string;
  @ApiProperty({ nullable: true, type: String, example: '850' }) volume!: string | null;
  @ApiProperty({ nullable: true, type: String }) variety!: string | null;
  @ApiProperty({ nullable: true, type: String }) quality!: string | null;
  @ApiProperty({ nullable: true, type: String }) origin!: string | null;
  @ApiProperty({ nullable: true, type: String }) region!: string | null;
  @ApiProperty({ nullable: true, type: Boolean }) vatIncluded!: boolean | null;
  @ApiProperty({ enum: PRICE_SOURCES }) source!: PriceSource;
  @ApiProperty() createdAt!: string;
}

export class ImportIssueResponse {
  @ApiProperty({ description: 'line of the file, the header being line 1' }) line!: number;
  @ApiProperty({ nullable: true, type: String, description: 'the column heading as in the file' })
  field!: string | null;
  @ApiProperty({ example: 'UNIT_NOT_PARSED' }) code!: string;
  @ApiProperty() message!: string;
}

export class UnknownProductResponse {
  @ApiProperty({ example: 'Papa' }) name!: string;
  @ApiProperty() rows!: number;
}

export class ImportReportResponse {
  @ApiProperty({ enum: ['odepa', 'ayllu'] }) layout!: 'odepa' | 'ayllu';
  @ApiProperty({ enum: ['utf-8', 'windows-1252'] }) encoding!: 'utf-8' | 'windows-1252';
  @ApiProperty({ enum: [',', ';'] }) delimiter!: ',' | ';';
  @ApiProperty({ description: 'data rows read (the header not counted)' }) rowsRead!: number;
  @ApiProperty({ description: 'new observations' }) inserted!: number;
  @ApiProperty({ description: 'observations whose figures the file changed' }) updated!: number;
  @ApiProperty({ description: 'rows identical to an observation already stored' })
  unchanged!: number;
  @ApiProperty({ description: 'rows skipped because no alias maps their product' })
  skippedUnknownProduct!: number;
  @ApiProperty({ type: [UnknownProductResponse] }) unknownProducts!: UnknownProductResponse[];
  @ApiProperty({ description: 'rows refused, each with at least one entry in errors' })
  rowsWithErrors!: number;
  @ApiProperty({ type: [ImportIssueResponse] }) errors!: ImportIssueResponse[];
  @ApiProperty({ description: 'true when more issues were found than are listed' })
  errorsTruncated!: boolean;
}

export class PutProductAliasRequest {
  @ApiProperty({ format: 'uuid', description: 'the catalogue product the name stands for' })
  @IsUUID()
  productId!: string;
}

export class ProductAliasResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'Haba' }) name!: string;
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty({ example: 'habas' }) productCode!: string;
  @ApiProperty() createdAt!: string;
}

export class MarketBenchmarkResponse {
  @ApiProperty({ example: 'Mercado Mayorista Lo Valledor de Santiago' }) market!: string;
  @ApiProperty({ description: 'observations behind the figure' }) observations!: number;
  @ApiProperty({
    example: '238.0588',
    description: 'median of the daily average prices, per base unit, 4 decimals half-even',
  })
  medianPricePerBaseUnit!: string;
  @ApiProperty({
    example: '-15.99',
    description: '(offer − median) / median × 100, 2 decimals half-even; negative: below market',
  })
  differencePercent!: string;
  @ApiProperty({ example: '2026-10-05' }) firstDate!: string;
  @ApiProperty({ example: '2026-10-30' }) lastDate!: string;
  @ApiProperty({ nullable: true, type: Boolean, description: 'null: unknown or mixed' })
  vatIncluded!: boolean | null;
}

/** What `GET /offers/:id/benchmark` answers; built by MarketPricesService.benchmark. */
export class OfferBenchmarkResponse {
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty({ enum: CURRENCIES }) currency!: Currency;
  @ApiProperty({ enum: BASE_UNITS }) baseUnit!: BaseUnit;
  @ApiProperty({ example: '200' }) offerPricePerBaseUnit!: string;
  @ApiProperty({ example: '2026-10-31', description: 'the last day of the window' }) asOf!: string;
  @ApiProperty({ example: '2026-10-02', description: 'the first day of the 30-day window' })
  from!: string;
  @ApiProperty({
    enum: ['available', 'none'],
    description: '`none`: no observation in the window, and so no figure at all',
  })
  reference!: 'available' | 'none';
  @ApiProperty({ type: [MarketBenchmarkResponse] }) markets!: MarketBenchmarkResponse[];
}

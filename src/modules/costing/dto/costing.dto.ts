import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  Allow,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { PageQuery } from '../../../shared/pagination/pagination';
import { CURRENCIES, type Currency } from '../../../shared/money';
import { COST_CATEGORIES, type CostCategory, type CostLineKind } from '../domain/cost-sheet';

/*
 * The figures of a sheet (currency, area, yields, lines) are checked by the costing domain
 * (domain/cost-sheet-validation.ts), which names every faulty field with its dotted path
 * (`lines.3.unitPrice`) in one answer; the DTOs only let them through (`@Allow`) and
 * document them. Fields that belong to the application (product, producer, season, version)
 * are checked here.
 */

/** "2026-2027" (a season across the new year, as fichas name them) or "2026". */
export const SEASON_PATTERN = /^\d{4}(-\d{4})?$/;
export const MAX_SHEET_NAME_LENGTH = 120;
/** About 500 ficha rows of generous width; the JSON body limit applies as well. */
export const MAX_CSV_LENGTH = 200_000;

const FIGURE = { type: String, example: '25000', description: 'decimal string' } as const;
const NULLABLE_FIGURE = { ...FIGURE, nullable: true } as const;

export class YieldScenariosView {
  @ApiProperty({ ...FIGURE, example: '6000' }) low!: string;
  @ApiProperty({ ...FIGURE, example: '8000' }) expected!: string;
  @ApiProperty({ ...FIGURE, example: '10000' }) high!: string;
}

/**
 * A line as the API reads and writes it. Which fields apply depends on the kind (see
 * API.md, "Cost-sheet lines"); `kind` is optional on input and always present on output.
 * A line of a sheet started from a template shows the figures still to fill as nulls.
 */
export class CostSheetLineView {
  @ApiPropertyOptional({ enum: ['priced', 'sourced', 'depreciation', 'interest', 'percentage'] })
  kind?: CostLineKind;

  @ApiProperty({ enum: COST_CATEGORIES }) category!: CostCategory;
  @ApiProperty({ example: 'Siembra' }) description!: string;
  @ApiPropertyOptional({ example: 'Septiembre', description: 'Época, as in the ficha' })
  period?: string;

  @ApiPropertyOptional({ ...NULLABLE_FIGURE, example: '2' }) quantity?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true, example: 'JH' }) unit?: string | null;
  @ApiPropertyOptional(NULLABLE_FIGURE) unitPrice?: string | null;
  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "instead of unitPrice: another sheet's expected economic cost per unit",
  })
  sourceSheetId?: string | null;

  @ApiPropertyOptional(NULLABLE_FIGURE) assetValue?: string | null;
  @ApiPropertyOptional(NULLABLE_FIGURE) salvageValue?: string | null;
  @ApiPropertyOptional(NULLABLE_FIGURE) lifeYears?: string | null;
  @ApiPropertyOptional({ ...NULLABLE_FIGURE, example: '0.25' }) share?: string | null;
  @ApiPropertyOptional({ ...NULLABLE_FIGURE, example: '0.12' }) annualRate?: string | null;
  @ApiPropertyOptional({ ...NULLABLE_FIGURE, example: '6' }) months?: string | null;
  @ApiPropertyOptional({ ...NULLABLE_FIGURE, example: '0.05' }) rate?: string | null;
  @ApiPropertyOptional({ enum: COST_CATEGORIES, isArray: true })
  baseCategories?: CostCategory[];
}

class SheetFiguresRequest {
  @ApiProperty({ enum: CURRENCIES })
  @Allow()
  currency!: unknown;

  @ApiProperty({ ...FIGURE, example: '0.4', description: 'hectares; "0" for a plant with no land' })
  @Allow()
  areaHa!: unknown;

  @ApiProperty({
    type: YieldScenariosView,
    description: "whole-sheet yields in the product's base unit",
  })
  @Allow()
  yields!: unknown;
}

export class CreateCostSheetRequest extends SheetFiguresRequest {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  productId!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'a producer of this association' })
  @IsOptional()
  @IsUUID()
  producerId?: string;

  @ApiPropertyOptional({ example: 'Zanahoria, terraza de Lasana' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SHEET_NAME_LENGTH)
  name?: string;

  @ApiProperty({ example: '2026-2027' })
  @IsString()
  @Matches(SEASON_PATTERN, { message: 'season must look like 2026-2027 or 2026' })
  season!: string;

  @ApiPropertyOptional({
    type: [CostSheetLineView],
    description: 'required unless fromTemplate is true',
  })
  @Allow()
  lines?: unknown;

  @ApiPropertyOptional({
    description:
      "start from the product's template: its lines with every figure to fill (the sheet is a draft until a PATCH gives them)",
  })
  @IsOptional()
  @IsBoolean()
  fromTemplate?: boolean;
}

export class UpdateCostSheetRequest {
  @ApiProperty({ description: 'the version you read; a stale one is refused with 409' })
  @IsInt()
  @Min(1)
  version!: number;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'null removes the name' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SHEET_NAME_LENGTH)
  name?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  producerId?: string | null;

  @ApiPropertyOptional({ example: '2026-2027' })
  @ValidateIf((_, value) => value !== undefined)
  @IsString()
  @Matches(SEASON_PATTERN, { message: 'season must look like 2026-2027 or 2026' })
  season?: string;

  @ApiPropertyOptional({ enum: CURRENCIES })
  @Allow()
  currency?: unknown;

  @ApiPropertyOptional(FIGURE)
  @Allow()
  areaHa?: unknown;

  @ApiPropertyOptional({ type: YieldScenariosView })
  @Allow()
  yields?: unknown;

  @ApiPropertyOptional({ type: [CostSheetLineView], description: 'replaces every line' })
  @Allow()
  lines?: unknown;
}

export class ImportCostSheetRequest extends SheetFiguresRequest {
  @ApiProperty({
    description:
      'the ficha as text: Labor/Insumo;Época;Cantidad;Unidad;Precio ($/Un);Valor ($), with section rows in capitals',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_CSV_LENGTH)
  csv!: string;

  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  productId!: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  producerId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(MAX_SHEET_NAME_LENGTH)
  name?: string;

  @ApiProperty({ example: '2026-2027' })
  @IsString()
  @Matches(SEASON_PATTERN, { message: 'season must look like 2026-2027 or 2026' })
  season!: string;

  @ApiPropertyOptional({
    enum: ['hired_labor', 'family_labor'],
    description: 'where a plain MANO DE OBRA section goes (default hired_labor)',
  })
  @IsOptional()
  @IsIn(['hired_labor', 'family_labor'])
  laborCategory?: 'hired_labor' | 'family_labor';
}

export class SummaryQuery {
  @ApiPropertyOptional({
    example: '250',
    description: 'price per base unit for margin and break-even yield',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  price?: string;
}

export class SensitivityQuery {
  @ApiProperty({ example: '150,200,250', description: 'comma-separated prices, at most 50' })
  @IsDefined()
  @IsString()
  @MaxLength(4000)
  prices!: string;

  @ApiPropertyOptional({
    example: '6000,8000,10000',
    description:
      "comma-separated yields, at most 50; the sheet's low, expected and high when absent",
  })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  yields?: string;
}

export class TemplatesQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  productId?: string;
}

export class ListCostSheetsQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  productId?: string;

  @ApiPropertyOptional({ example: '2026-2027' })
  @IsOptional()
  @IsString()
  @MaxLength(20)
  season?: string;
}

class LabelView {
  @ApiProperty() es!: string;
  @ApiProperty() en!: string;
}

class FieldIssueView {
  @ApiProperty({ example: 'lines.0.unitPrice' }) field!: string;
  @ApiProperty({ example: 'REQUIRED' }) code!: string;
  @ApiProperty() message!: string;
}

export class CostSheetListItem {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) organizationId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) producerId!: string | null;
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty({ type: String, nullable: true }) name!: string | null;
  @ApiProperty() season!: string;
  @ApiProperty({ enum: CURRENCIES }) currency!: Currency;
  @ApiProperty(FIGURE) areaHa!: string;
  @ApiProperty({ type: YieldScenariosView }) yields!: YieldScenariosView;
  @ApiProperty() version!: number;
  @ApiProperty({
    enum: ['draft', 'ready'],
    description: 'draft: started from a template, with figures to fill (see `missing`)',
  })
  status!: 'draft' | 'ready';
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
}

export class CostSheetResponse extends CostSheetListItem {
  @ApiProperty({ type: [CostSheetLineView] }) lines!: CostSheetLineView[];
  @ApiProperty({ type: [FieldIssueView], description: 'the figures a draft still needs' })
  missing!: FieldIssueView[];
  @ApiProperty({ description: 'Spanish and English label of every category' })
  categoryLabels!: Record<CostCategory, LabelView>;
}

class FichaWarningView {
  @ApiProperty({ description: 'line of the CSV, from 1' }) row!: number;
  @ApiProperty({ example: 'VALUE_MISMATCH' }) code!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional() details?: Record<string, string>;
}

export class ImportCostSheetResponse {
  @ApiProperty({ type: CostSheetResponse }) sheet!: CostSheetResponse;
  @ApiProperty({ type: [FichaWarningView] }) warnings!: FichaWarningView[];
}

class TemplateLineView {
  @ApiProperty({ enum: ['priced', 'depreciation', 'interest', 'percentage'] })
  kind!: Exclude<CostLineKind, 'sourced'>;
  @ApiProperty({ enum: COST_CATEGORIES }) category!: CostCategory;
  @ApiProperty({ type: LabelView }) categoryLabel!: LabelView;
  @ApiProperty() description!: string;
  @ApiPropertyOptional({ example: 'JH' }) unit?: string;
  @ApiPropertyOptional({
    example: 'leche-cabra',
    description:
      'the product whose own sheet usually prices this line (use its id as sourceSheetId)',
  })
  sourceProductCode?: string;
  @ApiProperty({
    example: ['quantity', 'unitPrice'],
    description: 'the figures the treasurer fills',
  })
  fill!: string[];
}

export class CostSheetTemplateResponse {
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty() productCode!: string;
  @ApiProperty({ type: LabelView }) productName!: LabelView;
  @ApiProperty({ example: 'kg' }) yieldUnit!: string;
  @ApiProperty({ type: [TemplateLineView] }) lines!: TemplateLineView[];
}

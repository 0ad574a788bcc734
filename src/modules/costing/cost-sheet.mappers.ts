import type { FieldIssue } from '../../shared/errors/domain-error';
import { toDecimalString } from '../../shared/money';
import { COST_CATEGORY_LABELS, type CostLine, type CostSheet } from './domain/cost-sheet';
import type { TemplateLine } from './domain/cost-sheet-templates';
import type { CostSheetResponse, CostSheetLineView, CostSheetListItem } from './dto/costing.dto';
import type { CostSheetEntity } from './entities/cost-sheet.entity';
import type { CostSheetLineEntity } from './entities/cost-sheet-line.entity';

/** The columns of a line row, without the keys the database gives it. */
export type LineRow = Omit<CostSheetLineEntity, 'id' | 'costSheetId'>;

const EMPTY_FIGURES = {
  period: null,
  quantity: null,
  unit: null,
  unitPrice: null,
  sourceSheetId: null,
  assetValue: null,
  salvageValue: null,
  lifeYears: null,
  share: null,
  annualRate: null,
  months: null,
  rate: null,
  baseCategories: null,
} satisfies Partial<LineRow>;

export function lineRowOf(line: CostLine, position: number): LineRow {
  const row: LineRow = {
    ...EMPTY_FIGURES,
    position,
    kind: line.kind,
    category: line.category,
    description: line.description,
    isPlaceholder: false,
  };
  switch (line.kind) {
    case 'priced':
      return {
        ...row,
        period: line.period ?? null,
        quantity: line.quantity,
        unit: line.unit,
        unitPrice: line.unitPrice,
      };
    case 'sourced':
      return {
        ...row,
        period: line.period ?? null,
        quantity: line.quantity,
        unit: line.unit,
        sourceSheetId: line.sourceSheetId,
      };
    case 'depreciation':
      return {
        ...row,
        assetValue: line.assetValue,
        salvageValue: line.salvageValue,
        lifeYears: line.lifeYears,
        share: line.share,
      };
    case 'interest':
      return { ...row, annualRate: line.annualRate, months: line.months };
    case 'percentage':
      return { ...row, rate: line.rate, baseCategories: line.baseCategories ?? null };
  }
}

/** A template line becomes a placeholder: what it is and in what unit, never a figure. */
export function placeholderRowOf(line: TemplateLine, position: number): LineRow {
  return {
    ...EMPTY_FIGURES,
    position,
    kind: line.kind,
    category: line.category,
    description: line.description,
    isPlaceholder: true,
    unit: line.kind === 'priced' ? line.unit : null,
  };
}

const figure = (value: string | null): string | null =>
  value === null ? null : toDecimalString(value);

/**
 * A stored line in the API's shape, with its `kind`. A placeholder shows the figures still
 * to fill as nulls, so a client can send the line back filled in, and validation names each
 * null that is still there.
 */
export function lineViewOf(row: LineRow): CostSheetLineView {
  const base = { kind: row.kind, category: row.category, description: row.description };
  const period = row.period === null ? {} : { period: row.period };
  switch (row.kind) {
    case 'priced':
      return {
        ...base,
        ...period,
        quantity: figure(row.quantity),
        unit: row.unit,
        unitPrice: figure(row.unitPrice),
      };
    case 'sourced':
      return {
        ...base,
        ...period,
        quantity: figure(row.quantity),
        unit: row.unit,
        sourceSheetId: row.sourceSheetId,
      };
    case 'depreciation':
      return {
        ...base,
        assetValue: figure(row.assetValue),
        salvageValue: figure(row.salvageValue),
        lifeYears: figure(row.lifeYears),
        share: figure(row.share),
      };
    case 'interest':
      return { ...base, annualRate: figure(row.annualRate), months: figure(row.months) };
    case 'percentage':
      return {
        ...base,
        rate: figure(row.rate),
        ...(row.baseCategories === null ? {} : { baseCategories: row.baseCategories }),
      };
  }
}

/** The sheet-level figures in the calculator's shape, as validation expects them. */
export function sheetFieldsOf(entity: CostSheetEntity): Omit<CostSheet, 'lines'> {
  return {
    currency: entity.currency,
    areaHa: toDecimalString(entity.areaHa),
    yields: {
      low: toDecimalString(entity.yieldLow),
      expected: toDecimalString(entity.yieldExpected),
      high: toDecimalString(entity.yieldHigh),
    },
  };
}

export function toCostSheetListItem(entity: CostSheetEntity, draft: boolean): CostSheetListItem {
  return {
    id: entity.id,
    organizationId: entity.organizationId,
    producerId: entity.producerId,
    productId: entity.productId,
    name: entity.name,
    season: entity.season,
    ...sheetFieldsOf(entity),
    version: entity.version,
    status: draft ? 'draft' : 'ready',
    createdAt: entity.createdAt.toISOString(),
    updatedAt: entity.updatedAt.toISOString(),
  };
}

export function toCostSheetResponse(
  entity: CostSheetEntity,
  rows: readonly LineRow[],
  missing: readonly FieldIssue[],
): CostSheetResponse {
  return {
    ...toCostSheetListItem(
      entity,
      rows.some((row) => row.isPlaceholder),
    ),
    lines: rows.map(lineViewOf),
    missing: [...missing],
    categoryLabels: COST_CATEGORY_LABELS,
  };
}

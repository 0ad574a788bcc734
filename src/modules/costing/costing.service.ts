import { randomUUID } from 'node:crypto';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { OrganizationResolver } from '../../shared/auth/organization-resolver';
import {
  CommonErrors,
  DomainError,
  type FieldIssue,
  validationFailed,
} from '../../shared/errors/domain-error';
import type { Currency, DecimalInput } from '../../shared/money';
import { Outbox } from '../../shared/outbox/outbox.service';
import { type Page, paginate } from '../../shared/pagination/pagination';
import {
  type LineRow,
  lineRowOf,
  lineViewOf,
  placeholderRowOf,
  sheetFieldsOf,
  toCostSheetListItem,
  toCostSheetResponse,
} from './cost-sheet.mappers';
import { type CostSummary, sensitivityGrid, summarizeCostSheet } from './domain/cost-calculator';
import { type ChainSheet, type CostChain, resolveCostChain } from './domain/cost-chain';
import { COST_CATEGORY_LABELS, type CostSheet } from './domain/cost-sheet';
import { costSheetTemplateFor, costSheetTemplateProductCodes } from './domain/cost-sheet-templates';
import { validateCostSheet } from './domain/cost-sheet-validation';
import {
  type CostSummaryDto,
  type SensitivityGridDto,
  serializeCostSummary,
  serializeSensitivityGrid,
} from './domain/cost-summary-serializer';
import { CostingErrors } from './domain/costing.errors';
import { type FichaWarning, exportFichaCsv, importFichaCsv } from './domain/ficha-csv';
import {
  type LotContribution,
  type LotCostBasis,
  type SheetCost,
  lotCostBasis,
} from './domain/lot-cost-basis';
import type {
  CostSheetListItem,
  CostSheetResponse,
  CostSheetTemplateResponse,
  CreateCostSheetRequest,
  ImportCostSheetRequest,
  ListCostSheetsQuery,
  UpdateCostSheetRequest,
} from './dto/costing.dto';
import { CostSheetEntity } from './entities/cost-sheet.entity';
import { CostSheetLineEntity } from './entities/cost-sheet-line.entity';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A stored sheet as the service works with it. `sheet` is the calculator's typed sheet, or
 * undefined while the sheet is a draft (started from a template, figures still to fill);
 * `missing` then names every figure to fill, as validation reports them.
 */
interface LoadedSheet {
  entity: CostSheetEntity;
  rows: LineRow[];
  sheet?: CostSheet;
  missing: FieldIssue[];
}

interface SheetFields {
  productId: string;
  producerId?: string | null;
  name?: string | null;
  season: string;
}

export type CostSummaryResponse = CostSummaryDto & {
  costSheetId: string;
  version: number;
  categoryLabels: typeof COST_CATEGORY_LABELS;
};

export type SensitivityResponse = SensitivityGridDto & { costSheetId: string; version: number };

export interface CostBasisScope {
  /** The lot's association: sheets of any other one are not found. */
  organizationId: string;
  /** The lot's product, when known: a sheet of another product brings no cost. */
  productId?: string;
  /** At this price per unit, the producers it leaves below their own cost. */
  price?: string;
  /** The caller's transaction, when there is one (the embedded database has one connection). */
  manager?: EntityManager;
}

@Injectable()
export class CostingService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly resolver: OrganizationResolver,
  ) {}

  onModuleInit(): void {
    this.resolver.register('cost-sheet', async (id) => {
      const sheet = await this.dataSource
        .getRepository(CostSheetEntity)
        .findOne({ select: { organizationId: true }, where: { id } });
      return sheet?.organizationId ?? null;
    });
  }

  async create(
    organizationId: string,
    userId: string,
    request: CreateCostSheetRequest,
  ): Promise<CostSheetResponse> {
    if (request.fromTemplate === true && request.lines !== undefined && request.lines !== null) {
      throw validationFailed([
        {
          field: 'lines',
          code: 'NOT_ALLOWED',
          message:
            'give lines or fromTemplate, not both: a template sheet starts with its own lines',
        },
      ]);
    }
    const fromTemplate = request.fromTemplate === true;
    const figures = { currency: request.currency, areaHa: request.areaHa, yields: request.yields };
    // A template sheet's lines come from the template; only its own fields are checked here.
    const sheet = validateCostSheet({ ...figures, lines: fromTemplate ? [] : request.lines });
    return this.dataSource.transaction(async (manager) => {
      const product = await this.productOf(manager, request.productId);
      let rows: LineRow[];
      if (fromTemplate) {
        const template = costSheetTemplateFor(product.code);
        if (!template) {
          throw validationFailed([
            {
              field: 'fromTemplate',
              code: 'NO_TEMPLATE',
              message: `there is no template for ${product.code}; send the lines instead`,
            },
          ]);
        }
        rows = template.lines.map(placeholderRowOf);
      } else {
        rows = sheet.lines.map(lineRowOf);
      }
      return this.insert(manager, organizationId, userId, request, sheet, rows, {
        origin: fromTemplate ? 'template' : 'api',
      });
    });
  }

  async importCsv(
    organizationId: string,
    userId: string,
    request: ImportCostSheetRequest,
  ): Promise<{ sheet: CostSheetResponse; warnings: FichaWarning[] }> {
    const figures = { currency: request.currency, areaHa: request.areaHa, yields: request.yields };
    const fields = validateCostSheet({ ...figures, lines: [] });
    const imported = importFichaCsv(request.csv, {
      currency: fields.currency,
      ...(request.laborCategory ? { laborCategory: request.laborCategory } : {}),
    });
    if (imported.lines.length === 0) {
      throw new DomainError(
        CommonErrors.VALIDATION_FAILED,
        'csv: no row could be imported as a line',
        { warnings: imported.warnings },
        [{ field: 'csv', code: 'NO_LINES', message: 'no row could be imported; see warnings' }],
      );
    }
    let sheet: CostSheet;
    try {
      sheet = validateCostSheet({ ...fields, lines: imported.lines });
    } catch (error) {
      // Imported lines are valid one by one; what is left is the file as a whole (too many rows).
      throw renameFields(error, 'lines', 'csv');
    }
    const created = await this.dataSource.transaction(async (manager) => {
      await this.productOf(manager, request.productId);
      return this.insert(
        manager,
        organizationId,
        userId,
        request,
        sheet,
        sheet.lines.map(lineRowOf),
        {
          origin: 'import',
          warnings: imported.warnings.length,
        },
      );
    });
    return { sheet: created, warnings: imported.warnings };
  }

  async get(id: string): Promise<CostSheetResponse> {
    const loaded = await this.loadOne(this.dataSource.manager, id);
    return toCostSheetResponse(loaded.entity, loaded.rows, loaded.missing);
  }

  async list(organizationId: string, query: ListCostSheetsQuery): Promise<Page<CostSheetListItem>> {
    const builder = this.dataSource
      .getRepository(CostSheetEntity)
      .createQueryBuilder('sheet')
      .where('sheet.organizationId = :organizationId', { organizationId });
    if (query.productId)
      builder.andWhere('sheet.productId = :productId', { productId: query.productId });
    if (query.season) builder.andWhere('sheet.season = :season', { season: query.season });
    const page = await paginate(builder, query);
    const ids = page.items.map((entity) => entity.id);
    const drafts = new Set(
      ids.length === 0
        ? []
        : (
            await this.dataSource.query<{ id: string }[]>(
              `SELECT DISTINCT cost_sheet_id AS id FROM cost_sheet_lines
                WHERE cost_sheet_id = ANY($1) AND is_placeholder`,
              [ids],
            )
          ).map((row) => row.id),
    );
    return {
      items: page.items.map((entity) => toCostSheetListItem(entity, drafts.has(entity.id))),
      nextCursor: page.nextCursor,
    };
  }

  async update(
    id: string,
    userId: string,
    request: UpdateCostSheetRequest,
  ): Promise<CostSheetResponse> {
    return this.dataSource.transaction(async (manager) => {
      const { organizationId } = await manager.findOneOrFail(CostSheetEntity, {
        select: { organizationId: true },
        where: { id },
      });
      await this.lockChains(manager, organizationId);
      const current = await this.loadOne(manager, id, { lock: true });
      if (current.entity.version !== request.version) {
        throw new DomainError(
          CommonErrors.VERSION_CONFLICT,
          `the sheet is at version ${current.entity.version}, not ${request.version}; read it again and redo the change`,
          { currentVersion: current.entity.version, version: request.version },
        );
      }
      const figures = {
        ...sheetFieldsOf(current.entity),
        ...definedOf({
          currency: request.currency,
          areaHa: request.areaHa,
          yields: request.yields,
        }),
      };
      const replacesLines = request.lines !== undefined;
      // A draft that keeps its placeholders has only its sheet fields checked (no lines).
      const validated = validateCostSheet({
        ...figures,
        lines: replacesLines ? request.lines : current.sheet ? current.rows.map(lineViewOf) : [],
      });
      const sheet = replacesLines || current.sheet ? validated : undefined;
      const rows = replacesLines ? validated.lines.map(lineRowOf) : current.rows;

      const fields: SheetFields = {
        productId: current.entity.productId,
        producerId:
          request.producerId === undefined ? current.entity.producerId : request.producerId,
        name: request.name === undefined ? current.entity.name : request.name,
        season: request.season ?? current.entity.season,
      };
      if (request.producerId)
        await this.assertProducerOf(manager, organizationId, request.producerId);
      if (sheet) await this.chainOf(manager, organizationId, id, sheet);
      if (validated.currency !== current.entity.currency) {
        await this.assertNoDependentInOtherCurrency(manager, id, validated.currency);
      }

      const changed = Object.keys(definedOf({ ...request, version: undefined })).sort();
      if (changed.length === 0) return this.response(current.entity, current.rows);

      const version = current.entity.version + 1;
      await manager.update(
        CostSheetEntity,
        { id },
        {
          producerId: fields.producerId ?? null,
          name: fields.name?.trim() ?? null,
          season: fields.season,
          areaHa: validated.areaHa,
          currency: validated.currency,
          yieldLow: validated.yields.low,
          yieldExpected: validated.yields.expected,
          yieldHigh: validated.yields.high,
          version,
          updatedAt: () => 'now()',
        },
      );
      if (replacesLines) {
        await manager.delete(CostSheetLineEntity, { costSheetId: id });
        await this.insertLines(manager, id, rows);
      }
      const affected = await this.sheetsPricedFrom(manager, id);
      await this.outbox.record(manager, {
        type: 'cost_sheet.updated',
        aggregateType: 'cost_sheet',
        aggregateId: id,
        organizationId,
        payload: {
          costSheetId: id,
          version,
          changedFields: changed,
          updatedBy: userId,
          // Their figures follow this one on the next read: a floor built on them is stale.
          affectedCostSheetIds: affected,
        },
      });
      return this.response(await manager.findOneByOrFail(CostSheetEntity, { id }), rows);
    });
  }

  async summary(id: string, price?: string): Promise<CostSummaryResponse> {
    const { loaded, sheet, chain } = await this.computable(id);
    // The chain has already summarised this sheet without a price.
    const summary: CostSummary =
      price === undefined
        ? (chain.summaries.get(id) as CostSummary)
        : summarizeCostSheet(sheet, { price, resolvedUnitPrices: chain.unitPrices });
    return {
      costSheetId: id,
      version: loaded.entity.version,
      ...serializeCostSummary(summary),
      categoryLabels: COST_CATEGORY_LABELS,
    };
  }

  async sensitivity(id: string, prices: string, yields?: string): Promise<SensitivityResponse> {
    const { loaded, sheet, chain } = await this.computable(id);
    const grid = sensitivityGrid(
      sheet,
      splitList(prices),
      yields === undefined
        ? [sheet.yields.low, sheet.yields.expected, sheet.yields.high]
        : splitList(yields),
      { resolvedUnitPrices: chain.unitPrices },
    );
    return { costSheetId: id, version: loaded.entity.version, ...serializeSensitivityGrid(grid) };
  }

  async exportCsv(id: string): Promise<{ filename: string; csv: string }> {
    const { loaded, sheet, chain } = await this.computable(id);
    const product = await this.productOf(this.dataSource.manager, loaded.entity.productId);
    return {
      filename: `ficha-${product.code}-${loaded.entity.season}.csv`,
      csv: exportFichaCsv(sheet, { resolvedUnitPrices: chain.unitPrices }),
    };
  }

  async templates(productId?: string): Promise<CostSheetTemplateResponse[]> {
    const products = await this.dataSource.query<
      { id: string; code: string; name_es: string; name_en: string }[]
    >(
      `SELECT id, code, name_es, name_en FROM products
        WHERE code = ANY($1) AND ($2::uuid IS NULL OR id = $2) ORDER BY code`,
      [costSheetTemplateProductCodes(), productId ?? null],
    );
    return products.map((product) => {
      const template = costSheetTemplateFor(product.code)!;
      return {
        productId: product.id,
        productCode: product.code,
        productName: { es: product.name_es, en: product.name_en },
        yieldUnit: template.yieldUnit,
        lines: template.lines.map((line) => ({
          kind: line.kind,
          category: line.category,
          categoryLabel: COST_CATEGORY_LABELS[line.category],
          description: line.description,
          ...(line.kind === 'priced' ? { unit: line.unit } : {}),
          ...(line.kind === 'priced' && line.sourceProductCode
            ? { sourceProductCode: line.sourceProductCode }
            : {}),
          fill: FILL_FIELDS[line.kind],
        })),
      };
    });
  }

  /**
   * The cost basis of a pooled lot: each contribution's cost per unit from its sheet (the
   * expected economic cost, through the whole chain of sheets it takes prices from),
   * weighted by quantity, with the suggested floor and, at `scope.price`, the producers who
   * would sell below their own cost. Quantities are in the product's base unit, as the
   * sheets' costs are. For `GET /lots/:id/cost-basis`, which pooling serves.
   */
  async costBasisOf(
    contributions: readonly LotContribution[],
    currency: Currency,
    scope: CostBasisScope,
  ): Promise<LotCostBasis> {
    const manager = scope.manager ?? this.dataSource.manager;
    const ids = [
      ...new Set(
        contributions
          .map((contribution) => contribution.costSheetId)
          .filter((id): id is string => id !== null && UUID.test(id)),
      ),
    ];
    const roots = await this.loadMany(manager, ids, scope.organizationId);
    const complete = [...roots.values()].filter((loaded) => loaded.sheet);
    const chain = await this.chainOfMany(manager, scope.organizationId, complete);
    const costs = new Map<string, SheetCost>();
    for (const [id, loaded] of roots) {
      costs.set(id, {
        currency: loaded.entity.currency,
        productId: loaded.entity.productId,
        costPerUnit: chain.unitPrices.get(id) ?? null,
      });
    }
    return lotCostBasis(contributions, costs, {
      currency,
      ...(scope.productId === undefined ? {} : { productId: scope.productId }),
      ...(scope.price === undefined ? {} : { price: scope.price }),
    });
  }

  // ---- writing -------------------------------------------------------------------------

  private async insert(
    manager: EntityManager,
    organizationId: string,
    userId: string,
    request: SheetFields,
    sheet: CostSheet,
    rows: LineRow[],
    event: { origin: 'api' | 'template' | 'import'; warnings?: number },
  ): Promise<CostSheetResponse> {
    await this.lockChains(manager, organizationId);
    if (request.producerId)
      await this.assertProducerOf(manager, organizationId, request.producerId);
    // The id is chosen here so that chain errors can name the new sheet like any other.
    const id = randomUUID();
    if (!rows.some((row) => row.isPlaceholder))
      await this.chainOf(manager, organizationId, id, sheet);
    const entity: Omit<CostSheetEntity, 'createdAt' | 'updatedAt'> = {
      id,
      organizationId,
      producerId: request.producerId ?? null,
      productId: request.productId,
      name: request.name?.trim() ?? null,
      season: request.season,
      areaHa: sheet.areaHa,
      currency: sheet.currency,
      yieldLow: sheet.yields.low,
      yieldExpected: sheet.yields.expected,
      yieldHigh: sheet.yields.high,
      version: 1,
      createdBy: userId,
    };
    await manager.insert(CostSheetEntity, entity);
    await this.insertLines(manager, id, rows);
    await this.outbox.record(manager, {
      type: 'cost_sheet.created',
      aggregateType: 'cost_sheet',
      aggregateId: id,
      organizationId,
      payload: {
        costSheetId: id,
        productId: request.productId,
        producerId: entity.producerId,
        season: request.season,
        version: 1,
        origin: event.origin,
        createdBy: userId,
        ...(event.warnings === undefined ? {} : { importWarnings: event.warnings }),
      },
    });
    const stored = await manager.findOneByOrFail(CostSheetEntity, { id });
    return this.response(stored, rows);
  }

  private async insertLines(manager: EntityManager, id: string, rows: LineRow[]): Promise<void> {
    if (rows.length === 0) return;
    await manager.insert(
      CostSheetLineEntity,
      rows.map((row) => ({ ...row, costSheetId: id })),
    );
  }

  /**
   * Serialises the sheet writes of one association, for the invariants that span sheets: two
   * edits that each add one link (milk → cheese, cheese → milk) would each pass the cycle
   * check alone, on a snapshot without the other; so would a currency change of milk and a
   * new cheese line priced from it. With the lock, the second reads the first one's commit.
   */
  private async lockChains(manager: EntityManager, organizationId: string): Promise<void> {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('cost-sheet-chain:' || $1))`, [
      organizationId,
    ]);
  }

  private async assertNoDependentInOtherCurrency(
    manager: EntityManager,
    id: string,
    currency: Currency,
  ): Promise<void> {
    const dependents = await manager.query<{ id: string; currency: string }[]>(
      `SELECT DISTINCT sheet.id, sheet.currency FROM cost_sheet_lines line
         JOIN cost_sheets sheet ON sheet.id = line.cost_sheet_id
        WHERE line.source_sheet_id = $1 AND sheet.currency <> $2
        ORDER BY sheet.id`,
      [id, currency],
    );
    if (dependents.length === 0) return;
    throw new DomainError(
      CostingErrors.CURRENCY_MISMATCH,
      `sheets ${dependents.map((sheet) => sheet.id).join(', ')} take their price from this one in another currency`,
      { dependentSheets: dependents },
      [
        {
          field: 'currency',
          code: 'CURRENCY_MISMATCH',
          message: `sheets that take their price from this one are in ${[...new Set(dependents.map((sheet) => sheet.currency))].join(', ')}`,
        },
      ],
    );
  }

  /** Every sheet whose figures follow this one's, directly or through others. */
  private async sheetsPricedFrom(manager: EntityManager, id: string): Promise<string[]> {
    const rows = await manager.query<{ id: string }[]>(
      `WITH RECURSIVE affected(id) AS (
         SELECT cost_sheet_id FROM cost_sheet_lines WHERE source_sheet_id = $1
         UNION
         SELECT line.cost_sheet_id FROM cost_sheet_lines line
           JOIN affected ON line.source_sheet_id = affected.id
       )
       SELECT id FROM affected WHERE id <> $1 ORDER BY id`,
      [id],
    );
    return rows.map((row) => row.id);
  }

  private async productOf(
    manager: EntityManager,
    productId: string,
  ): Promise<{ id: string; code: string }> {
    const [product] = await manager.query<{ id: string; code: string }[]>(
      `SELECT id, code FROM products WHERE id = $1`,
      [productId],
    );
    if (!product) {
      throw validationFailed([
        { field: 'productId', code: 'NOT_FOUND', message: 'is not a product of the catalogue' },
      ]);
    }
    return product;
  }

  private async assertProducerOf(
    manager: EntityManager,
    organizationId: string,
    producerId: string,
  ): Promise<void> {
    const rows = await manager.query<unknown[]>(
      `SELECT 1 FROM producers WHERE id = $1 AND organization_id = $2`,
      [producerId, organizationId],
    );
    if (rows.length === 0) {
      throw validationFailed([
        {
          field: 'producerId',
          code: 'NOT_FOUND',
          message: 'is not a producer of this association',
        },
      ]);
    }
  }

  // ---- reading -------------------------------------------------------------------------

  private response(entity: CostSheetEntity, rows: readonly LineRow[]): CostSheetResponse {
    return toCostSheetResponse(entity, rows, missingOf(entity, rows));
  }

  private async loadOne(
    manager: EntityManager,
    id: string,
    options: { lock?: boolean } = {},
  ): Promise<LoadedSheet> {
    const entity = await manager.findOne(CostSheetEntity, {
      where: { id },
      // NO KEY UPDATE: the id never changes, so lines of other sheets may still reference
      // this one (their foreign-key check takes KEY SHARE) while it is being edited.
      ...(options.lock ? { lock: { mode: 'for_no_key_update' as const } } : {}),
    });
    if (!entity) throw new DomainError(CommonErrors.NOT_FOUND, 'no such cost sheet');
    const rows = await manager.find(CostSheetLineEntity, {
      where: { costSheetId: id },
      order: { position: 'ASC' },
    });
    return loadedOf(entity, rows);
  }

  /** Sheets by id, of one association only: another's sheets are simply not there. */
  private async loadMany(
    manager: EntityManager,
    ids: readonly string[],
    organizationId: string,
  ): Promise<Map<string, LoadedSheet>> {
    const loaded = new Map<string, LoadedSheet>();
    if (ids.length === 0) return loaded;
    const entities = await manager.find(CostSheetEntity, {
      where: { id: In([...ids]), organizationId },
    });
    if (entities.length === 0) return loaded;
    const rows = await manager.find(CostSheetLineEntity, {
      where: { costSheetId: In(entities.map((entity) => entity.id)) },
      order: { costSheetId: 'ASC', position: 'ASC' },
    });
    for (const entity of entities) {
      loaded.set(
        entity.id,
        loadedOf(
          entity,
          rows.filter((row) => row.costSheetId === entity.id),
        ),
      );
    }
    return loaded;
  }

  /** A sheet whose figures can be computed, with the chain of sheets it takes prices from. */
  private async computable(
    id: string,
  ): Promise<{ loaded: LoadedSheet; sheet: CostSheet; chain: CostChain }> {
    const manager = this.dataSource.manager;
    const loaded = await this.loadOne(manager, id);
    if (!loaded.sheet) {
      throw new DomainError(
        CostingErrors.COST_SHEET_INCOMPLETE,
        'the sheet was started from a template and has figures still to fill; PATCH its lines first',
        {},
        loaded.missing,
      );
    }
    const chain = await this.chainOf(manager, loaded.entity.organizationId, id, loaded.sheet);
    return { loaded, sheet: loaded.sheet, chain };
  }

  /**
   * The sheet with every sheet it takes prices from, checked and computed. Errors name the
   * fields of this sheet: the links of the other sheets were checked when they were saved.
   */
  private async chainOf(
    manager: EntityManager,
    organizationId: string,
    id: string,
    sheet: CostSheet,
  ): Promise<CostChain> {
    try {
      return await this.chainOfMany(manager, organizationId, [{ id, sheet }]);
    } catch (error) {
      throw narrowToSheet(error, id);
    }
  }

  /**
   * Loads, level by level, every sheet reachable through `sourceSheetId` from `roots`
   * (roots as given, so an edit is checked against its new lines), then lets the domain
   * refuse missing sources, cycles and currency mismatches and compute the chain.
   */
  private async chainOfMany(
    manager: EntityManager,
    organizationId: string,
    roots: readonly (ChainSheet | LoadedSheet)[],
  ): Promise<CostChain> {
    const sheets = new Map<string, CostSheet>();
    const drafts = new Set<string>();
    const asked = new Set<string>();
    let frontier: string[] = [];
    const visit = (id: string, sheet: CostSheet) => {
      sheets.set(id, sheet);
      for (const line of sheet.lines) {
        if (line.kind === 'sourced' && !asked.has(line.sourceSheetId)) {
          asked.add(line.sourceSheetId);
          frontier.push(line.sourceSheetId);
        }
      }
    };
    const entries = roots.map((root) =>
      'entity' in root
        ? { id: root.entity.id, sheet: root.sheet as CostSheet }
        : { id: root.id, sheet: root.sheet },
    );
    // Roots first, so that a root another root takes prices from is not loaded again.
    for (const { id } of entries) asked.add(id);
    for (const { id, sheet } of entries) visit(id, sheet);
    while (frontier.length > 0) {
      const ids = frontier.filter((id) => UUID.test(id));
      frontier = [];
      for (const [id, loaded] of await this.loadMany(manager, ids, organizationId)) {
        if (loaded.sheet) visit(id, loaded.sheet);
        else drafts.add(id);
      }
    }
    if (drafts.size > 0) {
      // Only a root can name a draft: a saved sheet never does, and a sheet never goes
      // back to being a draft.
      const issues: FieldIssue[] = entries.flatMap(({ sheet }) =>
        sheet.lines.flatMap((line, index) =>
          line.kind === 'sourced' && drafts.has(line.sourceSheetId)
            ? [
                {
                  field: `lines.${index}.sourceSheetId`,
                  code: 'SOURCE_INCOMPLETE',
                  message: 'names a sheet with figures still to fill; complete that sheet first',
                },
              ]
            : [],
        ),
      );
      throw validationFailed(issues);
    }
    return resolveCostChain([...sheets].map(([id, sheet]) => ({ id, sheet })));
  }
}

const FILL_FIELDS: Record<'priced' | 'depreciation' | 'interest' | 'percentage', string[]> = {
  priced: ['quantity', 'unitPrice'],
  depreciation: ['assetValue', 'salvageValue', 'lifeYears', 'share'],
  interest: ['annualRate', 'months'],
  percentage: ['rate'],
};

function loadedOf(entity: CostSheetEntity, rows: LineRow[]): LoadedSheet {
  const draft = rows.some((row) => row.isPlaceholder);
  const raw = { ...sheetFieldsOf(entity), lines: rows.map(lineViewOf) };
  if (draft) return { entity, rows, missing: missingOf(entity, rows) };
  // Stored sheets were valid when written; a failure here is corruption and stays a 500.
  return { entity, rows, sheet: validateCostSheet(raw), missing: [] };
}

/** The figures a draft still needs, as validation names them (`lines.3.unitPrice`). */
function missingOf(entity: CostSheetEntity, rows: readonly LineRow[]): FieldIssue[] {
  if (!rows.some((row) => row.isPlaceholder)) return [];
  try {
    validateCostSheet({ ...sheetFieldsOf(entity), lines: rows.map(lineViewOf) });
    return [];
  } catch (error) {
    if (error instanceof DomainError) return [...error.fieldIssues];
    throw error;
  }
}

/**
 * Chain errors list the offending link of every sheet involved (details.links, one per field
 * issue); the caller can only change the sheet it sent, so its own links are the ones named.
 */
function narrowToSheet(error: unknown, id: string): unknown {
  if (!(error instanceof DomainError)) return error;
  const links = (error.details as { links?: unknown }).links;
  if (!Array.isArray(links) || links.length !== error.fieldIssues.length) return error;
  const own = error.fieldIssues.filter(
    (_, index) => (links[index] as { sheetId?: unknown }).sheetId === id,
  );
  if (own.length === 0 || own.length === error.fieldIssues.length) return error;
  return new DomainError(error.code, error.message, error.details, own);
}

function renameFields(error: unknown, from: string, to: string): unknown {
  if (!(error instanceof DomainError)) return error;
  return new DomainError(
    error.code,
    error.message,
    error.details,
    error.fieldIssues.map((issue) =>
      issue.field === from || issue.field.startsWith(`${from}.`)
        ? { ...issue, field: to + issue.field.slice(from.length) }
        : issue,
    ),
  );
}

/** Only the keys the client sent: absent (undefined) leaves a field as it is. */
function definedOf<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(values).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

/** "150,200.5, 250" → ["150", "200.5", "250"]; the calculator checks each value. */
function splitList(text: string): DecimalInput[] {
  return text.trim() === '' ? [] : text.split(',').map((value) => value.trim());
}

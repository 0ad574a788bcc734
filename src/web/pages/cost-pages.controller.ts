import {
  Controller,
  Get,
  Param,
  ParseIntPipe,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../shared/auth/access.decorators';
import type { ApiPage, Product } from '../api-types';
import { ConsoleErrorFilter } from '../console-error.filter';
import { ApiProblem, ConsolePages, type FormValues, isRefusal, type Page } from '../console-page';
import {
  PERCENT_FIELDS,
  type SheetLine,
  isEditable,
  linesWithForm,
  percentOfRate,
  withoutLine,
} from '../costs/cost-line-form';
import type {
  CostSheet,
  CostSheetItem,
  CostSummary,
  CostTemplate,
  Sensitivity,
} from '../costs/costing-api';
import { HEAT_CLASSES, heatClass, heatMapGrid } from '../costs/heat-map';
import { formatDecimal, formatMoney } from '../format/format';
import { contextOf, producersOf, productsOf } from './console-context';

/** Roles that write cost sheets (API.md, "Costing"); other members read them. */
const WRITERS = ['manager', 'treasurer'];
/** Depreciation and interest are their own line kinds: no priced line takes them. */
const DERIVED_CATEGORIES = ['depreciation', 'interest'];

/**
 * Cost sheets: the association's list with a form to start one, and the editor with its
 * live summary and price × yield heat map. Every figure comes from the costing API; the
 * pages only choose what to ask and how to show it.
 */
@ApiExcludeController()
@Public()
@UseFilters(ConsoleErrorFilter)
@Controller()
export class CostPagesController {
  constructor(private readonly pages: ConsolePages) {}

  @Get('org/:orgId/costos')
  async list(
    @Req() req: Request,
    @Res() res: Response,
    @Param('orgId', ParseUUIDPipe) orgId: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    await this.renderList(page, orgId);
  }

  @Post('org/:orgId/costos')
  async create(
    @Req() req: Request,
    @Res() res: Response,
    @Param('orgId', ParseUUIDPipe) orgId: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const form = page.submitted();
    const fromTemplate = form.fromTemplate === '1';
    try {
      const sheet = await page.post<CostSheet>(`/organizations/${orgId}/cost-sheets`, {
        productId: form.productId,
        ...(form.producerId ? { producerId: form.producerId } : {}),
        ...(form.name?.trim() ? { name: form.name.trim() } : {}),
        season: form.season?.trim(),
        areaHa: page.decimal(form.areaHa) ?? null,
        currency: form.currency,
        yields: {
          low: page.decimal(form['yields.low']) ?? null,
          expected: page.decimal(form['yields.expected']) ?? null,
          high: page.decimal(form['yields.high']) ?? null,
        },
        ...(fromTemplate ? { fromTemplate: true } : { lines: [] }),
      });
      page.redirect(`/costos/${sheet.id}`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      await this.renderList(page, orgId, error);
    }
  }

  @Get('costos/:id')
  async editor(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id', ParseUUIDPipe) id: string,
    @Query('precio') price?: string,
    @Query('linea') line?: string,
    @Query('agregar') adding?: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const sheet = await page.get<CostSheet>(`/cost-sheets/${id}`);
    await this.renderEditor(page, sheet, {
      price,
      editing: line === undefined || !/^\d+$/.test(line) ? undefined : Number(line),
      adding: adding === 'porcentaje' ? 'percentage' : 'priced',
    });
  }

  /** The live summary alone, for htmx to swap in as the price is typed. */
  @Get('costos/:id/resumen')
  async summary(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id', ParseUUIDPipe) id: string,
    @Query('precio') price?: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const sheet = await page.get<CostSheet>(`/cost-sheets/${id}`);
    const summary = await summaryOf(page, sheet, price);
    page.render('partials/cost-summary', {
      title: '',
      sheet,
      ...summary,
      unit: await baseUnitOf(page, sheet),
      signed: signedMoney(page),
    });
  }

  @Post('costos/:id/lineas')
  async addLine(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.changeLines(req, res, id, 'add', (lines, form, page) =>
      linesWithForm(lines, form, (typed) => page.decimal(typed)),
    );
  }

  @Post('costos/:id/lineas/:index')
  async changeLine(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('index', ParseIntPipe) index: number,
  ): Promise<void> {
    await this.changeLines(
      req,
      res,
      id,
      'change',
      (lines, form, page) => linesWithForm(lines, onlyLine(form, index), (t) => page.decimal(t)),
      index,
    );
  }

  @Post('costos/:id/lineas/:index/quitar')
  async removeLine(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('index', ParseIntPipe) index: number,
  ): Promise<void> {
    await this.changeLines(req, res, id, 'remove', (lines) => withoutLine(lines, index));
  }

  /** A sheet started from a template: every figure still to fill, in one form. */
  @Post('costos/:id/completar')
  async complete(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    await this.changeLines(req, res, id, 'complete', (lines, form, page) =>
      linesWithForm(lines, form, (typed) => page.decimal(typed)),
    );
  }

  /**
   * Lines are replaced whole (PATCH with the `version` the person read): a sheet changed by
   * someone else meanwhile is refused with 409, and the page shows the new sheet with what
   * was typed kept, to save again knowingly.
   */
  private async changeLines(
    req: Request,
    res: Response,
    id: string,
    kind: EditorForm,
    change: (lines: SheetLine[], form: FormValues, page: Page) => SheetLine[],
    editing?: number,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const form = page.submitted();
    const sheet = await page.get<CostSheet>(`/cost-sheets/${id}`);
    try {
      await page.patch(`/cost-sheets/${id}`, {
        version: Number(form.version),
        lines: change(sheet.lines, form, page),
      });
      const price = form.precio ? `?precio=${encodeURIComponent(form.precio)}` : '';
      page.redirect(`/costos/${id}${price}#lineas`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const conflict = error.problem.code === 'VERSION_CONFLICT';
      await this.renderEditor(
        page,
        conflict ? await page.get<CostSheet>(`/cost-sheets/${id}`) : sheet,
        {
          price: form.precio,
          editing,
          adding:
            form[`lines.${sheet.lines.length}.kind`] === 'percentage' ? 'percentage' : 'priced',
          refused: { problem: error, form: kind, values: form, conflict },
        },
      );
    }
  }

  private async renderList(page: Page, orgId: string, problem?: ApiProblem): Promise<void> {
    const [context, sheets, products, producers, templates] = await Promise.all([
      contextOf(page, orgId),
      page.get<ApiPage<CostSheetItem>>(`/organizations/${orgId}/cost-sheets?limit=100`),
      productsOf(page),
      producersOf(page, orgId),
      page.get<ApiPage<CostTemplate>>('/cost-sheet-templates'),
    ]);
    const locals = {
      title: page.t('costs.title'),
      ...context,
      sheets: sheets.items,
      products,
      producers,
      templateProducts: templates.items.map((t) => products.find((p) => p.id === t.productId)),
      productName: productNamer(page, products),
      producerName: (pid: string | null) => producers.find((p) => p.id === pid)?.name ?? '',
    };
    if (problem) page.refuse('costs-list', problem, locals);
    else page.render('costs-list', locals);
  }

  private async renderEditor(
    page: Page,
    sheet: CostSheet,
    view: {
      price?: string;
      editing?: number;
      adding: 'priced' | 'percentage';
      refused?: Refusal;
    },
  ): Promise<void> {
    const [context, products, producers, summary] = await Promise.all([
      contextOf(page, sheet.organizationId),
      productsOf(page),
      sheet.producerId ? producersOf(page, sheet.organizationId) : Promise.resolve([]),
      summaryOf(page, sheet, view.price),
    ]);
    const product = products.find((p) => p.id === sheet.productId);
    const unit = product?.baseUnit ?? '';
    const heatMap =
      sheet.status === 'ready' && summary.summary
        ? await heatMapOf(page, sheet, summary.summary)
        : undefined;
    const canEdit = WRITERS.includes(context.role ?? '');
    const editing =
      view.editing !== undefined &&
      sheet.lines[view.editing] &&
      isEditable(sheet.lines[view.editing])
        ? view.editing
        : undefined;
    const title = sheet.name ?? `${productNamer(page, products)(sheet.productId)} ${sheet.season}`;
    const locals = {
      title,
      ...context,
      sheet,
      canEdit,
      editing,
      adding: view.adding,
      refusedForm: view.refused?.form,
      conflict: view.refused?.conflict ?? false,
      unit,
      productName: productNamer(page, products)(sheet.productId),
      producerName: producers.find((p) => p.id === sheet.producerId)?.name,
      categories: Object.entries(sheet.categoryLabels).map(([value, label]) => ({
        value,
        label: label[page.language],
        priced: !DERIVED_CATEGORIES.includes(value),
      })),
      lineValues: Object.fromEntries((summary.summary?.lines ?? []).map((l) => [l.index, l.value])),
      toFill: toFill(sheet),
      ...summary,
      heatMap,
      heatClasses: HEAT_CLASSES,
      signed: signedMoney(page),
      percent: (rate: unknown) => percentOfRate(typeof rate === 'string' ? rate : null),
      values: {
        ...(editing === undefined ? {} : typedLine(page, sheet.lines[editing], editing)),
        precio: view.price ?? '',
      },
    };
    if (!view.refused) return page.render('costs-editor', locals);
    // Someone else saved first: nothing in the form was wrong, so no field is marked.
    if (view.refused.conflict) {
      return page.render('costs-editor', { ...locals, values: view.refused.values }, 409);
    }
    page.refuse('costs-editor', view.refused.problem, locals);
  }
}

/** Which of the editor's forms was sent, so only that one shows the refusal. */
type EditorForm = 'add' | 'change' | 'remove' | 'complete';

interface Refusal {
  problem: ApiProblem;
  form: EditorForm;
  values: FormValues;
  conflict: boolean;
}

function productNamer(page: Page, products: Product[]) {
  return (productId: string): string => {
    const product = products.find((p) => p.id === productId);
    if (!product) return '';
    return page.language === 'es' ? product.nameEs : product.nameEn;
  };
}

async function baseUnitOf(page: Page, sheet: CostSheetItem): Promise<string> {
  return (await productsOf(page)).find((p) => p.id === sheet.productId)?.baseUnit ?? '';
}

/**
 * The summary at the typed price. A draft has none yet (the API says what is missing); a
 * price the API refuses is shown beside the price field, with the summary without it.
 */
async function summaryOf(
  page: Page,
  sheet: CostSheet,
  typed: string | undefined,
): Promise<{ summary?: CostSummary; priceError?: string }> {
  if (sheet.status === 'draft') return {};
  const price = page.decimal(typed);
  const path = `/cost-sheets/${sheet.id}/summary`;
  if (price === undefined) return { summary: await page.get<CostSummary>(path) };
  try {
    return { summary: await page.get<CostSummary>(`${path}?price=${encodeURIComponent(price)}`) };
  } catch (error) {
    if (!isRefusal(error)) throw error;
    const priceError = error.fieldErrors().price ?? error.problem.detail;
    return { summary: await page.get<CostSummary>(path), priceError };
  }
}

async function heatMapOf(page: Page, sheet: CostSheet, summary: CostSummary) {
  const grid = heatMapGrid(summary.breakEvenPrice, sheet.yields);
  const sensitivity = await page.get<Sensitivity>(
    `/cost-sheets/${sheet.id}/sensitivity?prices=${grid.prices.join(',')}&yields=${grid.yields.join(',')}`,
  );
  return {
    ...sensitivity,
    breakEvenPrice: grid.breakEvenPrice,
    expectedYield: sheet.yields.expected,
    cells: sensitivity.margins.map((row) =>
      row.map((margin) => ({ margin, className: heatClass(margin, sensitivity.economicCost) })),
    ),
  };
}

/** A margin with its sign always written, so no reader depends on its colour. */
function signedMoney(page: Page) {
  return (value: string, currency: string): string => {
    const text = formatMoney(value, currency, page.language);
    return /^-|^\$ 0$|^US\$ 0$/.test(text) ? text.replace(/^-/, '−') : `+${text}`;
  };
}

/** The form of one line, so a change form posted by hand cannot edit another line. */
function onlyLine(form: FormValues, index: number): FormValues {
  const prefix = `lines.${index}.`;
  return Object.fromEntries(Object.entries(form).filter(([name]) => name.startsWith(prefix)));
}

/** A line's figures as the person would type them, to fill the change form. */
function typedLine(page: Page, line: SheetLine, index: number): FormValues {
  const values: FormValues = {};
  for (const [field, value] of Object.entries(line)) {
    if (typeof value !== 'string') continue;
    const shown = PERCENT_FIELDS.has(field) ? percentOfRate(value) : value;
    values[`lines.${index}.${field}`] = /^-?\d+(\.\d+)?$/.test(shown)
      ? formatDecimal(shown, page.language)
      : shown;
  }
  return values;
}

/** The figures a draft still needs, line by line, as the API named them. */
function toFill(sheet: CostSheet): { index: number; line: SheetLine; fields: string[] }[] {
  const byLine = new Map<number, string[]>();
  for (const issue of sheet.missing) {
    const match = /^lines\.(\d+)\.([A-Za-z]+)$/.exec(issue.field);
    if (!match) continue;
    const index = Number(match[1]);
    byLine.set(index, [...(byLine.get(index) ?? []), match[2]]);
  }
  return [...byLine.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, fields]) => ({ index, line: sheet.lines[index], fields }));
}

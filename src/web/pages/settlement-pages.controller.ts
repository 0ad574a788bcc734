import { Controller, Get, Param, ParseUUIDPipe, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../shared/auth/access.decorators';
import { dec, sum, toDecimalString } from '../../shared/money';
import type { ApiPage } from '../api-types';
import { ConsoleErrorFilter } from '../console-error.filter';
import { ApiProblem, ConsolePages, type FormValues, isRefusal, type Page } from '../console-page';
import { percentOfRate, rateOfPercent } from '../costs/cost-line-form';
import type { LotRef, Settlement, SettlementSummary } from '../settlement/settlement-api';
import { contextOf, producersOf, productsOf } from './console-context';

/** Deduction fields of the draft form, in the order the API applies them (API.md). */
const DEDUCTION_FIELDS = [
  { name: 'freight', type: 'freight', basis: 'amount' },
  { name: 'packaging', type: 'packaging', basis: 'amount' },
  { name: 'commissionRate', type: 'commission', basis: 'rate' },
  { name: 'other', type: 'other', basis: 'amount' },
] as const;

/**
 * Settling a lot: its settlements, a draft computed by the API from the deductions the
 * treasurer types, the payouts per producer, the confirmation, and the statements (a CSV
 * and each producer's PDF) passed through from the API, since the browser holds a cookie
 * and the API takes a bearer token.
 */
@ApiExcludeController()
@Public()
@UseFilters(ConsoleErrorFilter)
@Controller()
export class SettlementPagesController {
  constructor(private readonly pages: ConsolePages) {}

  @Get('lotes/:lotId/liquidacion')
  async list(
    @Req() req: Request,
    @Res() res: Response,
    @Param('lotId', ParseUUIDPipe) lotId: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    await this.renderList(page, lotId);
  }

  @Post('lotes/:lotId/liquidacion')
  async draft(
    @Req() req: Request,
    @Res() res: Response,
    @Param('lotId', ParseUUIDPipe) lotId: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const form = page.submitted();
    const { deductions, fieldOf } = deductionsOf(page, form);
    try {
      const settlement = await page.post<Settlement>(`/lots/${lotId}/settlements`, {
        deductions,
        ...gradeFactorsOf(page, form),
      });
      page.redirect(`/liquidaciones/${settlement.id}`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      await this.renderList(page, lotId, renamedFields(error, fieldOf));
    }
  }

  @Get('liquidaciones/:id')
  async show(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    await this.renderSettlement(page, id, 'settlement');
  }

  /** The step before a change that cannot be undone. */
  @Get('liquidaciones/:id/confirmar')
  async confirmForm(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    await this.renderSettlement(page, id, 'settlement-confirm');
  }

  @Post('liquidaciones/:id/confirmar')
  async confirm(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    page.submitted();
    try {
      await page.post(`/settlements/${id}/confirm`);
      page.redirect(`/liquidaciones/${id}?confirmada=1`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      await this.renderSettlement(page, id, 'settlement-confirm', error);
    }
  }

  @Get('liquidaciones/:id/planilla.csv')
  async statementsCsv(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    passThrough(res, await page.download(`/settlements/${id}/statements.csv`));
  }

  @Get('liquidaciones/:id/productores/:producerId/liquidacion.pdf')
  async producerStatement(
    @Req() req: Request,
    @Res() res: Response,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('producerId', ParseUUIDPipe) producerId: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    passThrough(
      res,
      await page.download(`/settlements/${id}/producers/${producerId}/statement.pdf`),
    );
  }

  private async renderList(page: Page, lotId: string, problem?: ApiProblem): Promise<void> {
    const lot = await page.get<LotRef>(`/lots/${lotId}`);
    const [context, settlements, products] = await Promise.all([
      contextOf(page, lot.organizationId),
      page.get<ApiPage<SettlementSummary>>(`/lots/${lotId}/settlements`),
      productsOf(page),
    ]);
    const product = products.find((p) => p.id === lot.productId);
    const locals = {
      title: page.t('settlement.lotTitle'),
      ...context,
      lot,
      productName: product ? (page.language === 'es' ? product.nameEs : product.nameEn) : '',
      grades: product?.grades ?? [],
      settlements: settlements.items,
      isTreasurer: context.role === 'treasurer',
    };
    if (problem) page.refuse('settlement-list', problem, locals);
    else page.render('settlement-list', locals);
  }

  private async renderSettlement(
    page: Page,
    id: string,
    view: 'settlement' | 'settlement-confirm',
    problem?: ApiProblem,
  ): Promise<void> {
    const settlement = await page.get<Settlement>(`/settlements/${id}`);
    const lot = await page.get<LotRef>(`/lots/${settlement.lotId}`);
    const [context, producers] = await Promise.all([
      contextOf(page, lot.organizationId),
      producersOf(page, lot.organizationId),
    ]);
    const isTreasurer = context.role === 'treasurer';
    const payoutTotal = sum(settlement.payouts.map((p) => p.amount));
    const ownProducers = new Set(
      producers.filter((p) => p.userId === context.me.id).map((p) => p.id),
    );
    const locals = {
      title: page.t(view === 'settlement' ? 'settlement.title' : 'settlement.confirm.title'),
      ...context,
      settlement,
      lot,
      isTreasurer,
      // The API gives a statement to the treasurer and to the producer's own user.
      canDownload: (producerId: string) => isTreasurer || ownProducers.has(producerId),
      payoutTotal: toDecimalString(payoutTotal),
      sumEqualsNet: payoutTotal.equals(dec(settlement.net)),
      quantityTotal: toDecimalString(sum(settlement.payouts.map((p) => p.quantity))),
      justConfirmed: page.req.query.confirmada === '1',
      percent: percentOfRate,
    };
    if (problem) page.refuse(view, problem, locals);
    else page.render(view, locals);
  }
}

/**
 * The deductions typed, in the API's order, and which form field each list position came
 * from, so the API's `deductions.2.rate` can be shown beside the commission field.
 */
function deductionsOf(page: Page, form: FormValues) {
  const deductions: Record<string, string>[] = [];
  const fieldOf: string[] = [];
  for (const field of DEDUCTION_FIELDS) {
    const typed = page.decimal(form[field.name]);
    if (typed === undefined) continue;
    deductions.push({
      type: field.type,
      [field.basis]: field.basis === 'rate' ? rateOfPercent(typed) : typed,
    });
    fieldOf.push(field.name);
  }
  return { deductions, fieldOf };
}

/** Grade factors typed next to each grade (`gradeFactors.B`); blank ones weigh 1 (API.md). */
function gradeFactorsOf(page: Page, form: FormValues): { gradeFactors?: Record<string, string> } {
  const factors: Record<string, string> = {};
  for (const [name, typed] of Object.entries(form)) {
    const match = /^gradeFactors\.(.+)$/.exec(name);
    const value = page.decimal(typed);
    if (match && value !== undefined) factors[match[1]] = value;
  }
  return Object.keys(factors).length > 0 ? { gradeFactors: factors } : {};
}

function renamedFields(error: ApiProblem, fieldOf: string[]): ApiProblem {
  const errors = (error.problem.errors ?? []).map((issue) => {
    const match = /^deductions\.(\d+)\.\w+$/.exec(issue.field);
    const name = match ? fieldOf[Number(match[1])] : undefined;
    return name ? { ...issue, field: name } : issue;
  });
  return new ApiProblem({ ...error.problem, errors });
}

function passThrough(
  res: Response,
  file: { contentType: string; disposition?: string; body: Buffer },
): void {
  res.status(200).type(file.contentType);
  if (file.disposition) res.setHeader('Content-Disposition', file.disposition);
  res.send(file.body);
}

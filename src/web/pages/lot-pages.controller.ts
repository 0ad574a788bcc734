import { Controller, Get, Param, ParseUUIDPipe, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../shared/auth/access.decorators';
import type {
  Allocation,
  ApiPage,
  Approval,
  Benchmark,
  CostBasisReport,
  Lot,
  Me,
  Offer,
  Organization,
  Producer,
} from '../api-types';
import { ConsoleErrorFilter } from '../console-error.filter';
import { ApiProblem, ConsolePages, isRefusal, type Page } from '../console-page';
import { optional, productsById } from './organization-pages.controller';

/**
 * A lot as its association sees it (contributions, floor, every buyer's thread) or as a
 * buyer does (its own thread, an offer or a sealed bid); the API decides which view the
 * person gets, and the page shows what came back.
 */
@ApiExcludeController()
@Public()
@UseFilters(ConsoleErrorFilter)
@Controller()
export class LotPagesController {
  constructor(private readonly pages: ConsolePages) {}

  @Get('lotes/:lotId')
  async lot(
    @Req() req: Request,
    @Res() res: Response,
    @Param('lotId', ParseUUIDPipe) lotId: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    await this.renderLot(page, lotId);
  }

  @Post('lotes/:lotId/aportes')
  async contribute(
    @Req() req: Request,
    @Res() res: Response,
    @Param('lotId', ParseUUIDPipe) lotId: string,
  ): Promise<void> {
    await this.act(req, res, lotId, 'contribution', (page, form) =>
      page.post(`/lots/${lotId}/contributions`, {
        producerId: form.producerId,
        quantity: page.decimal(form.quantity),
        ...optional('grade', form.grade || undefined),
        ...optional('costSheetId', form.costSheetId || undefined),
      }),
    );
  }

  @Post('lotes/:lotId/aportes/:contributionId/retirar')
  async withdrawContribution(
    @Req() req: Request,
    @Res() res: Response,
    @Param('lotId', ParseUUIDPipe) lotId: string,
    @Param('contributionId', ParseUUIDPipe) contributionId: string,
  ): Promise<void> {
    await this.act(req, res, lotId, 'contribution', (page) =>
      page.delete(`/lots/${lotId}/contributions/${contributionId}`),
    );
  }

  @Post('lotes/:lotId/publicar')
  async publish(
    @Req() req: Request,
    @Res() res: Response,
    @Param('lotId', ParseUUIDPipe) lotId: string,
  ): Promise<void> {
    await this.act(req, res, lotId, 'status', (page) => page.post(`/lots/${lotId}/publish`));
  }

  @Post('lotes/:lotId/cancelar')
  async cancel(
    @Req() req: Request,
    @Res() res: Response,
    @Param('lotId', ParseUUIDPipe) lotId: string,
  ): Promise<void> {
    await this.act(req, res, lotId, 'status', (page) => page.post(`/lots/${lotId}/cancel`));
  }

  @Post('lotes/:lotId/ofertas')
  async offer(
    @Req() req: Request,
    @Res() res: Response,
    @Param('lotId', ParseUUIDPipe) lotId: string,
  ): Promise<void> {
    await this.act(req, res, lotId, 'offer', (page, form) =>
      page.post(`/lots/${lotId}/offers`, {
        price: page.decimal(form.price),
        quantity: page.decimal(form.quantity),
        ...optional('minQuantity', page.decimal(form.minQuantity)),
        paymentTermsDays: form.paymentTermsDays === '' ? undefined : Number(form.paymentTermsDays),
        expiresAt: page.instant(form.expiresAt),
      }),
    );
  }

  @Post('ofertas/:offerId/:action')
  async answer(
    @Req() req: Request,
    @Res() res: Response,
    @Param('offerId', ParseUUIDPipe) offerId: string,
    @Param('action') action: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const form = page.submitted();
    const offer = await page.get<Offer>(`/offers/${offerId}`);
    await this.act(req, res, offer.lotId, `offer-${offerId}`, async (current) => {
      switch (action) {
        case 'contraoferta':
          return current.post(`/offers/${offerId}/counter`, {
            price: current.decimal(form.price),
            quantity: current.decimal(form.quantity),
            expiresAt: current.instant(form.expiresAt),
          });
        case 'aceptar': {
          const answer = await current.post<{ approval?: Approval }>(`/offers/${offerId}/accept`, {
            ...optional('overrideReason', form.overrideReason || undefined),
          });
          return answer.approval ? `/aprobaciones/${answer.approval.id}` : undefined;
        }
        case 'rechazar':
          return current.post(`/offers/${offerId}/reject`);
        case 'retirar':
          return current.post(`/offers/${offerId}/withdraw`);
        default:
          throw new ApiProblem({
            type: 'about:blank',
            title: 'Not Found',
            status: 404,
            detail: 'no such action',
            code: 'NOT_FOUND',
          });
      }
    });
  }

  /**
   * A form on the lot page: done, back to the lot (or where the action leads); refused,
   * the lot page again with the refusal beside the form that caused it.
   */
  private async act(
    req: Request,
    res: Response,
    lotId: string,
    formName: string,
    change: (page: Page, form: Record<string, string>) => Promise<unknown>,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const form = page.submitted();
    try {
      const next = await change(page, form);
      page.redirect(typeof next === 'string' ? next : `/lotes/${lotId}`);
    } catch (error) {
      if (!isRefusal(error) || error.status === 401) {
        throw error;
      }
      await this.renderLot(page, lotId, { formName, problem: error });
    }
  }

  private async renderLot(
    page: Page,
    lotId: string,
    refused?: { formName: string; problem: ApiProblem },
  ): Promise<void> {
    const [me, lot, products] = await Promise.all([
      page.get<Me>('/me'),
      page.get<Lot>(`/lots/${lotId}`),
      productsById(page),
    ]);
    const membership = me.memberships.find((m) => m.organizationId === lot.organizationId);
    const buyerMembership = me.memberships.find((m) => m.kind === 'buyer');
    const side = membership ? 'association' : 'buyer';
    // The association may not read a tender's bids before it closes (the API says so with a
    // 403); the page shows that the tender is sealed instead.
    const sealed = side === 'association' && lot.mechanism === 'tender' && lot.status === 'open';
    const offers = sealed
      ? []
      : (await page.get<{ items: Offer[] }>(`/lots/${lotId}/offers`)).items;
    const threads = latestOfEachThread(offers);
    const closed = lot.mechanism === 'tender' && lot.status !== 'open' && lot.status !== 'draft';
    const allocation = closed
      ? await page.get<Allocation>(`/lots/${lotId}/allocation`).catch(() => undefined)
      : undefined;
    let association: { organization?: Organization; [name: string]: unknown } = {};
    if (side === 'association') {
      const [organization, producers, costBasis] = await Promise.all([
        page.get<Organization>(`/organizations/${lot.organizationId}`),
        page.get<ApiPage<Producer>>(`/organizations/${lot.organizationId}/producers?limit=100`),
        page.get<CostBasisReport>(`/lots/${lotId}/cost-basis`).catch(() => undefined),
      ]);
      association = {
        organization,
        producers: Object.fromEntries(producers.items.map((p) => [p.id, p])),
        producerList: producers.items,
        costBasis,
      };
    }
    const benchmarks = Object.fromEntries(
      await Promise.all(
        threads
          .slice(0, 10)
          .map(async (offer) => [
            offer.id,
            await page.get<Benchmark>(`/offers/${offer.id}/benchmark`).catch(() => undefined),
          ]),
      ),
    ) as Record<string, Benchmark | undefined>;
    const locals = {
      title: `${products[lot.productId]?.nameEs ?? ''} · ${lot.grade}`,
      user: me,
      organization: association.organization ?? organizationOf(me, buyerMembership),
      role: membership?.role ?? buyerMembership?.role,
      side,
      lot,
      product: products[lot.productId],
      threads,
      history: offers,
      allocation,
      benchmarks,
      refusedForm: refused?.formName,
      ...association,
    };
    if (refused) page.refuse('lot', refused.problem, locals);
    else page.render('lot', locals);
  }
}

function organizationOf(me: Me, membership: Me['memberships'][number] | undefined) {
  return membership
    ? { id: membership.organizationId, name: membership.organizationName, kind: membership.kind }
    : undefined;
}

/**
 * The open end of each buyer's conversation: the offer no later offer answers. Parent
 * links, not times, decide it, since a counter can carry the same timestamp as its parent.
 */
function latestOfEachThread(offers: Offer[]): Offer[] {
  const answered = new Set(offers.map((offer) => offer.parentOfferId).filter(Boolean));
  return offers
    .filter((offer) => !answered.has(offer.id))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

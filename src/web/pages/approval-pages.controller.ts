import { Controller, Get, Param, ParseUUIDPipe, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../shared/auth/access.decorators';
import type { ApiPage, Approval, Benchmark, Lot, Me, Offer, Producer } from '../api-types';
import { ConsoleErrorFilter } from '../console-error.filter';
import { ApiProblem, ConsolePages, isRefusal, type Page } from '../console-page';
import { productsById } from './organization-pages.controller';

/**
 * A member's vote on an offer, made for a phone: the offer against the member's own cost
 * and against market prices, then one big approve or reject.
 */
@ApiExcludeController()
@Public()
@UseFilters(ConsoleErrorFilter)
@Controller('aprobaciones/:approvalId')
export class ApprovalPagesController {
  constructor(private readonly pages: ConsolePages) {}

  @Get()
  async approval(
    @Req() req: Request,
    @Res() res: Response,
    @Param('approvalId', ParseUUIDPipe) approvalId: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    await this.renderApproval(page, approvalId);
  }

  @Post('voto')
  async vote(
    @Req() req: Request,
    @Res() res: Response,
    @Param('approvalId', ParseUUIDPipe) approvalId: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const form = page.submitted();
    try {
      await page.post(`/approvals/${approvalId}/votes`, { choice: form.choice });
      page.redirect(`/aprobaciones/${approvalId}?votado=1`);
    } catch (error) {
      if (!isRefusal(error) || error.status === 401) {
        throw error;
      }
      await this.renderApproval(page, approvalId, error);
    }
  }

  private async renderApproval(page: Page, approvalId: string, problem?: ApiProblem) {
    const [me, approval] = await Promise.all([
      page.get<Me>('/me'),
      page.get<Approval>(`/approvals/${approvalId}`),
    ]);
    const [lot, offer, products, benchmark] = await Promise.all([
      page.get<Lot>(`/lots/${approval.lotId}`),
      page.get<Offer>(`/offers/${approval.offerId}`),
      productsById(page),
      page.get<Benchmark>(`/offers/${approval.offerId}/benchmark`).catch(() => undefined),
    ]);
    const producers = await page.get<ApiPage<Producer>>(
      `/organizations/${lot.organizationId}/producers?limit=100`,
    );
    const myProducer = producers.items.find((producer) => producer.userId === me.id);
    const myContribution = lot.contributions?.find((c) => c.producerId === myProducer?.id);
    const myCost = myContribution?.costSheetId
      ? await page
          .get<{ costPerUnit: { expected: string | null } }>(
            `/cost-sheets/${myContribution.costSheetId}/summary`,
          )
          .catch(() => undefined)
      : undefined;
    const membership = me.memberships.find((m) => m.organizationId === lot.organizationId);
    const locals = {
      title: page.t('approval.title'),
      user: me,
      organization: membership && {
        id: membership.organizationId,
        name: membership.organizationName,
        kind: membership.kind,
      },
      approval,
      lot,
      offer,
      product: products[lot.productId],
      benchmark,
      myContribution,
      myCostPerUnit: myCost?.costPerUnit.expected ?? undefined,
      myVote: approval.votes.find((vote) => vote.userId === me.id),
      justVoted: page.req.query.votado === '1',
    };
    if (problem) page.refuse('approval', problem, locals);
    else page.render('approval', locals);
  }
}

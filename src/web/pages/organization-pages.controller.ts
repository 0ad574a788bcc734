import { Controller, Get, Param, ParseUUIDPipe, Post, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../shared/auth/access.decorators';
import type {
  ApiPage,
  Approval,
  Lot,
  Me,
  Notification,
  Offer,
  Organization,
  Product,
  SettlementSummary,
} from '../api-types';
import { ConsoleErrorFilter } from '../console-error.filter';
import { ApiProblem, ConsolePages, isRefusal, type Page } from '../console-page';

/** How many lots a home page looks through for offers and votes waiting. */
const HOME_LOTS = 50;

/** An organisation's home, and creating a lot. */
@ApiExcludeController()
@Public()
@UseFilters(ConsoleErrorFilter)
@Controller('org/:orgId')
export class OrganizationPagesController {
  constructor(private readonly pages: ConsolePages) {}

  @Get()
  async home(
    @Req() req: Request,
    @Res() res: Response,
    @Param('orgId', ParseUUIDPipe) orgId: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const { me, organization, role } = await organizationContext(page, orgId);
    const [lots, products, inbox] = await Promise.all([
      page.get<ApiPage<Lot>>(`/lots?limit=${HOME_LOTS}`),
      productsById(page),
      page.get<ApiPage<Notification>>('/me/notifications?limit=50'),
    ]);
    const locals = { title: organization.name, user: me, organization, role, products };
    if (organization.kind === 'buyer') {
      const open = lots.items.filter((lot) => lot.status === 'open');
      const mine = lots.items.filter((lot) => lot.organizationId !== orgId);
      const threads = await offersOfLots(page, mine);
      const dealIds = inbox.items
        .filter((n) => n.type === 'deal.created' && n.data.dealId)
        .map((n) => n.data.dealId);
      return page.render('buyer-home', { ...locals, open, threads, dealIds });
    }
    const own = lots.items.filter((lot) => lot.organizationId === orgId);
    const waiting = (
      await offersOfLots(
        page,
        own.filter((lot) => lot.status !== 'draft'),
      )
    ).filter(({ offer }) => offer.status === 'pending' && offer.madeBy === 'buyer');
    const [approvals, drafts] = await Promise.all([
      pendingApprovals(page, inbox.items),
      draftSettlements(page, own),
    ]);
    page.render('association-home', { ...locals, lots: own, waiting, approvals, drafts });
  }

  @Get('lotes/nuevo')
  async newLot(
    @Req() req: Request,
    @Res() res: Response,
    @Param('orgId', ParseUUIDPipe) orgId: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    await this.renderNewLot(page, orgId);
  }

  @Post('lotes')
  async createLot(
    @Req() req: Request,
    @Res() res: Response,
    @Param('orgId', ParseUUIDPipe) orgId: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const form = page.submitted();
    try {
      const lot = await page.post<Lot>(`/organizations/${orgId}/lots`, {
        productId: form.productId,
        grade: form.grade,
        unit: form.unit,
        currency: form.currency || 'CLP',
        mechanism: form.mechanism,
        ...(form.mechanism === 'tender' ? { pricingRule: form.pricingRule } : {}),
        ...optional('askingPrice', page.decimal(form.askingPrice)),
        ...optional('reservePrice', page.decimal(form.reservePrice)),
        minOrderQuantity: page.decimal(form.minOrderQuantity),
        deliveryFrom: form.deliveryFrom,
        deliveryTo: form.deliveryTo,
        deliveryPoint: form.deliveryPoint,
        ...optional(
          'closesAt',
          form.mechanism === 'tender' ? page.instant(form.closesAt) : undefined,
        ),
      });
      page.redirect(`/lotes/${lot.id}`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      await this.renderNewLot(page, orgId, error);
    }
  }

  private async renderNewLot(page: Page, orgId: string, problem?: ApiProblem): Promise<void> {
    const { me, organization } = await organizationContext(page, orgId);
    const products = await page.get<ApiPage<Product>>('/products?limit=100');
    const locals = {
      title: page.t('lot.new'),
      user: me,
      organization,
      products: products.items,
    };
    if (problem) page.refuse('lot-new', problem, locals);
    else page.render('lot-new', locals);
  }
}

export async function organizationContext(page: Page, orgId: string) {
  const [me, organization] = await Promise.all([
    page.get<Me>('/me'),
    page.get<Organization>(`/organizations/${orgId}`),
  ]);
  const role = me.memberships.find((m) => m.organizationId === orgId)?.role;
  return { me, organization, role };
}

export async function productsById(page: Page): Promise<Record<string, Product>> {
  const products = await page.get<ApiPage<Product>>('/products?limit=100');
  return Object.fromEntries(products.items.map((product) => [product.id, product]));
}

/** Each lot's offers as the caller may see them, newest first, with the lot beside each. */
async function offersOfLots(page: Page, lots: Lot[]): Promise<{ lot: Lot; offer: Offer }[]> {
  const lists = await Promise.all(
    lots.map(async (lot) => {
      const offers = await page.get<{ items: Offer[] }>(`/lots/${lot.id}/offers`);
      return offers.items.map((offer) => ({ lot, offer }));
    }),
  );
  return lists.flat().sort((a, b) => b.offer.createdAt.localeCompare(a.offer.createdAt));
}

/** Votes still open, found through the person's inbox (`approval.requested`). */
async function pendingApprovals(page: Page, inbox: Notification[]): Promise<Approval[]> {
  const ids = [
    ...new Set(
      inbox
        .filter((n) => n.type === 'approval.requested' && n.data.approvalId)
        .map((n) => n.data.approvalId),
    ),
  ];
  const approvals = await Promise.all(
    ids.map((id) => page.get<Approval>(`/approvals/${id}`).catch(() => undefined)),
  );
  return approvals.filter((a): a is Approval => a?.status === 'pending');
}

/** Settlements drafted but not yet confirmed, for the lots that have been sold. */
async function draftSettlements(page: Page, lots: Lot[]) {
  const sold = lots.filter((lot) => SOLD_STATUSES.includes(lot.status));
  const lists = await Promise.all(
    sold.map(async (lot) => {
      const settlements = await page.get<ApiPage<SettlementSummary>>(`/lots/${lot.id}/settlements`);
      return settlements.items
        .filter((settlement) => settlement.status === 'draft')
        .map((settlement) => ({ lot, settlement }));
    }),
  );
  return lists.flat();
}

const SOLD_STATUSES = ['sold', 'partially_sold', 'delivered'];

export function optional<K extends string>(name: K, value: string | undefined) {
  return value === undefined ? {} : ({ [name]: value } as Record<K, string>);
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { OrganizationResolver } from '../../shared/auth/organization-resolver';
import { Clock } from '../../shared/clock';
import { CommonErrors, DomainError, validationFailed } from '../../shared/errors/domain-error';
import { JobQueue } from '../../shared/jobs/job-queue';
import { dec, toDecimalString } from '../../shared/money';
import { Outbox } from '../../shared/outbox/outbox.service';
import { type Page, paginate } from '../../shared/pagination/pagination';
import { CatalogService } from '../catalog/catalog.service';
import { CostingService } from '../costing/costing.service';
import type { LotCostBasis } from '../costing/domain/lot-cost-basis';
import { IdentityService } from '../identity/identity.service';
import { Producer } from '../identity/entities/producer.entity';
import type {
  AddContributionRequest,
  AssociationLotResponse,
  CreateLotRequest,
  LotListQuery,
} from './dto/lot.dto';
import { toAssociationLotResponse } from './lot.mappers';
import {
  assertContributionAddable,
  assertContributionWithdrawable,
  quantityAvailable,
} from './domain/lot-quantities';
import { type LotEvent, transitionLot } from './domain/lot-state';
import { PoolingErrors } from './domain/pooling.errors';
import { LotContribution } from './entities/lot-contribution.entity';
import { Lot } from './entities/lot.entity';
import { LotHistory, type NewHistoryEvent } from './lot-history.service';

export const TENDER_CLOSE_JOB = 'tender.close';

/** Who is looking at a lot: a member of the owning association, or a buyer organisation. */
export type LotViewer =
  { side: 'association'; roles: string[] } | { side: 'buyer'; organizationIds: string[] };

/**
 * Work another module must do before a lot is read or written: a tender past its closing
 * time is closed first, and holds of lapsed approvals are given back (lazily, when their
 * jobs have not run). Registered by the negotiation module, so pooling does not depend on it.
 */
export type LotCatchUp = (lotId: string) => Promise<void>;

@Injectable()
export class LotsService implements OnModuleInit {
  private catchUp: LotCatchUp = () => Promise.resolve();

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly history: LotHistory,
    private readonly catalog: CatalogService,
    private readonly costing: CostingService,
    private readonly identity: IdentityService,
    private readonly resolver: OrganizationResolver,
    private readonly jobs: JobQueue,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.resolver.register('lot', async (lotId) => {
      const lot = await this.dataSource
        .getRepository(Lot)
        .findOne({ where: { id: lotId }, select: { organizationId: true } });
      return lot?.organizationId ?? null;
    });
  }

  setCatchUp(catchUp: LotCatchUp): void {
    this.catchUp = catchUp;
  }

  async create(
    organizationId: string,
    user: AuthenticatedUser,
    request: CreateLotRequest,
  ): Promise<Lot> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      await this.assertLotTerms(manager, request, now);
      const lot = await manager.save(
        manager.create(Lot, {
          organizationId,
          productId: request.productId,
          grade: request.grade,
          unit: request.unit,
          currency: request.currency,
          mechanism: request.mechanism,
          pricingRule:
            request.mechanism === 'tender' ? (request.pricingRule ?? 'pay_as_bid') : null,
          askingPrice: request.askingPrice ?? null,
          reservePrice: request.reservePrice ?? null,
          minOrderQuantity: request.minOrderQuantity,
          deliveryFrom: request.deliveryFrom,
          deliveryTo: request.deliveryTo,
          deliveryPoint: request.deliveryPoint.trim(),
          closesAt: request.closesAt ? new Date(request.closesAt) : null,
          status: 'draft',
          createdBy: user.id,
        }),
      );
      await this.history.append(manager, lot.id, [
        {
          type: 'lot.created',
          at: now,
          actor: user.id,
          data: { mechanism: lot.mechanism, currency: lot.currency },
        },
      ]);
      return lot;
    });
  }

  async addContribution(
    lotId: string,
    user: AuthenticatedUser,
    request: AddContributionRequest,
  ): Promise<LotContribution> {
    await this.catchUp(lotId);
    // Checked before the transaction (the resolvers read outside it): a sheet never changes
    // hands. Another association's sheet would be stored but never counted in the floor.
    if (request.costSheetId) {
      const sheetOwner = await this.resolver.organizationOf('cost-sheet', request.costSheetId);
      if (!sheetOwner || sheetOwner !== (await this.resolver.organizationOf('lot', lotId))) {
        throw validationFailed([
          {
            field: 'costSheetId',
            code: 'INVALID',
            message: 'not a cost sheet of this association',
          },
        ]);
      }
    }
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const lot = await this.lock(manager, lotId);
      assertContributionAddable(lot.status, request.quantity);
      const producer = await manager.findOneBy(Producer, {
        id: request.producerId,
        organizationId: lot.organizationId,
      });
      if (!producer) {
        throw validationFailed([
          { field: 'producerId', code: 'INVALID', message: 'not a producer of this association' },
        ]);
      }
      const contribution = await manager.save(
        manager.create(LotContribution, {
          lotId,
          producerId: producer.id,
          quantity: request.quantity,
          grade: request.grade ?? null,
          costSheetId: request.costSheetId ?? null,
        }),
      );
      await manager.query(`UPDATE lots SET quantity_total = quantity_total + $2 WHERE id = $1`, [
        lotId,
        request.quantity,
      ]);
      await this.history.append(manager, lot.id, [
        {
          type: 'contribution.added',
          at: now,
          actor: user.id,
          data: {
            contributionId: contribution.id,
            producerId: producer.id,
            quantity: toDecimalString(request.quantity),
          },
        },
      ]);
      return contribution;
    });
  }

  async withdrawContribution(
    lotId: string,
    contributionId: string,
    user: AuthenticatedUser,
  ): Promise<void> {
    await this.catchUp(lotId);
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const lot = await this.lock(manager, lotId);
      const contribution = await manager.findOneBy(LotContribution, { id: contributionId, lotId });
      if (!contribution)
        throw new DomainError(CommonErrors.NOT_FOUND, 'no such contribution on this lot');
      assertContributionWithdrawable({
        status: lot.status,
        hasDeals: !dec(lot.quantitySold).isZero(),
        quantityHeld: lot.quantityHeld,
      });
      await manager.delete(LotContribution, { id: contributionId });
      await manager.query(`UPDATE lots SET quantity_total = quantity_total - $2 WHERE id = $1`, [
        lotId,
        contribution.quantity,
      ]);
      await this.history.append(manager, lot.id, [
        {
          type: 'contribution.withdrawn',
          at: now,
          actor: user.id,
          data: {
            contributionId,
            producerId: contribution.producerId,
            quantity: toDecimalString(contribution.quantity),
          },
        },
      ]);
    });
  }

  async publish(lotId: string, user: AuthenticatedUser): Promise<Lot> {
    const now = this.clock.now();
    const lot = await this.dataSource.transaction(async (manager) => {
      const lot = await this.lock(manager, lotId);
      lot.status = transitionLot(lot.status, 'publish', { hasDeals: false });
      if (dec(lot.quantityTotal).isZero()) {
        throw new DomainError(
          PoolingErrors.LOT_EMPTY,
          'a lot needs contributions before it is published',
        );
      }
      if (lot.closesAt && lot.closesAt.getTime() <= now.getTime()) {
        throw validationFailed([
          {
            field: 'closesAt',
            code: 'IN_THE_PAST',
            message: 'the tender would close before it opens',
          },
        ]);
      }
      await manager.update(Lot, { id: lotId }, { status: lot.status, publishedAt: now });
      lot.publishedAt = now;
      await this.history.append(manager, lot.id, [
        {
          type: 'lot.published',
          at: now,
          actor: user.id,
          data: { quantityTotal: toDecimalString(lot.quantityTotal) },
        },
      ]);
      await this.recordEvent(manager, lot, 'lot.published', {
        quantityTotal: toDecimalString(lot.quantityTotal),
      });
      return lot;
    });
    if (lot.mechanism === 'tender' && lot.closesAt)
      await this.scheduleTenderClose(lot.id, lot.closesAt);
    this.outbox.kick();
    return lot;
  }

  /** The close also happens lazily; a lost schedule (Redis down) only delays its side effects. */
  async scheduleTenderClose(lotId: string, closesAt: Date): Promise<void> {
    try {
      await this.jobs.enqueue(
        TENDER_CLOSE_JOB,
        { lotId },
        {
          jobId: `tender-close-${lotId}`,
          delayMs: Math.max(0, closesAt.getTime() - this.clock.now().getTime()),
        },
      );
    } catch {
      // The lazy close on the next read or write of the lot takes over.
    }
  }

  /** A tender past its closing time is closed (and allocated) first: a cancel comes too late. */
  async cancel(lotId: string, user: AuthenticatedUser): Promise<Lot> {
    await this.catchUp(lotId);
    const now = this.clock.now();
    const lot = await this.dataSource.transaction(async (manager) => {
      const lot = await this.lock(manager, lotId);
      lot.status = transitionLot(lot.status, 'cancel', {
        hasDeals: !dec(lot.quantitySold).isZero(),
      });
      await manager.update(
        Lot,
        { id: lotId },
        { status: lot.status, closedAt: now, quantityHeld: '0' },
      );
      await manager.query(
        `UPDATE approvals SET status = 'expired', decided_at = $2 WHERE lot_id = $1 AND status = 'pending'`,
        [lotId, now],
      );
      await manager.query(
        `UPDATE offers SET status = 'superseded', decided_at = $2 WHERE lot_id = $1 AND status = 'pending'`,
        [lotId, now],
      );
      await this.history.append(manager, lot.id, [
        { type: 'lot.cancelled', at: now, actor: user.id, data: {} },
      ]);
      await this.recordEvent(manager, lot, 'lot.cancelled', {});
      return lot;
    });
    this.outbox.kick();
    return lot;
  }

  /** A lot as `user` may see it, or NOT_FOUND. Buyers see published lots, never drafts. */
  async view(lotId: string, user: AuthenticatedUser): Promise<{ lot: Lot; viewer: LotViewer }> {
    await this.catchUp(lotId);
    const lot = await this.dataSource.getRepository(Lot).findOneBy({ id: lotId });
    if (!lot) throw notFound();
    const viewer = await this.viewerOf(lot, user);
    if (!viewer) throw notFound();
    return { lot, viewer };
  }

  async viewerOf(lot: Lot, user: AuthenticatedUser): Promise<LotViewer | null> {
    const membership = await this.identity.membershipOf(user.id, lot.organizationId);
    if (membership) return { side: 'association', roles: membership.roles };
    const buyerOrganizationIds = await this.buyerOrganizationsOf(user.id);
    if (buyerOrganizationIds.length === 0) return null;
    if (lot.status === 'draft' || lot.status === 'cancelled') return null;
    if (lot.status !== 'open') {
      const involved = await this.dataSource.query<unknown[]>(
        `SELECT 1 FROM offers WHERE lot_id = $1 AND buyer_organization_id = ANY($2) LIMIT 1`,
        [lot.id, buyerOrganizationIds],
      );
      if (involved.length === 0) return null;
    }
    return { side: 'buyer', organizationIds: buyerOrganizationIds };
  }

  async buyerOrganizationsOf(userId: string): Promise<string[]> {
    const rows = await this.dataSource.query<{ organization_id: string }[]>(
      `SELECT organization_id FROM memberships WHERE user_id = $1 AND role = 'buyer_agent' ORDER BY created_at`,
      [userId],
    );
    return rows.map((row) => row.organization_id);
  }

  contributionsOf(
    lotId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<LotContribution[]> {
    return manager.find(LotContribution, {
      where: { lotId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
  }

  /** Associations' members see their own lots; buyer agents see open lots. */
  async list(
    user: AuthenticatedUser,
    query: LotListQuery,
  ): Promise<Page<{ lot: Lot; side: LotViewer['side'] }>> {
    const memberships = await this.dataSource.query<{ organization_id: string }[]>(
      `SELECT DISTINCT m.organization_id FROM memberships m JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = $1 AND o.kind = 'association'`,
      [user.id],
    );
    const ownOrganizations = memberships.map((row) => row.organization_id);
    const isBuyer = (await this.buyerOrganizationsOf(user.id)).length > 0;
    const builder = this.dataSource.getRepository(Lot).createQueryBuilder('lot');
    builder.where(`(lot.organizationId IN (:...own) ${isBuyer ? "OR lot.status = 'open'" : ''})`, {
      own: [...ownOrganizations, '00000000-0000-0000-0000-000000000000'],
    });
    if (query.status) builder.andWhere('lot.status = :status', { status: query.status });
    if (query.productId)
      builder.andWhere('lot.productId = :productId', { productId: query.productId });
    if (query.communityId) {
      builder.andWhere(
        'lot.organizationId IN (SELECT id FROM organizations WHERE community_id = :communityId)',
        { communityId: query.communityId },
      );
    }
    const page = await paginate(builder, query);
    return {
      items: page.items.map((lot) => ({
        lot,
        side: ownOrganizations.includes(lot.organizationId) ? 'association' : 'buyer',
      })),
      nextCursor: page.nextCursor,
    };
  }

  /** The association's view: contributions and the floor from their cost sheets. */
  async associationResponse(lot: Lot): Promise<AssociationLotResponse> {
    const contributions = await this.contributionsOf(lot.id);
    return toAssociationLotResponse(
      lot,
      contributions,
      await this.floorPriceOf(lot, contributions),
    );
  }

  /**
   * Weighted break-even of the contributions that name a cost sheet, per unit of the lot;
   * null when none brings a cost. Cost sheets give a cost per base unit (kg), so a lot sold
   * by the 20 kg sack multiplies it by 20; the rounded-up floor stays at or above break-even.
   */
  async floorPriceOf(lot: Lot, contributions: LotContribution[]): Promise<string | null> {
    // Most lots name no cost sheet; their floor needs no catalogue or costing lookups.
    if (contributions.every((contribution) => contribution.costSheetId === null)) return null;
    const { basis, unitFactor } = await this.costBasisOf(lot, contributions);
    return basis.floorPrice === null
      ? null
      : toDecimalString(dec(basis.floorPrice).times(unitFactor));
  }

  /**
   * The lot's cost basis from the contributions' cost sheets. Figures are per base unit of
   * the product (cost sheets are kept that way); `unitFactor` converts to the lot's unit, and
   * a `price` given per lot unit is converted before it is compared.
   */
  async costBasisOf(
    lot: Lot,
    contributions: LotContribution[],
    pricePerLotUnit?: string,
  ): Promise<{ basis: LotCostBasis; unitFactor: string; baseUnit: string }> {
    const terms = await this.catalog.productTerms(lot.productId);
    const unitFactor = terms?.unitFactors[lot.unit] ?? '1';
    const basis = await this.costing.costBasisOf(contributions, lot.currency, {
      organizationId: lot.organizationId,
      productId: lot.productId,
      ...(pricePerLotUnit === undefined
        ? {}
        : { price: toDecimalString(dec(pricePerLotUnit).dividedBy(unitFactor)) }),
    });
    return { basis, unitFactor, baseUnit: terms?.baseUnit ?? lot.unit };
  }

  /** GET /lots/:id/cost-basis: the weighting, the suggested floor and who a price leaves short. */
  async costBasisReport(lotId: string, price?: string) {
    const lot = await this.dataSource.getRepository(Lot).findOneByOrFail({ id: lotId });
    const contributions = await this.contributionsOf(lotId);
    const { basis, unitFactor, baseUnit } = await this.costBasisOf(lot, contributions, price);
    return {
      ...basis,
      baseUnit,
      lotUnit: lot.unit,
      unitFactor,
      suggestedFloorPrice:
        basis.floorPrice === null ? null : toDecimalString(dec(basis.floorPrice).times(unitFactor)),
    };
  }

  historyOf(lotId: string) {
    return this.history.read(lotId);
  }

  /** Puts the lot's staged history on its chain now (a reader of lot_history needs it whole). */
  async chainHistory(lotId: string): Promise<void> {
    await this.history.chain(lotId);
  }

  /** The lot row, locked for the rest of the caller's transaction. */
  async lock(manager: EntityManager, lotId: string): Promise<Lot> {
    const lot = await manager.findOne(Lot, {
      where: { id: lotId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!lot) throw notFound();
    return lot;
  }

  /** Moves a locked lot through its state machine, stamping when selling ended. */
  async transition(manager: EntityManager, lot: Lot, event: LotEvent, now: Date): Promise<void> {
    lot.status = transitionLot(lot.status, event, { hasDeals: !dec(lot.quantitySold).isZero() });
    await manager.update(
      Lot,
      { id: lot.id },
      { status: lot.status, closedAt: lot.closedAt ?? now },
    );
  }

  appendHistory(manager: EntityManager, lot: Lot, events: NewHistoryEvent[]): Promise<void> {
    return this.history.append(manager, lot.id, events);
  }

  recordEvent(
    manager: EntityManager,
    lot: Lot,
    type: string,
    payload: Record<string, unknown>,
  ): Promise<void> {
    return this.outbox.record(manager, {
      type,
      aggregateType: 'lot',
      aggregateId: lot.id,
      organizationId: lot.organizationId,
      payload: { lotId: lot.id, ...payload },
    });
  }

  available(lot: Lot): string {
    return quantityAvailable(lot);
  }

  private async assertLotTerms(
    manager: EntityManager,
    request: CreateLotRequest,
    now: Date,
  ): Promise<void> {
    const terms = await this.catalog.productTerms(request.productId, manager);
    if (!terms) {
      throw validationFailed([
        { field: 'productId', code: 'INVALID', message: 'no product has that id' },
      ]);
    }
    const issues = [];
    if (!terms.grades.includes(request.grade)) {
      issues.push({
        field: 'grade',
        code: 'NOT_ALLOWED_VALUE',
        message: `grade must be one of ${terms.grades.join(', ')}`,
      });
    }
    if (!terms.units.includes(request.unit)) {
      issues.push({
        field: 'unit',
        code: 'NOT_ALLOWED_VALUE',
        message: `unit must be one of ${terms.units.join(', ')}`,
      });
    }
    if (request.deliveryTo < request.deliveryFrom) {
      issues.push({
        field: 'deliveryTo',
        code: 'BEFORE_START',
        message: 'must not be before deliveryFrom',
      });
    }
    if (request.mechanism === 'tender') {
      if (!request.closesAt) {
        issues.push({
          field: 'closesAt',
          code: 'REQUIRED',
          message: 'a tender needs a closing time',
        });
      } else if (new Date(request.closesAt).getTime() <= now.getTime()) {
        issues.push({ field: 'closesAt', code: 'IN_THE_PAST', message: 'must be in the future' });
      }
    } else {
      if (request.closesAt) {
        issues.push({
          field: 'closesAt',
          code: 'NOT_ALLOWED',
          message: 'only a tender has a closing time',
        });
      }
      if (request.pricingRule) {
        issues.push({
          field: 'pricingRule',
          code: 'NOT_ALLOWED',
          message: 'only a tender has a pricing rule',
        });
      }
    }
    if (issues.length > 0) throw validationFailed(issues);
  }
}

function notFound(): DomainError {
  return new DomainError(CommonErrors.NOT_FOUND, 'no such lot');
}

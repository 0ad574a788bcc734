import { randomUUID } from 'node:crypto';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource, type EntityManager, In } from 'typeorm';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { Clock } from '../../shared/clock';
import { CommonErrors, DomainError } from '../../shared/errors/domain-error';
import { JobQueue } from '../../shared/jobs/job-queue';
import { dec, toDecimalString } from '../../shared/money';
import { Outbox, outboxInsert } from '../../shared/outbox/outbox.service';
import { entityColumns, hydrateEntity } from '../../shared/database/hydrate';
import { updateReturning } from '../../shared/database/update-returning';
import { sqlState } from '../../shared/database/postgres-errors';
import { preparedQuery } from '../../shared/database/prepared-query';
import {
  type IdempotentAnswer,
  storedAnswerParts,
} from '../../shared/idempotency/inline-idempotency';
import { Organization } from '../identity/entities/organization.entity';
import { CatalogService } from '../catalog/catalog.service';
import { IdentityService } from '../identity/identity.service';
import type { OfferBenchmarkResponse } from '../market-prices/dto/market-price.dto';
import { MarketPricesService } from '../market-prices/market-prices.service';
import type { ApprovalPolicy, FloorPolicy, OrganizationRole } from '../identity/domain/roles';
import {
  assertQuantityRequestable,
  closingEvent,
  dealQuantity,
} from '../pooling/domain/lot-quantities';
import { Lot } from '../pooling/entities/lot.entity';
import { historyInsert } from '../pooling/lot-history.service';
import { LotsService, TENDER_CLOSE_JOB } from '../pooling/lots.service';
import type {
  AcceptOfferRequest,
  CounterOfferRequest,
  MakeOfferRequest,
} from './dto/negotiation.dto';
import {
  type ApprovalSpec,
  type ApprovalTally,
  type AssociationRole,
  approvalClosesAt,
  buildElectorate,
  castVote,
  tallyApproval,
} from './domain/approval';
import { guardFloor } from './domain/floor-guard';
import { NegotiationErrors } from './domain/negotiation.errors';
import {
  decideOfferAction,
  effectiveStatus,
  expirySweepAt,
  offerExpiryDue,
} from './domain/offer-state';
import {
  type OfferTerms,
  validateCounterTerms,
  validateOfferTerms,
} from './domain/offer-validation';
import {
  assertOfferReadable,
  type BuyerAllocationView,
  buyerAllocationView,
  type OfferViewer,
  visibleOffers,
} from './domain/offer-visibility';
import { type TenderAllocation, allocateTender } from './domain/tender-allocation';
import {
  assertBidAllowed,
  assertNegotiable,
  assertTenderClosed,
  standsAtClose,
  tenderCloseDue,
} from './domain/tender-window';
import { Approval, ApprovalVoteRecord } from './entities/approval.entity';
import { Deal } from './entities/deal.entity';
import { Offer } from './entities/offer.entity';

/** One offer's expiry, as enqueued before the per-second jobs (may still be queued after an upgrade). */
const OFFER_EXPIRE_JOB = 'offer.expire';
/** Every offer due by its time: one job per second in which offers fall due. */
const OFFERS_EXPIRE_JOB = 'offers.expire';
const APPROVAL_EXPIRE_JOB = 'approval.expire';
/** Past this many, the seconds whose expiry job this process asked for are forgotten. */
const REMEMBERED_EXPIRY_SWEEPS = 10_000;
/**
 * How early a delayed job may run and still wait for its time. Timers measure from the event
 * loop's cached clock and Bull rounds delays, so a job can start a few milliseconds before
 * the instant it was scheduled for; a job much earlier than this is left to the queue's retry.
 */
const MAX_EARLY_JOB_MS = 5000;

/** Who acts on an offer: its association (with the caller's roles there) or its buyer. */
type Party = { side: 'association'; roles: OrganizationRole[] } | { side: 'buyer' };

export type AcceptOutcome = { deal: Deal } | { approval: Approval };

@Injectable()
export class NegotiationService implements OnModuleInit {
  /**
   * The seconds (ms) this process has already asked an expiry job for: asking again would
   * only be refused by the queue (same job id), at the price of a queue round trip per offer.
   */
  private readonly expirySweeps = new Set<number>();

  constructor(
    private readonly dataSource: DataSource,
    private readonly lots: LotsService,
    private readonly identity: IdentityService,
    private readonly catalog: CatalogService,
    private readonly marketPrices: MarketPricesService,
    private readonly outbox: Outbox,
    private readonly jobs: JobQueue,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.lots.setCatchUp(
      (lotId) => this.catchUp(lotId),
      (lot, now) =>
        `((${lot}.mechanism = 'tender' AND ${lot}.status = 'open' AND ${lot}.closes_at <= ${now})
          OR ${lapsedHoldsOf(lot, now)})`,
    );
    this.jobs.register<{ lotId: string }>(TENDER_CLOSE_JOB, async ({ lotId }) => {
      const lot = await this.dataSource.getRepository(Lot).findOneBy({ id: lotId });
      if (lot?.closesAt) await this.untilDue(lot.closesAt);
      await this.closeTenderIfDue(lotId, 'job:tender-close');
    });
    this.jobs.register<{ offerId: string }>(OFFER_EXPIRE_JOB, ({ offerId }) =>
      this.expireOfferIfDue(offerId),
    );
    this.jobs.register<{ at: string }>(OFFERS_EXPIRE_JOB, ({ at }) =>
      this.expireOffersDue(new Date(at)),
    );
    this.jobs.register<{ approvalId: string }>(APPROVAL_EXPIRE_JOB, ({ approvalId }) =>
      this.expireApprovalIfDue(approvalId),
    );
  }

  /** A buyer's offer on a negotiation lot, or a sealed bid on a tender. */
  async makeOffer(
    lotId: string,
    user: AuthenticatedUser,
    request: MakeOfferRequest,
    answer?: IdempotentAnswer<Offer>,
  ): Promise<Offer> {
    const buyerOrganizationId = await this.buyerOrganizationFor(user, request.buyerOrganizationId);
    const read = await this.lotAndDue(lotId);
    if (!read) throw notFound('lot');
    if (read.lot.mechanism === 'negotiation' && !read.due) {
      const offer = await this.offerAtOnce(read.lot, user, buyerOrganizationId, request, answer);
      if (offer) {
        await this.scheduleExpiry(offer);
        this.outbox.kick();
        return offer;
      }
    }
    await answer?.key.claim();
    await this.catchUpIfDue(lotId, read.due);
    const now = this.clock.now();
    const offer = await this.dataSource.transaction(async (manager) => {
      const lot = await this.lotForOffer(manager, lotId);
      const isTender = lot.mechanism === 'tender';
      if (isTender) assertBidAllowed(lot, now);
      else assertNegotiable(lot);
      const offer = this.newBuyerOffer(manager, lot, user, buyerOrganizationId, request, now);
      if (isTender) {
        // A buyer's new bid replaces its earlier one: one standing bid per buyer.
        await manager.query(
          `UPDATE offers SET status = 'superseded', decided_at = $3
            WHERE lot_id = $1 AND buyer_organization_id = $2 AND kind = 'bid' AND status = 'pending'`,
          [lot.id, buyerOrganizationId, now],
        );
      }
      await manager.save(offer);
      if (isTender) {
        // Sealed means the association learns nothing of a bid before the close, not even
        // that it exists or who placed it: no history entry (the association reads that log)
        // and the event goes to the bidder alone. The close writes every standing bid into
        // the history with the allocation.
        await this.outbox.record(manager, {
          type: 'bid.received',
          aggregateType: 'lot',
          aggregateId: lot.id,
          organizationId: buyerOrganizationId,
          payload: { lotId: lot.id, offerId: offer.id, buyerOrganizationId },
        });
        return offer;
      }
      await this.lots.appendHistory(manager, lot, [
        { type: 'offer.received', at: now, actor: user.id, data: offerTermsData(offer) },
      ]);
      await this.lots.recordEvent(manager, lot, 'offer.received', {
        offerId: offer.id,
        buyerOrganizationId,
      });
      return offer;
    });
    await this.scheduleExpiry(offer);
    this.outbox.kick();
    return offer;
  }

  async counter(
    offerId: string,
    user: AuthenticatedUser,
    request: CounterOfferRequest,
  ): Promise<Offer> {
    const { party, lot: lotRef, due } = await this.partyFor(offerId, user);
    await this.catchUpIfDue(lotRef.id, due);
    const now = this.clock.now();
    const floorPrice = party.side === 'association' ? await this.floorOf(lotRef) : null;
    const counter = await this.dataSource.transaction(async (manager) => {
      const lot = await this.lots.lock(manager, lotRef.id);
      const offer = await this.lockOffer(manager, offerId);
      assertNegotiable(lot);
      decideOfferAction({ offer, actor: party.side, action: 'counter', now });
      requireRole(party, ['manager'], 'counter');
      const terms = validateCounterTerms(request, offer, now);
      await this.releaseLapsedHolds(manager, lot, now);
      // Countering an offer under approval answers it otherwise: the vote has nothing left
      // to decide, and its hold must not outlive it.
      const pending = await manager.findOneBy(Approval, { offerId, status: 'pending' });
      if (pending) await this.closeApproval(manager, lot, pending, 'rejected', now);
      assertQuantityRequestable({
        requested: terms.quantity,
        quantityAvailable: this.lots.available(lot),
        minOrderQuantity: lot.minOrderQuantity,
      });
      const floor =
        party.side === 'association'
          ? guardFloor({
              price: terms.price,
              floorPrice,
              policy: (await manager.findOneByOrFail(Organization, { id: lot.organizationId }))
                .floorPolicy,
              overrideReason: request.overrideReason,
            })
          : null;
      await manager.update(
        Offer,
        { id: offer.id },
        { status: 'countered', decidedAt: now, decidedByUserId: user.id },
      );
      const counter = await manager.save(
        manager.create(Offer, {
          id: randomUUID(),
          lotId: lot.id,
          buyerOrganizationId: offer.buyerOrganizationId,
          threadId: offer.threadId,
          parentOfferId: offer.id,
          kind: 'offer',
          madeBy: party.side,
          madeByUserId: user.id,
          ...pendingOfferTerms(terms, now),
        }),
      );
      await this.lots.appendHistory(manager, lot, [
        ...(floor?.override
          ? [{ type: 'floor.overridden', at: now, actor: user.id, data: { ...floor.override } }]
          : []),
        {
          type: 'offer.countered',
          at: now,
          actor: user.id,
          data: { ...offerTermsData(counter), counteredOfferId: offer.id },
        },
      ]);
      await this.lots.recordEvent(manager, lot, 'offer.countered', {
        offerId: counter.id,
        counteredOfferId: offer.id,
        madeBy: party.side,
        buyerOrganizationId: offer.buyerOrganizationId,
      });
      return counter;
    });
    await this.scheduleExpiry(counter);
    this.outbox.kick();
    return counter;
  }

  /**
   * Acceptance by the party that did not make the offer. The buyer accepting the
   * association's counter makes a deal at once; the association accepting a buyer's offer
   * goes through its approval policy and floor guard.
   */
  async accept(
    offerId: string,
    user: AuthenticatedUser,
    request: AcceptOfferRequest,
    answer?: IdempotentAnswer<Deal>,
  ): Promise<AcceptOutcome> {
    const context = await this.partyFor(offerId, user);
    const { party, lot: lotRef, offer: offerRef } = context;
    const caughtUp = await this.catchUpIfDue(lotRef.id, context.due);
    const now = this.clock.now();
    decideOfferAction({ offer: offerRef, actor: party.side, action: 'accept', now });
    // Most lots name no cost sheet: then there is no floor, and nothing more to read.
    const floorPrice =
      party.side === 'association' && context.hasCostSheets ? await this.floorOf(lotRef) : null;
    if (!caughtUp) {
      const deal = await this.acceptAtOnce(context, user, request, floorPrice, now, answer);
      if (deal) {
        this.outbox.kick();
        return { deal };
      }
    }
    await answer?.key.claim();
    const outcome = await this.dataSource.transaction(async (manager): Promise<AcceptOutcome> => {
      // What needs no lock is read first: the hot lot row is held for as few statements as
      // possible, since every sale of the lot queues on it.
      const organization =
        party.side === 'association'
          ? await manager.findOneByOrFail(Organization, { id: lotRef.organizationId })
          : null;
      if (organization) {
        const policy = organization.approvalPolicy;
        requireRole(
          party,
          ACCEPTING_ROLES[policy],
          policy === 'member_vote' ? 'put to a vote' : 'accept',
        );
        const pending = await manager.findOneBy(Approval, { offerId, status: 'pending' });
        if (pending) {
          throw new DomainError(
            NegotiationErrors.APPROVAL_PENDING,
            'this offer is already waiting for its approval',
            { approvalId: pending.id },
          );
        }
      }
      const lot = await this.lots.lock(manager, lotRef.id);
      const offer = await this.lockOffer(manager, offerId);
      decideOfferAction({ offer, actor: party.side, action: 'accept', now });
      assertNegotiable(lot);
      if (!organization)
        return { deal: await this.createDeal(manager, lot, offer, user.id, now, null) };

      const policy = organization.approvalPolicy;
      const floor = guardFloor({
        price: offer.price,
        floorPrice,
        policy: organization.floorPolicy,
        overrideReason: request.overrideReason,
      });
      const overrideEvents = floor.override
        ? [
            {
              type: 'floor.overridden',
              at: now,
              actor: user.id,
              data: { ...floor.override, offerId: offer.id },
            },
          ]
        : [];
      if (policy === 'manager') {
        await this.lots.appendHistory(manager, lot, overrideEvents);
        return { deal: await this.createDeal(manager, lot, offer, user.id, now, null) };
      }
      return {
        approval: await this.requestApproval(
          manager,
          lot,
          offer,
          organization,
          user,
          party,
          now,
          floor.override?.reason ?? null,
          overrideEvents,
        ),
      };
    });
    if ('approval' in outcome) await this.scheduleApprovalExpiry(outcome.approval);
    this.outbox.kick();
    return outcome;
  }

  async reject(offerId: string, user: AuthenticatedUser): Promise<Offer> {
    return this.answer(offerId, user, 'reject');
  }

  async withdraw(offerId: string, user: AuthenticatedUser): Promise<Offer> {
    return this.answer(offerId, user, 'withdraw');
  }

  async vote(
    approvalId: string,
    user: AuthenticatedUser,
    choice: 'approve' | 'reject',
  ): Promise<Approval> {
    const approvalRef = await this.dataSource.getRepository(Approval).findOneBy({ id: approvalId });
    if (!approvalRef) throw notFound('approval');
    const lotRef = await this.dataSource
      .getRepository(Lot)
      .findOneByOrFail({ id: approvalRef.lotId });
    const membership = await this.identity.membershipOf(user, lotRef.organizationId);
    if (!membership) throw notFound('approval');
    await this.catchUp(lotRef.id);
    const now = this.clock.now();
    const approval = await this.dataSource.transaction(async (manager) => {
      const lot = await this.lots.lock(manager, lotRef.id);
      const approval = await manager.findOneOrFail(Approval, {
        where: { id: approvalId },
        lock: { mode: 'pessimistic_write' },
      });
      const votes = await manager.findBy(ApprovalVoteRecord, { approvalId });
      const { vote, tally } = castVote(
        specOf(approval),
        votes,
        { userId: user.id, role: associationRole(membership.roles), choice },
        now,
      );
      await manager.insert(ApprovalVoteRecord, { approvalId, ...vote });
      await this.lots.appendHistory(manager, lot, [
        { type: 'approval.voted', at: now, actor: user.id, data: { approvalId, choice } },
      ]);
      await this.settleApproval(manager, lot, approval, tally, now, user.id);
      return approval;
    });
    this.outbox.kick();
    return approval;
  }

  async getOffer(
    offerId: string,
    user: AuthenticatedUser,
  ): Promise<{ offer: Offer; thread: Offer[] }> {
    const offer = await this.dataSource.getRepository(Offer).findOneBy({ id: offerId });
    if (!offer) throw notFound('offer');
    await this.catchUp(offer.lotId);
    const lot = await this.dataSource.getRepository(Lot).findOneByOrFail({ id: offer.lotId });
    const viewer = await this.offerViewer(lot, offer, user);
    assertOfferReadable(viewer, visibilityOf(lot), offer, this.clock.now());
    const thread = await this.dataSource.getRepository(Offer).find({
      where: { threadId: offer.threadId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    return { offer, thread };
  }

  async listOffers(lotId: string, user: AuthenticatedUser): Promise<Offer[]> {
    const { lot, viewer } = await this.lots.view(lotId, user);
    const offers = await this.dataSource.getRepository(Offer).find({
      where: { lotId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const offerViewer: OfferViewer =
      viewer.side === 'association'
        ? { kind: 'association', organizationId: lot.organizationId }
        : { kind: 'buyer', organizationId: viewer.organizationIds[0] };
    if (viewer.side === 'buyer')
      return offers.filter((offer) => viewer.organizationIds.includes(offer.buyerOrganizationId));
    return visibleOffers(offerViewer, visibilityOf(lot), offers, this.clock.now());
  }

  async getApproval(
    approvalId: string,
    user: AuthenticatedUser,
  ): Promise<{
    approval: Approval;
    votes: ApprovalVoteRecord[];
    tally: ApprovalTally;
    dealId: string | null;
  }> {
    const found = await this.dataSource.getRepository(Approval).findOneBy({ id: approvalId });
    if (!found) throw notFound('approval');
    const lot = await this.dataSource.getRepository(Lot).findOneByOrFail({ id: found.lotId });
    if (!(await this.identity.membershipOf(user, lot.organizationId))) throw notFound('approval');
    await this.catchUp(lot.id);
    const approval = await this.dataSource
      .getRepository(Approval)
      .findOneByOrFail({ id: approvalId });
    const votes = await this.dataSource
      .getRepository(ApprovalVoteRecord)
      .find({ where: { approvalId }, order: { castAt: 'ASC' } });
    const deal = await this.dataSource.getRepository(Deal).findOneBy({ approvalId });
    return {
      approval,
      votes,
      tally: tallyApproval(specOf(approval), votes, this.clock.now()),
      dealId: deal?.id ?? null,
    };
  }

  /** The offer's price per base unit against the last 30 days of each market. */
  async benchmark(offerId: string, user: AuthenticatedUser): Promise<OfferBenchmarkResponse> {
    const { offer } = await this.getOffer(offerId, user);
    const lot = await this.dataSource.getRepository(Lot).findOneByOrFail({ id: offer.lotId });
    const terms = await this.catalog.productTerms(lot.productId);
    const unitFactor = terms?.unitFactors[lot.unit] ?? '1';
    return this.marketPrices.benchmark(
      lot.productId,
      toDecimalString(dec(offer.price).dividedBy(unitFactor)),
      lot.currency,
      this.clock.now(),
    );
  }

  async getDeal(dealId: string, user: AuthenticatedUser): Promise<Deal> {
    const deal = await this.dataSource.getRepository(Deal).findOneBy({ id: dealId });
    if (!deal) throw notFound('deal');
    const lot = await this.dataSource.getRepository(Lot).findOneByOrFail({ id: deal.lotId });
    const asAssociation = await this.identity.membershipOf(user, lot.organizationId);
    const asBuyer = await this.identity.membershipOf(user, deal.buyerOrganizationId);
    if (!asAssociation && !asBuyer) throw notFound('deal');
    return deal;
  }

  /** The tender's allocation, from the close event of the lot's history; a buyer sees its own rows. */
  async allocation(
    lotId: string,
    user: AuthenticatedUser,
  ): Promise<TenderAllocation | BuyerAllocationView> {
    const { lot, viewer } = await this.lots.view(lotId, user);
    if (lot.mechanism !== 'tender') {
      throw new DomainError(NegotiationErrors.WRONG_MECHANISM, 'only a tender has an allocation');
    }
    assertTenderClosed(lot, this.clock.now());
    await this.lots.chainHistory(lotId);
    const [row] = await this.dataSource.query<{ data: TenderAllocation }[]>(
      `SELECT data FROM lot_history WHERE lot_id = $1 AND type = 'tender.closed' ORDER BY seq DESC LIMIT 1`,
      [lotId],
    );
    if (!row) throw notFound('allocation');
    if (viewer.side === 'association') return row.data;
    return buyerAllocationView(row.data, viewer.organizationIds);
  }

  /**
   * Lazy side of the time rules, before a lot is read or written: a tender whose time has
   * come is closed, and holds of approvals that lapsed (their vote closed, or their offer
   * expired) are given back, whether or not their jobs ran. One query when there is
   * nothing to do.
   */
  async catchUp(lotId: string): Promise<void> {
    const read = await this.lotAndDue(lotId);
    if (read) await this.catchUpIfDue(lotId, read.due);
  }

  /** Does the catch-up work `due` names (from a read of the lot); true when there was some. */
  private async catchUpIfDue(lotId: string, due: CatchUpDue | null): Promise<boolean> {
    if (!due) return false;
    if (due.tenderClose) await this.closeTenderIfDue(lotId, 'system:lazy-close');
    if (due.lapsedHolds) {
      await this.dataSource.transaction(async (manager) => {
        await this.releaseLapsedHolds(
          manager,
          await this.lots.lock(manager, lotId),
          this.clock.now(),
        );
      });
      this.outbox.kick();
    }
    return true;
  }

  /** The lot, and the catch-up work due on it (null when none), in one query. */
  private async lotAndDue(lotId: string): Promise<{ lot: Lot; due: CatchUpDue | null } | null> {
    const now = this.clock.now();
    const [row] = await preparedQuery<Record<string, unknown>>(
      this.dataSource,
      `SELECT ${entityColumns(this.dataSource, Lot, 'l')}, ${lapsedHoldsOf('l', '$2')} AS lapsed
         FROM lots l WHERE l.id = $1`,
      [lotId, now],
    );
    if (!row) return null;
    const lot = hydrateEntity(this.dataSource, Lot, 'l', row);
    return { lot, due: catchUpDue(lot, row.lapsed === true, now) };
  }

  /** Under the lot's lock, so the job and the lazy path never both allocate. */
  async closeTenderIfDue(lotId: string, actor: string): Promise<void> {
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const lot = await this.lots.lock(manager, lotId);
      if (!tenderCloseDue(lot, now)) return;
      const pending = await manager.find(Offer, {
        where: { lotId, kind: 'bid', status: 'pending' },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      const bids = pending.filter((bid) => standsAtClose(bid, lot.closesAt!));
      const lapsed = pending.filter((bid) => !bids.includes(bid)).map((bid) => bid.id);
      if (lapsed.length > 0) {
        await manager.update(Offer, { id: In(lapsed) }, { status: 'expired', decidedAt: now });
      }
      const allocation = allocateTender({
        quantity: this.lots.available(lot),
        reservePrice: lot.reservePrice,
        pricingRule: lot.pricingRule ?? 'pay_as_bid',
        bids: bids.map((bid) => ({
          offerId: bid.id,
          buyerOrganizationId: bid.buyerOrganizationId,
          price: bid.price,
          quantity: bid.quantity,
          minQuantity: bid.minQuantity,
          placedAt: bid.createdAt,
        })),
      });
      const dealIds: string[] = [];
      for (const row of allocation.allocations) {
        const bid = bids.find((b) => b.id === row.offerId)!;
        if (dec(row.quantityAllocated).isZero()) {
          await manager.update(Offer, { id: bid.id }, { status: 'rejected', decidedAt: now });
          continue;
        }
        const deal = await this.insertDeal(
          manager,
          lot,
          bid,
          row.quantityAllocated,
          row.pricePaid!,
          now,
          null,
        );
        dealIds.push(deal.id);
      }
      await this.lots.appendHistory(manager, lot, [
        {
          type: 'tender.closed',
          at: now,
          actor,
          data: { ...allocation, dealIds, lapsedBidIds: lapsed } as never,
        },
      ]);
      await this.lots.transition(manager, lot, closingEvent(lot), now);
      await this.lots.recordEvent(manager, lot, 'tender.closed', {
        clearingPrice: allocation.clearingPrice,
        dealIds,
      });
    });
    this.outbox.kick();
  }

  /** Every offer still pending at `at` and due by then, each as its own job would. */
  async expireOffersDue(at: Date): Promise<void> {
    await this.untilDue(at);
    const due = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM offers WHERE status = 'pending' AND expires_at <= $1 ORDER BY expires_at, id`,
      [at],
    );
    for (const { id } of due) await this.expireOfferIfDue(id);
  }

  async expireOfferIfDue(offerId: string): Promise<void> {
    const offer = await this.dataSource.getRepository(Offer).findOneBy({ id: offerId });
    if (!offer || offer.status !== 'pending') return;
    await this.untilDue(offer.expiresAt);
    // A tender due to close closes first: a bid still standing at its close is allocated,
    // not expired by a job that happens to run before the close does.
    await this.catchUp(offer.lotId);
    const now = this.clock.now();
    await this.dataSource.transaction(async (manager) => {
      const lot = await this.lots.lock(manager, offer.lotId);
      const locked = await this.lockOffer(manager, offerId);
      if (!offerExpiryDue(locked, now)) return;
      await manager.update(Offer, { id: offerId }, { status: 'expired', decidedAt: now });
      await this.releaseLapsedHolds(manager, lot, now);
      await this.lots.appendHistory(manager, lot, [
        { type: 'offer.expired', at: now, actor: 'job:offer-expire', data: { offerId } },
      ]);
      await this.lots.recordEvent(manager, lot, 'offer.expired', {
        offerId,
        buyerOrganizationId: offer.buyerOrganizationId,
      });
    });
    this.outbox.kick();
  }

  async expireApprovalIfDue(approvalId: string): Promise<void> {
    const approval = await this.dataSource.getRepository(Approval).findOneBy({ id: approvalId });
    if (!approval || approval.status !== 'pending') return;
    await this.untilDue(approval.closesAt);
    await this.dataSource.transaction(async (manager) => {
      const lot = await this.lots.lock(manager, approval.lotId);
      await this.releaseLapsedHolds(manager, lot, this.clock.now());
    });
    this.outbox.kick();
  }

  /** Waits out a job that started a little early; fails (the queue retries) if far too early. */
  private async untilDue(at: Date): Promise<void> {
    for (let wait = at.getTime() - this.clock.now().getTime(); wait > 0;) {
      if (wait > MAX_EARLY_JOB_MS) {
        throw new Error(`job started ${wait} ms before its time; the queue will retry it`);
      }
      await sleep(wait + 1);
      wait = at.getTime() - this.clock.now().getTime();
    }
  }

  private async answer(
    offerId: string,
    user: AuthenticatedUser,
    action: 'reject' | 'withdraw',
  ): Promise<Offer> {
    const { party, lot: lotRef, due } = await this.partyFor(offerId, user);
    await this.catchUpIfDue(lotRef.id, due);
    const now = this.clock.now();
    const offer = await this.dataSource.transaction(async (manager) => {
      const lot = await this.lots.lock(manager, lotRef.id);
      const offer = await this.lockOffer(manager, offerId);
      const status = decideOfferAction({ offer, actor: party.side, action, now });
      requireRole(party, ['manager'], action);
      if (action === 'withdraw' && offer.kind === 'bid' && lot.status !== 'open') {
        throw new DomainError(NegotiationErrors.TENDER_CLOSED, 'the tender has closed');
      }
      const pending = await manager.findOneBy(Approval, { offerId, status: 'pending' });
      if (pending) await this.closeApproval(manager, lot, pending, 'rejected', now);
      await manager.update(
        Offer,
        { id: offerId },
        { status, decidedAt: now, decidedByUserId: user.id },
      );
      offer.status = status;
      offer.decidedAt = now;
      const type = action === 'reject' ? 'offer.rejected' : 'offer.withdrawn';
      await this.lots.appendHistory(manager, lot, [
        { type, at: now, actor: user.id, data: { offerId } },
      ]);
      await this.lots.recordEvent(manager, lot, type, {
        offerId,
        buyerOrganizationId: offer.buyerOrganizationId,
      });
      return offer;
    });
    this.outbox.kick();
    return offer;
  }

  private async requestApproval(
    manager: EntityManager,
    lot: Lot,
    offer: Offer,
    organization: Organization,
    user: AuthenticatedUser,
    party: Party,
    now: Date,
    overrideReason: string | null,
    overrideEvents: { type: string; at: Date; actor: string; data: Record<string, string> }[],
  ): Promise<Approval> {
    const quantity = dealQuantity({
      offerQuantity: offer.quantity,
      offerMinQuantity: offer.minQuantity,
      quantityAvailable: this.lots.available(lot),
      minOrderQuantity: lot.minOrderQuantity,
    });
    const contributions = await manager.query<
      { producer_id: string; user_id: string | null; quantity: string }[]
    >(
      `SELECT c.producer_id, p.user_id, c.quantity FROM lot_contributions c
         JOIN producers p ON p.id = c.producer_id WHERE c.lot_id = $1`,
      [lot.id],
    );
    const electorate =
      organization.approvalPolicy === 'member_vote'
        ? buildElectorate(
            contributions.map((c) => ({
              producerId: c.producer_id,
              userId: c.user_id,
              quantity: c.quantity,
            })),
          )
        : [];
    const approval = manager.create(Approval, {
      lotId: lot.id,
      offerId: offer.id,
      policy: organization.approvalPolicy,
      status: 'pending',
      threshold: organization.approvalPolicy === 'member_vote' ? organization.voteThreshold : null,
      electorate,
      quantityHeld: quantity,
      closesAt: approvalClosesAt({
        now,
        voteHours: organization.voteHours,
        offerExpiresAt: offer.expiresAt,
      }),
      requestedByUserId: user.id,
      overrideReason,
      createdAt: now,
    });
    tallyApproval(specOf(approval), [], now);
    await manager.save(approval);
    // The quantity is held while the approval runs, so no other buyer can be sold it meanwhile.
    await this.adjustLot(manager, lot, { held: quantity });
    await this.lots.appendHistory(manager, lot, [
      ...overrideEvents,
      {
        type: 'approval.requested',
        at: now,
        actor: user.id,
        data: {
          approvalId: approval.id,
          offerId: offer.id,
          policy: approval.policy,
          quantityHeld: quantity,
        },
      },
    ]);
    await this.lots.recordEvent(manager, lot, 'approval.requested', {
      approvalId: approval.id,
      offerId: offer.id,
      policy: approval.policy,
    });
    if (approval.policy === 'two_person') {
      // The requester's own approval is the first of the two.
      const { vote, tally } = castVote(
        specOf(approval),
        [],
        {
          userId: user.id,
          role: associationRole(party.side === 'association' ? party.roles : []),
          choice: 'approve',
        },
        now,
      );
      await manager.insert(ApprovalVoteRecord, { approvalId: approval.id, ...vote });
      await this.settleApproval(manager, lot, approval, tally, now, user.id);
    } else {
      // A vote the producers who can vote could never pass is decided before anyone votes;
      // settled now, it neither holds the quantity nor keeps the buyer waiting until it closes.
      await this.settleApproval(
        manager,
        lot,
        approval,
        tallyApproval(specOf(approval), [], now),
        now,
        user.id,
      );
    }
    return approval;
  }

  /** Acts on a tally that has just been decided: a deal when approved, a release when not. */
  private async settleApproval(
    manager: EntityManager,
    lot: Lot,
    approval: Approval,
    tally: ApprovalTally,
    now: Date,
    actor: string,
  ): Promise<void> {
    if (tally.status === 'pending') return;
    if (tally.status === 'approved') {
      const offer = await this.lockOffer(manager, approval.offerId);
      if (effectiveStatus(offer, now) !== 'pending') {
        await this.closeApproval(manager, lot, approval, 'expired', now);
        return;
      }
      await this.adjustLot(manager, lot, { held: `-${approval.quantityHeld}` });
      approval.status = 'approved';
      approval.decidedAt = now;
      await manager.update(Approval, { id: approval.id }, { status: 'approved', decidedAt: now });
      await this.lots.appendHistory(manager, lot, [
        { type: 'approval.approved', at: now, actor, data: { approvalId: approval.id } },
      ]);
      await this.createDeal(manager, lot, offer, actor, now, approval);
      return;
    }
    await this.closeApproval(manager, lot, approval, tally.status, now);
    if (tally.status === 'rejected') {
      const offer = await this.lockOffer(manager, approval.offerId);
      await manager.update(Offer, { id: offer.id }, { status: 'rejected', decidedAt: now });
      await this.lots.recordEvent(manager, lot, 'offer.rejected', {
        offerId: offer.id,
        buyerOrganizationId: offer.buyerOrganizationId,
      });
    }
  }

  private async closeApproval(
    manager: EntityManager,
    lot: Lot,
    approval: Approval,
    status: 'rejected' | 'expired',
    now: Date,
  ): Promise<void> {
    await manager.update(Approval, { id: approval.id }, { status, decidedAt: now });
    approval.status = status;
    approval.decidedAt = now;
    await this.adjustLot(manager, lot, { held: `-${approval.quantityHeld}` });
    await this.lots.appendHistory(manager, lot, [
      { type: `approval.${status}`, at: now, actor: 'system', data: { approvalId: approval.id } },
    ]);
    await this.lots.recordEvent(manager, lot, `approval.${status}`, {
      approvalId: approval.id,
      offerId: approval.offerId,
    });
  }

  /** Pending approvals past their time, or whose offer has expired, give their hold back. */
  private async releaseLapsedHolds(manager: EntityManager, lot: Lot, now: Date): Promise<void> {
    const lapsed = await manager.query<{ id: string }[]>(
      `SELECT a.id FROM approvals a JOIN offers o ON o.id = a.offer_id
        WHERE a.lot_id = $1 AND a.status = 'pending' AND (a.closes_at <= $2 OR o.expires_at <= $2)`,
      [lot.id, now],
    );
    for (const { id } of lapsed) {
      const approval = await manager.findOneByOrFail(Approval, { id });
      await this.closeApproval(manager, lot, approval, 'expired', now);
    }
  }

  private async createDeal(
    manager: EntityManager,
    lot: Lot,
    offer: Offer,
    actor: string,
    now: Date,
    approval: Approval | null,
  ): Promise<Deal> {
    const quantity = approval
      ? approval.quantityHeld
      : dealQuantity({
          offerQuantity: offer.quantity,
          offerMinQuantity: offer.minQuantity,
          quantityAvailable: this.lots.available(lot),
          minOrderQuantity: lot.minOrderQuantity,
        });
    const deal = await this.insertDeal(
      manager,
      lot,
      offer,
      quantity,
      offer.price,
      now,
      approval?.id ?? null,
    );
    await this.lots.appendHistory(manager, lot, [acceptedHistoryEvent(offer, deal, actor, now)]);
    await this.lots.recordEvent(manager, lot, 'offer.accepted', {
      offerId: offer.id,
      dealId: deal.id,
    });
    await this.sellOutIfEmpty(manager, lot, now);
    return deal;
  }

  /** After a sale, under the lot's lock: nothing left and nothing held ends the selling. */
  private async sellOutIfEmpty(manager: EntityManager, lot: Lot, now: Date): Promise<void> {
    if (dec(this.lots.available(lot)).isZero() && dec(lot.quantityHeld).isZero()) {
      await this.lots.transition(manager, lot, 'sell_out', now);
      await this.supersedeOpenOffers(manager, lot, now);
    }
  }

  /** A sold-out lot can meet no other offer: they end, and their buyers hear so. */
  private async supersedeOpenOffers(manager: EntityManager, lot: Lot, now: Date): Promise<void> {
    const ended = await updateReturning<{ id: string; buyer_organization_id: string }>(
      manager,
      `UPDATE offers SET status = 'superseded', decided_at = $2
        WHERE lot_id = $1 AND status = 'pending' RETURNING id, buyer_organization_id`,
      [lot.id, now],
    );
    for (const offer of ended) {
      await this.lots.recordEvent(manager, lot, 'offer.superseded', {
        offerId: offer.id,
        buyerOrganizationId: offer.buyer_organization_id,
      });
    }
  }

  /**
   * The one place a lot's quantity is sold. The conditional UPDATE is the guard that holds
   * even if a caller forgot the row lock: it sells only what is there, and the CHECK
   * constraint on the lot row refuses anything that would still oversell it.
   */
  private async insertDeal(
    manager: EntityManager,
    lot: Lot,
    offer: Offer,
    quantity: string,
    price: string,
    now: Date,
    approvalId: string | null,
  ): Promise<Deal> {
    await this.adjustLot(manager, lot, { sold: quantity });
    await manager.update(Offer, { id: offer.id }, { status: 'accepted', decidedAt: now });
    const deal = await manager.save(
      manager.create(Deal, {
        lotId: lot.id,
        offerId: offer.id,
        buyerOrganizationId: offer.buyerOrganizationId,
        price,
        quantity,
        currency: lot.currency,
        paymentTermsDays: offer.paymentTermsDays,
        status: 'confirmed',
        approvalId,
        createdAt: now,
      }),
    );
    await this.lots.recordEvent(manager, lot, 'deal.created', dealCreatedPayload(lot, deal));
    return deal;
  }

  private async adjustLot(
    manager: EntityManager,
    lot: Lot,
    change: { sold?: string; held?: string },
  ): Promise<void> {
    const sold = change.sold ?? '0';
    const held = change.held ?? '0';
    const rows = await updateReturning<{ quantity_sold: string; quantity_held: string }>(
      manager,
      `UPDATE lots SET quantity_sold = quantity_sold + $2, quantity_held = quantity_held + $3
        WHERE id = $1 AND quantity_total - quantity_sold - quantity_held >= $2::numeric + $3::numeric
        RETURNING quantity_sold, quantity_held`,
      [lot.id, sold, held],
    );
    if (rows.length === 0) {
      throw new DomainError(
        NegotiationErrors.INSUFFICIENT_QUANTITY_LEFT,
        'the lot no longer has that quantity',
      );
    }
    lot.quantitySold = rows[0].quantity_sold;
    lot.quantityHeld = rows[0].quantity_held;
  }

  /**
   * The lot an offer is made on. A negotiation offer takes no lock: it only adds a row, and
   * its acceptance checks the lot again under the lock. A tender bid locks the lot, so that
   * it cannot slip in beside a close that is reading the standing bids.
   */
  private async lotForOffer(manager: EntityManager, lotId: string): Promise<Lot> {
    const lot = await manager.findOneBy(Lot, { id: lotId });
    if (!lot) throw notFound('lot');
    return lot.mechanism === 'tender' ? this.lots.lock(manager, lotId) : lot;
  }

  private async lockOffer(manager: EntityManager, offerId: string): Promise<Offer> {
    const offer = await manager.findOne(Offer, {
      where: { id: offerId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!offer) throw notFound('offer');
    return offer;
  }

  /**
   * Resolved before any transaction opens: who the caller is for this offer, or NOT_FOUND;
   * with the offer, its lot and what acceptance needs to know of the association, all read
   * in one query.
   */
  private async partyFor(offerId: string, user: AuthenticatedUser): Promise<OfferContext> {
    const now = this.clock.now();
    const [row] = await preparedQuery<Record<string, unknown>>(
      this.dataSource,
      `SELECT ${entityColumns(this.dataSource, Offer, 'o')}, ${entityColumns(this.dataSource, Lot, 'l')},
              org.approval_policy, org.floor_policy,
              ${lapsedHoldsOf('l', '$2')} AS lapsed,
              EXISTS (SELECT 1 FROM lot_contributions c
                       WHERE c.lot_id = l.id AND c.cost_sheet_id IS NOT NULL) AS has_cost_sheets,
              EXISTS (SELECT 1 FROM approvals pa
                       WHERE pa.offer_id = o.id AND pa.status = 'pending') AS approval_pending
         FROM offers o
         JOIN lots l ON l.id = o.lot_id
         JOIN organizations org ON org.id = l.organization_id
        WHERE o.id = $1`,
      [offerId, now],
    );
    if (!row) throw notFound('offer');
    const offer = hydrateEntity(this.dataSource, Offer, 'o', row);
    const lot = hydrateEntity(this.dataSource, Lot, 'l', row);
    const membership = await this.identity.membershipOf(user, lot.organizationId);
    const viewer = membership
      ? ({ kind: 'association', organizationId: lot.organizationId } as const)
      : await this.offerViewer(lot, offer, user);
    // A tender's bids stay sealed from the association until close, even by id.
    assertOfferReadable(viewer, visibilityOf(lot), offer, now);
    return {
      party: membership ? { side: 'association', roles: membership.roles } : { side: 'buyer' },
      lot,
      offer,
      due: catchUpDue(lot, row.lapsed === true, now),
      approvalPolicy: row.approval_policy as ApprovalPolicy,
      floorPolicy: row.floor_policy as FloorPolicy,
      hasCostSheets: row.has_cost_sheets === true,
      approvalPending: row.approval_pending === true,
    };
  }

  /**
   * A buyer's new offer (or tender bid), opening its own thread: its terms checked, and
   * the quantity against what the lot has left, before anything is written.
   */
  private newBuyerOffer(
    manager: EntityManager,
    lot: Lot,
    user: AuthenticatedUser,
    buyerOrganizationId: string,
    request: MakeOfferRequest,
    now: Date,
  ): Offer {
    const terms = validateOfferTerms(request, now);
    assertQuantityRequestable({
      requested: terms.quantity,
      quantityAvailable: this.lots.available(lot),
      minOrderQuantity: lot.minOrderQuantity,
    });
    const id = randomUUID();
    return manager.create(Offer, {
      id,
      lotId: lot.id,
      buyerOrganizationId,
      threadId: id,
      parentOfferId: null,
      kind: lot.mechanism === 'tender' ? 'bid' : 'offer',
      madeBy: 'buyer',
      madeByUserId: user.id,
      ...pendingOfferTerms(terms, now),
      decidedAt: null,
      decidedByUserId: null,
    });
  }

  /**
   * A buyer's offer on an open negotiation lot in one statement: the offer, its history
   * entry and its event commit together (one statement is one transaction), and nothing
   * is locked, as before: acceptance checks the lot again.
   */
  private async offerAtOnce(
    lot: Lot,
    user: AuthenticatedUser,
    buyerOrganizationId: string,
    request: MakeOfferRequest,
    answer: IdempotentAnswer<Offer> | undefined,
  ): Promise<Offer | null> {
    const now = this.clock.now();
    assertNegotiable(lot);
    const offer = this.newBuyerOffer(
      this.dataSource.manager,
      lot,
      user,
      buyerOrganizationId,
      request,
      now,
    );
    const { id } = offer;
    const history = historyInsert(
      lot.id,
      [{ type: 'offer.received', at: now, actor: user.id, data: offerTermsData(offer) }],
      11,
      'offer',
    );
    const events = outboxInsert(
      [this.lots.lotEvent(lot, 'offer.received', { offerId: id, buyerOrganizationId })],
      11 + history.parameters.length,
      'offer',
    );
    const stored = storedAnswerParts(
      answer,
      offer,
      11 + history.parameters.length + events.parameters.length,
    );
    const written = await preparedQuery(
      this.dataSource,
      `WITH ${stored.cte}offer AS (
         INSERT INTO offers (id, lot_id, buyer_organization_id, thread_id, parent_offer_id, kind,
                             made_by, made_by_user_id, price, quantity, min_quantity,
                             payment_terms_days, expires_at, status, created_at)
         SELECT $1, $2, $3, $1, NULL, 'offer', 'buyer', $4, $5, $6, $7, $8, $9, 'pending', $10
          WHERE ${stored.condition}
         RETURNING id),
       history AS (${history.sql}),
       events AS (${events.sql})
       SELECT id FROM offer`,
      [
        id,
        lot.id,
        buyerOrganizationId,
        user.id,
        offer.price,
        offer.quantity,
        offer.minQuantity,
        offer.paymentTermsDays,
        offer.expiresAt,
        now,
        ...history.parameters,
        ...events.parameters,
        ...stored.parameters,
      ],
    );
    // Nothing written: the Idempotency-Key was taken; the claimed path replays or refuses.
    if (written.length === 0) return null;
    answer?.key.markStored();
    return offer;
  }

  /**
   * The common acceptance in one autocommit statement: the lot row is decremented by a
   * conditional UPDATE (which takes its lock and refuses to oversell), the offer moves from
   * pending to accepted only if that succeeded, and the deal, its history entry and its
   * events are written by the same statement, which aborts itself (ayllu_assert) if the
   * lot was decremented but the offer was no longer pending, or if the answer was stored
   * under the Idempotency-Key but no deal made; the lot row stays locked for
   * that one statement, never across a round trip. It applies when nothing needs deciding
   * under the lock:
   * no approval to ask for, no floor override to record, the whole offered quantity
   * available when read. Null means "take the careful path": something differs from what
   * was read (the statement changed nothing), or the case is not a common one.
   */
  private async acceptAtOnce(
    context: OfferContext,
    user: AuthenticatedUser,
    request: AcceptOfferRequest,
    floorPrice: string | null,
    now: Date,
    answer: IdempotentAnswer<Deal> | undefined,
  ): Promise<Deal | null> {
    const { party, lot, offer } = context;
    if (party.side === 'association') {
      if (context.approvalPolicy !== 'manager' || context.approvalPending) return null;
      if (!party.roles.some((role) => ACCEPTING_ROLES.manager.includes(role))) return null;
    }
    if (lot.mechanism !== 'negotiation' || lot.status !== 'open') return null;
    if (dec(offer.quantity).greaterThan(this.lots.available(lot))) return null;
    if (party.side === 'association') {
      const floor = guardFloor({
        price: offer.price,
        floorPrice,
        policy: context.floorPolicy,
        overrideReason: request.overrideReason,
      });
      if (floor.override) return null;
    }
    const quantity = dealQuantity({
      offerQuantity: offer.quantity,
      offerMinQuantity: offer.minQuantity,
      quantityAvailable: this.lots.available(lot),
      minOrderQuantity: lot.minOrderQuantity,
    });
    const deal = this.dataSource.manager.create(Deal, {
      id: randomUUID(),
      lotId: lot.id,
      offerId: offer.id,
      buyerOrganizationId: offer.buyerOrganizationId,
      price: offer.price,
      quantity,
      currency: lot.currency,
      paymentTermsDays: offer.paymentTermsDays,
      status: 'confirmed',
      approvalId: null,
      createdAt: now,
    });
    const history = historyInsert(
      lot.id,
      [acceptedHistoryEvent(offer, deal, user.id, now)],
      10,
      'deal',
    );
    const events = outboxInsert(
      [
        this.lots.lotEvent(lot, 'deal.created', dealCreatedPayload(lot, deal)),
        this.lots.lotEvent(lot, 'offer.accepted', { offerId: offer.id, dealId: deal.id }),
      ],
      10 + history.parameters.length,
      'deal',
    );
    const stored = storedAnswerParts(
      answer,
      deal,
      10 + history.parameters.length + events.parameters.length,
    );
    // One row always, so the assert always runs; null quantities when nothing was sold.
    let row:
      { quantity_total: string | null; quantity_sold: string; quantity_held: string } | undefined;
    try {
      [row] = await preparedQuery(
        this.dataSource,
        `WITH ${stored.cte}sold AS (
           UPDATE lots SET quantity_sold = quantity_sold + $3
            WHERE id = $2 AND status = 'open' AND mechanism = 'negotiation'
              AND quantity_total - quantity_sold - quantity_held >= $3 AND ${stored.condition}
            RETURNING quantity_total, quantity_sold, quantity_held),
         accepted AS (
           UPDATE offers SET status = 'accepted', decided_at = $4
            WHERE id = $1 AND status = 'pending' AND expires_at > $4
              AND EXISTS (SELECT 1 FROM sold)
            RETURNING id),
         deal AS (
           INSERT INTO deals (id, lot_id, offer_id, buyer_organization_id, price, quantity,
                              currency, payment_terms_days, status, approval_id, created_at)
           SELECT $5, $2, accepted.id, $6, $7, $3, $8, $9, 'confirmed', NULL, $4 FROM accepted
           RETURNING id),
         history AS (${history.sql}),
         events AS (${events.sql})
         SELECT (SELECT quantity_total FROM sold) AS quantity_total,
                (SELECT quantity_sold FROM sold) AS quantity_sold,
                (SELECT quantity_held FROM sold) AS quantity_held
          WHERE ayllu_assert(
                  EXISTS (SELECT 1 FROM deal)
                  OR NOT (EXISTS (SELECT 1 FROM sold) OR ${stored.written}),
                  'the offer changed since it was read')`,
        [
          offer.id,
          lot.id,
          quantity,
          now,
          deal.id,
          deal.buyerOrganizationId,
          deal.price,
          deal.currency,
          deal.paymentTermsDays,
          ...history.parameters,
          ...events.parameters,
          ...stored.parameters,
        ],
      );
    } catch (error) {
      // The offer was answered, or expired, between the read and the statement: nothing
      // was written, and the careful path gives the caller the right refusal.
      if (sqlState(error) === STATEMENT_ASSERT_FAILED) return null;
      throw error;
    }
    if (!row || row.quantity_total === null) return null;
    answer?.key.markStored();
    lot.quantityTotal = row.quantity_total;
    lot.quantitySold = row.quantity_sold;
    lot.quantityHeld = row.quantity_held;
    if (dec(this.lots.available(lot)).isZero() && dec(lot.quantityHeld).isZero()) {
      // Rare enough to pay for a second transaction: the lot under its lock again, so the
      // sell-out is decided on what is there now (and done once).
      await this.dataSource.transaction(async (manager) => {
        const locked = await this.lots.lock(manager, lot.id);
        if (locked.status === 'open') await this.sellOutIfEmpty(manager, locked, now);
      });
    }
    return deal;
  }

  private async offerViewer(lot: Lot, offer: Offer, user: AuthenticatedUser): Promise<OfferViewer> {
    if (await this.identity.membershipOf(user, lot.organizationId)) {
      return { kind: 'association', organizationId: lot.organizationId };
    }
    const buyer = await this.identity.membershipOf(user, offer.buyerOrganizationId);
    if (buyer?.roles.includes('buyer_agent'))
      return { kind: 'buyer', organizationId: offer.buyerOrganizationId };
    throw notFound('offer');
  }

  private async buyerOrganizationFor(user: AuthenticatedUser, requested?: string): Promise<string> {
    const organizations = await this.lots.buyerOrganizationsOf(user);
    if (organizations.length === 0) {
      throw new DomainError(CommonErrors.FORBIDDEN, 'only a buyer agent makes offers');
    }
    if (requested) {
      if (!organizations.includes(requested)) {
        throw new DomainError(CommonErrors.FORBIDDEN, 'the caller is not an agent of that buyer');
      }
      return requested;
    }
    if (organizations.length > 1) {
      throw new DomainError(CommonErrors.VALIDATION_FAILED, 'name the buyer organisation', {}, [
        {
          field: 'buyerOrganizationId',
          code: 'REQUIRED',
          message: 'the caller acts for several buyers',
        },
      ]);
    }
    return organizations[0];
  }

  private async floorOf(lot: Lot): Promise<string | null> {
    return this.lots.floorPriceOf(lot, await this.lots.contributionsOf(lot.id));
  }

  private async scheduleExpiry(offer: Offer): Promise<void> {
    const at = expirySweepAt(offer.expiresAt);
    const second = at.getTime();
    if (this.expirySweeps.has(second)) return;
    if (
      await this.enqueueQuietly(
        OFFERS_EXPIRE_JOB,
        { at: at.toISOString() },
        `offers-expire-${second}`,
        at,
      )
    ) {
      if (this.expirySweeps.size >= REMEMBERED_EXPIRY_SWEEPS) this.expirySweeps.clear();
      this.expirySweeps.add(second);
    }
  }

  private async scheduleApprovalExpiry(approval: Approval): Promise<void> {
    if (approval.status !== 'pending') return;
    await this.enqueueQuietly(
      APPROVAL_EXPIRE_JOB,
      { approvalId: approval.id },
      `approval-expire-${approval.id}`,
      approval.closesAt,
    );
  }

  /**
   * Jobs only do the timely side effects; every rule is checked lazily too, so a lost job is
   * not an error. False when the queue refused it.
   */
  private async enqueueQuietly(
    name: string,
    data: object,
    jobId: string,
    at: Date,
  ): Promise<boolean> {
    try {
      await this.jobs.enqueue(name, data, {
        jobId,
        delayMs: Math.max(0, at.getTime() - this.clock.now().getTime()),
      });
      return true;
    } catch {
      // The lazy checks on the next read or write take over.
      return false;
    }
  }
}

/** Who may accept a buyer's offer (or put it to a vote) under each approval policy. */
const ACCEPTING_ROLES: Record<ApprovalPolicy, OrganizationRole[]> = {
  manager: ['manager'],
  two_person: ['manager', 'treasurer'],
  member_vote: ['manager'],
};

function requireRole(party: Party, roles: OrganizationRole[], action: string): void {
  if (party.side === 'buyer') return;
  if (!party.roles.some((role) => roles.includes(role))) {
    throw new DomainError(
      CommonErrors.FORBIDDEN,
      `to ${action} for the association needs one of: ${roles.join(', ')}`,
    );
  }
}

/** The strongest association role of a member, for the approval rules. */
function associationRole(roles: OrganizationRole[]): AssociationRole | null {
  for (const role of ['manager', 'treasurer', 'member'] as const)
    if (roles.includes(role)) return role;
  return null;
}

/** The stored status is final once it is not pending, whatever the votes say. */
function specOf(approval: Approval): ApprovalSpec {
  const recorded =
    approval.status === 'pending'
      ? null
      : { status: approval.status, at: approval.decidedAt ?? approval.closesAt };
  if (approval.policy === 'member_vote') {
    return {
      policy: 'member_vote',
      closesAt: approval.closesAt,
      recorded,
      threshold: approval.threshold ?? '0.5',
      electorate: approval.electorate,
    };
  }
  return { policy: approval.policy, closesAt: approval.closesAt, recorded };
}

function visibilityOf(lot: Lot) {
  return {
    associationId: lot.organizationId,
    mechanism: lot.mechanism,
    status: lot.status,
    closesAt: lot.closesAt,
  };
}

/** What `partyFor` reads about an offer, its lot and the lot's association in one query. */
interface OfferContext {
  party: Party;
  lot: Lot;
  offer: Offer;
  due: CatchUpDue | null;
  approvalPolicy: ApprovalPolicy;
  floorPolicy: FloorPolicy;
  hasCostSheets: boolean;
  approvalPending: boolean;
}

/** Catch-up work due on a lot when it was read. */
interface CatchUpDue {
  tenderClose: boolean;
  lapsedHolds: boolean;
}

function catchUpDue(lot: Lot, lapsedHolds: boolean, now: Date): CatchUpDue | null {
  const tenderClose = tenderCloseDue(lot, now);
  return tenderClose || lapsedHolds ? { tenderClose, lapsedHolds } : null;
}

/** SQL: does the lot `alias` have pending approvals past their time, or whose offer expired. */
function lapsedHoldsOf(alias: string, now: string): string {
  return `EXISTS (SELECT 1 FROM approvals a JOIN offers ao ON ao.id = a.offer_id
                   WHERE a.lot_id = ${alias}.id AND a.status = 'pending'
                     AND (a.closes_at <= ${now} OR ao.expires_at <= ${now}))`;
}

/** What every new offer, bid or counter starts with: its checked terms, pending. */
function pendingOfferTerms(terms: OfferTerms, now: Date) {
  return {
    price: terms.price,
    quantity: terms.quantity,
    minQuantity: terms.minQuantity,
    paymentTermsDays: terms.paymentTermsDays,
    expiresAt: terms.expiresAt,
    status: 'pending' as const,
    createdAt: now,
  };
}

/** SQLSTATE of `ayllu_assert` (migration AddStatementAssert): the statement undid itself. */
const STATEMENT_ASSERT_FAILED = 'AY001';

function acceptedHistoryEvent(offer: Offer, deal: Deal, actor: string, at: Date) {
  return {
    type: 'offer.accepted',
    at,
    actor,
    data: {
      offerId: offer.id,
      dealId: deal.id,
      price: toDecimalString(deal.price),
      quantity: toDecimalString(deal.quantity),
    },
  };
}

function dealCreatedPayload(lot: Lot, deal: Deal) {
  return {
    dealId: deal.id,
    buyerOrganizationId: deal.buyerOrganizationId,
    productId: lot.productId,
    price: toDecimalString(deal.price),
    quantity: toDecimalString(deal.quantity),
    currency: deal.currency,
    unit: lot.unit,
  };
}

function offerTermsData(offer: Offer) {
  return {
    offerId: offer.id,
    buyerOrganizationId: offer.buyerOrganizationId,
    price: toDecimalString(offer.price),
    quantity: toDecimalString(offer.quantity),
    minQuantity: toDecimalString(offer.minQuantity),
    paymentTermsDays: String(offer.paymentTermsDays),
    expiresAt: offer.expiresAt.toISOString(),
  };
}

function notFound(what: string): DomainError {
  return new DomainError(CommonErrors.NOT_FOUND, `no such ${what}`);
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { OrganizationResolver } from '../../shared/auth/organization-resolver';
import { Clock } from '../../shared/clock';
import { CommonErrors, DomainError } from '../../shared/errors/domain-error';
import { CURRENCY_SCALE, dec, toDecimalString } from '../../shared/money';
import { Outbox } from '../../shared/outbox/outbox.service';
import { Organization } from '../identity/entities/organization.entity';
import { Deal } from '../negotiation/entities/deal.entity';
import type { Lot } from '../pooling/entities/lot.entity';
import { LotsService } from '../pooling/lots.service';
import { type SettledFigures, computeAdjustment } from './domain/adjustment';
import {
  type DeductionInput,
  type PayoutGradeQuantity,
  type SettlementDealInput,
  type SettlementFigures,
  computeSettlement,
} from './domain/payout-split';
import {
  assertDealsDelivered,
  assertSettlementDraft,
  confirmSettlement,
} from './domain/settlement-status';
import { SettlementErrors } from './domain/settlement.errors';
import type { ComputeSettlementRequest } from './dto/settlement.dto';
import { Delivery } from './entities/delivery.entity';
import { Settlement, type SettlementKind } from './entities/settlement.entity';

/** Outbox rows per INSERT when a large pool's payouts are announced. */
const EVENTS_PER_INSERT = 1_000;

/** A payout row as statements and responses read it: the stored figures and the producer. */
export interface PayoutRow {
  producerId: string;
  producerName: string;
  producerRut: string | null;
  producerUserId: string | null;
  quantityDelivered: string;
  quantity: string;
  weight: string;
  grades: PayoutGradeQuantity[];
  grossShare: string;
  deductionShares: string[] | null;
  totalDeductions: string;
  amount: string;
  confirmedAmount: string | null;
  correctedAmount: string | null;
}

/** What gets written for each producer; the same shape for a settlement and an adjustment. */
type NewPayout = Omit<PayoutRow, 'producerName' | 'producerRut' | 'producerUserId'>;

/**
 * Settlement of a lot: a draft computed from the recorded deliveries (recomputed in place,
 * same id, on every new request), then confirmed. Once the lot's settlement is confirmed, a new
 * request computes the corrected figures and stores only their difference from what was
 * confirmed (all confirmed rows of the lot added up) as an adjusting settlement.
 *
 * Every write takes the lot's row lock first, so computing, confirming and recording a
 * delivery on one lot never interleave.
 */
@Injectable()
export class SettlementsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lots: LotsService,
    private readonly outbox: Outbox,
    private readonly resolver: OrganizationResolver,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.resolver.register('settlement', async (settlementId) => {
      const settlement = await this.dataSource
        .getRepository(Settlement)
        .findOne({ where: { id: settlementId }, select: { organizationId: true } });
      return settlement?.organizationId ?? null;
    });
  }

  async compute(
    lotId: string,
    user: AuthenticatedUser,
    request: ComputeSettlementRequest,
  ): Promise<{ settlement: Settlement; created: boolean }> {
    const now = this.clock.now();
    return this.dataSource.transaction(async (manager) => {
      const lot = await this.lots.lock(manager, lotId);
      const deals = await manager.find(Deal, {
        where: { lotId },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      const lines = await manager.query<
        {
          deal_id: string;
          producer_id: string;
          quantity_delivered: string;
          quantity_accepted: string;
          grade: string | null;
        }[]
      >(
        `SELECT v.deal_id, l.producer_id, l.quantity_delivered, l.quantity_accepted, l.grade
           FROM delivery_lines l JOIN deliveries v ON v.id = l.delivery_id
          WHERE v.lot_id = $1`,
        [lotId],
      );
      const recorded = await manager.find(Delivery, {
        where: { lotId },
        select: { dealId: true },
      });
      const deliveredDeals = new Set(recorded.map((delivery) => delivery.dealId));
      assertDealsDelivered(
        deals.map((deal) => ({ dealId: deal.id, delivered: deliveredDeals.has(deal.id) })),
      );

      const existing = await manager.find(Settlement, {
        where: { lotId },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      const original = existing.find((settlement) => settlement.kind === 'settlement');
      const draft = existing.find((settlement) => settlement.status === 'draft') ?? null;
      const kind: SettlementKind = original?.status === 'confirmed' ? 'adjustment' : 'settlement';
      assertLotSettleable(lot, kind);

      const organization = await manager.findOneByOrFail(Organization, {
        id: lot.organizationId,
      });
      const figures = computeSettlement({
        currency: lot.currency,
        deals: deals.map((deal): SettlementDealInput => ({
          dealId: deal.id,
          price: deal.price,
          lines: lines
            .filter((line) => line.deal_id === deal.id)
            .map((line) => ({
              producerId: line.producer_id,
              quantityAccepted: line.quantity_accepted,
              grade: line.grade,
            })),
        })),
        deductions: (request.deductions ?? []).map((deduction): DeductionInput => ({
          type: deduction.type,
          amount: deduction.amount ?? null,
          rate: deduction.rate ?? null,
        })),
        gradeFactors: request.gradeFactors ?? null,
        defaultCommissionRate: organization.commissionRate,
      });
      const delivered = new Map<string, string>();
      for (const line of lines) {
        const before = delivered.get(line.producer_id) ?? '0';
        delivered.set(line.producer_id, toDecimalString(dec(before).plus(line.quantity_delivered)));
      }

      const values =
        kind === 'settlement'
          ? settlementValues(figures, delivered)
          : adjustmentValues(figures, delivered, await this.confirmedPosition(manager, lot));
      const columns = {
        gross: values.gross,
        totalDeductions: values.totalDeductions,
        net: values.net,
        deductions: values.deductions,
        corrected: values.corrected,
        gradeFactors: request.gradeFactors ?? {},
        deals: figures.deals,
        computedBy: user.id,
        computedAt: now,
      };

      let settlement: Settlement;
      if (draft) {
        await manager.update(
          Settlement,
          { id: draft.id },
          { ...columns, version: draft.version + 1 },
        );
        await manager.query(`DELETE FROM settlement_payouts WHERE settlement_id = $1`, [draft.id]);
        settlement = Object.assign(draft, columns, { version: draft.version + 1 });
      } else {
        settlement = await manager.save(
          manager.create(Settlement, {
            ...columns,
            lotId,
            organizationId: lot.organizationId,
            kind,
            adjustsSettlementId: kind === 'adjustment' ? original!.id : null,
            status: 'draft',
            currency: lot.currency,
            version: 1,
            confirmedBy: null,
            confirmedAt: null,
          }),
        );
      }
      await insertPayouts(manager, settlement.id, values.payouts);
      return { settlement, created: draft === null };
    });
  }

  async confirm(settlementId: string, user: AuthenticatedUser): Promise<Settlement> {
    const ref = await this.find(settlementId);
    const now = this.clock.now();
    const confirmed = await this.dataSource.transaction(async (manager) => {
      const lot = await this.lots.lock(manager, ref.lotId);
      const settlement = await manager.findOneOrFail(Settlement, {
        where: { id: settlementId },
        lock: { mode: 'pessimistic_write' },
      });
      settlement.status = confirmSettlement(settlementId, settlement.status);
      const money = (value: string) => toDecimalString(value, CURRENCY_SCALE[settlement.currency]);
      settlement.confirmedAt = now;
      settlement.confirmedBy = user.id;
      await manager.update(
        Settlement,
        { id: settlementId },
        { status: 'confirmed', confirmedAt: now, confirmedBy: user.id },
      );
      if (settlement.kind === 'settlement') {
        // Deliveries recorded while the lot was still selling leave it sold, not delivered.
        if (lot.status === 'sold' || lot.status === 'partially_sold') {
          await this.lots.transition(manager, lot, 'deliver', now);
        }
        await this.lots.transition(manager, lot, 'settle', now);
        await manager.query(
          `UPDATE deals SET status = 'settled' WHERE lot_id = $1 AND status = 'delivered'`,
          [lot.id],
        );
      }
      await this.lots.appendHistory(manager, lot, [
        {
          type: 'settlement.confirmed',
          at: now,
          actor: user.id,
          data: {
            settlementId,
            kind: settlement.kind,
            gross: money(settlement.gross),
            totalDeductions: money(settlement.totalDeductions),
            net: money(settlement.net),
          },
        },
      ]);
      const payouts = await this.payoutsOf(settlementId, { manager });
      await this.outbox.record(manager, {
        type: 'settlement.confirmed',
        aggregateType: 'settlement',
        aggregateId: settlementId,
        organizationId: settlement.organizationId,
        payload: {
          settlementId,
          lotId: lot.id,
          kind: settlement.kind,
          adjustsSettlementId: settlement.adjustsSettlementId,
          currency: settlement.currency,
          gross: money(settlement.gross),
          totalDeductions: money(settlement.totalDeductions),
          net: money(settlement.net),
          producers: payouts.length,
        },
      });
      // One event per producer, so each family's inbox hears of its own payout.
      for (let start = 0; start < payouts.length; start += EVENTS_PER_INSERT) {
        await this.outbox.record(
          manager,
          payouts.slice(start, start + EVENTS_PER_INSERT).map((payout) => ({
            type: 'payout.ready',
            aggregateType: 'settlement',
            aggregateId: settlementId,
            organizationId: settlement.organizationId,
            payload: {
              settlementId,
              lotId: lot.id,
              kind: settlement.kind,
              producerId: payout.producerId,
              userId: payout.producerUserId,
              amount: money(payout.amount),
              currency: settlement.currency,
            },
          })),
        );
      }
      return settlement;
    });
    this.outbox.kick();
    return confirmed;
  }

  /** A draft may be thrown away; a confirmed settlement never is (and the database agrees). */
  async discard(settlementId: string): Promise<void> {
    const ref = await this.find(settlementId);
    await this.dataSource.transaction(async (manager) => {
      await this.lots.lock(manager, ref.lotId);
      const settlement = await manager.findOneOrFail(Settlement, {
        where: { id: settlementId },
        lock: { mode: 'pessimistic_write' },
      });
      assertSettlementDraft(settlementId, settlement.status);
      await manager.delete(Settlement, { id: settlementId });
    });
  }

  async find(settlementId: string): Promise<Settlement> {
    const settlement = await this.dataSource
      .getRepository(Settlement)
      .findOneBy({ id: settlementId });
    if (!settlement) throw new DomainError(CommonErrors.NOT_FOUND, 'no such settlement');
    return settlement;
  }

  listForLot(lotId: string): Promise<Settlement[]> {
    return this.dataSource
      .getRepository(Settlement)
      .find({ where: { lotId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Ordered by producer id (the domain's order), or by name for a list people read. */
  async payoutsOf(
    settlementId: string,
    options: { manager?: EntityManager; order?: 'producerId' | 'name'; producerId?: string } = {},
  ): Promise<PayoutRow[]> {
    const manager = options.manager ?? this.dataSource.manager;
    const rows = await manager.query<
      {
        producer_id: string;
        name: string;
        rut: string | null;
        user_id: string | null;
        quantity_delivered: string;
        quantity: string;
        weight: string;
        grades: PayoutGradeQuantity[];
        gross_share: string;
        deduction_shares: string[] | null;
        total_deductions: string;
        amount: string;
        confirmed_amount: string | null;
        corrected_amount: string | null;
      }[]
    >(
      `SELECT p.producer_id, pr.name, pr.rut, pr.user_id, p.quantity_delivered, p.quantity,
              p.weight, p.grades, p.gross_share, p.deduction_shares, p.total_deductions,
              p.amount, p.confirmed_amount, p.corrected_amount
         FROM settlement_payouts p JOIN producers pr ON pr.id = p.producer_id
        WHERE p.settlement_id = $1 AND ($2::uuid IS NULL OR p.producer_id = $2)
        ORDER BY ${options.order === 'name' ? 'pr.name, ' : ''}p.producer_id`,
      [settlementId, options.producerId ?? null],
    );
    return rows.map((row) => ({
      producerId: row.producer_id,
      producerName: row.name,
      producerRut: row.rut,
      producerUserId: row.user_id,
      quantityDelivered: row.quantity_delivered,
      quantity: row.quantity,
      weight: row.weight,
      grades: row.grades,
      grossShare: row.gross_share,
      deductionShares: row.deduction_shares,
      totalDeductions: row.total_deductions,
      amount: row.amount,
      confirmedAmount: row.confirmed_amount,
      correctedAmount: row.corrected_amount,
    }));
  }

  /** Everything confirmed so far on the lot: the settlement plus its confirmed adjustments. */
  private async confirmedPosition(manager: EntityManager, lot: Lot): Promise<SettledFigures> {
    const [totals] = await manager.query<
      { gross: string; total_deductions: string; net: string }[]
    >(
      `SELECT sum(gross) AS gross, sum(total_deductions) AS total_deductions, sum(net) AS net
         FROM settlements WHERE lot_id = $1 AND status = 'confirmed'`,
      [lot.id],
    );
    const payouts = await manager.query<
      { producer_id: string; gross_share: string; total_deductions: string; amount: string }[]
    >(
      `SELECT p.producer_id, sum(p.gross_share) AS gross_share,
              sum(p.total_deductions) AS total_deductions, sum(p.amount) AS amount
         FROM settlement_payouts p JOIN settlements s ON s.id = p.settlement_id
        WHERE s.lot_id = $1 AND s.status = 'confirmed'
        GROUP BY p.producer_id`,
      [lot.id],
    );
    return {
      currency: lot.currency,
      gross: totals.gross,
      totalDeductions: totals.total_deductions,
      net: totals.net,
      payouts: payouts.map((row) => ({
        producerId: row.producer_id,
        grossShare: row.gross_share,
        totalDeductions: row.total_deductions,
        amount: row.amount,
      })),
    };
  }
}

interface SettlementValues {
  gross: string;
  totalDeductions: string;
  net: string;
  deductions: SettlementFigures['deductions'];
  corrected: Settlement['corrected'];
  payouts: NewPayout[];
}

function settlementValues(
  figures: SettlementFigures,
  delivered: ReadonlyMap<string, string>,
): SettlementValues {
  return {
    gross: figures.gross,
    totalDeductions: figures.totalDeductions,
    net: figures.net,
    deductions: figures.deductions,
    corrected: null,
    payouts: figures.payouts.map((payout) => ({
      producerId: payout.producerId,
      quantityDelivered: delivered.get(payout.producerId) ?? '0',
      quantity: payout.quantity,
      weight: payout.weight,
      grades: payout.grades,
      grossShare: payout.grossShare,
      deductionShares: payout.deductionShares,
      totalDeductions: payout.totalDeductions,
      amount: payout.amount,
      confirmedAmount: null,
      correctedAmount: null,
    })),
  };
}

/**
 * The adjustment's own columns are differences; its `deductions` list stays empty because
 * the corrected list may not line up with the confirmed one, and `corrected` holds it whole.
 */
function adjustmentValues(
  figures: SettlementFigures,
  delivered: ReadonlyMap<string, string>,
  confirmed: SettledFigures,
): SettlementValues {
  const adjustment = computeAdjustment(confirmed, figures);
  const unchanged =
    [adjustment.gross, adjustment.totalDeductions, adjustment.net].every((v) => dec(v).isZero()) &&
    adjustment.payouts.every((payout) =>
      [payout.grossShare, payout.totalDeductions, payout.amount].every((v) => dec(v).isZero()),
    );
  if (unchanged) {
    throw new DomainError(
      SettlementErrors.ADJUSTMENT_CHANGES_NOTHING,
      'the corrected settlement pays every producer what the confirmed one did',
      { net: figures.net },
    );
  }
  const corrected = new Map(figures.payouts.map((payout) => [payout.producerId, payout]));
  return {
    gross: adjustment.gross,
    totalDeductions: adjustment.totalDeductions,
    net: adjustment.net,
    deductions: [],
    corrected: {
      gross: figures.gross,
      deductions: figures.deductions,
      totalDeductions: figures.totalDeductions,
      net: figures.net,
    },
    payouts: adjustment.payouts.map((payout) => {
      const now = corrected.get(payout.producerId);
      return {
        producerId: payout.producerId,
        quantityDelivered: delivered.get(payout.producerId) ?? '0',
        quantity: now?.quantity ?? '0',
        weight: now?.weight ?? '0',
        grades: now?.grades ?? [],
        grossShare: payout.grossShare,
        deductionShares: null,
        totalDeductions: payout.totalDeductions,
        amount: payout.amount,
        confirmedAmount: payout.confirmedAmount,
        correctedAmount: payout.correctedAmount,
      };
    }),
  };
}

/**
 * A lot is settled once selling has ended (sold, partially sold or delivered); afterwards only
 * adjustments, on a settled lot. An open lot might still sell, so its settlement would be redone.
 */
function assertLotSettleable(lot: Lot, kind: SettlementKind): void {
  const allowed: readonly Lot['status'][] =
    kind === 'settlement' ? ['sold', 'partially_sold', 'delivered'] : ['settled'];
  if (!allowed.includes(lot.status)) {
    throw new DomainError(
      CommonErrors.INVALID_TRANSITION,
      `a lot in status ${lot.status} cannot be settled`,
      { entity: 'lot', from: lot.status, event: 'settle' },
    );
  }
}

/** One statement for any number of producers: a large pool is one round trip, not thousands. */
async function insertPayouts(
  manager: EntityManager,
  settlementId: string,
  payouts: readonly NewPayout[],
): Promise<void> {
  if (payouts.length === 0) return;
  const column = <T>(pick: (payout: NewPayout) => T) => payouts.map(pick);
  await manager.query(
    `INSERT INTO settlement_payouts (settlement_id, producer_id, quantity_delivered, quantity,
       weight, grades, gross_share, deduction_shares, total_deductions, amount, confirmed_amount,
       corrected_amount)
     SELECT $1, u.* FROM unnest($2::uuid[], $3::numeric[], $4::numeric[], $5::numeric[],
       $6::jsonb[], $7::numeric[], $8::jsonb[], $9::numeric[], $10::numeric[], $11::numeric[],
       $12::numeric[]) AS u`,
    [
      settlementId,
      column((p) => p.producerId),
      column((p) => p.quantityDelivered),
      column((p) => p.quantity),
      column((p) => p.weight),
      column((p) => JSON.stringify(p.grades)),
      column((p) => p.grossShare),
      column((p) => (p.deductionShares === null ? null : JSON.stringify(p.deductionShares))),
      column((p) => p.totalDeductions),
      column((p) => p.amount),
      column((p) => p.confirmedAmount),
      column((p) => p.correctedAmount),
    ],
  );
}

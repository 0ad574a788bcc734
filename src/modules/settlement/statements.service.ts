import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { AuthenticatedUser, OrganizationAccess } from '../../shared/auth/access';
import { Clock } from '../../shared/clock';
import { CommonErrors, DomainError } from '../../shared/errors/domain-error';
import { JobQueue } from '../../shared/jobs/job-queue';
import { LOGGER } from '../../shared/logging/logger';
import { SettlementErrors } from './domain/settlement.errors';
import { type StatementContext, producerStatement, statementsCsv } from './domain/statement';
import type { Settlement } from './entities/settlement.entity';
import { StatementBundle } from './entities/statement-bundle.entity';
import { SettlementsService } from './settlements.service';
import { renderStatementsPdf } from './statement-pdf';

export const STATEMENT_BUNDLE_JOB = 'settlement.statement-bundle';

/**
 * The statements of a settlement: the CSV of every producer and one producer's PDF are made
 * on request (a page costs milliseconds); the PDF of every producer at once, thousands of
 * pages for a large pool, is made by a job and fetched when ready.
 */
@Injectable()
export class StatementsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly settlements: SettlementsService,
    private readonly jobs: JobQueue,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onModuleInit(): void {
    this.jobs.register<{ settlementId: string; generation: number }>(
      STATEMENT_BUNDLE_JOB,
      ({ settlementId, generation }) => this.renderBundle(settlementId, generation),
    );
  }

  async csv(settlementId: string): Promise<{ filename: string; csv: string }> {
    const settlement = await this.settlements.find(settlementId);
    const rows = await this.settlements.payoutsOf(settlementId, { order: 'name' });
    return {
      filename: `liquidacion-${settlementId.slice(0, 8)}.csv`,
      csv: statementsCsv(statementSettlement(settlement), rows),
    };
  }

  /** The treasurer, or the user linked to that producer; anyone else of the association 403. */
  async producerPdf(
    settlementId: string,
    producerId: string,
    user: AuthenticatedUser,
    access: OrganizationAccess | undefined,
  ): Promise<{ filename: string; pdf: Buffer }> {
    const settlement = await this.settlements.find(settlementId);
    const [row] = await this.settlements.payoutsOf(settlementId, { producerId });
    if (!row) throw new DomainError(CommonErrors.NOT_FOUND, 'no such producer in the settlement');
    const isTreasurer = access?.roles.includes('treasurer') ?? false;
    if (!isTreasurer && row.producerUserId !== user.id) {
      throw new DomainError(
        CommonErrors.FORBIDDEN,
        "a statement is for the treasurer and the producer's own user",
      );
    }
    const context = await this.contextOf(settlement);
    const { pdf } = await renderStatementsPdf(
      [producerStatement(context, row)],
      `Liquidación ${row.producerName}`,
    );
    return {
      filename: `liquidacion-${settlementId.slice(0, 8)}-${producerId.slice(0, 8)}.pdf`,
      pdf,
    };
  }

  /**
   * Asks for every producer's statement in one PDF. A request while one is pending or ready
   * changes nothing; after a failure it starts a new generation, whose job id is new too (a
   * queue keeps failed ids and would ignore the old one). With the queue down the bundle is
   * rendered here and then: slower for this caller, but never stuck.
   */
  async requestBundle(settlementId: string, user: AuthenticatedUser): Promise<StatementBundle> {
    const settlement = await this.settlements.find(settlementId);
    if (settlement.status !== 'confirmed') {
      throw new DomainError(
        SettlementErrors.SETTLEMENT_NOT_CONFIRMED,
        'statements are bundled once the settlement is confirmed, so they never go stale',
        { settlementId },
      );
    }
    const now = this.clock.now();
    const bundle = await this.dataSource.transaction(async (manager) => {
      const current = await manager.findOne(StatementBundle, {
        where: { settlementId },
        lock: { mode: 'pessimistic_write' },
      });
      if (current && current.status !== 'failed') return current;
      const next = manager.create(StatementBundle, {
        settlementId,
        status: 'pending',
        generation: (current?.generation ?? 0) + 1,
        requestedBy: user.id,
        requestedAt: now,
        readyAt: null,
        pages: null,
        pdf: null,
      });
      await manager.save(next);
      return next;
    });
    if (bundle.status !== 'pending') return bundle;
    try {
      await this.jobs.enqueue(
        STATEMENT_BUNDLE_JOB,
        { settlementId, generation: bundle.generation },
        { jobId: `statement-bundle-${settlementId}-${bundle.generation}`, attempts: 1 },
      );
    } catch (error) {
      this.logger.warn({ err: error, settlementId }, 'queue unavailable; rendering statements now');
      await this.renderBundle(settlementId, bundle.generation);
    }
    return this.bundle(settlementId);
  }

  async bundle(settlementId: string): Promise<StatementBundle> {
    const bundle = await this.dataSource.getRepository(StatementBundle).findOneBy({ settlementId });
    if (!bundle) {
      throw new DomainError(CommonErrors.NOT_FOUND, 'no statement bundle was requested');
    }
    return bundle;
  }

  async bundlePdf(settlementId: string): Promise<{ filename: string; pdf: Buffer }> {
    const [row] = await this.dataSource.query<{ status: string; pdf: Buffer | null }[]>(
      `SELECT status, pdf FROM settlement_statement_bundles WHERE settlement_id = $1`,
      [settlementId],
    );
    if (!row) throw new DomainError(CommonErrors.NOT_FOUND, 'no statement bundle was requested');
    if (row.status !== 'ready' || !row.pdf) {
      throw new DomainError(
        SettlementErrors.STATEMENT_BUNDLE_NOT_READY,
        `the statements are ${row.status}`,
        { status: row.status },
      );
    }
    return { filename: `liquidaciones-${settlementId.slice(0, 8)}.pdf`, pdf: row.pdf };
  }

  /** The job. Idempotent: only the pending generation it was queued for is rendered. */
  async renderBundle(settlementId: string, generation: number): Promise<void> {
    const bundle = await this.dataSource
      .getRepository(StatementBundle)
      .findOneBy({ settlementId, generation, status: 'pending' });
    if (!bundle) return;
    try {
      const settlement = await this.settlements.find(settlementId);
      const context = await this.contextOf(settlement);
      const rows = await this.settlements.payoutsOf(settlementId, { order: 'name' });
      const { pdf, pages } = await renderStatementsPdf(
        rows.map((row) => producerStatement(context, row)),
        `Liquidaciones ${context.lot.productName}`,
      );
      await this.dataSource.query(
        `UPDATE settlement_statement_bundles SET status = 'ready', pdf = $3, pages = $4, ready_at = $5
          WHERE settlement_id = $1 AND generation = $2 AND status = 'pending'`,
        [settlementId, generation, pdf, pages, this.clock.now()],
      );
    } catch (error) {
      await this.dataSource.query(
        `UPDATE settlement_statement_bundles SET status = 'failed'
          WHERE settlement_id = $1 AND generation = $2 AND status = 'pending'`,
        [settlementId, generation],
      );
      throw error;
    }
  }

  private async contextOf(settlement: Settlement): Promise<StatementContext> {
    const [lot] = await this.dataSource.query<
      {
        id: string;
        grade: string;
        unit: string;
        delivery_point: string;
        product_name: string;
        association_name: string;
        association_rut: string | null;
      }[]
    >(
      `SELECT l.id, l.grade, l.unit, l.delivery_point, p.name_es AS product_name,
              o.name AS association_name, o.rut AS association_rut
         FROM lots l JOIN products p ON p.id = l.product_id
         JOIN organizations o ON o.id = l.organization_id
        WHERE l.id = $1`,
      [settlement.lotId],
    );
    const buyers = await this.dataSource.query<{ id: string; name: string }[]>(
      `SELECT d.id, o.name FROM deals d JOIN organizations o ON o.id = d.buyer_organization_id
        WHERE d.lot_id = $1`,
      [settlement.lotId],
    );
    const buyerOf = new Map(buyers.map((buyer) => [buyer.id, buyer.name]));
    return {
      associationName: lot.association_name,
      associationRut: lot.association_rut,
      lot: {
        id: lot.id,
        productName: lot.product_name,
        grade: lot.grade,
        unit: lot.unit,
        deliveryPoint: lot.delivery_point,
      },
      settlement: statementSettlement(settlement),
      deals: settlement.deals.map((deal) => ({
        buyerName: buyerOf.get(deal.dealId) ?? deal.dealId,
        price: deal.price,
        quantityAccepted: deal.quantityAccepted,
        amount: deal.amount,
      })),
    };
  }
}

function statementSettlement(settlement: Settlement): StatementContext['settlement'] {
  return {
    id: settlement.id,
    kind: settlement.kind,
    status: settlement.status,
    currency: settlement.currency,
    gross: settlement.gross,
    deductions: settlement.deductions,
    totalDeductions: settlement.totalDeductions,
    net: settlement.net,
    computedAt: settlement.computedAt,
    confirmedAt: settlement.confirmedAt,
    adjustsSettlementId: settlement.adjustsSettlementId,
  };
}

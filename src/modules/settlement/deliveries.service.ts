import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { OrganizationResolver } from '../../shared/auth/organization-resolver';
import { Clock } from '../../shared/clock';
import { CommonErrors, DomainError, validationFailed } from '../../shared/errors/domain-error';
import { Outbox } from '../../shared/outbox/outbox.service';
import { CatalogService } from '../catalog/catalog.service';
import { Deal } from '../negotiation/entities/deal.entity';
import type { Lot } from '../pooling/entities/lot.entity';
import { LotsService } from '../pooling/lots.service';
import { type CheckedDeliveryLine, checkDelivery } from './domain/delivery-rules';
import { SettlementErrors } from './domain/settlement.errors';
import type { RecordDeliveryRequest } from './dto/settlement.dto';
import { Delivery, DeliveryLine } from './entities/delivery.entity';

/** Rows per INSERT: well under PostgreSQL's 65,535 bind parameters at five columns a row. */
const LINES_PER_INSERT = 5_000;

export interface DeliveryWithLines {
  delivery: Delivery;
  lines: DeliveryLine[];
}

/**
 * Deliveries of deals. The association's manager records what each producer delivered and
 * what the buyer accepted, from the delivery sheet signed at the truck; that is what the
 * settlement pays on. The buyer's agent may then confirm receipt in the app: the receipt is
 * kept and shown, but it does not gate the settlement, so a buyer who never answers cannot
 * hold up the families' pay.
 */
@Injectable()
export class DeliveriesService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly lots: LotsService,
    private readonly catalog: CatalogService,
    private readonly outbox: Outbox,
    private readonly resolver: OrganizationResolver,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    // A deal's settlement routes belong to the selling association: a buyer gets 404 there.
    this.resolver.register('deal', async (dealId) => {
      const [row] = await this.dataSource.query<{ organization_id: string }[]>(
        `SELECT l.organization_id FROM deals d JOIN lots l ON l.id = d.lot_id WHERE d.id = $1`,
        [dealId],
      );
      return row?.organization_id ?? null;
    });
    // The receipt of a delivery is the buyer's to give: the route resolves to the buyer.
    this.resolver.register('delivery-buyer', async (deliveryId) => {
      const [row] = await this.dataSource.query<{ buyer_organization_id: string }[]>(
        `SELECT d.buyer_organization_id FROM deliveries v JOIN deals d ON d.id = v.deal_id
          WHERE v.id = $1`,
        [deliveryId],
      );
      return row?.buyer_organization_id ?? null;
    });
  }

  async record(
    dealId: string,
    user: AuthenticatedUser,
    request: RecordDeliveryRequest,
  ): Promise<DeliveryWithLines & { dealStatus: Deal['status']; lotStatus: Lot['status'] }> {
    const ref = await this.dataSource.getRepository(Deal).findOneBy({ id: dealId });
    if (!ref) throw notFound('deal');
    const now = this.clock.now();
    const recorded = await this.dataSource.transaction(async (manager) => {
      // Lot before deal, the order every writer of a lot takes its locks in.
      const lot = await this.lots.lock(manager, ref.lotId);
      const deal = await manager.findOneOrFail(Deal, {
        where: { id: dealId },
        lock: { mode: 'pessimistic_write' },
      });
      if (deal.status !== 'confirmed') {
        throw new DomainError(
          SettlementErrors.DEAL_ALREADY_DELIVERED,
          `deal ${dealId} is ${deal.status}; its delivery was recorded before`,
          { dealId, status: deal.status },
        );
      }
      const contributors = await manager.query<{ producer_id: string }[]>(
        `SELECT DISTINCT producer_id FROM lot_contributions WHERE lot_id = $1`,
        [lot.id],
      );
      const checked = checkDelivery({
        dealId,
        dealQuantity: deal.quantity,
        lotProducerIds: contributors.map((row) => row.producer_id),
        lines: request.lines,
      });
      await this.assertGrades(manager, lot, checked.lines);

      const delivery = await manager.save(
        manager.create(Delivery, {
          dealId,
          lotId: lot.id,
          quantityDelivered: checked.totalDelivered,
          quantityAccepted: checked.totalAccepted,
          recordedBy: user.id,
          recordedAt: now,
          buyerConfirmedBy: null,
          buyerConfirmedAt: null,
        }),
      );
      const lines = checked.lines.map((line) =>
        manager.create(DeliveryLine, { deliveryId: delivery.id, ...line }),
      );
      for (let start = 0; start < lines.length; start += LINES_PER_INSERT) {
        await manager.insert(DeliveryLine, lines.slice(start, start + LINES_PER_INSERT));
      }
      await manager.update(Deal, { id: dealId }, { status: 'delivered' });

      // Only a lot that has stopped selling can be delivered: an open lot may still make deals.
      const [{ undelivered }] = await manager.query<{ undelivered: number }[]>(
        `SELECT count(*)::int AS undelivered FROM deals WHERE lot_id = $1 AND status = 'confirmed'`,
        [lot.id],
      );
      if (undelivered === 0 && (lot.status === 'sold' || lot.status === 'partially_sold')) {
        await this.lots.transition(manager, lot, 'deliver', now);
      }
      await this.lots.appendHistory(manager, lot, [
        {
          type: 'deal.delivered',
          at: now,
          actor: user.id,
          data: {
            dealId,
            deliveryId: delivery.id,
            quantityDelivered: checked.totalDelivered,
            quantityAccepted: checked.totalAccepted,
          },
        },
      ]);
      await this.outbox.record(manager, {
        type: 'delivery.recorded',
        aggregateType: 'deal',
        aggregateId: dealId,
        organizationId: lot.organizationId,
        payload: {
          dealId,
          deliveryId: delivery.id,
          lotId: lot.id,
          buyerOrganizationId: deal.buyerOrganizationId,
          quantityDelivered: checked.totalDelivered,
          quantityAccepted: checked.totalAccepted,
        },
      });
      return { delivery, lines, dealStatus: 'delivered' as const, lotStatus: lot.status };
    });
    this.outbox.kick();
    return recorded;
  }

  /** The buyer agent's receipt; a second one is refused so a retry cannot look like news. */
  async confirmReceipt(deliveryId: string, user: AuthenticatedUser): Promise<DeliveryWithLines> {
    const now = this.clock.now();
    const delivery = await this.dataSource.transaction(async (manager) => {
      const delivery = await manager.findOne(Delivery, {
        where: { id: deliveryId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!delivery) throw notFound('delivery');
      if (delivery.buyerConfirmedAt) {
        throw new DomainError(
          SettlementErrors.DELIVERY_ALREADY_CONFIRMED,
          `delivery ${deliveryId} was confirmed on ${delivery.buyerConfirmedAt.toISOString()}`,
          { deliveryId },
        );
      }
      await manager.update(
        Delivery,
        { id: deliveryId },
        { buyerConfirmedBy: user.id, buyerConfirmedAt: now },
      );
      delivery.buyerConfirmedBy = user.id;
      delivery.buyerConfirmedAt = now;
      const [lot] = await manager.query<{ organization_id: string }[]>(
        `SELECT organization_id FROM lots WHERE id = $1`,
        [delivery.lotId],
      );
      await this.outbox.record(manager, {
        type: 'delivery.confirmed',
        aggregateType: 'deal',
        aggregateId: delivery.dealId,
        organizationId: lot.organization_id,
        payload: { dealId: delivery.dealId, deliveryId, lotId: delivery.lotId },
      });
      return delivery;
    });
    this.outbox.kick();
    return { delivery, lines: await this.linesOf(delivery.id) };
  }

  async ofDeal(dealId: string): Promise<DeliveryWithLines[]> {
    const delivery = await this.dataSource.getRepository(Delivery).findOneBy({ dealId });
    return delivery ? [{ delivery, lines: await this.linesOf(delivery.id) }] : [];
  }

  async get(deliveryId: string): Promise<DeliveryWithLines> {
    const delivery = await this.dataSource.getRepository(Delivery).findOneBy({ id: deliveryId });
    if (!delivery) throw notFound('delivery');
    return { delivery, lines: await this.linesOf(delivery.id) };
  }

  private linesOf(deliveryId: string): Promise<DeliveryLine[]> {
    return this.dataSource
      .getRepository(DeliveryLine)
      .find({ where: { deliveryId }, order: { producerId: 'ASC' } });
  }

  /** A grade the lot's product does not have is a typing slip the settlement would pay on. */
  private async assertGrades(
    manager: EntityManager,
    lot: Lot,
    lines: readonly CheckedDeliveryLine[],
  ): Promise<void> {
    const terms = await this.catalog.productTerms(lot.productId, manager);
    const grades = terms?.grades ?? [];
    const issues = lines.flatMap((line, index) =>
      line.grade !== null && !grades.includes(line.grade)
        ? [
            {
              field: `lines.${index}.grade`,
              code: 'NOT_ALLOWED_VALUE',
              message: `grade must be one of ${grades.join(', ')}`,
            },
          ]
        : [],
    );
    if (issues.length > 0) throw validationFailed(issues);
  }
}

function notFound(what: string): DomainError {
  return new DomainError(CommonErrors.NOT_FOUND, `no such ${what}`);
}

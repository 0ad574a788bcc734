import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { AuthenticatedUser } from '../../shared/auth/access';
import { Clock } from '../../shared/clock';
import { CommonErrors, DomainError, validationFailed } from '../../shared/errors/domain-error';
import { Outbox } from '../../shared/outbox/outbox.service';
import { Deal } from '../negotiation/entities/deal.entity';
import {
  type DealAccountInput,
  type DealBalance,
  checkPayment,
  dealBalance,
} from './domain/payment-rules';
import type { RecordPaymentRequest } from './dto/settlement.dto';
import { DealPayment } from './entities/deal-payment.entity';
import { Delivery } from './entities/delivery.entity';

export interface DealAccount {
  deal: Deal;
  balance: DealBalance;
  payments: DealPayment[];
}

/** The buyer's payments against a deal, and what it still owes. */
@Injectable()
export class PaymentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async record(
    dealId: string,
    user: AuthenticatedUser,
    request: RecordPaymentRequest,
  ): Promise<{ payment: DealPayment; deal: Deal; balance: DealBalance }> {
    const now = this.clock.now();
    const receivedAt = new Date(request.receivedAt);
    if (receivedAt.getTime() > now.getTime()) {
      throw validationFailed([
        {
          field: 'receivedAt',
          code: 'IN_THE_FUTURE',
          message: 'a payment is recorded once received',
        },
      ]);
    }
    const recorded = await this.dataSource.transaction(async (manager) => {
      // The deal row's lock serialises payments, so two at once cannot both fit the balance.
      const deal = await manager.findOne(Deal, {
        where: { id: dealId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!deal) throw new DomainError(CommonErrors.NOT_FOUND, 'no such deal');
      const account = await this.accountInput(manager, deal);
      const checked = checkPayment(account, request.amount);
      const payment = await manager.save(
        manager.create(DealPayment, {
          dealId,
          amount: checked.amount,
          receivedAt,
          reference: request.reference?.trim() || null,
          recordedBy: user.id,
          createdAt: now,
        }),
      );
      const [lot] = await manager.query<{ organization_id: string }[]>(
        `SELECT organization_id FROM lots WHERE id = $1`,
        [deal.lotId],
      );
      await this.outbox.record(manager, {
        type: 'payment.recorded',
        aggregateType: 'deal',
        aggregateId: dealId,
        organizationId: lot.organization_id,
        payload: {
          dealId,
          paymentId: payment.id,
          amount: checked.amount,
          currency: deal.currency,
          outstanding: checked.balance.outstanding,
        },
      });
      return { payment, deal, balance: checked.balance };
    });
    this.outbox.kick();
    return recorded;
  }

  async account(dealId: string): Promise<DealAccount> {
    const manager = this.dataSource.manager;
    const deal = await manager.findOneBy(Deal, { id: dealId });
    if (!deal) throw new DomainError(CommonErrors.NOT_FOUND, 'no such deal');
    const payments = await manager.find(DealPayment, {
      where: { dealId },
      order: { receivedAt: 'ASC', createdAt: 'ASC', id: 'ASC' },
    });
    return {
      deal,
      payments,
      balance: dealBalance(await this.accountInput(manager, deal, payments)),
    };
  }

  private async accountInput(
    manager: EntityManager,
    deal: Deal,
    payments?: DealPayment[],
  ): Promise<DealAccountInput> {
    const delivery = await manager.findOneBy(Delivery, { dealId: deal.id });
    const amounts =
      payments?.map((payment) => payment.amount) ??
      (
        await manager.query<{ amount: string }[]>(
          `SELECT amount FROM deal_payments WHERE deal_id = $1`,
          [deal.id],
        )
      ).map((row) => row.amount);
    return {
      currency: deal.currency,
      price: deal.price,
      dealQuantity: deal.quantity,
      acceptedQuantity: delivery?.quantityAccepted ?? null,
      payments: amounts,
    };
  }
}

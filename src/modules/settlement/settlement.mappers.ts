import { CURRENCY_SCALE, type Currency, toDecimalString } from '../../shared/money';
import type { DealBalance } from './domain/payment-rules';
import type { SettlementDeduction } from './domain/payout-split';
import type {
  DealAccountResponse,
  DeliveryResponse,
  PaymentResponse,
  PayoutResponse,
  SettlementDeductionResponse,
  SettlementResponse,
  SettlementSummaryResponse,
  StatementBundleResponse,
} from './dto/settlement.dto';
import type { DealPayment } from './entities/deal-payment.entity';
import type { Settlement } from './entities/settlement.entity';
import type { StatementBundle } from './entities/statement-bundle.entity';
import type { DealAccount } from './payments.service';
import type { DeliveryWithLines } from './deliveries.service';
import type { PayoutRow } from './settlements.service';

/** Numeric columns read back padded to six decimals; money goes out at the currency's unit. */
function money(value: string, currency: Currency): string {
  return toDecimalString(value, CURRENCY_SCALE[currency]);
}

export function toDeliveryResponse({ delivery, lines }: DeliveryWithLines): DeliveryResponse {
  return {
    id: delivery.id,
    dealId: delivery.dealId,
    lotId: delivery.lotId,
    quantityDelivered: toDecimalString(delivery.quantityDelivered),
    quantityAccepted: toDecimalString(delivery.quantityAccepted),
    recordedAt: delivery.recordedAt.toISOString(),
    buyerConfirmedAt: delivery.buyerConfirmedAt?.toISOString() ?? null,
    lines: lines.map((line) => ({
      producerId: line.producerId,
      quantityDelivered: toDecimalString(line.quantityDelivered),
      quantityAccepted: toDecimalString(line.quantityAccepted),
      grade: line.grade,
    })),
  };
}

export function toPaymentResponse(payment: DealPayment, currency: Currency): PaymentResponse {
  return {
    id: payment.id,
    dealId: payment.dealId,
    amount: money(payment.amount, currency),
    currency,
    receivedAt: payment.receivedAt.toISOString(),
    reference: payment.reference,
    recordedAt: payment.createdAt.toISOString(),
  };
}

export function toDealAccountResponse({
  deal,
  balance,
  payments,
}: DealAccount): DealAccountResponse {
  return {
    dealId: deal.id,
    currency: deal.currency,
    dealStatus: deal.status,
    ...toBalance(balance),
    payments: payments.map((payment) => toPaymentResponse(payment, deal.currency)),
  };
}

export function toBalance(balance: DealBalance): DealBalance {
  return {
    basis: balance.basis,
    amountDue: balance.amountDue,
    paid: balance.paid,
    outstanding: balance.outstanding,
    overpaid: balance.overpaid,
  };
}

function toDeductions(
  deductions: readonly SettlementDeduction[],
  currency: Currency,
): SettlementDeductionResponse[] {
  return deductions.map((deduction) => ({
    type: deduction.type,
    basis: deduction.basis,
    rate: deduction.rate,
    amount: money(deduction.amount, currency),
    source: deduction.source,
  }));
}

export function toSettlementSummary(settlement: Settlement): SettlementSummaryResponse {
  const { currency } = settlement;
  return {
    id: settlement.id,
    lotId: settlement.lotId,
    kind: settlement.kind,
    adjustsSettlementId: settlement.adjustsSettlementId,
    status: settlement.status,
    version: settlement.version,
    currency,
    gross: money(settlement.gross, currency),
    deductions: toDeductions(settlement.deductions, currency),
    totalDeductions: money(settlement.totalDeductions, currency),
    net: money(settlement.net, currency),
    corrected: settlement.corrected
      ? {
          gross: money(settlement.corrected.gross, currency),
          deductions: toDeductions(settlement.corrected.deductions, currency),
          totalDeductions: money(settlement.corrected.totalDeductions, currency),
          net: money(settlement.corrected.net, currency),
        }
      : null,
    computedAt: settlement.computedAt.toISOString(),
    confirmedAt: settlement.confirmedAt?.toISOString() ?? null,
  };
}

export function toSettlementResponse(
  settlement: Settlement,
  payouts: readonly PayoutRow[],
): SettlementResponse {
  const { currency } = settlement;
  return {
    ...toSettlementSummary(settlement),
    gradeFactors: settlement.gradeFactors,
    deals: settlement.deals.map((deal) => ({
      dealId: deal.dealId,
      price: toDecimalString(deal.price),
      quantityAccepted: toDecimalString(deal.quantityAccepted),
      amount: money(deal.amount, currency),
    })),
    payouts: payouts.map((payout): PayoutResponse => ({
      producerId: payout.producerId,
      producerName: payout.producerName,
      quantityDelivered: toDecimalString(payout.quantityDelivered),
      quantity: toDecimalString(payout.quantity),
      weight: toDecimalString(payout.weight),
      grades: payout.grades,
      grossShare: money(payout.grossShare, currency),
      deductionShares: payout.deductionShares?.map((share) => money(share, currency)) ?? null,
      totalDeductions: money(payout.totalDeductions, currency),
      amount: money(payout.amount, currency),
      confirmedAmount:
        payout.confirmedAmount === null ? null : money(payout.confirmedAmount, currency),
      correctedAmount:
        payout.correctedAmount === null ? null : money(payout.correctedAmount, currency),
    })),
  };
}

export function toStatementBundleResponse(bundle: StatementBundle): StatementBundleResponse {
  return {
    settlementId: bundle.settlementId,
    status: bundle.status,
    requestedAt: bundle.requestedAt.toISOString(),
    readyAt: bundle.readyAt?.toISOString() ?? null,
    pages: bundle.pages,
    href: `/api/v1/settlements/${bundle.settlementId}/statement-bundle.pdf`,
  };
}

import { DomainError } from '../../../shared/errors/domain-error';
import {
  CURRENCY_SCALE,
  type Currency,
  type Dec,
  dec,
  sum,
  toDecimalString,
} from '../../../shared/money';
import { SettlementErrors } from './settlement.errors';

/** The columns of a settlement that an adjustment corrects; a `SettlementFigures` fits. */
export interface SettledFigures {
  currency: Currency;
  gross: string;
  totalDeductions: string;
  net: string;
  payouts: readonly {
    producerId: string;
    grossShare: string;
    totalDeductions: string;
    amount: string;
  }[];
}

export interface PayoutAdjustment {
  producerId: string;
  /** What the confirmed settlement paid, and what it should have paid. */
  confirmedAmount: string;
  correctedAmount: string;
  /** corrected − confirmed, per column; a negative amount is owed back by the producer. */
  grossShare: string;
  totalDeductions: string;
  amount: string;
}

export interface SettlementAdjustment {
  currency: Currency;
  /** corrected − confirmed, per total; Σ payouts[].amount = net. */
  gross: string;
  totalDeductions: string;
  net: string;
  /** Every producer of either settlement, ordered by producerId, including unchanged ones. */
  payouts: PayoutAdjustment[];
}

/**
 * A confirmed settlement is never edited: members were told their payout. A correction is a
 * new settlement that carries only the differences, so confirmed + adjustment = corrected for
 * every producer and every column. Because both settlements reconcile on their own (checked
 * here), the deltas reconcile too: Σ per-producer deltas = corrected net − confirmed net,
 * exactly, with no second rounding.
 */
export function computeAdjustment(
  confirmed: SettledFigures,
  corrected: SettledFigures,
): SettlementAdjustment {
  if (confirmed.currency !== corrected.currency) {
    throw notReconciled(
      `currencies differ: ${confirmed.currency} confirmed, ${corrected.currency} corrected`,
    );
  }
  const before = indexReconciled(confirmed, 'confirmed');
  const after = indexReconciled(corrected, 'corrected');
  const scale = CURRENCY_SCALE[confirmed.currency];
  const money = (value: Dec): string => toDecimalString(value, scale);
  const zero = { grossShare: dec('0'), totalDeductions: dec('0'), amount: dec('0') };

  const producerIds = [...new Set([...before.keys(), ...after.keys()])].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return {
    currency: confirmed.currency,
    gross: money(dec(corrected.gross).minus(dec(confirmed.gross))),
    totalDeductions: money(dec(corrected.totalDeductions).minus(dec(confirmed.totalDeductions))),
    net: money(dec(corrected.net).minus(dec(confirmed.net))),
    payouts: producerIds.map((producerId) => {
      const was = before.get(producerId) ?? zero;
      const is = after.get(producerId) ?? zero;
      return {
        producerId,
        confirmedAmount: money(was.amount),
        correctedAmount: money(is.amount),
        grossShare: money(is.grossShare.minus(was.grossShare)),
        totalDeductions: money(is.totalDeductions.minus(was.totalDeductions)),
        amount: money(is.amount.minus(was.amount)),
      };
    }),
  };
}

function indexReconciled(
  figures: SettledFigures,
  which: string,
): Map<string, { grossShare: Dec; totalDeductions: Dec; amount: Dec }> {
  const rows = new Map<string, { grossShare: Dec; totalDeductions: Dec; amount: Dec }>();
  for (const payout of figures.payouts) {
    if (rows.has(payout.producerId)) {
      throw notReconciled(`${which}: producer ${payout.producerId} is paid twice`);
    }
    const row = {
      grossShare: dec(payout.grossShare),
      totalDeductions: dec(payout.totalDeductions),
      amount: dec(payout.amount),
    };
    if (!row.grossShare.minus(row.totalDeductions).equals(row.amount)) {
      throw notReconciled(`${which}: the row of producer ${payout.producerId} does not add up`);
    }
    rows.set(payout.producerId, row);
  }
  const values = [...rows.values()];
  const checks: [string, Dec, string][] = [
    ['gross', sum(values.map((row) => row.grossShare)), figures.gross],
    ['totalDeductions', sum(values.map((row) => row.totalDeductions)), figures.totalDeductions],
    ['net', sum(values.map((row) => row.amount)), figures.net],
  ];
  for (const [column, columnSum, total] of checks) {
    if (!columnSum.equals(dec(total))) {
      throw notReconciled(
        `${which}: ${column} column adds up to ${toDecimalString(columnSum)}, not ${total}`,
      );
    }
  }
  if (!dec(figures.gross).minus(dec(figures.totalDeductions)).equals(dec(figures.net))) {
    throw notReconciled(`${which}: gross − deductions is not the net`);
  }
  return rows;
}

function notReconciled(message: string): DomainError {
  return new DomainError(SettlementErrors.SETTLEMENT_NOT_RECONCILED, message);
}

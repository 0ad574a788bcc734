import {
  DomainError,
  type FieldIssue,
  validationFailed,
} from '../../../shared/errors/domain-error';
import {
  CURRENCY_SCALE,
  type Currency,
  Dec,
  type DecimalInput,
  dec,
  roundMoney,
  sum,
  toDecimalString,
} from '../../../shared/money';
import { SettlementErrors } from './settlement.errors';
import { multiplyExactly, readMoney } from './settlement-validation';

/**
 * What a buyer owes for a quantity at a deal's price, rounded half-even to the currency's
 * minor unit. This is the one place a deal's value is rounded: a deal is invoiced on its own,
 * so its amount is the edge where the exact product becomes money. The settlement's gross is
 * the sum of these amounts, so the pool never distributes a peso the buyers do not owe.
 */
export function dealAmount(price: DecimalInput, quantity: DecimalInput, currency: Currency): Dec {
  return roundMoney(multiplyExactly(dec(price), dec(quantity)), currency);
}

export interface DealAccountInput {
  currency: Currency;
  price: string;
  dealQuantity: string;
  /** Σ accepted quantity of the deal's delivery; null while nothing has been delivered. */
  acceptedQuantity?: string | null;
  /** Amounts of the payments already recorded against the deal. */
  payments: readonly string[];
}

export interface DealBalance {
  /**
   * `contracted` before delivery: the buyer owes price × deal quantity, so that payment terms
   * that ask for money up front can be recorded. `accepted` once delivered: the buyer owes only
   * for what it accepted, which is also what the settlement distributes.
   */
  basis: 'contracted' | 'accepted';
  amountDue: string;
  paid: string;
  /** What the buyer still owes; never negative. */
  outstanding: string;
  /**
   * What the association owes back to the buyer: only possible when the buyer paid the
   * contracted amount up front and then accepted less at delivery.
   */
  overpaid: string;
}

export function dealBalance(input: DealAccountInput): DealBalance {
  const accepted = input.acceptedQuantity ?? null;
  const basis = accepted === null ? 'contracted' : 'accepted';
  const due = dealAmount(input.price, accepted ?? input.dealQuantity, input.currency);
  const paid = sum(input.payments);
  const scale = CURRENCY_SCALE[input.currency];
  const balance = due.minus(paid);
  const zero = new Dec(0);
  return {
    basis,
    amountDue: toDecimalString(due, scale),
    paid: toDecimalString(paid, scale),
    outstanding: toDecimalString(balance.isNegative() ? zero : balance, scale),
    overpaid: toDecimalString(balance.isNegative() ? balance.negated() : zero, scale),
  };
}

export interface CheckedPayment {
  amount: string;
  /** The balance once this payment is recorded. */
  balance: DealBalance;
}

/**
 * A payment must be positive, in whole minor units, and no more than what is outstanding:
 * money received beyond the amount due has no producer to go to, so it is refused at the
 * door instead of being parked as a credit nobody asked for.
 */
export function checkPayment(account: DealAccountInput, amount: unknown): CheckedPayment {
  const issues: FieldIssue[] = [];
  const value = readMoney(amount, 'amount', issues, account.currency, 'positive');
  if (!value) throw validationFailed(issues);
  const before = dealBalance(account);
  if (value.greaterThan(dec(before.outstanding))) {
    throw new DomainError(
      SettlementErrors.OVERPAYMENT,
      `a payment of ${toDecimalString(value)} exceeds the outstanding ${before.outstanding}`,
      {
        amount: toDecimalString(value, CURRENCY_SCALE[account.currency]),
        amountDue: before.amountDue,
        paid: before.paid,
        outstanding: before.outstanding,
      },
    );
  }
  const recorded = toDecimalString(value, CURRENCY_SCALE[account.currency]);
  return {
    amount: recorded,
    balance: dealBalance({ ...account, payments: [...account.payments, recorded] }),
  };
}

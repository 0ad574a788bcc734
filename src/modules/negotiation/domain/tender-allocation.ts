import { validationFailed, type FieldIssue } from '../../../shared/errors/domain-error';
import {
  Dec,
  type DecimalInput,
  dec,
  isDecimalString,
  toDecimalString,
} from '../../../shared/money';

export type PricingRule = 'pay_as_bid' | 'uniform';

export interface TenderBid {
  offerId: string;
  buyerOrganizationId: string;
  price: DecimalInput;
  quantity: DecimalInput;
  minQuantity: DecimalInput;
  placedAt: Date;
}

export interface TenderInput {
  /** What the lot puts up for the tender: its available quantity at close. */
  quantity: DecimalInput;
  reservePrice?: DecimalInput | null;
  pricingRule: PricingRule;
  bids: readonly TenderBid[];
}

export interface BidAllocation {
  offerId: string;
  buyerOrganizationId: string;
  /** 1 for the best bid; the order in which bids were considered. */
  rank: number;
  price: string;
  quantityBid: string;
  minQuantity: string;
  /** "0" for a losing bid. */
  quantityAllocated: string;
  /** What a winner pays per unit; null for a losing bid. */
  pricePaid: string | null;
  outcome: 'won' | 'below_reserve' | 'below_min_quantity';
}

export interface TenderAllocation {
  pricingRule: PricingRule;
  /** Under `uniform`, the lowest accepted price, paid by every winner; else null. */
  clearingPrice: string | null;
  quantityAllocated: string;
  quantityUnallocated: string;
  /** One row per bid, best first. */
  allocations: BidAllocation[];
}

/**
 * Allocates a sealed tender at close.
 *
 * Bids are ranked by price, highest first; equal prices go to the earlier bid, then to the
 * smaller offer id, so that one set of bids gives one allocation whatever order they were
 * loaded in. Bids below the reserve get nothing. Going down the ranking, each bid gets
 * min(what it bid, what is left) if that reaches its own minimum; otherwise it gets nothing
 * and the next bid is tried, since a smaller bid further down may still fit.
 *
 * `pay_as_bid`: each winner pays its own price. `uniform`: every winner pays the lowest
 * accepted price. The reserve never needs a separate check on the price paid: every
 * winner's price is at least the reserve, and so is the lowest of them.
 */
export function allocateTender(input: TenderInput): TenderAllocation {
  validateTender(input);
  const reserve =
    input.reservePrice === undefined || input.reservePrice === null
      ? null
      : dec(input.reservePrice);
  const ranked = [...input.bids]
    .map((bid) => ({
      bid,
      price: dec(bid.price),
      quantity: dec(bid.quantity),
      minQuantity: dec(bid.minQuantity),
    }))
    .sort(
      (a, b) =>
        b.price.comparedTo(a.price) ||
        a.bid.placedAt.getTime() - b.bid.placedAt.getTime() ||
        compareStrings(a.bid.offerId, b.bid.offerId),
    );

  let remaining = dec(input.quantity);
  const rows = ranked.map((r, index) => {
    let allocated = new Dec(0);
    let outcome: BidAllocation['outcome'];
    if (reserve !== null && r.price.lessThan(reserve)) {
      outcome = 'below_reserve';
    } else {
      const offer = Dec.min(r.quantity, remaining);
      if (offer.greaterThan(0) && offer.greaterThanOrEqualTo(r.minQuantity)) {
        allocated = offer;
        remaining = remaining.minus(offer);
        outcome = 'won';
      } else {
        outcome = 'below_min_quantity';
      }
    }
    return { r, rank: index + 1, allocated, outcome };
  });

  const winners = rows.filter((row) => row.outcome === 'won');
  const clearing =
    input.pricingRule === 'uniform' && winners.length > 0
      ? Dec.min(...winners.map((w) => w.r.price))
      : null;

  return {
    pricingRule: input.pricingRule,
    clearingPrice: clearing === null ? null : toDecimalString(clearing),
    quantityAllocated: toDecimalString(dec(input.quantity).minus(remaining)),
    quantityUnallocated: toDecimalString(remaining),
    allocations: rows.map(({ r, rank, allocated, outcome }) => ({
      offerId: r.bid.offerId,
      buyerOrganizationId: r.bid.buyerOrganizationId,
      rank,
      price: toDecimalString(r.price),
      quantityBid: toDecimalString(r.quantity),
      minQuantity: toDecimalString(r.minQuantity),
      quantityAllocated: toDecimalString(allocated),
      pricePaid: outcome !== 'won' ? null : toDecimalString(clearing !== null ? clearing : r.price),
      outcome,
    })),
  };
}

function validateTender(input: TenderInput): void {
  const issues: FieldIssue[] = [];
  checkDecimal(input.quantity, 'quantity', issues, { allowZero: true });
  if (input.reservePrice !== undefined && input.reservePrice !== null) {
    checkDecimal(input.reservePrice, 'reservePrice', issues, { allowZero: true });
  }
  const ids = new Set<string>();
  input.bids.forEach((bid, i) => {
    if (ids.has(bid.offerId)) {
      issues.push({
        field: `bids.${i}.offerId`,
        code: 'DUPLICATE',
        message: 'offer id appears twice',
      });
    }
    ids.add(bid.offerId);
    checkDecimal(bid.price, `bids.${i}.price`, issues, { allowZero: false });
    const q = checkDecimal(bid.quantity, `bids.${i}.quantity`, issues, { allowZero: false });
    const m = checkDecimal(bid.minQuantity, `bids.${i}.minQuantity`, issues, { allowZero: false });
    if (q && m && m.greaterThan(q)) {
      issues.push({
        field: `bids.${i}.minQuantity`,
        code: 'ABOVE_QUANTITY',
        message: 'must not be greater than quantity',
      });
    }
    if (Number.isNaN(bid.placedAt.getTime())) {
      issues.push({
        field: `bids.${i}.placedAt`,
        code: 'NOT_DATE',
        message: 'must be a valid instant',
      });
    }
  });
  if (issues.length > 0) throw validationFailed(issues);
}

function checkDecimal(
  value: DecimalInput,
  field: string,
  issues: FieldIssue[],
  opts: { allowZero: boolean },
): Dec | null {
  if (typeof value === 'string' && !isDecimalString(value)) {
    issues.push({ field, code: 'NOT_DECIMAL', message: 'must be a decimal string' });
    return null;
  }
  const d = dec(value);
  if (d.lessThan(0) || (!opts.allowZero && d.isZero())) {
    issues.push({
      field,
      code: opts.allowZero ? 'MUST_NOT_BE_NEGATIVE' : 'MUST_BE_POSITIVE',
      message: opts.allowZero ? 'must be zero or more' : 'must be greater than zero',
    });
    return null;
  }
  return d;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

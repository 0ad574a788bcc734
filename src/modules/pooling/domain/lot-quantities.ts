import {
  type Currency,
  Dec,
  type DecimalInput,
  dec,
  isDecimalString,
  minorUnitScale,
  sum,
  toDecimalString,
} from '../../../shared/money';
import {
  DomainError,
  type FieldIssue,
  validationFailed,
} from '../../../shared/errors/domain-error';
import type { LotStatus } from './lot-state';
import { PoolingErrors } from './pooling.errors';

export interface ContributionQuantity {
  quantity: DecimalInput;
}

export interface CostedContribution extends ContributionQuantity {
  producerId: string;
  /**
   * Cost per unit of the lot's unit, from the contribution's cost sheet (its break-even at
   * the expected yield); null or absent when the producer has no cost sheet.
   */
  costPerUnit?: DecimalInput | null;
}

export interface LotQuantities {
  quantityTotal: string;
  quantitySold: string;
  quantityHeld: string;
  quantityAvailable: string;
}

export function quantityTotal(contributions: readonly ContributionQuantity[]): string {
  return toDecimalString(sum(contributions.map((c) => c.quantity)));
}

/**
 * What a new offer or acceptance may still take. Quantities held by pending approvals are
 * out of reach exactly like sold ones, so that a vote in progress cannot be oversold under it.
 * A negative result means the stored figures already break the no-oversell invariant: that is
 * corruption, not a user error, so it is a plain Error and never a 4xx.
 */
export function quantityAvailable(input: {
  quantityTotal: DecimalInput;
  quantitySold: DecimalInput;
  quantityHeld: DecimalInput;
}): string {
  const available = dec(input.quantityTotal)
    .minus(dec(input.quantitySold))
    .minus(dec(input.quantityHeld));
  if (available.isNegative()) {
    throw new Error(
      `lot quantities inconsistent: total ${toDecimalString(input.quantityTotal)}, sold ${toDecimalString(
        input.quantitySold,
      )}, held ${toDecimalString(input.quantityHeld)}`,
    );
  }
  return toDecimalString(available);
}

export function lotQuantities(input: {
  contributions: readonly ContributionQuantity[];
  dealQuantities: readonly DecimalInput[];
  heldQuantities: readonly DecimalInput[];
}): LotQuantities {
  const total = quantityTotal(input.contributions);
  const sold = toDecimalString(sum(input.dealQuantities));
  const held = toDecimalString(sum(input.heldQuantities));
  return {
    quantityTotal: total,
    quantitySold: sold,
    quantityHeld: held,
    quantityAvailable: quantityAvailable({
      quantityTotal: total,
      quantitySold: sold,
      quantityHeld: held,
    }),
  };
}

/**
 * A request (offer, counter, bid, acceptance) must fit what is left and respect the lot's
 * minimum order. The minimum gives way when the request takes everything that is left:
 * otherwise a remainder smaller than the minimum could never be sold.
 */
export function assertQuantityRequestable(input: {
  requested: DecimalInput;
  quantityAvailable: DecimalInput;
  minOrderQuantity: DecimalInput;
  field?: string;
}): void {
  const field = input.field ?? 'quantity';
  const requested = dec(input.requested);
  const available = dec(input.quantityAvailable);
  const minimum = dec(input.minOrderQuantity);
  if (requested.isZero() || requested.isNegative()) {
    throw validationFailed([
      { field, code: 'MUST_BE_POSITIVE', message: 'must be greater than zero' },
    ]);
  }
  const details = {
    requested: toDecimalString(requested),
    quantityAvailable: toDecimalString(available),
    minOrderQuantity: toDecimalString(minimum),
  };
  if (requested.greaterThan(available)) {
    throw new DomainError(
      PoolingErrors.INSUFFICIENT_QUANTITY,
      `requested ${details.requested} but only ${details.quantityAvailable} is available`,
      { ...details, reason: 'above_available' },
    );
  }
  if (requested.lessThan(minimum) && !requested.equals(available)) {
    throw new DomainError(
      PoolingErrors.INSUFFICIENT_QUANTITY,
      `requested ${details.requested} is below the lot minimum of ${details.minOrderQuantity}`,
      { ...details, reason: 'below_minimum' },
    );
  }
}

/**
 * The quantity a deal from an accepted offer takes. An offer that asks for more than is
 * left may still be served with what is left, down to the buyer's own minimum: the buyer
 * said it would take that much. Below the buyer's minimum the acceptance is refused.
 */
export function dealQuantity(input: {
  offerQuantity: DecimalInput;
  offerMinQuantity: DecimalInput;
  quantityAvailable: DecimalInput;
  minOrderQuantity: DecimalInput;
}): string {
  const offered = dec(input.offerQuantity);
  const available = dec(input.quantityAvailable);
  const take = Dec.min(offered, available);
  if (take.lessThan(dec(input.offerMinQuantity)) || take.isZero()) {
    throw new DomainError(
      PoolingErrors.INSUFFICIENT_QUANTITY,
      `only ${toDecimalString(available)} is available, below the offer's minimum of ${toDecimalString(
        input.offerMinQuantity,
      )}`,
      {
        requested: toDecimalString(offered),
        offerMinQuantity: toDecimalString(input.offerMinQuantity),
        quantityAvailable: toDecimalString(available),
        reason: 'below_offer_minimum',
      },
    );
  }
  assertQuantityRequestable({
    requested: take,
    quantityAvailable: available,
    minOrderQuantity: input.minOrderQuantity,
  });
  return toDecimalString(take);
}

/** Contributions join while the lot is being built or is on sale, never after the sale ended. */
export function assertContributionAddable(status: LotStatus, quantity: DecimalInput): void {
  if (status !== 'draft' && status !== 'open') {
    throw new DomainError(
      PoolingErrors.LOT_NOT_OPEN,
      `the lot is ${status}; it takes no more contributions`,
      { status },
    );
  }
  const issues: FieldIssue[] = [];
  if (typeof quantity === 'string' && !isDecimalString(quantity)) {
    issues.push({ field: 'quantity', code: 'NOT_DECIMAL', message: 'must be a decimal string' });
  } else if (dec(quantity).isZero() || dec(quantity).isNegative()) {
    issues.push({
      field: 'quantity',
      code: 'MUST_BE_POSITIVE',
      message: 'must be greater than zero',
    });
  }
  if (issues.length > 0) throw validationFailed(issues);
}

/**
 * A producer may take their harvest back only while nothing has been sold: after the first
 * deal, the pool's quantity has been promised and each remaining share is part of it. A hold
 * also blocks it: the pending vote is weighted by today's contributions and would be served
 * from them.
 */
export function assertContributionWithdrawable(input: {
  status: LotStatus;
  hasDeals: boolean;
  quantityHeld: DecimalInput;
}): void {
  if (input.hasDeals) {
    throw new DomainError(
      PoolingErrors.LOT_HAS_DEALS,
      'contributions cannot be withdrawn once the lot has a deal',
      { status: input.status },
    );
  }
  if (input.status !== 'draft' && input.status !== 'open') {
    throw new DomainError(
      PoolingErrors.LOT_NOT_OPEN,
      `the lot is ${input.status}; its contributions are final`,
      { status: input.status },
    );
  }
  if (!dec(input.quantityHeld).isZero()) {
    throw new DomainError(
      PoolingErrors.LOT_HAS_PENDING_APPROVAL,
      'contributions cannot be withdrawn while an approval holds part of the lot',
      { status: input.status, quantityHeld: toDecimalString(input.quantityHeld) },
    );
  }
}

export interface CostBasis {
  /** Σ qty × cost / Σ qty over the contributions that have a cost; null when none has one. */
  weightedCostPerUnit: string | null;
  /**
   * The weighted cost rounded up to the currency's minor unit: a price at the published
   * floor must never be below the pool's break-even, which half-even rounding could allow.
   */
  floorPrice: string | null;
  quantityWithCost: string;
  quantityWithoutCost: string;
}

/**
 * Contribution-weighted break-even. Contributions without a cost sheet are left out of both
 * sums rather than counted at zero cost, which would drag the floor down for everybody.
 */
export function costBasis(
  contributions: readonly CostedContribution[],
  currency: Currency,
): CostBasis {
  let weighted = new Dec(0);
  let withCost = new Dec(0);
  let withoutCost = new Dec(0);
  for (const c of contributions) {
    const q = dec(c.quantity);
    if (c.costPerUnit === null || c.costPerUnit === undefined) {
      withoutCost = withoutCost.plus(q);
      continue;
    }
    weighted = weighted.plus(q.times(dec(c.costPerUnit)));
    withCost = withCost.plus(q);
  }
  if (withCost.isZero()) {
    return {
      weightedCostPerUnit: null,
      floorPrice: null,
      quantityWithCost: toDecimalString(withCost),
      quantityWithoutCost: toDecimalString(withoutCost),
    };
  }
  const exact = weighted.dividedBy(withCost);
  return {
    weightedCostPerUnit: toDecimalString(exact),
    floorPrice: toDecimalString(exact.toDecimalPlaces(minorUnitScale(currency), Dec.ROUND_CEIL)),
    quantityWithCost: toDecimalString(withCost),
    quantityWithoutCost: toDecimalString(withoutCost),
  };
}

export function floorPrice(
  contributions: readonly CostedContribution[],
  currency: Currency,
): string | null {
  return costBasis(contributions, currency).floorPrice;
}

export interface ProducerAboveCost {
  producerId: string;
  /** The producer's own weighted cost over their contributions that have a cost. */
  costPerUnit: string;
  quantity: string;
  /** How much per unit the price falls short of this producer's cost. */
  shortfallPerUnit: string;
}

/**
 * Producers for whom the given price would not cover their own cost: the association sees
 * who loses money at a price before it accepts, even when the pool as a whole breaks even.
 * Ordered by the largest shortfall first, then producer id, so the list is stable.
 */
export function producersAboveCost(
  contributions: readonly CostedContribution[],
  price: DecimalInput,
): ProducerAboveCost[] {
  const p = dec(price);
  const byProducer = new Map<string, { weighted: Dec; quantity: Dec }>();
  for (const c of contributions) {
    if (c.costPerUnit === null || c.costPerUnit === undefined) continue;
    const q = dec(c.quantity);
    const acc = byProducer.get(c.producerId) ?? { weighted: new Dec(0), quantity: new Dec(0) };
    byProducer.set(c.producerId, {
      weighted: acc.weighted.plus(q.times(dec(c.costPerUnit))),
      quantity: acc.quantity.plus(q),
    });
  }
  const rows: { producerId: string; cost: Dec; quantity: Dec }[] = [];
  for (const [producerId, acc] of byProducer) {
    if (acc.quantity.isZero()) continue;
    const cost = acc.weighted.dividedBy(acc.quantity);
    if (cost.greaterThan(p)) rows.push({ producerId, cost, quantity: acc.quantity });
  }
  rows.sort(
    (a, b) =>
      b.cost.comparedTo(a.cost) ||
      (a.producerId < b.producerId ? -1 : a.producerId > b.producerId ? 1 : 0),
  );
  return rows.map((r) => ({
    producerId: r.producerId,
    costPerUnit: toDecimalString(r.cost),
    quantity: toDecimalString(r.quantity),
    shortfallPerUnit: toDecimalString(r.cost.minus(p)),
  }));
}

/** The event that ends selling on a lot, from what was sold. */
export function closingEvent(input: {
  quantityTotal: DecimalInput;
  quantitySold: DecimalInput;
}): 'sell_out' | 'sell_part' | 'expire' {
  const sold = dec(input.quantitySold);
  if (sold.isZero()) return 'expire';
  return sold.greaterThanOrEqualTo(dec(input.quantityTotal)) ? 'sell_out' : 'sell_part';
}

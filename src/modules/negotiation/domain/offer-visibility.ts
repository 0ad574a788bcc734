import { CommonErrors, DomainError } from '../../../shared/errors/domain-error';
import type { LotStatus } from '../../pooling/domain/lot-state';
import { NegotiationErrors } from './negotiation.errors';
import type { BidAllocation, TenderAllocation } from './tender-allocation';
import { type LotMechanism, isTenderClosed } from './tender-window';

export type OfferViewer =
  { kind: 'association'; organizationId: string } | { kind: 'buyer'; organizationId: string };

export interface LotVisibilityView {
  associationId: string;
  mechanism: LotMechanism;
  status: LotStatus;
  closesAt: Date | null;
}

/**
 * Sealed until close: the association sees a tender's bids once the tender is closed (by
 * time, even if the close job has not run, or by status). Draft lots never had bids.
 */
function bidsUnsealed(lot: LotVisibilityView, now: Date): boolean {
  if (lot.mechanism !== 'tender') return true;
  if (lot.status !== 'open') return true;
  return lot.closesAt !== null && isTenderClosed(lot.closesAt, now);
}

/**
 * May this viewer read this offer or bid? A buyer reads only its own organisation's; anyone
 * else's is NOT_FOUND, as is any offer on another association's lot, so that neither learns
 * it exists. The owning association reads all negotiation offers, and tender bids only after
 * close (BID_HIDDEN before).
 */
export function assertOfferReadable(
  viewer: OfferViewer,
  lot: LotVisibilityView,
  offer: { buyerOrganizationId: string },
  now: Date,
): void {
  if (viewer.kind === 'buyer') {
    if (offer.buyerOrganizationId !== viewer.organizationId) throw notFound();
    return;
  }
  if (lot.associationId !== viewer.organizationId) throw notFound();
  if (!bidsUnsealed(lot, now)) throw hidden();
}

/**
 * The offers of a lot a viewer may list. The association listing a tender before close is
 * refused rather than shown an empty list, which would read as "no bids".
 */
export function visibleOffers<T extends { buyerOrganizationId: string }>(
  viewer: OfferViewer,
  lot: LotVisibilityView,
  offers: readonly T[],
  now: Date,
): T[] {
  if (viewer.kind === 'buyer') {
    return offers.filter((o) => o.buyerOrganizationId === viewer.organizationId);
  }
  if (lot.associationId !== viewer.organizationId) throw notFound();
  if (!bidsUnsealed(lot, now)) throw hidden();
  return [...offers];
}

/** A bid's row as its own buyer reads it: the fields of the API contract. */
export type BuyerAllocationRow = Pick<
  BidAllocation,
  | 'offerId'
  | 'buyerOrganizationId'
  | 'price'
  | 'quantityBid'
  | 'minQuantity'
  | 'quantityAllocated'
  | 'pricePaid'
>;

export interface BuyerAllocationView {
  pricingRule: TenderAllocation['pricingRule'];
  clearingPrice: string | null;
  allocations: BuyerAllocationRow[];
}

/**
 * A tender's result as one buyer may read it: its own rows and the price it pays, nothing
 * about the others. The totals would tell it how much the others bought, the rank how many
 * outbid it, and `below_reserve` where the secret reserve lies.
 */
export function buyerAllocationView(
  allocation: TenderAllocation,
  buyerOrganizationIds: readonly string[],
): BuyerAllocationView {
  return {
    pricingRule: allocation.pricingRule,
    clearingPrice: allocation.clearingPrice,
    allocations: allocation.allocations
      .filter((row) => buyerOrganizationIds.includes(row.buyerOrganizationId))
      .map((row) => ({
        offerId: row.offerId,
        buyerOrganizationId: row.buyerOrganizationId,
        price: row.price,
        quantityBid: row.quantityBid,
        minQuantity: row.minQuantity,
        quantityAllocated: row.quantityAllocated,
        pricePaid: row.pricePaid,
      })),
  };
}

function notFound(): DomainError {
  return new DomainError(CommonErrors.NOT_FOUND, 'offer not found');
}

function hidden(): DomainError {
  return new DomainError(
    NegotiationErrors.BID_HIDDEN,
    'the bids of this tender stay sealed until it closes',
  );
}

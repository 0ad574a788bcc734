import { toDecimalString } from '../../shared/money';
import type { ApprovalTally } from './domain/approval';
import { effectiveStatus } from './domain/offer-state';
import type { ApprovalResponse, DealResponse, OfferResponse } from './dto/negotiation.dto';
import type { Approval, ApprovalVoteRecord } from './entities/approval.entity';
import type { Deal } from './entities/deal.entity';
import type { Offer } from './entities/offer.entity';

/** The status shown is the effective one: a pending offer past its expiry reads as expired. */
export function toOfferResponse(offer: Offer, now: Date): OfferResponse {
  return {
    id: offer.id,
    lotId: offer.lotId,
    buyerOrganizationId: offer.buyerOrganizationId,
    threadId: offer.threadId,
    parentOfferId: offer.parentOfferId,
    kind: offer.kind,
    madeBy: offer.madeBy,
    price: toDecimalString(offer.price),
    quantity: toDecimalString(offer.quantity),
    minQuantity: toDecimalString(offer.minQuantity),
    paymentTermsDays: offer.paymentTermsDays,
    expiresAt: offer.expiresAt.toISOString(),
    status: effectiveStatus(offer, now),
    createdAt: offer.createdAt.toISOString(),
    decidedAt: offer.decidedAt?.toISOString() ?? null,
  };
}

export function toDealResponse(deal: Deal): DealResponse {
  return {
    id: deal.id,
    lotId: deal.lotId,
    offerId: deal.offerId,
    buyerOrganizationId: deal.buyerOrganizationId,
    price: toDecimalString(deal.price),
    quantity: toDecimalString(deal.quantity),
    currency: deal.currency,
    paymentTermsDays: deal.paymentTermsDays,
    status: deal.status,
    createdAt: deal.createdAt.toISOString(),
  };
}

export function toApprovalResponse(
  approval: Approval,
  votes: ApprovalVoteRecord[],
  tally: ApprovalTally,
  dealId: string | null,
): ApprovalResponse {
  return {
    id: approval.id,
    lotId: approval.lotId,
    offerId: approval.offerId,
    policy: approval.policy,
    status: tally.status,
    threshold: approval.threshold === null ? null : toDecimalString(approval.threshold),
    quantityHeld: toDecimalString(approval.quantityHeld),
    closesAt: approval.closesAt.toISOString(),
    weights: approval.electorate,
    votes: votes.map((vote) => ({
      userId: vote.userId,
      role: vote.role,
      choice: vote.choice,
      castAt: vote.castAt.toISOString(),
    })),
    tally: { ...tally, decidedAt: tally.decidedAt?.toISOString() ?? null },
    dealId,
  };
}

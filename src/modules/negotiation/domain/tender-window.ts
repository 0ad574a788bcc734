import { DomainError } from '../../../shared/errors/domain-error';
import { type LotStatus, assertLotOpen } from '../../pooling/domain/lot-state';
import { NegotiationErrors } from './negotiation.errors';
import { type OfferTimingView, effectiveStatus } from './offer-state';

export type LotMechanism = 'negotiation' | 'tender';

/**
 * A tender is closed from `closesAt` on, whatever the lot row says: the close job may not
 * have run (Redis down), and a bid must not slip in meanwhile.
 */
export function isTenderClosed(closesAt: Date, now: Date): boolean {
  return now.getTime() >= closesAt.getTime();
}

/** Offers and counters belong to negotiation lots; a tender takes sealed bids only. */
export function assertNegotiable(lot: { mechanism: LotMechanism; status: LotStatus }): void {
  if (lot.mechanism !== 'negotiation') {
    throw new DomainError(
      NegotiationErrors.WRONG_MECHANISM,
      'this lot is sold by tender: place a bid, offers and counters do not apply',
      { mechanism: lot.mechanism },
    );
  }
  assertLotOpen(lot.status);
}

export function assertBidAllowed(
  lot: { mechanism: LotMechanism; status: LotStatus; closesAt: Date | null },
  now: Date,
): void {
  if (lot.mechanism !== 'tender' || lot.closesAt === null) {
    throw new DomainError(
      NegotiationErrors.WRONG_MECHANISM,
      'this lot is sold by negotiation: make an offer instead',
      { mechanism: lot.mechanism },
    );
  }
  // A tender that never opened or was called off is not open; any other lot past `open` got
  // there through its close (allocated, sold, or no bid at all), and a late bidder hears that.
  if (lot.status === 'draft' || lot.status === 'cancelled') assertLotOpen(lot.status);
  if (lot.status !== 'open' || isTenderClosed(lot.closesAt, now)) {
    throw new DomainError(NegotiationErrors.TENDER_CLOSED, 'the tender has closed', {
      closesAt: lot.closesAt.toISOString(),
    });
  }
}

/**
 * Whether the close (allocation) should run now: a tender lot still open whose time has
 * come. Both the delayed job and the lazy path on a read or write ask this under the lot's
 * lock, so whichever comes second finds the lot no longer open and does nothing.
 */
export function tenderCloseDue(
  lot: { mechanism: LotMechanism; status: LotStatus; closesAt: Date | null },
  now: Date,
): boolean {
  return (
    lot.mechanism === 'tender' &&
    lot.status === 'open' &&
    lot.closesAt !== null &&
    isTenderClosed(lot.closesAt, now)
  );
}

/** The allocation report exists only once the tender has closed. */
export function assertTenderClosed(
  lot: { closesAt: Date | null; status: LotStatus },
  now: Date,
): void {
  if (lot.status === 'open' && (lot.closesAt === null || !isTenderClosed(lot.closesAt, now))) {
    throw new DomainError(NegotiationErrors.TENDER_NOT_CLOSED, 'the tender has not closed yet', {
      closesAt: lot.closesAt?.toISOString() ?? null,
    });
  }
}

/**
 * Whether a bid takes part in the allocation: it must still be pending at `closesAt`. A bid
 * that lapsed before the close is out, whether or not its expiry job ran, and one that
 * lapses after it still counts, however late the close runs.
 */
export function standsAtClose(bid: OfferTimingView, closesAt: Date): boolean {
  return effectiveStatus(bid, closesAt) === 'pending';
}

import { CommonErrors, DomainError } from '../../../shared/errors/domain-error';
import { NegotiationErrors } from './negotiation.errors';

export const OFFER_STATUSES = [
  'pending',
  'countered',
  'accepted',
  'rejected',
  'withdrawn',
  'expired',
  'superseded',
] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/**
 * - `counter`: the other party answered with a new offer; this one is `countered`.
 * - `supersede`: the offer was replaced without an answer: its maker revised it (a new bid in
 *   a tender, a new offer in the same thread), or the lot stopped selling (sold out,
 *   cancelled, closed) so it can no longer be met.
 * - `expire`: its `expiresAt` passed while pending.
 */
export const OFFER_EVENTS = [
  'counter',
  'accept',
  'reject',
  'withdraw',
  'expire',
  'supersede',
] as const;
export type OfferEvent = (typeof OFFER_EVENTS)[number];

export type OfferParty = 'buyer' | 'association';
/** What a party asks to do; `expire` and `supersede` are the system's, never a party's. */
export type OfferAction = Extract<OfferEvent, 'counter' | 'accept' | 'reject' | 'withdraw'>;

export const OFFER_TRANSITIONS: Readonly<
  Record<OfferStatus, Readonly<Partial<Record<OfferEvent, OfferStatus>>>>
> = {
  pending: {
    counter: 'countered',
    accept: 'accepted',
    reject: 'rejected',
    withdraw: 'withdrawn',
    expire: 'expired',
    supersede: 'superseded',
  },
  countered: {},
  accepted: {},
  rejected: {},
  withdrawn: {},
  expired: {},
  superseded: {},
};

export interface OfferTimingView {
  status: OfferStatus;
  expiresAt: Date;
}

export interface OfferView extends OfferTimingView {
  madeBy: OfferParty;
}

/**
 * The status that counts. A pending offer whose `expiresAt` has come is expired whether or
 * not the expiry job has run: the job only does the timely side effects (notify, release),
 * so a lost Redis job can never let an old price be accepted. The instant `expiresAt` itself
 * already counts as expired.
 */
export function effectiveStatus(offer: OfferTimingView, now: Date): OfferStatus {
  if (offer.status === 'pending' && now.getTime() >= offer.expiresAt.getTime()) return 'expired';
  return offer.status;
}

/**
 * The expiry job that expires an offer: one job per second of the clock, for every offer
 * due within it, so a busy lot asks the queue for one job a second instead of one an offer.
 * It runs at the end of the offer's second, at most a second after the offer expired (the
 * services treat the offer as expired from `expiresAt` on, job or no job).
 */
export function expirySweepAt(expiresAt: Date): Date {
  return new Date(Math.ceil(expiresAt.getTime() / 1000) * 1000);
}

/** True when the stored row still says pending but the offer is past its time: the job's cue. */
export function offerExpiryDue(offer: OfferTimingView, now: Date): boolean {
  return offer.status === 'pending' && effectiveStatus(offer, now) === 'expired';
}

/**
 * The offer table. Every offer event starts from `pending`, so a refusal tells the caller
 * why in its own code: OFFER_EXPIRED or OFFER_NOT_PENDING (both 409); INVALID_TRANSITION
 * stays as the guard for any cell a future table leaves out.
 */
export function transitionOffer(from: OfferStatus, event: OfferEvent): OfferStatus {
  const to = OFFER_TRANSITIONS[from][event];
  if (to !== undefined) return to;
  const details = { entity: 'offer', from, event };
  if (from === 'expired') {
    throw new DomainError(
      NegotiationErrors.OFFER_EXPIRED,
      `the offer expired; it cannot ${event}`,
      details,
    );
  }
  if (from !== 'pending') {
    throw new DomainError(
      NegotiationErrors.OFFER_NOT_PENDING,
      `the offer is ${from}; it cannot ${event}`,
      details,
    );
  }
  throw new DomainError(
    CommonErrors.INVALID_TRANSITION,
    `a pending offer cannot ${event}`,
    details,
  );
}

/**
 * A party's move on an offer, checked in this order: who (the party that did not make the
 * offer answers it, its maker withdraws it: 403 NOT_YOUR_TURN / NOT_OFFER_MAKER), then the
 * offer's effective status at `now` (409). Who comes first because a party that may never
 * make the move should hear that, not learn about the offer's state.
 */
export function decideOfferAction(input: {
  offer: OfferView;
  actor: OfferParty;
  action: OfferAction;
  now: Date;
}): OfferStatus {
  const { offer, actor, action, now } = input;
  if (action === 'withdraw') {
    if (actor !== offer.madeBy) {
      throw new DomainError(
        NegotiationErrors.NOT_OFFER_MAKER,
        'only the maker may withdraw an offer',
        {
          madeBy: offer.madeBy,
          actor,
          action,
        },
      );
    }
  } else if (actor === offer.madeBy) {
    throw new DomainError(
      NegotiationErrors.NOT_YOUR_TURN,
      `the ${actor} made this offer; only the other party may ${action} it`,
      { madeBy: offer.madeBy, actor, action },
    );
  }
  return transitionOffer(effectiveStatus(offer, now), action);
}

/** The party that answers an offer made by `maker`: in a thread the turn always alternates. */
export function otherParty(maker: OfferParty): OfferParty {
  return maker === 'buyer' ? 'association' : 'buyer';
}

import { CommonErrors, DomainError } from '../../../shared/errors/domain-error';
import { PoolingErrors } from './pooling.errors';

export const LOT_STATUSES = [
  'draft',
  'open',
  'closed',
  'sold',
  'partially_sold',
  'delivered',
  'settled',
  'cancelled',
  'expired',
] as const;
export type LotStatus = (typeof LOT_STATUSES)[number];

/**
 * - `publish`: the manager opens the draft to buyers.
 * - `close`: no more offers or bids (a tender reaching `closesAt`, or the manager ending the
 *   negotiation); deals still to be drawn from it move it on.
 * - `sell_out`: every unit of the lot is in deals.
 * - `sell_part`: selling has ended with some units in deals and the rest unsold; the unsold
 *   rest goes back to the producers, so a partially sold lot takes no further offers.
 * - `deliver`, `settle`: after the sale.
 * - `cancel`, `expire`: the lot ends without any deal.
 */
export const LOT_EVENTS = [
  'publish',
  'close',
  'sell_out',
  'sell_part',
  'deliver',
  'settle',
  'cancel',
  'expire',
] as const;
export type LotEvent = (typeof LOT_EVENTS)[number];

/**
 * The whole machine. A cell that is not here is refused: the table is the single source
 * of what a lot may do, so adding a state is a change to this literal and to its test.
 */
export const LOT_TRANSITIONS: Readonly<
  Record<LotStatus, Readonly<Partial<Record<LotEvent, LotStatus>>>>
> = {
  draft: { publish: 'open', cancel: 'cancelled' },
  open: {
    close: 'closed',
    sell_out: 'sold',
    sell_part: 'partially_sold',
    cancel: 'cancelled',
    expire: 'expired',
  },
  closed: {
    sell_out: 'sold',
    sell_part: 'partially_sold',
    cancel: 'cancelled',
    expire: 'expired',
  },
  sold: { deliver: 'delivered' },
  partially_sold: { deliver: 'delivered' },
  delivered: { settle: 'settled' },
  settled: {},
  cancelled: {},
  expired: {},
};

/** What the machine needs to know about the lot beyond its status. */
export interface LotFacts {
  /** At least one deal exists on the lot (pending approvals are not deals). */
  hasDeals: boolean;
}

/** Events that end the lot without a sale: they would strand the buyers of existing deals. */
const EVENTS_REFUSED_WITH_DEALS: ReadonlySet<LotEvent> = new Set(['cancel', 'expire']);
/** Events that record a sale: without a deal there is nothing sold. */
const EVENTS_REQUIRING_DEALS: ReadonlySet<LotEvent> = new Set(['sell_out', 'sell_part']);

/**
 * Next status of a lot, or a DomainError: INVALID_TRANSITION (409) for a cell outside the
 * table, LOT_HAS_DEALS (409) for cancelling or expiring a lot that has sold something.
 */
export function transitionLot(from: LotStatus, event: LotEvent, facts: LotFacts): LotStatus {
  const to = LOT_TRANSITIONS[from][event];
  if (to === undefined) {
    throw new DomainError(
      CommonErrors.INVALID_TRANSITION,
      `a lot in status ${from} cannot ${event}`,
      { entity: 'lot', from, event },
    );
  }
  if (facts.hasDeals && EVENTS_REFUSED_WITH_DEALS.has(event)) {
    throw new DomainError(PoolingErrors.LOT_HAS_DEALS, `a lot with deals cannot ${event}`, {
      entity: 'lot',
      from,
      event,
    });
  }
  if (!facts.hasDeals && EVENTS_REQUIRING_DEALS.has(event)) {
    throw new DomainError(CommonErrors.INVALID_TRANSITION, `a lot without deals cannot ${event}`, {
      entity: 'lot',
      from,
      event,
      reason: 'no_deals',
    });
  }
  return to;
}

export function isTerminalLotStatus(status: LotStatus): boolean {
  return Object.keys(LOT_TRANSITIONS[status]).length === 0;
}

/** Offers, counters, bids and acceptances all need a lot still on sale. */
export function assertLotOpen(status: LotStatus): void {
  if (status !== 'open') {
    throw new DomainError(PoolingErrors.LOT_NOT_OPEN, `the lot is ${status}, not open`, {
      status,
    });
  }
}

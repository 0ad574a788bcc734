/**
 * Who hears of an outbox event, decided from the event alone (pure, so it is unit-tested
 * without a database).
 *
 * - An event without an organisation (market prices, registrations) reaches nobody.
 * - `payout.ready` reaches only the producer it pays (`payload.userId`), and only while that
 *   user is still a member of the association: one family's payout is not its neighbours'.
 * - Any other event reaches every member of the event's organisation, whatever the role,
 *   and, when the payload names a `buyerOrganizationId`, every member of that buyer: the
 *   one party the event is about. No other buyer is ever named, so none hears of it. A
 *   sealed bid's `bid.received` is recorded under the bidder's organisation, so the
 *   association does not hear of it before the close.
 *
 * The same organisations' webhooks receive the event.
 */
export interface EventAudience {
  /** The event's own organisation: its members and webhooks may see the whole payload. */
  ownerOrganizationId: string | null;
  /** The buyer the event is about, when it is not the owner; sees only `visibleData`. */
  partyOrganizationId: string | null;
  /** Set when the event is for one user only, who must be a member of the owner. */
  onlyUserId: string | null;
}

export interface AudienceEvent {
  type: string;
  organizationId: string | null;
  payload: Record<string, unknown>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function audienceOf(event: AudienceEvent): EventAudience | null {
  if (!event.organizationId) return null;
  if (event.type === 'payout.ready') {
    const userId = uuidOrNull(event.payload.userId);
    return userId
      ? { ownerOrganizationId: event.organizationId, partyOrganizationId: null, onlyUserId: userId }
      : null;
  }
  const buyer = uuidOrNull(event.payload.buyerOrganizationId);
  return {
    ownerOrganizationId: event.organizationId,
    partyOrganizationId: buyer && buyer !== event.organizationId ? buyer : null,
    onlyUserId: null,
  };
}

/**
 * Identifiers any recipient of the event may see; prices, quantities and amounts stay out of
 * the inbox (a member reads them through the API, which applies its own rules).
 */
const VISIBLE_KEYS = [
  'lotId',
  'offerId',
  'counteredOfferId',
  'dealId',
  'approvalId',
  'settlementId',
  'deliveryId',
  'paymentId',
  'costSheetId',
  'producerId',
  'buyerOrganizationId',
] as const;

export function visibleData(payload: Record<string, unknown>): Record<string, string> {
  const data: Record<string, string> = {};
  for (const key of VISIBLE_KEYS) {
    const value = uuidOrNull(payload[key]);
    if (value) data[key] = value;
  }
  return data;
}

function uuidOrNull(value: unknown): string | null {
  return typeof value === 'string' && UUID.test(value) ? value : null;
}

/**
 * Who hears of an outbox event, decided from the event alone (pure, so it is unit-tested
 * without a database).
 *
 * - An event without an organisation (market prices, registrations) reaches nobody.
 * - `payout.ready` reaches only the producer it pays (`payload.userId`), and only while that
 *   user is still a member of the association: one family's payout is not its neighbours'.
 * - `offer.received` reaches the association's managers, who answer offers; the rest of
 *   the association hears of the offer only when it becomes a deal or a vote.
 * - `approval.requested` reaches who decides it: under `member_vote` the voters (users
 *   linked to the producers in the approval's electorate, read at delivery), under
 *   `two_person` the managers and treasurers, under `manager` the managers.
 * - `webhook.disabled` reaches who administers the organisation's webhooks (manager,
 *   buyer agent).
 * - Any other event (`deal.created` among them) reaches every member of the event's
 *   organisation.
 * - In every case, when the payload names a `buyerOrganizationId`, every member of that
 *   buyer: the one party the event is about. No other buyer is ever named, so none hears of
 *   it. A sealed bid's `bid.received` is recorded under the bidder's organisation, so the
 *   association does not hear of it before the close.
 *
 * The webhooks of the owner and of the party receive the event: a webhook belongs to an
 * organisation, not to a role.
 */
export type MemberRole = 'manager' | 'treasurer' | 'member' | 'buyer_agent';

export interface EventAudience {
  /** The event's own organisation: its members and webhooks may see the whole payload. */
  ownerOrganizationId: string | null;
  /** The owner's members with one of these roles; null for every member. */
  ownerRoles: MemberRole[] | null;
  /** Set when the owner's recipients are the voters of this approval. */
  votersOfApprovalId: string | null;
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

const APPROVERS: Record<string, MemberRole[]> = {
  manager: ['manager'],
  two_person: ['manager', 'treasurer'],
};

export function audienceOf(event: AudienceEvent): EventAudience | null {
  if (!event.organizationId) return null;
  const audience: EventAudience = {
    ownerOrganizationId: event.organizationId,
    ownerRoles: null,
    votersOfApprovalId: null,
    partyOrganizationId: null,
    onlyUserId: null,
  };
  if (event.type === 'payout.ready') {
    const userId = uuidOrNull(event.payload.userId);
    return userId ? { ...audience, onlyUserId: userId } : null;
  }
  if (event.type === 'offer.received') audience.ownerRoles = ['manager'];
  if (event.type === 'webhook.disabled') audience.ownerRoles = ['manager', 'buyer_agent'];
  if (event.type === 'approval.requested') {
    const policy = event.payload.policy;
    if (policy === 'member_vote') {
      const approvalId = uuidOrNull(event.payload.approvalId);
      // Without its approval there is no electorate to read; nobody rather than everybody.
      if (!approvalId) return null;
      audience.votersOfApprovalId = approvalId;
    } else {
      audience.ownerRoles = APPROVERS[String(policy)] ?? ['manager'];
    }
  }
  const buyer = uuidOrNull(event.payload.buyerOrganizationId);
  audience.partyOrganizationId = buyer && buyer !== event.organizationId ? buyer : null;
  return audience;
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
  'webhookId',
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

/**
 * The organisations whose webhooks may hear of the event. A webhook belongs to an
 * organisation, not a user: a one-user event has none.
 */
export function hookOwnersOf(event: AudienceEvent): string[] {
  const audience = audienceOf(event);
  if (!audience || audience.onlyUserId) return [];
  return [audience.ownerOrganizationId, audience.partyOrganizationId].filter(
    (id): id is string => id !== null,
  );
}

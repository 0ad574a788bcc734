/**
 * Order of webhook deliveries (pure, unit-tested without a database).
 *
 * The events of one lot form a stream; for each webhook, the events of a stream are sent
 * one at a time in the order they were recorded (the outbox's `seq`): a later event waits
 * while an earlier one is still pending (being tried, or waiting for its next retry), and
 * goes once that one is delivered or given up. An event that names no lot is a stream of
 * its own, so it never waits and never holds anything up. Streams do not wait for each
 * other: a receiver failing on one lot's event still gets every other lot's events.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface DeliveryStream {
  /** Equal for the events that must reach a webhook in order. */
  key: string;
  /** The lot the stream follows; null for an event on its own. */
  lotId: string | null;
}

export interface StreamEvent {
  id: string;
  payload: Record<string, unknown>;
}

/** Every lot event names its lot as `payload.lotId` (offers, deals, deliveries, settlements). */
export function deliveryStreamOf(event: StreamEvent): DeliveryStream {
  const lotId = event.payload.lotId;
  if (typeof lotId === 'string' && UUID.test(lotId)) {
    return { key: `lot:${lotId.toLowerCase()}`, lotId: lotId.toLowerCase() };
  }
  return { key: `event:${event.id}`, lotId: null };
}

/** A pending delivery of a stream, as the queue holds it. */
export interface QueuedDelivery {
  eventId: string;
  /** Its job found an earlier event pending (or the hook off) and ended without sending. */
  waiting: boolean;
}

export type Gate = 'send' | 'wait';

/**
 * Whether the job of `eventId` may send now: only when its event is the earliest pending of
 * its stream for that webhook (`head`) and the webhook is on. Otherwise it waits, to be
 * woken by `toWake` when the one before it is done or the webhook is switched back on.
 */
export function gate(eventId: string, head: QueuedDelivery | undefined, active: boolean): Gate {
  return active && head?.eventId === eventId ? 'send' : 'wait';
}

/**
 * After a delivery ends (delivered or given up), or the webhook is switched back on: the
 * event to start now, if the stream's new head is waiting with no job to run it. A head not
 * waiting still has its own job to come (queued, or between retries), and starting it twice
 * would send it twice.
 */
export function toWake(head: QueuedDelivery | undefined): string | null {
  return head?.waiting ? head.eventId : null;
}

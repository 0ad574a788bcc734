import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../shared/json/canonical-json';

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The first event of every chain links to this. */
export const GENESIS_HASH = '0'.repeat(64);

/** An event as the caller describes it, before it is placed in the chain. */
export interface HistoryEventInput {
  lotId: string;
  /** e.g. `lot.published`, `offer.received`, `offer.countered`, `approval.voted`. */
  type: string;
  at: Date;
  /** Who did it: a user id, or a system name such as `job:tender-close`. */
  actor: string;
  data: JsonValue;
}

/** A stored row of the log, as the API returns it. `at` is kept as the ISO string hashed. */
export interface ChainedEvent {
  lotId: string;
  /** 1, 2, 3… as a JS number: convert a bigint column before verifying. */
  seq: number;
  type: string;
  at: string;
  actor: string;
  data: JsonValue;
  prevHash: string;
  hash: string;
}

export type ChainVerification =
  | { ok: true; headHash: string; length: number }
  | {
      ok: false;
      /**
       * The seq the first failing row should have (its 1-based position); for
       * `head_mismatch`, the first seq missing after the stored rows.
       */
      seq: number;
      reason:
        'seq_mismatch' | 'lot_mismatch' | 'prev_hash_mismatch' | 'hash_mismatch' | 'head_mismatch';
    };

/**
 * The hashed body of a row: everything but the hashes themselves. `seq` and `lotId` are in
 * it, so a row moved to another position or to another lot's chain no longer verifies.
 */
function hashedBody(event: Omit<ChainedEvent, 'prevHash' | 'hash'>): string {
  return canonicalJson({
    lotId: event.lotId,
    seq: event.seq,
    type: event.type,
    at: event.at,
    actor: event.actor,
    data: event.data,
  });
}

export function hashEvent(
  prevHash: string,
  event: Omit<ChainedEvent, 'prevHash' | 'hash'>,
): string {
  return createHash('sha256')
    .update(prevHash + hashedBody(event), 'utf8')
    .digest('hex');
}

/** The next row of a lot's log; `prev` is the current head, or null for the first event. */
/** What appending needs of the current head: the lot row keeps exactly this. */
export type ChainHead = Pick<ChainedEvent, 'lotId' | 'seq' | 'hash'>;

export function appendEvent(prev: ChainHead | null, event: HistoryEventInput): ChainedEvent {
  if (prev !== null && prev.lotId !== event.lotId) {
    throw new Error(
      `history: event of lot ${event.lotId} appended to the chain of lot ${prev.lotId}`,
    );
  }
  if (Number.isNaN(event.at.getTime()))
    throw new TypeError('history: event time is not a valid date');
  const body = {
    lotId: event.lotId,
    seq: prev === null ? 1 : prev.seq + 1,
    type: event.type,
    at: event.at.toISOString(),
    actor: event.actor,
    data: event.data,
  };
  // Fails here, at write time, rather than producing a row that can never be verified.
  canonicalJson(body);
  const prevHash = prev === null ? GENESIS_HASH : prev.hash;
  return { ...body, prevHash, hash: hashEvent(prevHash, body) };
}

/**
 * Checks a lot's whole log, in seq order, and names the first row that fails. A chain
 * proves its rows were not edited, reordered or removed from the middle; a truncated tail
 * still verifies on its own, so pass the head hash kept elsewhere (on the lot row) to catch
 * that too.
 */
export function verifyChain(
  events: readonly ChainedEvent[],
  options: { expectedHeadHash?: string | null } = {},
): ChainVerification {
  let prevHash = GENESIS_HASH;
  const lotId = events[0]?.lotId;
  for (let i = 0; i < events.length; i++) {
    const event = events[i];
    const seq = i + 1;
    if (event.seq !== seq) return { ok: false, seq, reason: 'seq_mismatch' };
    if (event.lotId !== lotId) return { ok: false, seq, reason: 'lot_mismatch' };
    if (event.prevHash !== prevHash) return { ok: false, seq, reason: 'prev_hash_mismatch' };
    let recomputed: string;
    try {
      recomputed = hashEvent(prevHash, event);
    } catch {
      return { ok: false, seq, reason: 'hash_mismatch' };
    }
    if (event.hash !== recomputed) return { ok: false, seq, reason: 'hash_mismatch' };
    prevHash = event.hash;
  }
  if (
    options.expectedHeadHash !== undefined &&
    options.expectedHeadHash !== null &&
    options.expectedHeadHash !== prevHash
  ) {
    return { ok: false, seq: events.length + 1, reason: 'head_mismatch' };
  }
  return { ok: true, headHash: prevHash, length: events.length };
}

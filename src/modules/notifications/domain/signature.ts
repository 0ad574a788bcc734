import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Ayllu-Signature';
export const EVENT_ID_HEADER = 'X-Ayllu-Event-Id';
export const EVENT_TYPE_HEADER = 'X-Ayllu-Event-Type';
/** Unix seconds of the attempt; signed with the body so an old delivery cannot be replayed. */
export const TIMESTAMP_HEADER = 'X-Ayllu-Timestamp';
/** How old a timestamp a receiver should accept; documented in the README. */
export const REPLAY_TOLERANCE_SECONDS = 300;

/** 32 random bytes, hex: what the receiver keeps to check our signatures. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

/**
 * `sha256=<hex>` of `${timestamp}.${body}`, the exact bytes sent: receivers must hash the
 * raw body, not re-encode it. The timestamp is inside the signature, so changing it to make
 * an old body look fresh breaks the signature.
 */
export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}

/** What a receiver does: the signature matches and the timestamp is recent. */
export function verifySignature(
  secret: string,
  timestamp: string,
  body: string,
  header: string,
  nowSeconds = Math.floor(Date.now() / 1000),
  toleranceSeconds = REPLAY_TOLERANCE_SECONDS,
): boolean {
  if (!/^\d+$/.test(timestamp)) return false;
  if (Math.abs(nowSeconds - Number(timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signBody(secret, timestamp, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

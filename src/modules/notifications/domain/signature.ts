import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'X-Ayllu-Signature';
export const EVENT_ID_HEADER = 'X-Ayllu-Event-Id';
export const EVENT_TYPE_HEADER = 'X-Ayllu-Event-Type';
export const TIMESTAMP_HEADER = 'X-Ayllu-Timestamp';

/** 32 random bytes, hex: what the receiver keeps to check our signatures. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('hex')}`;
}

/** `sha256=<hex>` of the exact bytes sent; receivers must hash the raw body, not re-encode it. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

export function verifySignature(secret: string, body: string, header: string): boolean {
  const expected = Buffer.from(signBody(secret, body));
  const given = Buffer.from(header);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

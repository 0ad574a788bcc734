import { createHash } from 'node:crypto';
import { canonicalJson } from '../json/canonical-json';

export function requestFingerprint(method: string, path: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${path}\n${canonicalJson(body ?? null)}`)
    .digest('hex');
}

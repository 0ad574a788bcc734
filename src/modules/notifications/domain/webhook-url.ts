import type { FieldIssue } from '../../../shared/errors/domain-error';

/** Issues with a webhook target; empty when it may be used. */
export function webhookUrlIssues(raw: string): FieldIssue[] {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return [{ field: 'url', code: 'NOT_A_URL', message: 'url is not an absolute URL' }];
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return [{ field: 'url', code: 'NOT_HTTP', message: 'url must use http or https' }];
  }
  if (url.username || url.password) {
    // Credentials in the URL would be stored and shown back; the signature authenticates us.
    return [{ field: 'url', code: 'HAS_CREDENTIALS', message: 'url must not carry credentials' }];
  }
  return [];
}

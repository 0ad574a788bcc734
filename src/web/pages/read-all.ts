import type { ApiPage } from '../api-types';
import type { Page } from '../console-page';

/**
 * Every item of a paginated API list, following `nextCursor` for at most `maxPages` pages
 * of `limit`; `truncated` says the bound was reached before the end.
 */
export async function readAll<T>(
  page: Page,
  path: string,
  params: Record<string, string> = {},
  { maxPages = 20, limit = 100 } = {},
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | null = null;
  for (let read = 0; read < maxPages; read += 1) {
    const query = new URLSearchParams({ ...params, limit: String(limit) });
    if (cursor) query.set('cursor', cursor);
    const result: ApiPage<T> = await page.get<ApiPage<T>>(`${path}?${query}`);
    items.push(...result.items);
    cursor = result.nextCursor;
    if (!cursor) return { items, truncated: false };
  }
  return { items, truncated: true };
}

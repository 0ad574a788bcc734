import type { ApiPage, Producer, Product } from '../api-types';
import type { Page } from '../console-page';
import { organizationContext } from './organization-pages.controller';

/** Enough pages of producers for an association of about a thousand families. */
const MAX_PRODUCER_PAGES = 20;

/**
 * The organisation's context as the lead's pages read it, with the signed-in person as the
 * layout's `user`.
 */
export async function contextOf(page: Page, orgId: string) {
  const context = await organizationContext(page, orgId);
  return { ...context, user: context.me };
}

export async function productsOf(page: Page): Promise<Product[]> {
  return (await page.get<ApiPage<Product>>('/products?limit=100')).items;
}

export async function producersOf(page: Page, orgId: string): Promise<Producer[]> {
  const producers: Producer[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < MAX_PRODUCER_PAGES; pages++) {
    const next: ApiPage<Producer> = await page.get<ApiPage<Producer>>(
      `/organizations/${orgId}/producers?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    producers.push(...next.items);
    cursor = next.nextCursor;
    if (!cursor) break;
  }
  return producers;
}

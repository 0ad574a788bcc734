import type { ApiPage, Me } from '../api-types';
import type { Page } from '../console-page';
import type { ProducerRef, ProductRef } from '../costs/costing-api';

/** Enough pages of producers for an association of about a thousand families. */
const MAX_PRODUCER_PAGES = 20;

/** The organisation a page belongs to, for the navigation, and the person's role in it. */
export async function contextOf(page: Page, orgId: string) {
  const me = await page.get<Me>('/me');
  const membership = me.memberships.find((m) => m.organizationId === orgId);
  return {
    user: me,
    me,
    role: membership?.role,
    organization: membership
      ? { id: orgId, name: membership.organizationName, kind: membership.kind }
      : undefined,
  };
}

export async function productsOf(page: Page): Promise<ProductRef[]> {
  return (await page.get<ApiPage<ProductRef>>('/products?limit=100')).items;
}

export async function producersOf(page: Page, orgId: string): Promise<ProducerRef[]> {
  const producers: ProducerRef[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < MAX_PRODUCER_PAGES; pages++) {
    const next: ApiPage<ProducerRef> = await page.get<ApiPage<ProducerRef>>(
      `/organizations/${orgId}/producers?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    producers.push(...next.items);
    cursor = next.nextCursor;
    if (!cursor) break;
  }
  return producers;
}

/**
 * The shapes of the API answers the pages read: the API's contract (shared/API.md), as the
 * console uses it. Money and quantities stay decimal strings all the way to the template.
 */
export interface Membership {
  organizationId: string;
  organizationName: string;
  kind: 'association' | 'buyer';
  role: 'manager' | 'treasurer' | 'member' | 'buyer_agent';
}

export interface Me {
  id: string;
  email: string;
  displayName: string;
  isPlatformAdmin: boolean;
  memberships: Membership[];
}

export interface ApiPage<T> {
  items: T[];
  nextCursor: string | null;
}

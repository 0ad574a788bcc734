import type { Request } from 'express';
import type { OrganizationKind, OrganizationRole } from '../../modules/identity/domain/roles';

export interface AuthenticatedUser {
  id: string;
  email: string;
  isPlatformAdmin: boolean;
}

/** What the access guard established for an organisation-scoped route. */
export interface OrganizationAccess {
  organizationId: string;
  kind: OrganizationKind;
  roles: OrganizationRole[];
}

export interface AuthenticatedRequest extends Request {
  user: AuthenticatedUser;
  organizationAccess?: OrganizationAccess;
}

export type AccessRule =
  | { kind: 'public' }
  | { kind: 'user' }
  | { kind: 'platform_admin' }
  | {
      kind: 'organization';
      /** The route parameter holding the organisation id, or the id of a resource of it. */
      param: string;
      /** When the parameter is not an organisation id: the resource type a resolver knows. */
      resource?: string;
      /** Any one of these roles suffices; `any` admits every member. */
      roles: readonly OrganizationRole[] | 'any';
    };

/**
 * Who the guard asks about users and memberships; the identity module provides it, so the
 * shared guard does not reach into another module's tables.
 */
export abstract class AccessDirectory {
  abstract findUser(userId: string): Promise<AuthenticatedUser | null>;
  abstract membershipOf(
    userId: string,
    organizationId: string,
  ): Promise<{ kind: OrganizationKind; roles: OrganizationRole[] } | null>;
}

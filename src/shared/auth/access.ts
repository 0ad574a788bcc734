import type { Type } from '@nestjs/common';
import type { Request } from 'express';
import type { OrganizationKind, OrganizationRole } from '../../modules/identity/domain/roles';

export interface AuthenticatedUser {
  id: string;
  email: string;
  isPlatformAdmin: boolean;
  /**
   * Every membership of the user, read by the access guard in the same query as the user
   * (oldest first): a request answers its membership questions from here instead of asking
   * the database again. Absent when the user was not loaded by the guard (a script calling a
   * service directly); then the questions go to the database.
   */
  memberships?: readonly UserMembership[];
}

export interface UserMembership {
  organizationId: string;
  kind: OrganizationKind;
  role: OrganizationRole;
}

export type MembershipRoles = { kind: OrganizationKind; roles: OrganizationRole[] };

/** The user's roles in one organisation from the loaded memberships; null when none. */
export function membershipFrom(
  memberships: readonly UserMembership[],
  organizationId: string,
): MembershipRoles | null {
  const rows = memberships.filter((m) => m.organizationId === organizationId);
  if (rows.length === 0) return null;
  return { kind: rows[0].kind, roles: rows.map((row) => row.role) };
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

/**
 * A question about the caller that no route parameter answers ("a treasurer of any
 * association"); the module that needs it provides an implementation as a Nest provider.
 */
export interface CallerCheck {
  admits(user: AuthenticatedUser): Promise<boolean>;
}

export type AccessRule =
  | { kind: 'public' }
  | { kind: 'user' }
  | { kind: 'platform_admin' }
  | {
      kind: 'platform_admin_or';
      /** The provider class, looked up in the app's container when the route is called. */
      check: Type<CallerCheck>;
      /** Who the check admits, for the 403 message: "the treasurer of an association". */
      admits: string;
    }
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
  /** The user with its memberships loaded. */
  abstract findUser(userId: string): Promise<AuthenticatedUser | null>;
  abstract membershipOf(
    user: AuthenticatedUser | string,
    organizationId: string,
  ): Promise<MembershipRoles | null>;
}

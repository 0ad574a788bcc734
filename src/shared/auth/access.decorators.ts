import { SetMetadata, type Type } from '@nestjs/common';
import type { OrganizationRole } from '../../modules/identity/domain/roles';
import type { AccessRule, CallerCheck } from './access';

export const ACCESS_RULE = 'ayllu:access-rule';

/** Every route declares who may call it; the guard refuses a route that does not. */
export const Public = () => SetMetadata(ACCESS_RULE, { kind: 'public' } satisfies AccessRule);
export const AnyUser = () => SetMetadata(ACCESS_RULE, { kind: 'user' } satisfies AccessRule);
export const PlatformAdminOnly = () =>
  SetMetadata(ACCESS_RULE, { kind: 'platform_admin' } satisfies AccessRule);

/**
 * A platform admin, or a user the `check` provider admits (not a member of the route's
 * organisation: of any). Refused: 403 naming `admits`.
 */
export const PlatformAdminOr = (check: Type<CallerCheck>, admits: string) =>
  SetMetadata(ACCESS_RULE, { kind: 'platform_admin_or', check, admits } satisfies AccessRule);

/**
 * A member of the organisation named by the route, holding one of `roles`. Not a member:
 * 404 (the organisation's existence is not disclosed). A member without the role: 403.
 */
export const OrganizationRoles = (
  roles: readonly OrganizationRole[] | 'any',
  options: { param?: string; resource?: string } = {},
) =>
  SetMetadata(ACCESS_RULE, {
    kind: 'organization',
    param: options.param ?? 'id',
    resource: options.resource,
    roles,
  } satisfies AccessRule);

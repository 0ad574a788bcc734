import { DomainError, defineErrorCodes } from '../../../shared/errors/domain-error';

export const ORGANIZATION_KINDS = ['association', 'buyer'] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];

export const ASSOCIATION_ROLES = ['manager', 'treasurer', 'member'] as const;
export const BUYER_ROLES = ['buyer_agent'] as const;
export type OrganizationRole = (typeof ASSOCIATION_ROLES)[number] | (typeof BUYER_ROLES)[number];
export const ORGANIZATION_ROLES: readonly OrganizationRole[] = [
  ...ASSOCIATION_ROLES,
  ...BUYER_ROLES,
];

export const APPROVAL_POLICIES = ['manager', 'two_person', 'member_vote'] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

export const FLOOR_POLICIES = ['block', 'override_with_reason'] as const;
export type FloorPolicy = (typeof FLOOR_POLICIES)[number];

export const IdentityErrors = defineErrorCodes({
  EMAIL_TAKEN: {
    status: 409,
    title: { es: 'Ese correo ya está registrado', en: 'That email is already registered' },
  },
  INVALID_CREDENTIALS: {
    status: 401,
    title: { es: 'Correo o contraseña incorrectos', en: 'Wrong email or password' },
  },
  ROLE_NOT_FOR_ORGANIZATION_KIND: {
    status: 400,
    title: {
      es: 'Ese rol no existe para este tipo de organización',
      en: 'That role does not exist for this kind of organisation',
    },
  },
  ALREADY_MEMBER: {
    status: 409,
    title: { es: 'La persona ya tiene ese rol', en: 'The person already has that role' },
  },
  USER_NOT_FOUND: {
    status: 404,
    title: { es: 'No hay un usuario con ese correo', en: 'No user has that email' },
  },
  NOT_AN_ASSOCIATION: {
    status: 409,
    title: {
      es: 'Solo una asociación de productores puede hacer esto',
      en: 'Only a producer association can do this',
    },
  },
  PRODUCER_USER_TAKEN: {
    status: 409,
    title: {
      es: 'Ese usuario ya está vinculado a otro productor de la asociación',
      en: 'That user is already linked to another producer of the association',
    },
  },
  UNKNOWN_COMMUNITY: {
    status: 400,
    title: { es: 'Comunidad desconocida', en: 'Unknown community' },
  },
});

/** An association has managers, treasurers and members; a buyer has buyer agents. */
export function assertRoleFitsKind(kind: OrganizationKind, role: OrganizationRole): void {
  const allowed: readonly OrganizationRole[] =
    kind === 'association' ? ASSOCIATION_ROLES : BUYER_ROLES;
  if (!allowed.includes(role)) {
    throw new DomainError(
      IdentityErrors.ROLE_NOT_FOR_ORGANIZATION_KIND,
      `role ${role} does not exist in an organisation of kind ${kind}`,
      { kind, role, allowedRoles: allowed },
    );
  }
}

/** Who creates an organisation runs it: the manager of an association, the agent of a buyer. */
export function founderRole(kind: OrganizationKind): OrganizationRole {
  return kind === 'association' ? 'manager' : 'buyer_agent';
}

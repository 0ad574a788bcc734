import type {
  MemberResponse,
  OrganizationResponse,
  ProducerResponse,
} from './dto/organization.dto';
import type { UserResponse } from './dto/auth.dto';
import type { Organization } from './entities/organization.entity';
import type { Producer } from './entities/producer.entity';
import type { User } from './entities/user.entity';
import type { Membership } from './entities/membership.entity';
import { toDecimalString } from '../../shared/money/decimal';

export function toUserResponse(user: User): UserResponse {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    isPlatformAdmin: user.isPlatformAdmin,
    createdAt: user.createdAt.toISOString(),
  };
}

export function toOrganizationResponse(organization: Organization): OrganizationResponse {
  return {
    id: organization.id,
    kind: organization.kind,
    name: organization.name,
    rut: organization.rut,
    communityId: organization.communityId,
    approvalPolicy: organization.approvalPolicy,
    voteThreshold: toDecimalString(organization.voteThreshold),
    voteHours: organization.voteHours,
    floorPolicy: organization.floorPolicy,
    commissionRate: toDecimalString(organization.commissionRate),
    createdAt: organization.createdAt.toISOString(),
  };
}

export function toMemberResponse(membership: Membership, user: User): MemberResponse {
  return {
    id: membership.id,
    organizationId: membership.organizationId,
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    role: membership.role,
    createdAt: membership.createdAt.toISOString(),
  };
}

export function toProducerResponse(producer: Producer): ProducerResponse {
  return {
    id: producer.id,
    organizationId: producer.organizationId,
    name: producer.name,
    communityId: producer.communityId,
    rut: producer.rut,
    userId: producer.userId,
    createdAt: producer.createdAt.toISOString(),
  };
}

import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager, In } from 'typeorm';
import { isUniqueViolation } from '../../shared/database/postgres-errors';
import { DomainError, validationFailed } from '../../shared/errors/domain-error';
import { Outbox } from '../../shared/outbox/outbox.service';
import { type Page, type PageQuery, paginate } from '../../shared/pagination/pagination';
import type {
  AddMemberRequest,
  CreateOrganizationRequest,
  CreateProducerRequest,
  MemberResponse,
  UpdatePolicyRequest,
} from './dto/organization.dto';
import { IdentityErrors, assertRoleFitsKind, founderRole } from './domain/roles';
import { normalizeRut, rutIssue } from './domain/rut';
import { Membership } from './entities/membership.entity';
import { Organization } from './entities/organization.entity';
import { Producer } from './entities/producer.entity';
import { User } from './entities/user.entity';
import { normalizeEmail } from './identity.service';
import { toMemberResponse } from './identity.mappers';

@Injectable()
export class OrganizationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async create(founderId: string, request: CreateOrganizationRequest): Promise<Organization> {
    const rut = request.rut === undefined ? null : checkedRut(request.rut, 'rut');
    return this.dataSource.transaction(async (manager) => {
      if (request.communityId) await assertCommunityExists(manager, request.communityId);
      const organization = await manager.save(
        manager.create(Organization, {
          kind: request.kind,
          name: request.name.trim(),
          rut,
          communityId: request.communityId ?? null,
        }),
      );
      const role = founderRole(request.kind);
      await manager.insert(Membership, {
        organizationId: organization.id,
        userId: founderId,
        role,
      });
      await this.outbox.record(manager, {
        type: 'organization.created',
        aggregateType: 'organization',
        aggregateId: organization.id,
        organizationId: organization.id,
        payload: { kind: organization.kind, founderId, role },
      });
      return organization;
    });
  }

  get(organizationId: string): Promise<Organization> {
    return this.dataSource.getRepository(Organization).findOneByOrFail({ id: organizationId });
  }

  async updatePolicy(organizationId: string, request: UpdatePolicyRequest): Promise<Organization> {
    return this.dataSource.transaction(async (manager) => {
      const organization = await manager.findOneOrFail(Organization, {
        where: { id: organizationId },
        lock: { mode: 'pessimistic_write' },
      });
      if (organization.kind !== 'association') {
        throw new DomainError(
          IdentityErrors.NOT_AN_ASSOCIATION,
          'only an association has a sales policy',
        );
      }
      const changes = Object.fromEntries(
        Object.entries(request).filter(([, value]) => value !== undefined),
      ) as Partial<Organization>;
      Object.assign(organization, changes);
      await manager.save(organization);
      await this.outbox.record(manager, {
        type: 'organization.policy_changed',
        aggregateType: 'organization',
        aggregateId: organization.id,
        organizationId: organization.id,
        payload: { ...changes },
      });
      return organization;
    });
  }

  async addMember(organizationId: string, request: AddMemberRequest): Promise<MemberResponse> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        const organization = await manager.findOneByOrFail(Organization, { id: organizationId });
        assertRoleFitsKind(organization.kind, request.role);
        const user = await manager
          .getRepository(User)
          .createQueryBuilder('user')
          .where('lower(user.email) = :email', { email: normalizeEmail(request.email) })
          .getOne();
        if (!user) {
          throw new DomainError(
            IdentityErrors.USER_NOT_FOUND,
            'no user has registered with that email; ask them to register first',
          );
        }
        const membership = await manager.save(
          manager.create(Membership, { organizationId, userId: user.id, role: request.role }),
        );
        await this.outbox.record(manager, {
          type: 'membership.added',
          aggregateType: 'organization',
          aggregateId: organizationId,
          organizationId,
          payload: { userId: user.id, role: request.role },
        });
        return toMemberResponse(membership, user);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(
          IdentityErrors.ALREADY_MEMBER,
          'that person already has that role here',
        );
      }
      throw error;
    }
  }

  async listMembers(organizationId: string, page: PageQuery): Promise<Page<MemberResponse>> {
    const result = await paginate(
      this.dataSource
        .getRepository(Membership)
        .createQueryBuilder('membership')
        .where('membership.organizationId = :organizationId', { organizationId }),
      page,
    );
    const users = await this.dataSource
      .getRepository(User)
      .findBy({ id: In([...new Set(result.items.map((membership) => membership.userId))]) });
    const byId = new Map(users.map((user) => [user.id, user]));
    return {
      items: result.items.map((membership) =>
        toMemberResponse(membership, byId.get(membership.userId)!),
      ),
      nextCursor: result.nextCursor,
    };
  }

  async registerProducer(
    organizationId: string,
    request: CreateProducerRequest,
  ): Promise<Producer> {
    const rut = request.rut === undefined ? null : checkedRut(request.rut, 'rut');
    try {
      return await this.dataSource.transaction(async (manager) => {
        const organization = await manager.findOneByOrFail(Organization, { id: organizationId });
        if (organization.kind !== 'association') {
          throw new DomainError(
            IdentityErrors.NOT_AN_ASSOCIATION,
            'only an association registers producers',
          );
        }
        if (request.communityId) await assertCommunityExists(manager, request.communityId);
        if (request.userId) {
          const isMember = await manager.existsBy(Membership, {
            organizationId,
            userId: request.userId,
          });
          if (!isMember) {
            throw validationFailed([
              {
                field: 'userId',
                code: 'INVALID',
                message: 'userId must be a member of this association',
              },
            ]);
          }
        }
        const producer = await manager.save(
          manager.create(Producer, {
            organizationId,
            name: request.name.trim(),
            communityId: request.communityId ?? null,
            rut,
            userId: request.userId ?? null,
          }),
        );
        await this.outbox.record(manager, {
          type: 'producer.registered',
          aggregateType: 'producer',
          aggregateId: producer.id,
          organizationId,
          payload: { producerId: producer.id },
        });
        return producer;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(
          IdentityErrors.PRODUCER_USER_TAKEN,
          'that user or RUT is already linked to another producer of this association',
        );
      }
      throw error;
    }
  }

  listProducers(organizationId: string, page: PageQuery): Promise<Page<Producer>> {
    return paginate(
      this.dataSource
        .getRepository(Producer)
        .createQueryBuilder('producer')
        .where('producer.organizationId = :organizationId', { organizationId }),
      page,
    );
  }
}

function checkedRut(rut: string, field: string): string {
  const normalized = normalizeRut(rut);
  if (!normalized) throw validationFailed([rutIssue(field)]);
  return normalized;
}

async function assertCommunityExists(manager: EntityManager, communityId: string): Promise<void> {
  const rows = await manager.query<unknown[]>(`SELECT 1 FROM communities WHERE id = $1`, [
    communityId,
  ]);
  if (rows.length === 0) {
    throw new DomainError(IdentityErrors.UNKNOWN_COMMUNITY, 'no community has that id', {
      field: 'communityId',
    });
  }
}

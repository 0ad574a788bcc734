import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import * as argon2 from 'argon2';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import {
  AccessDirectory,
  type AuthenticatedUser,
  membershipFrom,
  type MembershipRoles,
  type UserMembership,
} from '../../shared/auth/access';
import { TokenService } from '../../shared/auth/token.service';
import { isUniqueViolation } from '../../shared/database/postgres-errors';
import { preparedQuery } from '../../shared/database/prepared-query';
import { DomainError } from '../../shared/errors/domain-error';
import { LOGGER } from '../../shared/logging/logger';
import { Outbox } from '../../shared/outbox/outbox.service';
import type { LoginResponse, MeResponse, RegisterRequest } from './dto/auth.dto';
import { IdentityErrors, type OrganizationKind, type OrganizationRole } from './domain/roles';
import { User } from './entities/user.entity';
import { toUserResponse } from './identity.mappers';

/** argon2id with the library's defaults (m=64 MiB, t=3, p=4), the OWASP-recommended family. */
const HASH_OPTIONS = { type: argon2.argon2id } as const;

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

@Injectable()
export class IdentityService extends AccessDirectory implements OnApplicationBootstrap {
  /** Verified against when the email is unknown, so a login takes as long either way. */
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly tokens: TokenService,
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    super();
    this.decoyHash = argon2.hash('decoy password never used', HASH_OPTIONS);
  }

  async register(request: RegisterRequest): Promise<User> {
    const passwordHash = await argon2.hash(request.password, HASH_OPTIONS);
    try {
      return await this.dataSource.transaction(async (manager) => {
        const user = await manager.save(
          manager.create(User, {
            email: normalizeEmail(request.email),
            passwordHash,
            displayName: request.displayName.trim(),
            isPlatformAdmin: false,
          }),
        );
        await this.outbox.record(manager, {
          type: 'user.registered',
          aggregateType: 'user',
          aggregateId: user.id,
          payload: { userId: user.id },
        });
        return user;
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new DomainError(IdentityErrors.EMAIL_TAKEN, 'that email is already registered');
      }
      throw error;
    }
  }

  async login(email: string, password: string): Promise<LoginResponse> {
    const user = await this.findByEmail(email);
    const valid = user
      ? await argon2.verify(user.passwordHash, password)
      : await argon2.verify(await this.decoyHash, password).then(() => false);
    if (!user || !valid) {
      throw new DomainError(IdentityErrors.INVALID_CREDENTIALS, 'wrong email or password');
    }
    return this.tokens.issue(user.id);
  }

  async me(userId: string): Promise<MeResponse> {
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: userId });
    const memberships = await this.dataSource.query<
      { organization_id: string; name: string; kind: string; role: string }[]
    >(
      `SELECT m.organization_id, o.name, o.kind, m.role
         FROM memberships m JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = $1 ORDER BY m.created_at, m.id`,
      [userId],
    );
    return {
      ...toUserResponse(user),
      memberships: memberships.map((m) => ({
        organizationId: m.organization_id,
        organizationName: m.name,
        kind: m.kind,
        role: m.role,
      })),
    };
  }

  findByEmail(email: string): Promise<User | null> {
    return this.dataSource
      .getRepository(User)
      .createQueryBuilder('user')
      .where('lower(user.email) = :email', { email: normalizeEmail(email) })
      .getOne();
  }

  /** One query for the user and all its memberships: the guard runs it on every request. */
  async findUser(userId: string): Promise<AuthenticatedUser | null> {
    const rows = await preparedQuery<{
      id: string;
      email: string;
      is_platform_admin: boolean;
      organization_id: string | null;
      kind: OrganizationKind | null;
      role: OrganizationRole | null;
    }>(
      this.dataSource,
      `SELECT u.id, u.email, u.is_platform_admin, m.organization_id, o.kind, m.role
         FROM users u
         LEFT JOIN memberships m ON m.user_id = u.id
         LEFT JOIN organizations o ON o.id = m.organization_id
        WHERE u.id = $1
        ORDER BY m.created_at, m.id`,
      [userId],
    );
    if (rows.length === 0) return null;
    const memberships: UserMembership[] = [];
    for (const row of rows) {
      if (row.organization_id !== null && row.kind !== null && row.role !== null) {
        memberships.push({ organizationId: row.organization_id, kind: row.kind, role: row.role });
      }
    }
    return {
      id: rows[0].id,
      email: rows[0].email,
      isPlatformAdmin: rows[0].is_platform_admin,
      memberships,
    };
  }

  /** From the memberships loaded with the user when there are, else from the database. */
  async membershipOf(
    user: AuthenticatedUser | string,
    organizationId: string,
  ): Promise<MembershipRoles | null> {
    if (typeof user !== 'string' && user.memberships) {
      return membershipFrom(user.memberships, organizationId);
    }
    const userId = typeof user === 'string' ? user : user.id;
    const rows = await this.dataSource.query<{ kind: OrganizationKind; role: OrganizationRole }[]>(
      `SELECT o.kind, m.role FROM memberships m JOIN organizations o ON o.id = m.organization_id
        WHERE m.user_id = $1 AND m.organization_id = $2`,
      [userId, organizationId],
    );
    if (rows.length === 0) return null;
    return { kind: rows[0].kind, roles: rows.map((row) => row.role) };
  }

  /**
   * The platform admin exists only through configuration: created if missing, and kept an
   * admin with the configured password if it exists (so a rotated password takes effect).
   */
  async onApplicationBootstrap(): Promise<void> {
    const admin = this.config.platformAdmin;
    if (!admin) return;
    const existing = await this.findByEmail(admin.email);
    if (!existing) {
      await this.dataSource.getRepository(User).insert({
        email: normalizeEmail(admin.email),
        passwordHash: await argon2.hash(admin.password, HASH_OPTIONS),
        displayName: 'Platform admin',
        isPlatformAdmin: true,
      });
      this.logger.info({ email: normalizeEmail(admin.email) }, 'platform admin created');
      return;
    }
    const passwordMatches = await argon2.verify(existing.passwordHash, admin.password);
    if (!existing.isPlatformAdmin || !passwordMatches) {
      await this.dataSource.getRepository(User).update(existing.id, {
        isPlatformAdmin: true,
        passwordHash: passwordMatches
          ? existing.passwordHash
          : await argon2.hash(admin.password, HASH_OPTIONS),
      });
      this.logger.info({ email: existing.email }, 'platform admin kept from configuration');
    }
  }
}

import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { CommonErrors, DomainError } from '../errors/domain-error';
import { ACCESS_RULE } from './access.decorators';
import { AccessDirectory, type AccessRule, type AuthenticatedRequest } from './access';
import { OrganizationResolver } from './organization-resolver';
import { TokenService } from './token.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one authorisation guard, global: every route is checked against its declared rule. */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokenService,
    private readonly directory: AccessDirectory,
    private readonly resolver: OrganizationResolver,
    private readonly moduleRef: ModuleRef,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (!rule) {
      // A route nobody declared a rule for is a programming error; fail closed.
      throw new DomainError(CommonErrors.FORBIDDEN, 'this route declares no access rule');
    }
    if (rule.kind === 'public') return true;

    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const user = await this.authenticate(req);
    req.user = user;

    switch (rule.kind) {
      case 'user':
        return true;
      case 'platform_admin':
        if (!user.isPlatformAdmin) throw forbidden('only a platform admin may do this');
        return true;
      case 'platform_admin_or':
        if (user.isPlatformAdmin) return true;
        if (!(await this.moduleRef.get(rule.check, { strict: false }).admits(user))) {
          throw forbidden(`only a platform admin or ${rule.admits} may do this`);
        }
        return true;
      case 'organization':
        await this.checkOrganization(req, rule);
        return true;
    }
  }

  private async authenticate(req: AuthenticatedRequest) {
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : undefined;
    const userId = token ? await this.tokens.verify(token) : null;
    const user = userId ? await this.directory.findUser(userId) : null;
    if (!user) {
      throw new DomainError(CommonErrors.UNAUTHENTICATED, 'a valid bearer token is required');
    }
    return user;
  }

  private async checkOrganization(
    req: AuthenticatedRequest,
    rule: Extract<AccessRule, { kind: 'organization' }>,
  ): Promise<void> {
    const raw = req.params[rule.param];
    const id = typeof raw === 'string' ? raw : undefined;
    if (!id || !UUID.test(id)) throw notFound();
    const organizationId = rule.resource
      ? await this.resolver.organizationOf(rule.resource, id)
      : id;
    if (!organizationId) throw notFound();
    const membership = await this.directory.membershipOf(req.user, organizationId);
    if (!membership) throw notFound();
    if (rule.roles !== 'any' && !membership.roles.some((role) => rule.roles.includes(role))) {
      throw forbidden(`this needs one of the roles: ${rule.roles.join(', ')}`);
    }
    req.organizationAccess = { organizationId, kind: membership.kind, roles: membership.roles };
  }
}

function notFound(): DomainError {
  return new DomainError(CommonErrors.NOT_FOUND, 'no such resource');
}

function forbidden(message: string): DomainError {
  return new DomainError(CommonErrors.FORBIDDEN, message);
}

import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AuthenticatedRequest, AuthenticatedUser, OrganizationAccess } from './access';

export const CurrentUser = createParamDecorator(
  (_: unknown, context: ExecutionContext): AuthenticatedUser =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().user,
);

/** The organisation and roles the access guard resolved for this route. */
export const CurrentAccess = createParamDecorator(
  (_: unknown, context: ExecutionContext): OrganizationAccess | undefined =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().organizationAccess,
);

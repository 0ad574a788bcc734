import { Injectable } from '@nestjs/common';
import type { AuthenticatedUser, CallerCheck } from '../../shared/auth/access';
import { IdentityService } from '../identity/identity.service';

/**
 * A treasurer of any association may type in a market price: the people who keep the cost
 * sheets are the ones who hear the prices at the local fair. Asked through the identity
 * module's own answer about the caller's memberships, not its tables.
 */
@Injectable()
export class TreasurerOfAnAssociation implements CallerCheck {
  constructor(private readonly identity: IdentityService) {}

  async admits(user: AuthenticatedUser): Promise<boolean> {
    const { memberships } = await this.identity.me(user.id);
    return memberships.some(
      (membership) => membership.kind === 'association' && membership.role === 'treasurer',
    );
  }
}

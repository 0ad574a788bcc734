import { Injectable } from '@nestjs/common';

export type OrganizationOfResource = (resourceId: string) => Promise<string | null>;

/**
 * Modules register how to find the organisation that owns their resources (a lot, a cost
 * sheet), so one guard answers every "is this caller allowed here" question.
 */
@Injectable()
export class OrganizationResolver {
  private readonly resolvers = new Map<string, OrganizationOfResource>();

  register(resource: string, resolve: OrganizationOfResource): void {
    if (this.resolvers.has(resource)) throw new Error(`resolver for ${resource} registered twice`);
    this.resolvers.set(resource, resolve);
  }

  async organizationOf(resource: string, resourceId: string): Promise<string | null> {
    const resolve = this.resolvers.get(resource);
    if (!resolve) throw new Error(`no organisation resolver for resource ${resource}`);
    return resolve(resourceId);
  }
}

import {
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../shared/auth/access.decorators';
import type { Me } from '../api-types';
import { ConsoleErrorFilter } from '../console-error.filter';
import { ApiProblem, ConsolePages, type FormValues, isRefusal, type Page } from '../console-page';
import { readAll } from './read-all';

interface Organization {
  id: string;
  kind: 'association' | 'buyer';
  name: string;
  approvalPolicy: string;
  voteThreshold: string;
  voteHours: number;
  floorPolicy: string;
  commissionRate: string;
}

interface Member {
  id: string;
  userId: string;
  email: string;
  displayName: string;
  role: string;
}

interface Producer {
  id: string;
  name: string;
  communityId: string | null;
  rut: string | null;
  userId: string | null;
}

type FormName = 'producer' | 'member' | 'policy';

/**
 * Refusals the API gives as an error code rather than a field issue, and the field of the
 * form that caused them, so the words go next to that field.
 */
const FIELD_OF_CODE: Record<string, string> = {
  USER_NOT_FOUND: 'email',
  ALREADY_MEMBER: 'email',
  ROLE_NOT_FOR_ORGANIZATION_KIND: 'role',
  UNKNOWN_COMMUNITY: 'communityId',
  PRODUCER_USER_TAKEN: 'userId',
};

/** An association's members and producers, and its sales policy: managers edit, members read. */
@ApiExcludeController()
@Public()
@UseFilters(ConsoleErrorFilter)
@Controller('org/:orgId/socios')
export class MembersPagesController {
  constructor(private readonly pages: ConsolePages) {}

  @Get()
  async show(
    @Req() req: Request,
    @Res() res: Response,
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Query('hecho') done?: string,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const locals = await this.locals(page, orgId);
    const notice = ['producer', 'member', 'policy'].includes(done ?? '')
      ? page.t(`members.done.${done}`)
      : undefined;
    page.render('members', { ...locals, notice });
  }

  @Post('productores')
  addProducer(
    @Req() req: Request,
    @Res() res: Response,
    @Param('orgId', ParseUUIDPipe) orgId: string,
  ): Promise<void> {
    return this.change(req, res, orgId, 'producer', (page, form) =>
      page.post(`/organizations/${orgId}/producers`, {
        name: form.name,
        ...(form.communityId ? { communityId: form.communityId } : {}),
        ...(form.rut?.trim() ? { rut: form.rut } : {}),
        ...(form.userId ? { userId: form.userId } : {}),
      }),
    );
  }

  @Post('miembros')
  addMember(
    @Req() req: Request,
    @Res() res: Response,
    @Param('orgId', ParseUUIDPipe) orgId: string,
  ): Promise<void> {
    return this.change(req, res, orgId, 'member', (page, form) =>
      page.post(`/organizations/${orgId}/members`, { email: form.email, role: form.role }),
    );
  }

  @Post('politica')
  updatePolicy(
    @Req() req: Request,
    @Res() res: Response,
    @Param('orgId', ParseUUIDPipe) orgId: string,
  ): Promise<void> {
    return this.change(req, res, orgId, 'policy', (page, form) =>
      page.patch(`/organizations/${orgId}/policy`, {
        approvalPolicy: form.approvalPolicy,
        voteThreshold: page.decimal(form.voteThreshold),
        voteHours: wholeNumber(form.voteHours),
        floorPolicy: form.floorPolicy,
        commissionRate: page.decimal(form.commissionRate),
      }),
    );
  }

  /** One form's change through the API: back to the page, or the page again with its errors. */
  private async change(
    req: Request,
    res: Response,
    orgId: string,
    form: FormName,
    send: (page: Page, values: FormValues) => Promise<unknown>,
  ): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const values = page.submitted();
    try {
      await send(page, values);
      page.redirect(`/org/${orgId}/socios?hecho=${form}#${form}`);
    } catch (error) {
      // A lost session or a role that may not do this is a page of its own, not a field.
      if (!isRefusal(error) || error.status === 401 || error.status === 403) throw error;
      page.refuse('members', onItsField(error, page), {
        ...(await this.locals(page, orgId)),
        refused: form,
      });
    }
  }

  private async locals(page: Page, orgId: string) {
    const [me, organization, members] = await Promise.all([
      page.get<Me>('/me'),
      page.get<Organization>(`/organizations/${orgId}`),
      readAll<Member>(page, `/organizations/${orgId}/members`),
    ]);
    const association = organization.kind === 'association';
    const [producers, communities] = association
      ? await Promise.all([
          readAll<Producer>(page, `/organizations/${orgId}/producers`),
          readAll<{ id: string; name: string }>(page, '/communities', {}, { maxPages: 5 }),
        ])
      : [
          { items: [], truncated: false },
          { items: [], truncated: false },
        ];
    const isManager = me.memberships.some(
      (m) => m.organizationId === orgId && (m.role === 'manager' || m.role === 'buyer_agent'),
    );
    const memberName = new Map(members.items.map((m) => [m.userId, m.displayName]));
    const communityName = new Map(communities.items.map((c) => [c.id, c.name]));
    return {
      title: page.t('members.title'),
      user: me,
      organization,
      association,
      isManager,
      members: members.items,
      producers: producers.items.map((producer) => ({
        ...producer,
        community: producer.communityId ? communityName.get(producer.communityId) : undefined,
        member: producer.userId ? memberName.get(producer.userId) : undefined,
      })),
      truncated: members.truncated || producers.truncated,
      communities: communities.items,
      // One person may hold several roles: offered once as a producer's user.
      people: [...new Map(members.items.map((m) => [m.userId, m])).values()],
      roles: association ? ['member', 'treasurer', 'manager'] : ['buyer_agent'],
    };
  }
}

/** `48` as a number for the API; anything else as typed, for the API to refuse by name. */
function wholeNumber(value: string | undefined): number | string | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  return /^\d{1,9}$/.test(value.trim()) ? Number(value.trim()) : value;
}

/** A refusal named by its code alone, moved next to the field that caused it. */
function onItsField(error: ApiProblem, page: Page): ApiProblem {
  const problem = error.problem;
  const field = FIELD_OF_CODE[problem.code];
  if (!field || (problem.errors?.length ?? 0) > 0) return error;
  // The title is in the person's language; the detail says more, but only in English.
  const message = page.language === 'en' ? problem.detail : problem.title;
  return new ApiProblem({
    ...problem,
    detail: problem.title,
    errors: [{ field, code: problem.code, message }],
  });
}

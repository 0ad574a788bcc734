import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../shared/clock';
import { CommonErrors, DomainError } from '../../shared/errors/domain-error';
import type { OutboxEvent } from '../../shared/outbox/outbox-event.entity';
import { mapPage, type Page, type PageQuery, paginate } from '../../shared/pagination/pagination';
import { preparedQuery } from '../../shared/database/prepared-query';
import { updateReturning } from '../../shared/database/update-returning';
import { audienceOf, visibleData } from './domain/audience';
import type { NotificationResponse } from './dto/notification.dto';
import { Notification } from './entities/notification.entity';
import { toNotificationResponse } from './notifications.mappers';

/** The in-app inbox: one row per (event, recipient), written by the outbox subscriber. */
@Injectable()
export class InboxService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * The inbox rows of a batch of events in one statement. Idempotent: the unique
   * (event_id, user_id) index turns a second delivery of the same event into no rows.
   * Recipients are read at delivery time, so a member who joined after the event but before
   * its delivery hears of it too; that is accepted.
   */
  async deliver(events: OutboxEvent[]): Promise<number> {
    const addressed = events.flatMap((event) => {
      const audience = audienceOf(event);
      return audience ? [{ event, audience }] : [];
    });
    if (addressed.length === 0) return 0;
    const column = <T>(pick: (each: (typeof addressed)[number]) => T) => addressed.map(pick);
    // The electorate is read from the approval (a snapshot taken when the vote opened):
    // the event carries only its id.
    const rows = await preparedQuery<{ id: string }>(
      this.dataSource,
      `INSERT INTO notifications
         (event_id, user_id, type, organization_id, aggregate_type, aggregate_id, data, occurred_at)
       SELECT e.id, recipient.user_id, e.type, e.organization_id, e.aggregate_type,
              e.aggregate_id, e.data, e.occurred_at
         FROM unnest($1::uuid[], $2::text[], $3::uuid[], $4::text[], $5::uuid[], $6::jsonb[],
                     $7::timestamptz[], $8::uuid[], $9::jsonb[], $10::uuid[], $11::uuid[],
                     $12::uuid[])
              AS e(id, type, organization_id, aggregate_type, aggregate_id, data, occurred_at,
                   owner_id, owner_roles, voters_of, party_id, only_user_id)
        CROSS JOIN LATERAL (
              SELECT DISTINCT m.user_id FROM memberships m
               WHERE ((m.organization_id = e.owner_id
                       AND (e.owner_roles IS NULL
                            OR m.role IN (SELECT jsonb_array_elements_text(e.owner_roles)))
                       AND (e.voters_of IS NULL OR m.user_id IN (
                             SELECT (voter->>'userId')::uuid
                               FROM approvals a
                               CROSS JOIN LATERAL jsonb_array_elements(a.electorate) voter
                              WHERE a.id = e.voters_of AND voter->>'userId' IS NOT NULL)))
                      OR m.organization_id = e.party_id)
                 AND (e.only_user_id IS NULL OR m.user_id = e.only_user_id)) recipient
       ON CONFLICT (event_id, user_id) DO NOTHING
       RETURNING id`,
      [
        column(({ event }) => event.id),
        column(({ event }) => event.type),
        column(({ event }) => event.organizationId),
        column(({ event }) => event.aggregateType),
        column(({ event }) => event.aggregateId),
        column(({ event }) => JSON.stringify(visibleData(event.payload))),
        column(({ event }) => event.occurredAt),
        column(({ audience }) => audience.ownerOrganizationId),
        column(({ audience }) =>
          audience.ownerRoles ? JSON.stringify(audience.ownerRoles) : null,
        ),
        column(({ audience }) => audience.votersOfApprovalId),
        column(({ audience }) => audience.partyOrganizationId),
        column(({ audience }) => audience.onlyUserId),
      ],
    );
    return rows.length;
  }

  /** Newest first. */
  async list(userId: string, page: PageQuery): Promise<Page<NotificationResponse>> {
    const query = this.dataSource
      .getRepository(Notification)
      .createQueryBuilder('n')
      .where('n.user_id = :userId', { userId });
    return mapPage(await paginate(query, page, 'newest_first'), toNotificationResponse);
  }

  /** Someone else's notification is as unknown as a missing one. */
  async markRead(userId: string, id: string): Promise<NotificationResponse> {
    const [row] = await updateReturning<{ id: string }>(
      this.dataSource.manager,
      `UPDATE notifications SET read_at = COALESCE(read_at, $3)
        WHERE id = $1 AND user_id = $2 RETURNING id`,
      [id, userId, this.clock.now()],
    );
    if (!row) throw new DomainError(CommonErrors.NOT_FOUND, 'no such notification');
    const notification = await this.dataSource
      .getRepository(Notification)
      .findOneByOrFail({ id: row.id });
    return toNotificationResponse(notification);
  }
}

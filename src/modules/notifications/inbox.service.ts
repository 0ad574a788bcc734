import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../shared/clock';
import { CommonErrors, DomainError } from '../../shared/errors/domain-error';
import type { OutboxEvent } from '../../shared/outbox/outbox-event.entity';
import { mapPage, type Page, type PageQuery, paginate } from '../../shared/pagination/pagination';
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
   * Idempotent: the unique (event_id, user_id) index turns a second delivery of the same
   * event into no rows. Recipients are read at delivery time, so a member who joined after
   * the event but before its delivery hears of it too; that is accepted.
   */
  async deliver(event: OutboxEvent): Promise<number> {
    const audience = audienceOf(event);
    if (!audience) return 0;
    // The electorate is read from the approval (a snapshot taken when the vote opened):
    // the event carries only its id.
    const rows = await updateReturning<{ id: string }>(
      this.dataSource.manager,
      `INSERT INTO notifications
         (event_id, user_id, type, organization_id, aggregate_type, aggregate_id, data, occurred_at)
       SELECT $1, recipient.user_id, $2, $3, $4, $5, $6::jsonb, $7
         FROM (SELECT DISTINCT m.user_id FROM memberships m
                WHERE ((m.organization_id = $8::uuid
                        AND ($9::text[] IS NULL OR m.role = ANY($9::text[]))
                        AND ($10::uuid IS NULL OR m.user_id IN (
                              SELECT (voter->>'userId')::uuid
                                FROM approvals a
                                CROSS JOIN LATERAL jsonb_array_elements(a.electorate) voter
                               WHERE a.id = $10::uuid AND voter->>'userId' IS NOT NULL)))
                       OR m.organization_id = $11::uuid)
                  AND ($12::uuid IS NULL OR m.user_id = $12::uuid)) recipient
       ON CONFLICT (event_id, user_id) DO NOTHING
       RETURNING id`,
      [
        event.id,
        event.type,
        event.organizationId,
        event.aggregateType,
        event.aggregateId,
        JSON.stringify(visibleData(event.payload)),
        event.occurredAt,
        audience.ownerOrganizationId,
        audience.ownerRoles,
        audience.votersOfApprovalId,
        audience.partyOrganizationId,
        audience.onlyUserId,
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

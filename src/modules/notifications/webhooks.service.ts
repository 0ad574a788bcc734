import { lookup } from 'node:dns/promises';
import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { CommonErrors, DomainError, validationFailed } from '../../shared/errors/domain-error';
import { JobQueue } from '../../shared/jobs/job-queue';
import { LOGGER } from '../../shared/logging/logger';
import { OutboxEvent } from '../../shared/outbox/outbox-event.entity';
import { Outbox } from '../../shared/outbox/outbox.service';
import { updateReturning } from '../../shared/database/update-returning';
import { mapPage, type Page, type PageQuery, paginate } from '../../shared/pagination/pagination';
import { audienceOf, visibleData } from './domain/audience';
import {
  EVENT_ID_HEADER,
  EVENT_TYPE_HEADER,
  newWebhookSecret,
  SIGNATURE_HEADER,
  signBody,
  TIMESTAMP_HEADER,
} from './domain/signature';
import { resolvedTargetIssues, webhookUrlIssues } from './domain/webhook-url';
import type {
  CreatedWebhookResponse,
  CreateWebhookRequest,
  WebhookDeliveryResponse,
  WebhookResponse,
} from './dto/notification.dto';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { Webhook } from './entities/webhook.entity';
import { toWebhookDeliveryResponse, toWebhookResponse } from './notifications.mappers';

export const WEBHOOK_DELIVER_JOB = 'webhook.deliver';
/**
 * Tries per (webhook, event), the first included. Bull spaces them exponentially from 1 s
 * ((2^n − 1) s: 1, 3, 7, 15, 31 s, about a minute); the in-process queue of development retries
 * every second. After the last, the event is not sent again to that webhook.
 */
export const WEBHOOK_ATTEMPTS = 6;
/**
 * Events in a row whose every attempt failed (no success in between, whatever the event)
 * after which the webhook is disabled and the organisation's webhook administrators get a
 * `webhook.disabled` notification: with 6 attempts each, 30 failed calls over at least a
 * minute. One success resets the count.
 */
export const WEBHOOK_DISABLE_AFTER_FAILED_EVENTS = 5;
/** A receiver that takes longer is recorded as failed; a slow one must not hold a worker. */
export const WEBHOOK_TIMEOUT_MS = 5000;
const ERROR_MAX_LENGTH = 500;

interface DeliverJob {
  webhookId: string;
  eventId: string;
}

/** What a receiver gets: the event, with the payload cut to identifiers for a party. */
export interface WebhookBody {
  id: string;
  type: string;
  occurredAt: string;
  organizationId: string | null;
  aggregateType: string;
  aggregateId: string | null;
  payload: Record<string, unknown>;
  sentAt: string;
}

class DeliveryFailed extends Error {}

@Injectable()
export class WebhooksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  registerJobs(): void {
    this.jobs.register<DeliverJob>(WEBHOOK_DELIVER_JOB, (job) => this.attempt(job));
  }

  async create(
    organizationId: string,
    userId: string,
    request: CreateWebhookRequest,
  ): Promise<CreatedWebhookResponse> {
    const issues = webhookUrlIssues(request.url, { production: this.config.production });
    if (issues.length === 0) issues.push(...(await this.targetIssues(request.url)));
    if (issues.length > 0) throw validationFailed(issues);
    const secret = newWebhookSecret();
    const repository = this.dataSource.getRepository(Webhook);
    const webhook = await repository.save(
      repository.create({
        organizationId,
        url: request.url,
        events: request.events,
        secret,
        active: true,
        createdBy: userId,
      }),
    );
    return { ...toWebhookResponse(webhook), secret };
  }

  async list(organizationId: string, page: PageQuery): Promise<Page<WebhookResponse>> {
    const query = this.dataSource
      .getRepository(Webhook)
      .createQueryBuilder('w')
      .where('w.organization_id = :organizationId', { organizationId });
    return mapPage(await paginate(query, page), toWebhookResponse);
  }

  /** Oldest attempt first, so the pages read as the story of each delivery. */
  async deliveries(
    organizationId: string,
    webhookId: string,
    page: PageQuery,
  ): Promise<Page<WebhookDeliveryResponse>> {
    const webhook = await this.dataSource
      .getRepository(Webhook)
      .findOneBy({ id: webhookId, organizationId });
    if (!webhook) throw new DomainError(CommonErrors.NOT_FOUND, 'no such webhook');
    const query = this.dataSource
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .where('d.webhook_id = :webhookId', { webhookId });
    return mapPage(await paginate(query, page), toWebhookDeliveryResponse);
  }

  /**
   * One job per (webhook, event), its id derived from both: the outbox delivering the
   * event again enqueues nothing new while the job waits, and a job that already
   * succeeded returns without sending.
   */
  async schedule(event: OutboxEvent): Promise<number> {
    const audience = audienceOf(event);
    // A webhook belongs to an organisation, not a user: a one-user event has no hook.
    if (!audience || audience.onlyUserId) return 0;
    const organizations = [audience.ownerOrganizationId, audience.partyOrganizationId].filter(
      (id): id is string => id !== null,
    );
    const hooks = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM webhooks
        WHERE active AND organization_id = ANY($1::uuid[]) AND $2 = ANY(events)
        ORDER BY created_at, id`,
      [organizations, event.type],
    );
    for (const hook of hooks) {
      await this.jobs.enqueue<DeliverJob>(
        WEBHOOK_DELIVER_JOB,
        { webhookId: hook.id, eventId: event.id },
        { jobId: `webhook-${hook.id}-${event.id}`, attempts: WEBHOOK_ATTEMPTS },
      );
    }
    return hooks.length;
  }

  /** One try; throws on failure so the queue retries with its backoff. */
  private async attempt(job: DeliverJob): Promise<void> {
    const webhook = await this.dataSource
      .getRepository(Webhook)
      .findOneBy({ id: job.webhookId, active: true });
    const event = await this.dataSource.getRepository(OutboxEvent).findOneBy({ id: job.eventId });
    if (!webhook || !event) return;
    const [previous] = await this.dataSource.query<{ attempts: number; succeeded: boolean }[]>(
      `SELECT count(*)::int AS attempts, coalesce(bool_or(outcome = 'succeeded'), false) AS succeeded
         FROM webhook_deliveries WHERE webhook_id = $1 AND event_id = $2`,
      [webhook.id, event.id],
    );
    if (previous.succeeded) return;
    const attempt = previous.attempts + 1;
    if (attempt > WEBHOOK_ATTEMPTS) return;

    const sentAt = new Date();
    const timestamp = String(Math.floor(sentAt.getTime() / 1000));
    const body = JSON.stringify(this.bodyFor(webhook, event, sentAt));
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    // Checked again at every attempt: the name may resolve elsewhere than at creation.
    const refused = await this.targetIssues(webhook.url);
    try {
      if (refused.length > 0) throw new DeliveryFailed(`target refused: ${refused[0].message}`);
      const response = await fetch(webhook.url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'Ayllu-Webhooks/1',
          [SIGNATURE_HEADER]: signBody(webhook.secret, timestamp, body),
          [EVENT_ID_HEADER]: event.id,
          [EVENT_TYPE_HEADER]: event.type,
          [TIMESTAMP_HEADER]: timestamp,
        },
        body,
        // A redirect could lead the signed body somewhere the organisation never named.
        redirect: 'manual',
        signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      });
      statusCode = response.status;
      // Read nothing of the answer but its status; free the connection.
      await response.body?.cancel();
      if (statusCode < 200 || statusCode >= 300) error = `receiver answered ${statusCode}`;
    } catch (caught) {
      error = describe(caught);
    }
    const durationMs = Math.max(0, Math.round(performance.now() - started));
    await this.dataSource.query(
      `INSERT INTO webhook_deliveries
         (webhook_id, event_id, event_type, attempt, outcome, status_code, error, duration_ms)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (webhook_id, event_id, attempt) DO NOTHING`,
      [
        webhook.id,
        event.id,
        event.type,
        attempt,
        error === null ? 'succeeded' : 'failed',
        statusCode,
        error?.slice(0, ERROR_MAX_LENGTH) ?? null,
        durationMs,
      ],
    );
    if (error === null) {
      await this.dataSource.query(
        `UPDATE webhooks SET consecutive_failed_events = 0
          WHERE id = $1 AND consecutive_failed_events <> 0`,
        [webhook.id],
      );
      return;
    }
    this.logger.warn(
      { webhookId: webhook.id, eventId: event.id, attempt, statusCode },
      'webhook delivery failed',
    );
    if (attempt < WEBHOOK_ATTEMPTS) throw new DeliveryFailed(error);
    await this.eventExhausted(webhook);
  }

  /**
   * The last attempt of an event failed. The count and the switch-off happen in one
   * statement each, guarded by `active`, so two events exhausted at once disable the hook
   * (and tell the managers) once.
   */
  private async eventExhausted(webhook: Webhook): Promise<void> {
    const disabled = await this.dataSource.transaction(async (manager) => {
      const [row] = await updateReturning<{ id: string; failed: number }>(
        manager,
        `UPDATE webhooks
            SET consecutive_failed_events = consecutive_failed_events + 1,
                active = consecutive_failed_events + 1 < $2,
                disabled_at = CASE WHEN consecutive_failed_events + 1 >= $2 THEN now() END
          WHERE id = $1 AND active
          RETURNING id, consecutive_failed_events AS failed`,
        [webhook.id, WEBHOOK_DISABLE_AFTER_FAILED_EVENTS],
      );
      if (!row || row.failed < WEBHOOK_DISABLE_AFTER_FAILED_EVENTS) return false;
      await this.outbox.record(manager, {
        type: 'webhook.disabled',
        aggregateType: 'webhook',
        aggregateId: webhook.id,
        organizationId: webhook.organizationId,
        payload: { webhookId: webhook.id, consecutiveFailedEvents: row.failed },
      });
      return true;
    });
    if (disabled) {
      this.logger.warn({ webhookId: webhook.id }, 'webhook disabled after repeated failures');
      this.outbox.kick();
    }
  }

  /** Private and loopback targets are refused in production only; development calls localhost. */
  private async targetIssues(raw: string) {
    if (!this.config.production) return [];
    return resolvedTargetIssues(new URL(raw), async (hostname) =>
      (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address),
    );
  }

  private bodyFor(webhook: Webhook, event: OutboxEvent, sentAt: Date): WebhookBody {
    const owner = webhook.organizationId === event.organizationId;
    return {
      id: event.id,
      type: event.type,
      occurredAt: event.occurredAt.toISOString(),
      organizationId: event.organizationId,
      aggregateType: event.aggregateType,
      aggregateId: event.aggregateId,
      payload: owner ? event.payload : visibleData(event.payload),
      sentAt: sentAt.toISOString(),
    };
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    if (error.name === 'TimeoutError') return `no answer within ${WEBHOOK_TIMEOUT_MS} ms`;
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

import { lookup } from 'node:dns/promises';
import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { CommonErrors, DomainError, validationFailed } from '../../shared/errors/domain-error';
import { JobQueue } from '../../shared/jobs/job-queue';
import { LOGGER } from '../../shared/logging/logger';
import { OutboxEvent } from '../../shared/outbox/outbox-event.entity';
import { Outbox } from '../../shared/outbox/outbox.service';
import { preparedQuery } from '../../shared/database/prepared-query';
import { updateReturning } from '../../shared/database/update-returning';
import { mapPage, type Page, type PageQuery, paginate } from '../../shared/pagination/pagination';
import { hookOwnersOf, visibleData } from './domain/audience';
import { deliveryStreamOf, gate, type QueuedDelivery, toWake } from './domain/delivery-order';
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
import { refusingPrivateLookup, WebhookTransport } from './webhook-transport';

export const WEBHOOK_DELIVER_JOB = 'webhook.deliver';
/**
 * Tries per (webhook, event), the first included. Bull spaces them exponentially from 1 s
 * ((2^n − 1) s: 1, 3, 7, 15, 31 s, about a minute); the in-process queue of development retries
 * every second. After the last, the event is not sent again to that webhook, and the next
 * event of its lot for that webhook goes.
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
/** Far above the longest gap between two touches of a live delivery (31 s backoff + 5 s). */
const STALLED_AFTER_MS = 5 * 60_000;
const STALLED_SWEEP_INTERVAL_MS = 60_000;

interface DeliverJob {
  webhookId: string;
  eventId: string;
}

/** What scheduling reads of an outbox event. */
type ScheduledEvent = Pick<
  OutboxEvent,
  'id' | 'type' | 'organizationId' | 'payload' | 'occurredAt' | 'seq'
>;

const MARK_SCHEDULED = `UPDATE outbox_events SET webhooks_scheduled_at = now()
  WHERE id = ANY($1::uuid[]) AND webhooks_scheduled_at IS NULL`;

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
export class WebhooksService
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  /** In production its sockets refuse private addresses however the name resolves then. */
  private readonly transport: WebhookTransport;
  private sweeper?: NodeJS.Timeout;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly outbox: Outbox,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.transport = new WebhookTransport(config.production ? refusingPrivateLookup() : undefined);
  }

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.resumeStalled(), STALLED_SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  /** Before the database closes, so no sweep runs into a closed connection. */
  beforeApplicationShutdown(): void {
    clearInterval(this.sweeper);
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }

  /**
   * Starts again the stream heads of active hooks untouched for `stalledAfterMs`: their job
   * is gone (the in-process queue restarted, or Bull gave the job up while the database was
   * away), and a head left pending would hold back every later event of its lot. A live
   * head is touched at every attempt, at most about 40 s apart. The job id names the stall,
   * so several processes sweeping at once start it once.
   */
  async resumeStalled(stalledAfterMs = STALLED_AFTER_MS): Promise<number> {
    if (!this.dataSource.isInitialized) return 0;
    try {
      const heads = await this.dataSource.query<(DeliverJob & { stalledAt: string })[]>(
        `SELECT * FROM (
           SELECT DISTINCT ON (q.webhook_id, q.stream)
                  q.webhook_id AS "webhookId", q.event_id AS "eventId",
                  (extract(epoch FROM q.updated_at) * 1000)::bigint::text AS "stalledAt",
                  q.updated_at
             FROM webhook_queue q JOIN webhooks w ON w.id = q.webhook_id AND w.active
            WHERE q.state = 'pending'
            ORDER BY q.webhook_id, q.stream, q.seq
         ) head
         WHERE head.updated_at < now() - make_interval(secs => $1)`,
        [stalledAfterMs / 1000],
      );
      for (const head of heads) {
        await this.wake(head.webhookId, head.eventId, `stalled-${head.stalledAt}`);
      }
      return heads.length;
    } catch (error) {
      this.logger.warn({ err: error }, 'stalled webhook deliveries not resumed; next sweep');
      return 0;
    }
  }

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

  /**
   * Switches a webhook back on with a clean failure count. Deliveries pending when it was
   * switched off resume, each stream from its earliest; events that happened while it was
   * off were not queued for it and are not sent. On an active hook it only clears the count.
   */
  async enable(organizationId: string, webhookId: string): Promise<WebhookResponse> {
    const repository = this.dataSource.getRepository(Webhook);
    const webhook = await repository.findOneBy({ id: webhookId, organizationId });
    if (!webhook) throw new DomainError(CommonErrors.NOT_FOUND, 'no such webhook');
    await this.dataSource.query(
      `UPDATE webhooks SET active = true, consecutive_failed_events = 0, disabled_at = NULL
        WHERE id = $1`,
      [webhook.id],
    );
    const streams = await this.dataSource.query<{ stream: string }[]>(
      `SELECT DISTINCT stream FROM webhook_queue WHERE webhook_id = $1 AND state = 'pending'`,
      [webhook.id],
    );
    const enabledAt = Date.now();
    for (const { stream } of streams) {
      // Under the stream's lock: a job that saw the hook off has marked itself waiting.
      const wake = await this.inStream(webhook.id, stream, async (manager) =>
        toWake(await headOf(manager, webhook.id, stream)),
      );
      if (wake) await this.wake(webhook.id, wake, `enabled-${enabledAt}`);
    }
    return toWebhookResponse(await repository.findOneByOrFail({ id: webhook.id }));
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
   * Queues each event of a batch, in order, for the webhooks that should receive it, after the earlier events of
   * its lot not queued yet (their own scheduling may still be on its way: the outbox runs
   * events in parallel), so a later event never stands in a stream before an earlier one.
   * Idempotent: the outbox may deliver an event twice. Then starts a job per pending
   * delivery of those events, its id derived from (webhook, event): enqueued again while it
   * waits, nothing new.
   */
  async schedule(events: OutboxEvent[]): Promise<number> {
    let started = 0;
    for (const event of await this.withHooks(events)) started += await this.scheduleOne(event);
    return started;
  }

  private async scheduleOne(event: OutboxEvent): Promise<number> {
    const stream = deliveryStreamOf(event);
    const queued = await this.dataSource.transaction(async (manager) => {
      // One scheduler per stream at a time: two of them would each see the other's earlier
      // event as not queued yet and queue it, and whoever commits second finds it done.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `webhook-schedule:${stream.key}`,
      ]);
      const earlier = stream.lotId
        ? await manager.query<ScheduledEvent[]>(
            `SELECT id, type, organization_id AS "organizationId", payload,
                    occurred_at AS "occurredAt", seq
               FROM outbox_events
              WHERE webhooks_scheduled_at IS NULL AND payload->>'lotId' = $1 AND seq < $2
              ORDER BY seq`,
            [stream.lotId, event.seq],
          )
        : [];
      const rows: DeliverJob[] = [];
      for (const each of [...earlier, event]) {
        rows.push(...(await this.queueFor(manager, each, stream.key)));
      }
      await manager.query(MARK_SCHEDULED, [[...earlier, event].map((each) => each.id)]);
      return rows;
    });
    // This event's pending deliveries too: a first run may have queued them and then
    // failed to reach the job queue.
    const own = await this.dataSource.query<DeliverJob[]>(
      `SELECT webhook_id AS "webhookId", event_id AS "eventId" FROM webhook_queue
        WHERE event_id = $1 AND state = 'pending'`,
      [event.id],
    );
    const jobs = new Map(
      [...queued, ...own].map((job) => [`${job.webhookId}-${job.eventId}`, job]),
    );
    for (const [key, job] of jobs) {
      await this.jobs.enqueue<DeliverJob>(WEBHOOK_DELIVER_JOB, job, {
        jobId: `webhook-${key}`,
        attempts: WEBHOOK_ATTEMPTS,
      });
    }
    return jobs.size;
  }

  /**
   * Most organisations have no webhook: the batch's events that concern none with one have
   * nothing to queue, order or retry, and are marked scheduled together, without the
   * streams' locks (the lock orders queueing, and nothing is queued). Any hook counts,
   * active or not, so that deliveries queued while one was active still get their retry.
   * The others are returned, in order.
   */
  private async withHooks(events: OutboxEvent[]): Promise<OutboxEvent[]> {
    const owners = events.map(hookOwnersOf);
    const hooked = new Set(
      (
        await preparedQuery<{ organization_id: string }>(
          this.dataSource,
          `SELECT DISTINCT organization_id FROM webhooks WHERE organization_id = ANY($1::uuid[])`,
          [[...new Set(owners.flat())]],
        )
      ).map((row) => row.organization_id),
    );
    const heard = events.filter((_, i) => owners[i].some((owner) => hooked.has(owner)));
    const quiet = events.filter((event) => !heard.includes(event)).map((event) => event.id);
    if (quiet.length > 0) {
      await preparedQuery(this.dataSource, MARK_SCHEDULED, [quiet]);
    }
    return heard;
  }

  /**
   * The event's deliveries, one per active webhook of its audience created before the event
   * happened: a hook hears what happens from its creation on, so an event scheduled late
   * does not slip in before the later ones it already received.
   */
  private async queueFor(
    manager: EntityManager,
    event: ScheduledEvent,
    stream: string,
  ): Promise<DeliverJob[]> {
    const organizations = hookOwnersOf(event);
    if (organizations.length === 0) return [];
    return manager.query<DeliverJob[]>(
      `INSERT INTO webhook_queue (webhook_id, event_id, stream, seq)
       SELECT id, $3, $4, $5 FROM webhooks
        WHERE active AND organization_id = ANY($1::uuid[]) AND $2 = ANY(events)
          AND created_at <= $6
       ON CONFLICT (webhook_id, event_id) DO NOTHING
       RETURNING webhook_id AS "webhookId", event_id AS "eventId"`,
      [organizations, event.type, event.id, stream, event.seq, event.occurredAt],
    );
  }

  /**
   * One try; throws on failure so the queue retries with its backoff. Runs only when the
   * event heads its stream for this webhook (domain/delivery-order.ts); otherwise it ends
   * marked waiting, and whoever unblocks the stream starts it again.
   */
  private async attempt(job: DeliverJob): Promise<void> {
    const webhook = await this.dataSource.getRepository(Webhook).findOneBy({ id: job.webhookId });
    const event = await this.dataSource.getRepository(OutboxEvent).findOneBy({ id: job.eventId });
    if (!webhook || !event) return;
    const stream = deliveryStreamOf(event).key;
    const { decision, wake } = await this.inStream(webhook.id, stream, async (manager) => {
      const [own] = await manager.query<{ state: string }[]>(
        `SELECT state FROM webhook_queue WHERE webhook_id = $1 AND event_id = $2`,
        [webhook.id, event.id],
      );
      const head = await headOf(manager, webhook.id, stream);
      // Ended already. When this is a retry of a job that ended it and then failed to start
      // the next, start it now.
      if (own?.state !== 'pending') return { decision: 'done', wake: own ? toWake(head) : null };
      const [hook] = await manager.query<{ active: boolean }[]>(
        `SELECT active FROM webhooks WHERE id = $1`,
        [webhook.id],
      );
      const decided = gate(event.id, head, hook.active);
      await manager.query(
        `UPDATE webhook_queue SET waiting = $3, updated_at = now()
          WHERE webhook_id = $1 AND event_id = $2`,
        [webhook.id, event.id, decided === 'wait'],
      );
      return { decision: decided, wake: null };
    });
    if (wake) await this.wake(webhook.id, wake, `after-${event.id}`);
    if (decision !== 'send') return;

    const [previous] = await this.dataSource.query<{ attempts: number; succeeded: boolean }[]>(
      `SELECT count(*)::int AS attempts, coalesce(bool_or(outcome = 'succeeded'), false) AS succeeded
         FROM webhook_deliveries WHERE webhook_id = $1 AND event_id = $2`,
      [webhook.id, event.id],
    );
    // The outcome recorded but the delivery not ended: a job stopped in between.
    if (previous.succeeded) return this.finish(webhook, event, stream, 'delivered');
    const attempt = previous.attempts + 1;
    if (attempt > WEBHOOK_ATTEMPTS) return this.finish(webhook, event, stream, 'dead');

    const sentAt = new Date();
    const timestamp = String(Math.floor(sentAt.getTime() / 1000));
    const body = JSON.stringify(this.bodyFor(webhook, event, sentAt));
    const started = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    // Checked again at every attempt, and by the socket's lookup at connect (in production):
    // the name may resolve elsewhere than at creation, or than a moment ago.
    const refused = await this.targetIssues(webhook.url);
    try {
      if (refused.length > 0) throw new DeliveryFailed(`target refused: ${refused[0].message}`);
      statusCode = await this.transport.post(
        webhook.url,
        {
          'Content-Type': 'application/json',
          'User-Agent': 'Ayllu-Webhooks/1',
          [SIGNATURE_HEADER]: signBody(webhook.secret, timestamp, body),
          [EVENT_ID_HEADER]: event.id,
          [EVENT_TYPE_HEADER]: event.type,
          [TIMESTAMP_HEADER]: timestamp,
        },
        body,
        WEBHOOK_TIMEOUT_MS,
      );
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
    if (error === null) return this.finish(webhook, event, stream, 'delivered');
    this.logger.warn(
      { webhookId: webhook.id, eventId: event.id, attempt, statusCode },
      'webhook delivery failed',
    );
    if (attempt < WEBHOOK_ATTEMPTS) throw new DeliveryFailed(error);
    await this.finish(webhook, event, stream, 'dead');
  }

  /**
   * Ends a delivery and starts the next of its stream if it is waiting. A success resets
   * the hook's count of failed events; an event given up adds one, and the last one allowed
   * switches the hook off and tells its managers. Guarded by the delivery still pending and
   * the hook active, so a job run twice counts once and two events given up at once disable
   * the hook (and tell the managers) once.
   */
  private async finish(
    webhook: Webhook,
    event: OutboxEvent,
    stream: string,
    state: 'delivered' | 'dead',
  ): Promise<void> {
    const { disabled, wake } = await this.inStream(webhook.id, stream, async (manager) => {
      const ended = await updateReturning<{ eventId: string }>(
        manager,
        `UPDATE webhook_queue SET state = $3, waiting = false, updated_at = now()
          WHERE webhook_id = $1 AND event_id = $2 AND state = 'pending'
          RETURNING event_id AS "eventId"`,
        [webhook.id, event.id, state],
      );
      let disabled = false;
      if (ended.length > 0 && state === 'delivered') {
        await manager.query(
          `UPDATE webhooks SET consecutive_failed_events = 0
            WHERE id = $1 AND consecutive_failed_events <> 0`,
          [webhook.id],
        );
      }
      if (ended.length > 0 && state === 'dead') disabled = await this.countFailed(manager, webhook);
      return { disabled, wake: toWake(await headOf(manager, webhook.id, stream)) };
    });
    if (disabled) {
      this.logger.warn({ webhookId: webhook.id }, 'webhook disabled after repeated failures');
      this.outbox.kick();
    }
    if (wake) await this.wake(webhook.id, wake, `after-${event.id}`);
  }

  /** True when this failed event switched the hook off. */
  private async countFailed(manager: EntityManager, webhook: Webhook): Promise<boolean> {
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
  }

  /**
   * A new job for a delivery whose job ended waiting. Its id names why it starts, so it is
   * not taken for that ended job, which the queue may still hold for a moment.
   */
  private wake(webhookId: string, eventId: string, reason: string): Promise<void> {
    return this.jobs.enqueue<DeliverJob>(
      WEBHOOK_DELIVER_JOB,
      { webhookId, eventId },
      { jobId: `webhook-${webhookId}-${eventId}-${reason}`, attempts: WEBHOOK_ATTEMPTS },
    );
  }

  /**
   * A short transaction holding the (webhook, stream) lock: deciding to wait and waking the
   * waiting happen one after the other, so a job cannot mark itself waiting just after the
   * one before it looked and found nobody to wake.
   */
  private inStream<T>(
    webhookId: string,
    stream: string,
    work: (manager: EntityManager) => Promise<T>,
  ): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
        `webhook-stream:${webhookId}:${stream}`,
      ]);
      return work(manager);
    });
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

/** The earliest pending delivery of a stream to a webhook. */
async function headOf(
  manager: EntityManager,
  webhookId: string,
  stream: string,
): Promise<QueuedDelivery | undefined> {
  const [head] = await manager.query<QueuedDelivery[]>(
    `SELECT event_id AS "eventId", waiting FROM webhook_queue
      WHERE webhook_id = $1 AND stream = $2 AND state = 'pending'
      ORDER BY seq LIMIT 1`,
    [webhookId, stream],
  );
  return head;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof Error ? `${error.message}: ${cause.message}` : error.message;
  }
  return String(error);
}

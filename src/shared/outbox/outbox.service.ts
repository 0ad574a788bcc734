import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { createHash } from 'node:crypto';
import { DataSource, type EntityManager, In } from 'typeorm';
import { updateReturning } from '../database/update-returning';
import { JobQueue } from '../jobs/job-queue';
import { LOGGER } from '../logging/logger';
import { OutboxEvent } from './outbox-event.entity';

export interface NewOutboxEvent {
  type: string;
  aggregateType: string;
  aggregateId?: string;
  organizationId?: string;
  payload: Record<string, unknown>;
}

/**
 * The INSERT of a list of events as one statement with array parameters (numbered from
 * `firstParameter`), for `record` and for callers that write their events inside a larger
 * statement. `source`, when given, is a relation (a CTE of that statement) the events are
 * inserted only if it has a row: `INSERT ... SELECT ... WHERE EXISTS (SELECT 1 FROM source)`.
 */
export function outboxInsert(
  events: NewOutboxEvent[],
  firstParameter: number,
  source?: string,
): { sql: string; parameters: unknown[] } {
  const p = (i: number) => `$${firstParameter + i}`;
  return {
    sql:
      `INSERT INTO outbox_events (type, aggregate_type, aggregate_id, organization_id, payload) ` +
      `SELECT * FROM unnest(${p(0)}::text[], ${p(1)}::text[], ${p(2)}::uuid[], ${p(3)}::uuid[], ${p(4)}::jsonb[])` +
      (source ? ` WHERE EXISTS (SELECT 1 FROM ${source})` : ''),
    parameters: [
      events.map((event) => event.type),
      events.map((event) => event.aggregateType),
      events.map((event) => event.aggregateId ?? null),
      events.map((event) => event.organizationId ?? null),
      events.map((event) => JSON.stringify(event.payload)),
    ],
  };
}

export type OutboxSubscriber = (event: OutboxEvent) => Promise<void>;
export type OutboxBatchSubscriber = (events: OutboxEvent[]) => Promise<void>;

const DELIVER_JOB = 'outbox.deliver';

interface DeliverJob {
  eventIds: string[];
}
const RELAY_BATCH = 100;
const RELAY_INTERVAL_MS = 1000;
/**
 * How long a kick waits for others to join it. Each relay pass costs the same few
 * statements and queue commands whatever its size; without the wait, a busy lot makes a
 * pass, and a job, of one or two events per request. Notifications are not that urgent.
 */
const RELAY_KICK_DELAY_MS = 50;

/**
 * Transactional outbox. `record` writes events with the caller's EntityManager, so they
 * commit or roll back with the change they describe. The relay moves committed events to
 * the job queue (one job per relay batch, its id derived from the events', so a relay that
 * runs twice enqueues once); a Redis outage leaves them in the table until the next relay.
 * Delivery is at least once: subscribers dedupe by event id.
 */
@Injectable()
export class Outbox implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly subscribers = new Map<string, OutboxSubscriber[]>();
  private readonly batchSubscribers: OutboxBatchSubscriber[] = [];
  private timer?: NodeJS.Timeout;
  private kicked?: NodeJS.Timeout;
  private stopping = false;
  private relaying?: Promise<number>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async record(manager: EntityManager, events: NewOutboxEvent | NewOutboxEvent[]): Promise<void> {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return;
    const insert = outboxInsert(list, 1);
    await manager.query(insert.sql, insert.parameters);
  }

  /** `*` receives every event type. */
  subscribe(type: string, subscriber: OutboxSubscriber): void {
    this.subscribers.set(type, [...(this.subscribers.get(type) ?? []), subscriber]);
  }

  /**
   * Every event, a relay batch at a time and in the order they happened: for a subscriber
   * that writes one statement for many events instead of one per event.
   */
  subscribeBatch(subscriber: OutboxBatchSubscriber): void {
    this.batchSubscribers.push(subscriber);
  }

  /**
   * Ask for a relay soon (after a commit), instead of waiting for the next tick: within
   * RELAY_KICK_DELAY_MS, with every other kick of that time.
   */
  kick(): void {
    if (this.stopping) return;
    this.kicked ??= setTimeout(() => {
      this.kicked = undefined;
      void this.relayOnce();
    }, RELAY_KICK_DELAY_MS);
  }

  /**
   * One relay pass; concurrent calls in this process share it. Rows are claimed with
   * SKIP LOCKED, so relays in other processes take other rows instead of waiting.
   */
  relayOnce(): Promise<number> {
    this.relaying ??= this.relayBatch()
      .then((relayed) => {
        // A full batch leaves more behind: the next pass starts at once.
        if (relayed === RELAY_BATCH && !this.stopping) setImmediate(() => void this.relayOnce());
        return relayed;
      })
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, 'outbox relay failed; events stay pending');
        return 0;
      })
      .finally(() => {
        this.relaying = undefined;
      });
    return this.relaying;
  }

  onModuleInit(): void {
    // `eventId`: a job of one event, as enqueued before batches (still queued after an upgrade).
    this.jobs.register<DeliverJob & { eventId?: string }>(DELIVER_JOB, (data) =>
      this.deliver(data.eventIds ?? (data.eventId ? [data.eventId] : [])),
    );
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relayOnce(), RELAY_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    // The last requests' events go now rather than wait for the next process.
    if (this.kicked) {
      clearTimeout(this.kicked);
      this.kicked = undefined;
      await this.relaying;
      await this.relayOnce();
    }
    await this.relaying;
  }

  /**
   * Claims and marks a batch in one statement and enqueues it as one job; the mark commits
   * only after the queue took the job, so a failed enqueue leaves the events pending. The
   * job id is derived from the batch's event ids: a relay that runs twice over the same
   * events enqueues once.
   */
  private async relayBatch(): Promise<number> {
    if (!this.dataSource.isInitialized) return 0;
    return this.dataSource.transaction(async (manager) => {
      const pending = await updateReturning<{ id: string }>(
        manager,
        `UPDATE outbox_events SET published_at = now()
          WHERE id IN (SELECT id FROM outbox_events WHERE published_at IS NULL
                        ORDER BY occurred_at, id LIMIT $1 FOR UPDATE SKIP LOCKED)
          RETURNING id`,
        [RELAY_BATCH],
      );
      if (pending.length === 0) return 0;
      const eventIds = pending.map((row) => row.id).sort();
      const batch = createHash('sha256').update(eventIds.join(',')).digest('hex').slice(0, 32);
      await this.jobs.enqueue<DeliverJob>(
        DELIVER_JOB,
        { eventIds },
        { jobId: `outbox-${batch}`, attempts: 10 },
      );
      return pending.length;
    });
  }

  /**
   * The events of a batch in the order they happened, each to its subscribers. A failure
   * retries the whole batch; subscribers dedupe by event id, so the events already handled
   * are handled again harmlessly (delivery is at least once either way).
   */
  private async deliver(eventIds: string[]): Promise<void> {
    const events = await this.dataSource.getRepository(OutboxEvent).find({
      where: { id: In(eventIds) },
      order: { occurredAt: 'ASC', id: 'ASC' },
    });
    for (const subscriber of this.batchSubscribers) await subscriber(events);
    for (const event of events) {
      const subscribers = [
        ...(this.subscribers.get(event.type) ?? []),
        ...(this.subscribers.get('*') ?? []),
      ];
      for (const subscriber of subscribers) await subscriber(event);
    }
  }
}

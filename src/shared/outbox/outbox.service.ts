import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  type OnApplicationBootstrap,
  type OnModuleInit,
} from '@nestjs/common';
import type { Logger } from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
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

export type OutboxSubscriber = (event: OutboxEvent) => Promise<void>;

const DELIVER_JOB = 'outbox.deliver';
const RELAY_BATCH = 100;
const RELAY_INTERVAL_MS = 1000;

/**
 * Transactional outbox. `record` writes events with the caller's EntityManager, so they
 * commit or roll back with the change they describe. The relay moves committed events to
 * the job queue (one job per event, its id derived from the event's, so a relay that runs
 * twice enqueues once); a Redis outage leaves them in the table until the next relay.
 * Delivery is at least once: subscribers dedupe by event id.
 */
@Injectable()
export class Outbox implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly subscribers = new Map<string, OutboxSubscriber[]>();
  private timer?: NodeJS.Timeout;
  private relaying?: Promise<number>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async record(manager: EntityManager, events: NewOutboxEvent | NewOutboxEvent[]): Promise<void> {
    const list = Array.isArray(events) ? events : [events];
    if (list.length === 0) return;
    await manager.insert(
      OutboxEvent,
      list.map((event): QueryDeepPartialEntity<OutboxEvent> => ({
        type: event.type,
        aggregateType: event.aggregateType,
        aggregateId: event.aggregateId ?? null,
        organizationId: event.organizationId ?? null,
        // jsonb: TypeORM's partial-entity type cannot express an open record.
        payload: event.payload as QueryDeepPartialEntity<Record<string, unknown>>,
      })),
    );
  }

  /** `*` receives every event type. */
  subscribe(type: string, subscriber: OutboxSubscriber): void {
    this.subscribers.set(type, [...(this.subscribers.get(type) ?? []), subscriber]);
  }

  /** Ask for a relay soon (after a commit), instead of waiting for the next tick. */
  kick(): void {
    setImmediate(() => void this.relayOnce());
  }

  /**
   * One relay pass; concurrent calls in this process share it. Rows are claimed with
   * SKIP LOCKED, so relays in other processes take other rows instead of waiting.
   */
  relayOnce(): Promise<number> {
    this.relaying ??= this.relayBatch()
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
    this.jobs.register<{ eventId: string }>(DELIVER_JOB, (data) => this.deliver(data.eventId));
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.relayOnce(), RELAY_INTERVAL_MS);
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.relaying;
  }

  private async relayBatch(): Promise<number> {
    if (!this.dataSource.isInitialized) return 0;
    return this.dataSource.transaction(async (manager) => {
      const pending = await manager.query<{ id: string }[]>(
        `SELECT id FROM outbox_events WHERE published_at IS NULL
          ORDER BY occurred_at, id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [RELAY_BATCH],
      );
      for (const { id } of pending) {
        await this.jobs.enqueue(
          DELIVER_JOB,
          { eventId: id },
          { jobId: `outbox-${id}`, attempts: 10 },
        );
      }
      if (pending.length > 0) {
        await manager.query(`UPDATE outbox_events SET published_at = now() WHERE id = ANY($1)`, [
          pending.map((row) => row.id),
        ]);
      }
      return pending.length;
    });
  }

  private async deliver(eventId: string): Promise<void> {
    const event = await this.dataSource.getRepository(OutboxEvent).findOneBy({ id: eventId });
    if (!event) return;
    const subscribers = [
      ...(this.subscribers.get(event.type) ?? []),
      ...(this.subscribers.get('*') ?? []),
    ];
    for (const subscriber of subscribers) await subscriber(event);
  }
}

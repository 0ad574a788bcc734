import type { Job, JobOptions, Queue } from 'bull';
import type { Logger } from 'pino';
import {
  type EnqueueOptions,
  type JobHandler,
  JobQueue,
  QueueUnavailableError,
  type QueueHealth,
  UnknownJobError,
} from './job-queue';

export const JOBS_QUEUE_NAME = 'jobs';
const CONCURRENCY = 5;
const ENQUEUE_TIMEOUT_MS = 2000;

/**
 * One Bull queue for every kind of job, dispatched by job name: a single worker loop per
 * process, and a new job kind needs no new queue or Redis keys.
 */
export class BullJobQueue extends JobQueue {
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private processing = false;

  constructor(
    private readonly queue: Queue,
    private readonly logger: Logger,
  ) {
    super();
  }

  register<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
  }

  /** Called once every module has registered its handlers. */
  startProcessing(): void {
    if (this.processing) return;
    this.processing = true;
    void this.queue
      .process('*', CONCURRENCY, async (job: Job) => {
        const handler = this.handlers.get(job.name);
        if (!handler) throw new UnknownJobError(job.name);
        await handler(job.data);
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'job worker stopped'));
    this.queue.on('failed', (job: Job, error: Error) => {
      this.logger.warn(
        { err: error, job: job.name, jobId: job.id, attempt: job.attemptsMade },
        'job failed',
      );
    });
  }

  async enqueue<T>(name: string, data: T, options: EnqueueOptions): Promise<void> {
    await this.bounded(this.queue.add(name, data, jobOptions(options)));
  }

  /** One pipelined round trip to Redis for the whole batch (the outbox relay's case). */
  override async enqueueMany<T>(
    name: string,
    jobs: { data: T; options: EnqueueOptions }[],
  ): Promise<void> {
    if (jobs.length === 0) return;
    await this.bounded(
      this.queue.addBulk(
        jobs.map(({ data, options }) => ({ name, data, opts: jobOptions(options) })),
      ),
    );
  }

  /**
   * ioredis queues commands while Redis is away, so an add would wait for its return;
   * a bounded wait lets the caller (the outbox relay) fail fast and try again later.
   */
  private async bounded(add: Promise<unknown>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailableError()), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([add, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async health(): Promise<QueueHealth> {
    try {
      const client = this.queue.client;
      const answer = await Promise.race([
        client.ping(),
        new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 1000).unref()),
      ]);
      return answer === 'PONG' ? 'up' : 'down';
    } catch {
      return 'down';
    }
  }

  async close(): Promise<void> {
    // Waits for jobs in progress, then stops taking new ones and closes the connections.
    await this.queue.close();
  }
}

function jobOptions(options: EnqueueOptions): JobOptions {
  return {
    jobId: options.jobId,
    delay: options.delayMs ?? 0,
    attempts: options.attempts ?? 3,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: true,
    removeOnFail: 1000,
  };
}

import type { Job, Queue } from 'bull';
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

  /**
   * ioredis queues commands while Redis is away, so an add would wait for its return;
   * a bounded wait lets the caller (the outbox relay) fail fast and try again later.
   */
  async enqueue<T>(name: string, data: T, options: EnqueueOptions): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new QueueUnavailableError()), ENQUEUE_TIMEOUT_MS);
    });
    try {
      await Promise.race([
        this.queue.add(name, data, {
          jobId: options.jobId,
          delay: options.delayMs ?? 0,
          attempts: options.attempts ?? 3,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: true,
          removeOnFail: 1000,
        }),
        timeout,
      ]);
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

  /**
   * A local pause: this worker starts nothing more while the jobs stay in Redis for the next
   * process. Bounded, since Bull waits for Redis to be ready before pausing.
   */
  async stopTakingJobs(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.queue.pause(true, true).catch((error: unknown) => {
        this.logger.warn({ err: error }, 'could not pause the job worker');
      }),
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, ENQUEUE_TIMEOUT_MS);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  async close(): Promise<void> {
    // Waits for jobs in progress, then stops taking new ones and closes the connections.
    await this.queue.close();
  }
}

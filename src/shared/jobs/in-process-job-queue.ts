import type { Logger } from 'pino';
import {
  type EnqueueOptions,
  type JobHandler,
  JobQueue,
  type QueueHealth,
  QueueUnavailableError,
  UnknownJobError,
} from './job-queue';

const RETRY_DELAY_MS = 1000;

/** Development and tests only: jobs live in this process and are lost when it stops. */
export class InProcessJobQueue extends JobQueue {
  private readonly handlers = new Map<string, JobHandler<unknown>>();
  private readonly waiting = new Map<string, NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly logger: Logger) {
    super();
  }

  register<T>(name: string, handler: JobHandler<T>): void {
    this.handlers.set(name, handler as JobHandler<unknown>);
  }

  enqueue<T>(name: string, data: T, options: EnqueueOptions): Promise<void> {
    // Refused, not dropped: the outbox relay must see the failure and keep its events pending.
    if (this.closed) return Promise.reject(new QueueUnavailableError());
    if (this.waiting.has(options.jobId)) return Promise.resolve();
    this.schedule(name, data, options, options.attempts ?? 3, options.delayMs ?? 0);
    return Promise.resolve();
  }

  health(): Promise<QueueHealth> {
    return Promise.resolve('in-process');
  }

  /** Jobs waiting here are lost with the process anyway; the services' lazy checks cover them. */
  stopTakingJobs(): Promise<void> {
    this.closed = true;
    for (const timer of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await this.stopTakingJobs();
    await Promise.allSettled([...this.running]);
  }

  private schedule(
    name: string,
    data: unknown,
    options: EnqueueOptions,
    triesLeft: number,
    delayMs: number,
  ): void {
    const timer = setTimeout(() => {
      this.waiting.delete(options.jobId);
      const run = this.run(name, data, options, triesLeft);
      this.running.add(run);
      void run.finally(() => this.running.delete(run));
    }, delayMs);
    this.waiting.set(options.jobId, timer);
  }

  private async run(
    name: string,
    data: unknown,
    options: EnqueueOptions,
    triesLeft: number,
  ): Promise<void> {
    const handler = this.handlers.get(name);
    try {
      if (!handler) throw new UnknownJobError(name);
      await handler(data);
    } catch (error) {
      this.logger.warn(
        { err: error, job: name, jobId: options.jobId, triesLeft: triesLeft - 1 },
        'job failed',
      );
      if (triesLeft > 1 && !this.closed) {
        this.schedule(name, data, options, triesLeft - 1, RETRY_DELAY_MS);
      }
    }
  }
}

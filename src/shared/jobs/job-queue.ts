export interface EnqueueOptions {
  /**
   * Deterministic id: enqueuing the same id again while the job waits is a no-op, so
   * several API processes scheduling the same close or expiry produce one job.
   */
  jobId: string;
  delayMs?: number;
  /** Total tries, first run included. */
  attempts?: number;
}

export type JobHandler<T> = (data: T) => Promise<void>;

export type QueueHealth = 'up' | 'down' | 'in-process';

/**
 * What modules see of background jobs. Bull on Redis in production; an in-process runner
 * in development and tests. Modules never know which one runs, so handlers must be
 * idempotent and every time rule must also hold without the job (the services check
 * times themselves).
 */
export abstract class JobQueue {
  abstract register<T>(name: string, handler: JobHandler<T>): void;
  abstract enqueue<T>(name: string, data: T, options: EnqueueOptions): Promise<void>;
  abstract health(): Promise<QueueHealth>;
  /**
   * First step of a shutdown: start no job from now on (running ones go on). Separate from
   * `close` because other modules' shutdown hooks (the outbox relay finishing its pass) run
   * before the queue's and may take a while; a job falling due meanwhile must not start.
   */
  abstract stopTakingJobs(): Promise<void>;
  /** Stop taking jobs, wait for running ones, release connections. */
  abstract close(): Promise<void>;
}

export class UnknownJobError extends Error {
  constructor(name: string) {
    super(`no handler registered for job "${name}"`);
  }
}

export class QueueUnavailableError extends Error {
  constructor() {
    super('the job queue did not accept the job in time');
  }
}

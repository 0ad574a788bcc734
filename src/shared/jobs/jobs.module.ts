import { BullModule, getQueueToken } from '@nestjs/bull';
import {
  type BeforeApplicationShutdown,
  type DynamicModule,
  Global,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Queue } from 'bull';
import type { Logger } from 'pino';
import type { AppConfig } from '../../config/app-config';
import { LOGGER } from '../logging/logger';
import { BullJobQueue, JOBS_QUEUE_NAME } from './bull-job-queue';
import { InProcessJobQueue } from './in-process-job-queue';
import { JobQueue } from './job-queue';

@Injectable()
class JobsLifecycle implements OnApplicationBootstrap, OnModuleDestroy, BeforeApplicationShutdown {
  constructor(@Inject(JobQueue) private readonly jobs: JobQueue) {}

  /** Handlers are registered in onModuleInit; workers start only after every module has. */
  onApplicationBootstrap(): void {
    if (this.jobs instanceof BullJobQueue) this.jobs.startProcessing();
  }

  /** The first shutdown hook of all: no job starts while the others run. */
  async onModuleDestroy(): Promise<void> {
    await this.jobs.stopTakingJobs();
  }

  /** Before the database closes, so a running job can finish its transaction. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.jobs.close();
  }
}

@Global()
@Module({})
export class JobsModule {
  static forRoot(config: AppConfig): DynamicModule {
    if (!config.redisUrl) {
      return {
        module: JobsModule,
        providers: [
          {
            provide: JobQueue,
            useFactory: (logger: Logger) => new InProcessJobQueue(logger),
            inject: [LOGGER],
          },
          JobsLifecycle,
        ],
        exports: [JobQueue],
      };
    }
    return {
      module: JobsModule,
      imports: [
        BullModule.forRoot({ redis: config.redisUrl, prefix: config.queuePrefix }),
        BullModule.registerQueue({ name: JOBS_QUEUE_NAME }),
      ],
      providers: [
        {
          provide: JobQueue,
          useFactory: (queue: Queue, logger: Logger) => new BullJobQueue(queue, logger),
          inject: [getQueueToken(JOBS_QUEUE_NAME), LOGGER],
        },
        JobsLifecycle,
      ],
      exports: [JobQueue],
    };
  }
}

import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { Public } from '../auth/access.decorators';
import { JobQueue } from '../jobs/job-queue';
import { Metrics } from '../metrics/metrics';

const HEALTH_DATABASE_TIMEOUT_MS = 2000;

/** Health and metrics, outside /api/v1: load balancers and Prometheus call them, not clients. */
@ApiExcludeController()
@Controller()
export class OperationsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly jobs: JobQueue,
    private readonly metrics: Metrics,
  ) {}

  @Public()
  @Get('health')
  async health(@Res() res: Response): Promise<void> {
    const [database, queue] = await Promise.all([this.databaseHealth(), this.jobs.health()]);
    const healthy = database === 'up' && queue !== 'down';
    res
      .status(healthy ? 200 : 503)
      .json({ status: healthy ? 'ok' : 'unavailable', database, queue });
  }

  @Public()
  @Get('metrics')
  @Header('Cache-Control', 'no-store')
  async scrape(@Res() res: Response): Promise<void> {
    res.setHeader('Content-Type', this.metrics.registry.contentType);
    res.send(await this.metrics.registry.metrics());
  }

  /**
   * Bounded on its own: a load balancer asks often and must hear "down" while the database is
   * unreachable, not wait out the pool's connect and query timeouts.
   */
  private async databaseHealth(): Promise<'up' | 'down'> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.dataSource.query('SELECT 1').then(() => 'up' as const),
        new Promise<'down'>((resolve) => {
          timer = setTimeout(() => resolve('down'), HEALTH_DATABASE_TIMEOUT_MS);
        }),
      ]);
    } catch {
      return 'down';
    } finally {
      clearTimeout(timer);
    }
  }
}

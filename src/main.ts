import 'reflect-metadata';
import cluster from 'node:cluster';
import { createApp } from './app.factory';
import { type AppConfig, ConfigError, loadConfig } from './config/app-config';
import { createLogger } from './shared/logging/logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`ayllu: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  if (config.webConcurrency > 1 && cluster.isPrimary) {
    superviseWorkers(config);
    return;
  }
  const started = Date.now();
  const { app, logger } = await createApp(config);

  // Nest closes on SIGTERM/SIGINT (enableShutdownHooks): jobs stop, in-flight requests end,
  // the database closes. If something hangs, the process still ends within the bound.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal }, 'shutting down');
      setTimeout(() => {
        logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out; exiting');
        process.exit(1);
      }, config.shutdownTimeoutMs).unref();
    });
  }

  await app.listen(config.port, config.host);
  logger.info(
    {
      url: await app.getUrl(),
      database: config.databaseUrl ? 'postgres' : `embedded (${config.dataDir})`,
      jobs: config.redisUrl ? 'bull' : 'in-process',
      startupMs: Date.now() - started,
    },
    'Ayllu is listening',
  );
}

/**
 * WEB_CONCURRENCY > 1: this process only forks the HTTP workers (which share the port) and
 * passes them the stop signal. The app is stateless between requests and every background
 * duty (outbox relay, history chaining, jobs, migrations) is safe with several processes,
 * so the workers need nothing from each other. A worker that dies stops them all: the
 * process supervisor restarts the service whole, as it would a single process.
 */
function superviseWorkers(config: AppConfig): void {
  const logger = createLogger(config.logLevel);
  let stopping = false;
  for (let i = 0; i < config.webConcurrency; i += 1) cluster.fork();
  const stopAll = (signal: NodeJS.Signals) => {
    stopping = true;
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.info({ signal, workers: config.webConcurrency }, 'shutting down the workers');
      stopAll(signal);
      setTimeout(() => process.exit(1), config.shutdownTimeoutMs + 1000).unref();
    });
  }
  cluster.on('exit', (worker, code, signal) => {
    if (!stopping) {
      logger.error({ pid: worker.process.pid, code, signal }, 'a worker died; stopping them all');
      process.exitCode = 1;
      stopAll('SIGTERM');
    }
    if (Object.keys(cluster.workers ?? {}).length === 0) process.exit();
  });
  logger.info({ workers: config.webConcurrency }, 'started the HTTP workers');
}

main().catch((error: unknown) => {
  process.stderr.write(
    `ayllu: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});

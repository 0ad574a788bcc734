import 'reflect-metadata';
import { createApp } from './app.factory';
import { ConfigError, loadConfig } from './config/app-config';

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

main().catch((error: unknown) => {
  process.stderr.write(
    `ayllu: failed to start: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});

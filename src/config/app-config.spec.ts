import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('refuses production without a database, Redis and a JWT secret, in one line', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(
      new ConfigError(
        'NODE_ENV=production needs DATABASE_URL, REDIS_URL, JWT_SECRET: the embedded database and in-process jobs are for development only',
      ),
    );
    expect(() =>
      loadConfig({
        NODE_ENV: 'production',
        DATABASE_URL: 'postgres://x/y',
        JWT_SECRET: 'x'.repeat(32),
      }),
    ).toThrow(/needs REDIS_URL:/);
  });

  it('runs embedded outside production', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.redisUrl).toBeUndefined();
    expect(config.dataDir.endsWith('/data')).toBe(true);
    expect(config.port).toBe(3000);
    expect(config.priceImportMaxBytes).toBe(128 * 1024 * 1024);
  });

  it('reads the price import limit, within bounds', () => {
    expect(loadConfig({ PRICE_IMPORT_MAX_BYTES: '2048' }).priceImportMaxBytes).toBe(2048);
    expect(() => loadConfig({ PRICE_IMPORT_MAX_BYTES: '10' })).toThrow(/between 1024 and/);
  });

  it('rejects malformed numbers and half-given admin credentials', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a whole number/);
    expect(() => loadConfig({ PORT: '70000' })).toThrow(/between 0 and 65535/);
    expect(() => loadConfig({ PLATFORM_ADMIN_EMAIL: 'a@b.cl' })).toThrow(/go together/);
    expect(() => loadConfig({ JWT_SECRET: 'short' })).toThrow(/at least 32/);
  });
});

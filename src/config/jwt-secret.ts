import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig } from './app-config';

/**
 * Production always has JWT_SECRET (checked at load). In development a secret is made
 * once and kept beside the embedded database, so tokens survive a restart without anyone
 * choosing a weak shared default; an in-memory run gets a fresh one.
 */
export function withJwtSecret(config: AppConfig): AppConfig & { jwtSecret: string } {
  if (config.jwtSecret) return { ...config, jwtSecret: config.jwtSecret };
  if (config.dataDir === 'memory://') {
    return { ...config, jwtSecret: randomBytes(48).toString('base64url') };
  }
  const path = join(config.dataDir, 'jwt-secret');
  if (!existsSync(path)) {
    mkdirSync(config.dataDir, { recursive: true });
    writeFileSync(path, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
  }
  return { ...config, jwtSecret: readFileSync(path, 'utf8').trim() };
}

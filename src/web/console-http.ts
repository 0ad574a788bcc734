import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import express from 'express';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { ASSETS_DIR } from './console-views';

/** The console's top-level paths: everything else belongs to the API's prefix. */
export const CONSOLE_PATHS = [
  '/',
  'entrar',
  'registro',
  'salir',
  'idioma',
  'org',
  'org/{*rest}',
  'lotes/{*rest}',
  'ofertas/{*rest}',
  'aprobaciones/{*rest}',
  'costos/{*rest}',
  'liquidaciones/{*rest}',
  'precios',
  'precios/{*rest}',
];

/**
 * What the console needs from Express: its own assets (htmx from the installed package, so
 * no CDN), cookies, and form bodies on its own paths only; the API keeps accepting JSON
 * alone.
 */
export function configureConsoleHttp(app: NestExpressApplication, bodyLimitBytes: number): void {
  const htmxDir = dirname(createRequire(__filename).resolve('htmx.org/dist/htmx.min.js'));
  const cacheFor = { maxAge: '1h', index: false as const };
  app.use('/assets/htmx', express.static(htmxDir, cacheFor));
  app.use('/assets', express.static(ASSETS_DIR, cacheFor));
  app.use(cookieParser());
  const forms = express.urlencoded({ extended: false, limit: bodyLimitBytes });
  app.use((req: express.Request, res: express.Response, next: express.NextFunction) => {
    if (req.path.startsWith('/api/')) return next();
    forms(req, res, next);
  });
}

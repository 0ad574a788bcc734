import { ExpressAdapter } from '@nestjs/platform-express';
import type { RequestHandler, Response } from 'express';
import { statusOverrideOf } from './status-override';

/** Express as Nest drives it, with two changes of ours (see each method). */
export class AylluExpressAdapter extends ExpressAdapter {
  /** A status set by `overrideStatus` wins over the route's declared one. */
  override reply(response: Response, body: unknown, statusCode?: number): unknown {
    return super.reply(response, body, statusOverrideOf(response) ?? statusCode);
  }

  /**
   * Nest mounts its not-found handler under the global prefix only, leaving a path such
   * as `/nope` to Express's HTML page; every path outside our routes gets problem details.
   */
  override setNotFoundHandler(
    handler: RequestHandler,
    prefix?: string,
    excludedRoutes?: unknown,
  ): unknown {
    const result = (super.setNotFoundHandler as (...args: unknown[]) => unknown)(
      handler,
      prefix,
      excludedRoutes,
    );
    this.use(handler);
    return result;
  }
}

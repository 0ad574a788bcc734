import type { Response } from 'express';

/**
 * Nest always replies with the route's declared status. A few answers depend on the
 * outcome (an accept is 201 with a deal or 202 with an approval; an idempotent replay
 * repeats whatever the first answer was), so a handler or interceptor may set the status
 * here and the adapter honours it.
 */
export function overrideStatus(res: Response, status: number): void {
  (res.locals as { statusOverride?: number }).statusOverride = status;
}

export function statusOverrideOf(res: Response): number | undefined {
  return (res.locals as { statusOverride?: number } | undefined)?.statusOverride;
}

/** The status the client will receive. */
export function effectiveStatus(res: Response): number {
  return statusOverrideOf(res) ?? res.statusCode;
}

import type { NextFunction, Request, Response } from 'express';
import { validationFailed } from '../errors/domain-error';

/** Deeper than any body of ours (the deepest, a cost sheet, nests 4 levels). */
export const MAX_JSON_DEPTH = 32;

/**
 * Depth of a parsed JSON value, walked without recursion, stopping as soon as it passes
 * `limit`: a body of thousands of nested arrays is cheap to parse but overflows the stack of
 * the recursive transformer and validator behind the validation pipe.
 */
export function jsonDepthExceeds(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [current, depth] = entry;
    if (typeof current !== 'object' || current === null) continue;
    if (depth >= limit) return true;
    for (const child of Object.values(current)) stack.push([child, depth + 1]);
  }
  return false;
}

/** Refuses a JSON body nested deeper than `limit` with 400 VALIDATION_FAILED. */
export function rejectDeepJson(limit = MAX_JSON_DEPTH) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    if (jsonDepthExceeds(req.body, limit)) {
      next(
        validationFailed([
          { field: '', code: 'TOO_DEEP', message: `must not nest deeper than ${limit} levels` },
        ]),
      );
      return;
    }
    next();
  };
}

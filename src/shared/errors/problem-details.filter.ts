import { type ArgumentsHost, Catch, type ExceptionFilter } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { preferredLanguage } from './problem-details';
import { toProblemResponse } from './problem-response';

/** The one place where errors become HTTP responses. */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(error, http.getRequest<Request>(), http.getResponse<Response>(), this.logger);
  }
}

export function sendProblem(error: unknown, req: Request, res: Response, logger: Logger): void {
  const retryAfter = res.getHeader('Retry-After');
  const response = toProblemResponse(
    error,
    preferredLanguage(req.headers['accept-language']),
    req.originalUrl.split('?')[0],
    retryAfter === undefined ? undefined : Number(retryAfter),
  );
  if (response.serverFault) {
    logger.error(
      { err: error, method: req.method, url: req.originalUrl.split('?')[0] },
      'request failed',
    );
  }
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  res.status(response.status).send(JSON.stringify(response.body));
}

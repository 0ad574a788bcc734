import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Inject,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import type { Logger } from 'pino';
import { LOGGER } from '../shared/logging/logger';
import { ApiProblem } from './console-api';
import { ConsolePages, CsrfRefused, SignInRequired } from './console-page';
import { problemText } from './console-views';

/**
 * Errors on a console page become pages, never JSON: a lost session goes back to the
 * sign-in form (and returns here after), a refusal gets a page that says why in the
 * person's language, and anything unexpected a plain apology with nothing leaked.
 */
@Catch()
export class ConsoleErrorFilter implements ExceptionFilter {
  constructor(
    private readonly pages: ConsolePages,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    const page = this.pages.open(req, res);
    const unauthenticated =
      error instanceof SignInRequired || (error instanceof ApiProblem && error.status === 401);
    if (unauthenticated) {
      page.endSession();
      const back = req.method === 'GET' ? `?next=${encodeURIComponent(req.originalUrl)}` : '';
      page.redirect(`/entrar${back}`);
      return;
    }
    let status = 500;
    let messageKey = 'error.server';
    let detail: string | undefined;
    if (error instanceof CsrfRefused) {
      status = 403;
      messageKey = 'error.csrf';
    } else if (error instanceof ApiProblem && error.status < 500) {
      status = error.status;
      messageKey = error.status === 404 ? 'error.notFound' : 'error.forbidden';
      detail = error.status === 404 ? undefined : problemText(error.problem, page.language);
    } else if (isNotFound(error)) {
      status = 404;
      messageKey = 'error.notFound';
    } else {
      this.logger.error({ err: error, url: req.originalUrl.split('?')[0] }, 'console page failed');
    }
    page.render('error', { title: page.t('error.title'), messageKey, detail }, status);
  }
}

function isNotFound(error: unknown): boolean {
  return error instanceof HttpException && error.getStatus() === 404;
}

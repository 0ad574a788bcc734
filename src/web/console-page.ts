import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { Language } from '../shared/errors/problem-details';
import { ApiProblem, ConsoleApi, isRefusal } from './console-api';
import { ConsoleSession } from './console-session';
import { ConsoleViews, type PageLocals } from './console-views';
import { parseDecimalInput, santiagoLocalToIso } from './format/format';
import { type Translate, translator } from './i18n/messages';

/** A form posted without this session's CSRF token. */
export class CsrfRefused extends Error {}

/** A page needs a signed-in person and the browser has no session. */
export class SignInRequired extends Error {}

export type FormValues = Record<string, string>;

/**
 * One request of the console: who is asking (the session), in which language, and the
 * means to read the API, render a template or redirect. Controllers get one per request.
 */
export class Page {
  readonly language: Language;
  readonly token: string | undefined;
  readonly t: Translate;

  constructor(
    readonly req: Request,
    readonly res: Response,
    private readonly session: ConsoleSession,
    private readonly views: ConsoleViews,
    private readonly api: ConsoleApi,
  ) {
    this.language = session.language(req);
    this.token = session.token(req);
    this.t = translator(this.language);
  }

  /** The session's token, or a redirect to the sign-in page for pages that need one. */
  requireSession(): string {
    if (!this.token) throw new SignInRequired();
    return this.token;
  }

  get<T>(path: string): Promise<T> {
    return this.api.get<T>(this.req, path, { token: this.token, language: this.language });
  }

  /**
   * A change through the API. The rendered form's own key, per path, makes a form submitted
   * twice one change; a form that makes two calls (register, then sign in) keeps them apart.
   */
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.api.post<T>(this.req, path, {
      token: this.token,
      language: this.language,
      body: body ?? {},
      idempotencyKey: `${this.form()._key || randomUUID()}:${path}`,
    });
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.api.patch<T>(this.req, path, {
      token: this.token,
      language: this.language,
      body,
    });
  }

  delete(path: string): Promise<void> {
    return this.api.delete(this.req, path, { token: this.token, language: this.language });
  }

  download(path: string) {
    return this.api.download(this.req, path, { token: this.token, language: this.language });
  }

  /** The posted form, after checking it carries this session's CSRF token. */
  submitted(): FormValues {
    if (!this.session.validCsrf(this.req)) throw new CsrfRefused();
    return this.form();
  }

  /** A number typed the way the person's language writes it, as a decimal string. */
  decimal(value: string | undefined): string | undefined {
    return value === undefined || value.trim() === ''
      ? undefined
      : parseDecimalInput(value, this.language);
  }

  /** A `datetime-local` field (Santiago time) as an ISO instant; garbage passes through. */
  instant(value: string | undefined): string | undefined {
    if (value === undefined || value.trim() === '') return undefined;
    return santiagoLocalToIso(value) ?? value;
  }

  render(view: string, locals: Partial<PageLocals> & { title: string }, status = 200): void {
    const html = this.views.render(view, {
      ...this.views.locals(this.language),
      csrf: this.session.csrfToken(this.req, this.res),
      formKey: randomUUID(),
      path: this.req.originalUrl,
      ...locals,
    });
    this.res.status(status).type('html').send(html);
  }

  /**
   * A refused form shown again: what was typed stays, the API's words go next to the fields
   * they name, and its detail on top.
   */
  refuse(view: string, problem: ApiProblem, locals: Partial<PageLocals> & { title: string }): void {
    this.render(
      view,
      { ...locals, values: this.form(), errors: problem.fieldErrors(), problem: problem.problem },
      problem.status >= 400 && problem.status < 500 ? 422 : 500,
    );
  }

  redirect(url: string): void {
    this.res.redirect(303, url);
  }

  startSession(accessToken: string, expiresInSeconds: number): void {
    this.session.start(this.res, accessToken, expiresInSeconds);
  }

  endSession(): void {
    this.session.end(this.res);
  }

  chooseLanguage(language: Language): void {
    this.session.chooseLanguage(this.res, language);
  }

  private form(): FormValues {
    const body = this.req.body as Record<string, unknown> | undefined;
    const values: FormValues = {};
    for (const [name, value] of Object.entries(body ?? {})) {
      if (typeof value === 'string') values[name] = value;
    }
    return values;
  }
}

@Injectable()
export class ConsolePages {
  constructor(
    private readonly session: ConsoleSession,
    private readonly views: ConsoleViews,
    private readonly api: ConsoleApi,
  ) {}

  open(req: Request, res: Response): Page {
    return new Page(req, res, this.session, this.views, this.api);
  }
}

export { ApiProblem, isRefusal };

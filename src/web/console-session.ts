import { Inject, Injectable } from '@nestjs/common';
import { doubleCsrf } from 'csrf-csrf';
import type { CookieOptions, Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import type { Language } from '../shared/errors/problem-details';

export const SESSION_COOKIE = 'ayllu_session';
export const LANGUAGE_COOKIE = 'ayllu_lang';
const CSRF_COOKIE = 'ayllu_csrf';

/**
 * A browser's session: the API's own access token, kept in an HttpOnly, SameSite cookie that
 * scripts cannot read and other sites cannot send with a form. The API itself never reads
 * this cookie (it accepts bearer tokens only), so a cookie can never act on the API behind
 * a person's back; the console's forms carry a CSRF token tied to the session as well.
 */
@Injectable()
export class ConsoleSession {
  private readonly csrf: ReturnType<typeof doubleCsrf>;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig & { jwtSecret: string }) {
    this.csrf = doubleCsrf({
      getSecret: () => config.jwtSecret,
      getSessionIdentifier: (req) => this.token(req) ?? 'anonymous',
      cookieName: CSRF_COOKIE,
      cookieOptions: this.cookieOptions(),
      getCsrfTokenFromRequest: (req) => {
        const token = (req.body as Record<string, unknown> | undefined)?._csrf;
        return typeof token === 'string' ? token : undefined;
      },
    });
  }

  token(req: Request): string | undefined {
    const value = (req.cookies as Record<string, string> | undefined)?.[SESSION_COOKIE];
    return value || undefined;
  }

  start(res: Response, accessToken: string, expiresInSeconds: number): void {
    res.cookie(SESSION_COOKIE, accessToken, {
      ...this.cookieOptions(),
      maxAge: expiresInSeconds * 1000,
    });
  }

  end(res: Response): void {
    res.clearCookie(SESSION_COOKIE, this.cookieOptions());
  }

  language(req: Request): Language {
    const chosen = (req.cookies as Record<string, string> | undefined)?.[LANGUAGE_COOKIE];
    return chosen === 'en' ? 'en' : 'es';
  }

  chooseLanguage(res: Response, language: Language): void {
    res.cookie(LANGUAGE_COOKIE, language, {
      ...this.cookieOptions(),
      maxAge: 365 * 24 * 3600 * 1000,
    });
  }

  /** The token a page puts in its forms; made (and its cookie set) when first needed. */
  csrfToken(req: Request, res: Response): string {
    return this.csrf.generateCsrfToken(req, res);
  }

  /** Whether a submitted form carries the token of this browser's session. */
  validCsrf(req: Request): boolean {
    return this.csrf.validateRequest(req);
  }

  private cookieOptions(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.production, path: '/' };
  }
}

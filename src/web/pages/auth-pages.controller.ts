import { Controller, Get, Post, Query, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Public } from '../../shared/auth/access.decorators';
import { ApiProblem, ConsolePages, isRefusal, type Page } from '../console-page';
import { ConsoleErrorFilter } from '../console-error.filter';
import type { ApiPage, Me } from '../api-types';

/** Signing in and out, registering, the language, and the list of one's organisations. */
@ApiExcludeController()
@Public()
@UseFilters(ConsoleErrorFilter)
@Controller()
export class AuthPagesController {
  constructor(private readonly pages: ConsolePages) {}

  @Get()
  async start(@Req() req: Request, @Res() res: Response): Promise<void> {
    const page = this.pages.open(req, res);
    if (!page.token) return page.redirect('/entrar');
    const me = await page.get<Me>('/me');
    if (me.memberships.length === 1)
      return page.redirect(`/org/${me.memberships[0].organizationId}`);
    await this.renderStart(page, me);
  }

  @Post('org')
  async createOrganization(@Req() req: Request, @Res() res: Response): Promise<void> {
    const page = this.pages.open(req, res);
    page.requireSession();
    const form = page.submitted();
    try {
      const organization = await page.post<{ id: string }>('/organizations', {
        kind: form.kind,
        name: form.name,
        ...(form.communityId ? { communityId: form.communityId } : {}),
      });
      page.redirect(`/org/${organization.id}`);
    } catch (error) {
      if (!isRefusal(error)) throw error;
      await this.renderStart(page, await page.get<Me>('/me'), error);
    }
  }

  @Get('entrar')
  signInForm(@Req() req: Request, @Res() res: Response, @Query('next') next?: string): void {
    this.pages.open(req, res).render('sign-in', { title: 'Ayllu', next: safeNext(next) });
  }

  @Post('entrar')
  async signIn(@Req() req: Request, @Res() res: Response): Promise<void> {
    const page = this.pages.open(req, res);
    const form = page.submitted();
    try {
      await this.login(page, form.email, form.password);
      page.redirect(safeNext(form.next) ?? '/');
    } catch (error) {
      if (!isRefusal(error)) throw error;
      page.refuse('sign-in', error, { title: page.t('signIn.title'), next: safeNext(form.next) });
    }
  }

  @Get('registro')
  registerForm(@Req() req: Request, @Res() res: Response): void {
    const page = this.pages.open(req, res);
    page.render('register', { title: page.t('register.title') });
  }

  @Post('registro')
  async register(@Req() req: Request, @Res() res: Response): Promise<void> {
    const page = this.pages.open(req, res);
    const form = page.submitted();
    try {
      await page.post('/auth/register', {
        email: form.email,
        password: form.password,
        displayName: form.displayName,
      });
      await this.login(page, form.email, form.password);
      page.redirect('/');
    } catch (error) {
      if (!isRefusal(error)) throw error;
      page.refuse('register', error, { title: page.t('register.title') });
    }
  }

  @Post('salir')
  signOut(@Req() req: Request, @Res() res: Response): void {
    const page = this.pages.open(req, res);
    page.submitted();
    page.endSession();
    page.redirect('/entrar');
  }

  @Post('idioma')
  chooseLanguage(@Req() req: Request, @Res() res: Response): void {
    const page = this.pages.open(req, res);
    const form = page.submitted();
    page.chooseLanguage(form.language === 'en' ? 'en' : 'es');
    page.redirect(safeNext(form.next) ?? '/');
  }

  private async login(page: Page, email: string | undefined, password: string | undefined) {
    const session = await page.post<{ accessToken: string; expiresIn: number }>('/auth/login', {
      email,
      password,
    });
    page.startSession(session.accessToken, session.expiresIn);
  }

  private async renderStart(page: Page, me: Me, problem?: ApiProblem): Promise<void> {
    const communities = (
      await page.get<ApiPage<{ id: string; name: string }>>('/communities?limit=100')
    ).items;
    const locals = { title: page.t('start.title'), user: me, me, communities };
    if (problem) page.refuse('start', problem, locals);
    else page.render('start', locals);
  }
}

/** Only paths of this site: `next` must never send a person elsewhere after signing in. */
function safeNext(next: string | undefined): string | undefined {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\')
    ? next
    : undefined;
}

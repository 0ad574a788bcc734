/// <reference lib="dom" />
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator } from 'playwright-core';
import type { TestUser } from '../../support/builders';
import { type BrowserApp, personOn } from './browser';

/**
 * A person already signed in, on a phone or a desktop: the console's session cookie holds
 * the API token that signing in would have put there, so tests that are not about signing
 * in do not click through it again.
 */
export async function signedInOn(
  browser: Browser,
  app: BrowserApp,
  user: TestUser,
  screen: { width: number; height: number },
): Promise<BrowserContext> {
  const context = await personOn(browser, app, screen);
  await context.addCookies([
    {
      name: 'ayllu_session',
      value: user.token,
      url: app.baseUrl,
      httpOnly: true,
      sameSite: 'Lax',
    },
  ]);
  return context;
}

/** Like `screenshot`, for one part of a page (docs/screenshots/<name>.png with SCREENSHOTS=1). */
export async function screenshotOf(part: Locator, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  const dir = join(__dirname, '..', '..', '..', 'docs', 'screenshots');
  mkdirSync(dir, { recursive: true });
  await part.screenshot({ path: join(dir, `${name}.png`) });
}

/// <reference lib="dom" />
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { type TestApp, type TestAppOptions, startTestApp } from '../../support/test-app';

/** Debian's Chromium; `.ci/run` installs the `chromium` package when it is missing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };

const SCREENSHOT_DIR = join(__dirname, '..', '..', '..', 'docs', 'screenshots');

export interface BrowserApp extends TestApp {
  baseUrl: string;
}

/** The whole app listening on loopback, as a browser needs it. */
export async function startBrowserApp(
  env: Record<string, string> = {},
  options: TestAppOptions = {},
): Promise<BrowserApp> {
  const app = await startTestApp(env, options);
  await app.app.listen(0, '127.0.0.1');
  const { port } = app.app.getHttpServer().address() as AddressInfo;
  return Object.assign(app, { baseUrl: `http://127.0.0.1:${port}` });
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `no Chromium at ${CHROMIUM}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A person's own browser: separate cookies, a phone or a desktop screen. */
export function personOn(
  browser: Browser,
  app: BrowserApp,
  screen: { width: number; height: number } = DESKTOP,
): Promise<BrowserContext> {
  return browser.newContext({
    baseURL: app.baseUrl,
    viewport: screen,
    isMobile: screen.width < 600,
    hasTouch: screen.width < 600,
    locale: 'es-CL',
    timezoneId: 'America/Santiago',
  });
}

const AXE_SOURCE = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * axe-core's WCAG checks on the page as it is now; returns the serious and critical ones.
 * The script is evaluated through the DevTools protocol, so the page's own CSP (which
 * forbids inline scripts) stays in force while it runs.
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: AxeViolation[] }> };
      }
    ).axe;
    const result = await axe.run(document, {
      runOnly: {
        type: 'tag',
        values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'],
      },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target })),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * With SCREENSHOTS=1 the page is saved as docs/screenshots/<name>.png (the README shows
 * them); otherwise nothing is written, so a test run leaves the tree as it found it.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
}

/** Fails with each serious or critical violation named, where it is on the page. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const violations = await seriousAccessibilityViolations(page);
  const described = violations.map(
    (v) =>
      `${screen}: ${v.impact} ${v.id} (${v.help}) at ${JSON.stringify(v.nodes.map((n) => n.target))}`,
  );
  expect(described).toEqual([]);
}

/** Signs a person in through the sign-in form and waits for the page it leads to. */
export async function signIn(
  page: Page,
  person: { email: string; password: string },
  landingHeading: string | RegExp,
): Promise<void> {
  await page.goto('/entrar');
  await page.getByLabel('Correo electrónico').fill(person.email);
  await page.getByLabel('Contraseña').fill(person.password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.getByRole('heading', { level: 1, name: landingHeading }).waitFor();
}

/**
 * One screen at both widths: axe-core finds no serious or critical violation on the desktop
 * or on a 360-pixel phone, nothing is wider than the phone, and with SCREENSHOTS=1 both are
 * saved. The viewport is put back as it was.
 */
export async function checkScreen(page: Page, name: string): Promise<void> {
  const original = page.viewportSize() ?? DESKTOP;
  for (const [width, screen] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    await page.setViewportSize(screen);
    await expectAccessible(page, `${name} (${width})`);
    if (width === 'phone') {
      const pageWidth = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(pageWidth).toBeLessThanOrEqual(PHONE.width);
    }
    await screenshot(page, `${name}-${width}`);
  }
  await page.setViewportSize(original);
}

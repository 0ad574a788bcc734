/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import {
  type BrowserApp,
  DESKTOP,
  PHONE,
  expectAccessible,
  launchBrowser,
  personOn,
  screenshot,
  startBrowserApp,
} from './support/browser';

describe('signing in to the console', () => {
  let app: BrowserApp;
  let browser: Browser;
  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser.close();
    await app.close();
  });

  it('registers on a phone, in Spanish, and keeps what was typed when a field is refused', async () => {
    const context = await personOn(browser, app, PHONE);
    const page = await context.newPage();
    await page.goto('/');
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Entrar');
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'sign-in-phone');

    await page.getByRole('link', { name: 'Crear una cuenta' }).click();
    await page.getByLabel('Nombre').fill('Rosa Mamani');
    await page.getByLabel('Correo electrónico').fill('rosa-sin-arroba');
    await page.getByLabel('Contraseña').fill('zanahorias-2026');
    await page.getByRole('button', { name: 'Crear cuenta' }).click();

    const error = page.locator('#f-email-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('correo');
    expect(await page.getByLabel('Nombre').inputValue()).toBe('Rosa Mamani');
    expect(await page.getByLabel('Correo electrónico').getAttribute('aria-invalid')).toBe('true');
    await expectAccessible(page, 'register-refused');
    await screenshot(page, 'register-refused-phone');

    // Nothing is wider than the phone's screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(PHONE.width);

    await page.getByLabel('Correo electrónico').fill('rosa@lasana.cl');
    await page.getByLabel('Contraseña').fill('zanahorias-2026');
    await page.getByRole('button', { name: 'Crear cuenta' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sus organizaciones' }).waitFor();
    await expectAccessible(page, 'start');
    await context.close();
  });

  it('speaks English when asked, on a desktop', async () => {
    const context = await personOn(browser, app, DESKTOP);
    const page = await context.newPage();
    await page.goto('/entrar');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expectAccessible(page, 'sign-in-en');
    await context.close();
  });
});

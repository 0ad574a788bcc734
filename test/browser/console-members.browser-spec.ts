/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { newUser, type TestUser } from '../support/builders';
import { newAssociationTeam } from '../support/market-price-builders';
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

describe('members and producers in the browser', () => {
  let app: BrowserApp;
  let browser: Browser;
  let team: Awaited<ReturnType<typeof newAssociationTeam>>;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
    team = await newAssociationTeam(app.http);
  });
  afterAll(async () => {
    await browser.close();
    await app.close();
  });

  async function signIn(page: Page, user: TestUser, next: string): Promise<void> {
    await page.goto(`/entrar?next=${encodeURIComponent(next)}`);
    await page.getByLabel('Correo electrónico').fill(user.email);
    await page.getByLabel('Contraseña').fill(user.password);
    await page.getByRole('button', { name: 'Entrar' }).click();
    await page.getByRole('heading', { level: 1, name: 'Socios y productores' }).waitFor();
  }

  it('adds a producer and a person, and keeps a refused policy as typed, on a phone', async () => {
    const context = await personOn(browser, app, PHONE);
    const page = await context.newPage();
    const path = `/org/${team.association.id}/socios`;
    await signIn(page, team.manager, path);
    await expectAccessible(page, 'members');

    const producerForm = page.locator(`form[action="${path}/productores"]`);
    await producerForm.getByLabel('Nombre').fill('Familia Anza');
    await producerForm.getByLabel('RUT').fill('12.345.678-5');
    await producerForm.getByLabel('Socio/a en Ayllu').selectOption({
      label: `Socia Lasana (${team.member.email})`,
    });
    await producerForm.getByRole('button', { name: 'Agregar productor' }).click();
    await page.getByText('Productor agregado.').waitFor();
    const row = page.getByRole('row', { name: /Familia Anza/ });
    expect(await row.getByRole('cell').allTextContents()).toEqual([
      '—',
      '12.345.678-5',
      'Socia Lasana',
    ]);

    const newcomer = await newUser(app.http, 'Juana Choque');
    const memberForm = page.locator(`form[action="${path}/miembros"]`);
    await memberForm.getByLabel('Correo electrónico').fill(newcomer.email);
    await memberForm.getByLabel('Rol').selectOption('treasurer');
    await memberForm.getByRole('button', { name: 'Agregar persona' }).click();
    await page.getByText('Persona agregada.').waitFor();
    expect(
      await page
        .getByRole('row', { name: /Juana Choque/ })
        .getByRole('cell')
        .allTextContents(),
    ).toEqual([newcomer.email, 'tesorería']);

    await page.getByLabel('Quién aprueba una venta').selectOption('member_vote');
    await page.getByLabel('Mayoría necesaria en la votación').fill('1,5');
    await page.getByLabel('Horas para votar').fill('36');
    await page.getByRole('button', { name: 'Guardar' }).click();
    const error = page.locator('#f-voteThreshold-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('fuera del rango');
    const threshold = page.getByLabel('Mayoría necesaria en la votación');
    expect(await threshold.inputValue()).toBe('1,5');
    expect(await threshold.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Horas para votar').inputValue()).toBe('36');
    expect(await page.getByLabel('Quién aprueba una venta').inputValue()).toBe('member_vote');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(overflow).toBeLessThanOrEqual(PHONE.width);
    await expectAccessible(page, 'members-policy-refused');
    await page.goto(path);
    await page.getByRole('heading', { level: 1, name: 'Socios y productores' }).waitFor();
    await screenshot(page, 'members-phone');
    await context.close();
  });

  it('shows an unknown email next to its field, on a desktop', async () => {
    const context = await personOn(browser, app, DESKTOP);
    const page = await context.newPage();
    const path = `/org/${team.association.id}/socios`;
    await signIn(page, team.manager, path);
    const memberForm = page.locator(`form[action="${path}/miembros"]`);
    await memberForm.getByLabel('Correo electrónico').fill('nadie@lasana.cl');
    await memberForm.getByRole('button', { name: 'Agregar persona' }).click();
    const error = page.locator('#f-email-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('No hay un usuario con ese correo');
    expect(await page.getByLabel('Correo electrónico').inputValue()).toBe('nadie@lasana.cl');
    await expectAccessible(page, 'members-email-refused');
    await page.goto(path);
    await page.getByRole('heading', { level: 1, name: 'Socios y productores' }).waitFor();
    await expectAccessible(page, 'members-desktop');
    await screenshot(page, 'members-desktop');
    await context.close();
  });

  it('lets a member read the lists and the policy, without forms', async () => {
    const context = await personOn(browser, app, PHONE);
    const page = await context.newPage();
    await signIn(page, team.member, `/org/${team.association.id}/socios`);
    expect(await page.getByRole('button', { name: 'Guardar' }).count()).toBe(0);
    expect(await page.getByText('La directiva').count()).toBe(1);
    await expectAccessible(page, 'members-read');
    await context.close();
  });
});

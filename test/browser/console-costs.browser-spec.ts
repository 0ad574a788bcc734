/// <reference lib="dom" />
import type { Browser, Page } from 'playwright-core';
import { addMember, newOrganization, newUser, type TestUser } from '../support/builders';
import { carrotSheet, createSheet, productId } from '../support/costing-builders';
import {
  type BrowserApp,
  DESKTOP,
  PHONE,
  expectAccessible,
  launchBrowser,
  screenshot,
  startBrowserApp,
} from './support/browser';
import { screenshotOf, signedInOn } from './support/console-people';

/** The treasurer of Lasana costs her carrots: a sheet made by clicking, its summary, its map. */
describe('cost sheets in the console', () => {
  let app: BrowserApp;
  let browser: Browser;
  let treasurer: TestUser;
  let associationId: string;
  let carrotId: string;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
    const manager = await newUser(app.http, 'Gerente Lasana');
    treasurer = await newUser(app.http, 'Tesorera Lasana');
    associationId = (await newOrganization(app.http, manager, 'association')).id;
    await addMember(app.http, manager, associationId, treasurer, 'treasurer');
    carrotId = await productId(app.http, 'zanahoria');
  });
  afterAll(async () => {
    await browser.close();
    await app.close();
  });

  const breakEven = (page: Page) => page.locator('[data-figure="break-even"]').textContent();

  async function addPricedLine(
    page: Page,
    line: { category: string; description: string; quantity: string; unit: string; price: string },
  ) {
    const form = page.locator('#agregar form');
    await form.getByLabel('Categoría').selectOption({ label: line.category });
    await form.getByLabel('Descripción').fill(line.description);
    await form.getByLabel('Cantidad').fill(line.quantity);
    await form.getByLabel(/^Unidad/).fill(line.unit);
    await form.getByLabel('Precio unitario (CLP)').fill(line.price);
    await form.getByRole('button', { name: 'Agregar línea' }).click();
    await page.getByRole('cell', { name: line.description, exact: true }).waitFor();
  }

  it('creates a sheet and edits its lines by clicking; the summary follows, live', async () => {
    const context = await signedInOn(browser, app, treasurer, DESKTOP);
    const page = await context.newPage();
    await page.goto(`/org/${associationId}/costos`);
    await page.getByRole('heading', { level: 1, name: 'Fichas de costos' }).waitFor();
    await expectAccessible(page, 'costs-list-empty');

    await page.getByLabel('Producto *').selectOption({ label: 'Zanahoria' });
    await page.getByLabel('Nombre de la ficha').fill('Zanahoria, terraza de Lasana');
    await page.getByLabel('Temporada').fill('2026-2027');
    await page.getByLabel('Superficie (ha)').fill('0,4');
    await page.getByLabel('Rendimiento bajo').fill('6.000');
    await page.getByLabel('Rendimiento esperado').fill('8.000');
    await page.getByLabel('Rendimiento alto').fill('10.000');
    await page.getByRole('button', { name: 'Crear ficha' }).click();
    await page.getByRole('heading', { level: 1, name: 'Zanahoria, terraza de Lasana' }).waitFor();
    await expectAccessible(page, 'costs-editor-empty');

    await addPricedLine(page, {
      category: 'Mano de obra contratada',
      description: 'Siembra',
      quantity: '2',
      unit: 'JH',
      price: '25.000',
    });
    // 50.000 over 8.000 kg.
    expect(await breakEven(page)).toBe('6,25 $/kg');
    await addPricedLine(page, {
      category: 'Insumos',
      description: 'Semilla de zanahoria',
      quantity: '2',
      unit: 'kg',
      price: '45.000',
    });
    // 140.000 over 8.000 kg.
    expect(await breakEven(page)).toBe('17,5 $/kg');

    // A refused change: the field says why, and what was typed stays.
    await page.getByRole('link', { name: 'Cambiar: Siembra' }).click();
    const edit = page.locator('#editar form');
    await edit.waitFor();
    expect(await edit.getByLabel('Cantidad').inputValue()).toBe('2');
    await edit.getByLabel('Cantidad').fill('-2');
    await edit.getByLabel('Precio unitario (CLP)').fill('27.500');
    await edit.getByRole('button', { name: 'Guardar' }).click();
    const error = page.locator('#f-lines-0-quantity-error');
    await error.waitFor();
    expect(await error.textContent()).toBe('no puede ser negativo');
    const quantity = page.locator('#editar').getByLabel('Cantidad');
    expect(await quantity.inputValue()).toBe('-2');
    expect(await quantity.getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#editar').getByLabel('Precio unitario (CLP)').inputValue()).toBe(
      '27.500',
    );
    await expectAccessible(page, 'costs-line-refused');
    await quantity.fill('3');
    await page.locator('#editar').getByRole('button', { name: 'Guardar' }).click();
    // 3 × 27.500 + 90.000 = 172.500 over 8.000 kg.
    await page.locator('[data-figure="break-even"]', { hasText: '21,56' }).waitFor();

    // The margin at a typed price arrives without a click (htmx), then again on submit.
    await page.getByLabel('Precio de venta ($/kg)').fill('30');
    const margin = page.locator('[data-figure="margin"]');
    await margin.waitFor();
    // 30 × 8.000 − 172.500.
    expect(await margin.textContent()).toBe('+$ 67.500');
    await page.getByLabel('Precio de venta ($/kg)').fill('20');
    await page.locator('[data-figure="margin"]', { hasText: '−$ 12.500' }).waitFor();

    const heatMap = page.getByRole('table', { name: /Margen por precio/ });
    await heatMap.waitFor();
    expect(await heatMap.getByRole('rowheader').count()).toBeGreaterThanOrEqual(7);
    expect(await heatMap.locator('td.heat-loss-2').count()).toBeGreaterThan(0);
    expect(await heatMap.locator('td.heat-gain-2').count()).toBeGreaterThan(0);
    expect(await page.getByRole('row', { name: /21,56 \$\/kg equilibrio/ }).count()).toBe(1);
    await expectAccessible(page, 'costs-editor');

    await page.getByRole('button', { name: 'Quitar: Semilla de zanahoria' }).click();
    await page.locator('[data-figure="break-even"]', { hasText: '10,31' }).waitFor();
    await context.close();
  });

  it('works without JavaScript: the summary at a price comes from the submit button', async () => {
    const sheet = await createSheet(app.http, treasurer, associationId, carrotSheet(carrotId));
    const context = await browser.newContext({ baseURL: app.baseUrl, javaScriptEnabled: false });
    await context.addCookies([
      { name: 'ayllu_session', value: treasurer.token, url: app.baseUrl, httpOnly: true },
    ]);
    const page = await context.newPage();
    await page.goto(`/costos/${sheet.id}`);
    await page.getByLabel('Precio de venta ($/kg)').fill('250');
    await page.getByRole('button', { name: 'Calcular' }).click();
    await page.locator('[data-figure="margin"]').waitFor();
    expect(await page.locator('[data-figure="margin"]').textContent()).toBe('+$ 615.454');
    expect(page.url()).toContain('precio=250');
    await context.close();
  });

  for (const [screen, size] of [
    ['phone', PHONE],
    ['desktop', DESKTOP],
  ] as const) {
    it(`shows the list, the editor and the heat map on a ${screen}`, async () => {
      const sheet = await createSheet(app.http, treasurer, associationId, carrotSheet(carrotId));
      const context = await signedInOn(browser, app, treasurer, size);
      const page = await context.newPage();
      await page.goto(`/org/${associationId}/costos`);
      await page.getByRole('heading', { level: 1, name: 'Fichas de costos' }).waitFor();
      await expectAccessible(page, `costs-list-${screen}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        size.width,
      );
      await screenshot(page, `costs-list-${screen}`);

      await page.getByRole('link', { name: 'Zanahoria, terraza de Lasana' }).first().click();
      await page.getByRole('heading', { level: 1, name: 'Zanahoria, terraza de Lasana' }).waitFor();
      await page.goto(`/costos/${sheet.id}?precio=250`);
      await page.locator('[data-figure="margin"]').waitFor();
      expect(await page.locator('[data-figure="break-even"]').textContent()).toBe('173,07 $/kg');
      await expectAccessible(page, `costs-editor-${screen}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        size.width,
      );
      await screenshot(page, `costs-editor-${screen}`);
      const heatMap = page.locator('section', { has: page.locator('table.heat-map') });
      await screenshotOf(heatMap, `costs-heatmap-${screen}`);

      // A sheet started from the template asks for its figures first.
      const draft = await createSheet(app.http, treasurer, associationId, {
        ...carrotSheet(carrotId),
        lines: undefined,
        fromTemplate: true,
      });
      await page.goto(`/costos/${draft.id}`);
      await page.getByRole('heading', { level: 2, name: 'Cifras por completar' }).waitFor();
      await expectAccessible(page, `costs-draft-${screen}`);
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
        size.width,
      );
      await context.close();
    });
  }
});

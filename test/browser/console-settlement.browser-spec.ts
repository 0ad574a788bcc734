/// <reference lib="dom" />
import type { Browser } from 'playwright-core';
import { type DeliveredLot, deliveredLot } from '../support/console-builders';
import {
  type BrowserApp,
  DESKTOP,
  PHONE,
  expectAccessible,
  launchBrowser,
  screenshot,
  startBrowserApp,
} from './support/browser';
import { signedInOn } from './support/console-people';

/**
 * The treasurer of Lasana settles a sold and delivered carrot lot (400 kg at CLP 250/kg,
 * set up through the API), by clicking: gross 100.000, freight 10.000, the association's 3 %
 * commission 3.000, net 87.000, shared by weight with grade B at 0,85.
 */
describe('settlement in the console', () => {
  let app: BrowserApp;
  let browser: Browser;
  let story: DeliveredLot;
  let settlementPath: string;

  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserApp(), launchBrowser()]);
    story = await deliveredLot(app.http);
  });
  afterAll(async () => {
    await browser.close();
    await app.close();
  });

  it('drafts and confirms a settlement by clicking; the payouts add up to the net', async () => {
    const context = await signedInOn(browser, app, story.treasurer, DESKTOP);
    const page = await context.newPage();
    await page.goto(`/lotes/${story.lotId}/liquidacion`);
    await page.getByRole('heading', { level: 1, name: 'Liquidación del lote' }).waitFor();
    await expectAccessible(page, 'settlement-list');

    await page.getByLabel('Flete (CLP)').fill('10.000');
    await page.getByLabel('Factor B (Segunda)').fill('0,85');
    await page.getByRole('button', { name: 'Calcular borrador' }).click();
    await page.getByRole('heading', { level: 1, name: 'Liquidación' }).waitFor();
    settlementPath = new URL(page.url()).pathname;
    await expectAccessible(page, 'settlement-draft');

    const net = await page.locator('[data-figure="net"]').textContent();
    expect(net).toBe('$ 87.000');
    expect(await page.locator('[data-figure="payout-total"]').textContent()).toBe(net);
    const payouts = page.getByRole('table', { name: 'Pago a cada productor' });
    const rows = payouts.locator('tbody tr');
    expect(await rows.count()).toBe(3);
    expect((await rows.allInnerTexts()).sort()).toEqual([
      expect.stringMatching(/^Familia Anza\s+100\s+\$ 22\.597/),
      expect.stringMatching(/^Familia Cruz\s+100\s+\$ 19\.208/),
      expect.stringMatching(/^Familia Mamani\s+200\s+\$ 45\.195/),
    ]);

    await page.getByRole('link', { name: 'Confirmar la liquidación' }).click();
    await page.getByRole('heading', { level: 1, name: '¿Confirmar la liquidación?' }).waitFor();
    await expectAccessible(page, 'settlement-confirm');
    await page.getByRole('button', { name: 'Sí, confirmar' }).click();
    await page.getByText('La liquidación quedó confirmada.').waitFor();
    expect(await page.getByText('confirmada', { exact: true }).count()).toBeGreaterThan(0);
    expect(await page.getByRole('link', { name: 'Confirmar la liquidación' }).count()).toBe(0);
    await expectAccessible(page, 'settlement-confirmed');
    await screenshot(page, 'settlement-desktop');

    // The files come through the console, with the browser's cookie.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: /Planilla de todos los productores/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
    const csv = await context.request.get(`${settlementPath}/planilla.csv`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect(await csv.text()).toContain('Familia Cruz');
    const pdfHref = await page
      .getByRole('link', { name: 'Liquidación en PDF de Familia Anza' })
      .getAttribute('href');
    const pdf = await context.request.get(pdfHref as string);
    expect(pdf.status()).toBe(200);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    expect((await pdf.body()).subarray(0, 5).toString()).toBe('%PDF-');
    await context.close();
  });

  it('shows a member the confirmed settlement on a phone, with her own statement only, and the treasurer its form', async () => {
    const context = await signedInOn(browser, app, story.rosa, PHONE);
    const page = await context.newPage();
    await page.goto(settlementPath);
    await page.getByRole('heading', { level: 1, name: 'Liquidación' }).waitFor();
    await expectAccessible(page, 'settlement-phone');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    expect(await page.getByRole('link', { name: /PDF de Familia Mamani/ }).count()).toBe(1);
    expect(await page.getByRole('link', { name: /PDF de Familia Anza/ }).count()).toBe(0);
    expect(await page.getByRole('link', { name: /Planilla/ }).count()).toBe(0);
    await screenshot(page, 'settlement-phone');
    await context.close();

    const treasurer = await signedInOn(browser, app, story.treasurer, PHONE);
    const form = await treasurer.newPage();
    await form.goto(`/lotes/${story.lotId}/liquidacion`);
    await form.getByRole('button', { name: 'Calcular borrador' }).waitFor();
    await expectAccessible(form, 'settlement-list-phone');
    expect(await form.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
      PHONE.width,
    );
    await treasurer.close();
  });
});

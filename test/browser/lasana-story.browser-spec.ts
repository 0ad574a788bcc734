/// <reference lib="dom" />
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { ManualClock } from '../../src/shared/clock';
import { isoToSantiagoLocal } from '../../src/web/format/format';
import { addMember, bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  type Buyer,
  contribute,
  newBuyer,
  newLot,
  newProducer,
  productByCode,
  publish,
  setPolicy,
} from '../support/lot-builders';
import {
  type BrowserApp,
  DESKTOP,
  PHONE,
  launchBrowser,
  personOn,
  checkScreen,
  signIn,
  startBrowserApp,
} from './support/browser';

/**
 * The Lasana story clicked through: the manager pools the families' carrots into a lot,
 * two buyers offer, the manager counters one, that buyer takes the counter; the other offer
 * goes to the members, who vote on their phones; then a sealed tender closes at a uniform
 * price. Accounts and producers are made through the API; every step of the story is
 * clicked.
 */
describe('the Lasana story in the browser', () => {
  const clock = new ManualClock();
  let app: BrowserApp;
  let browser: Browser;
  let manager: TestUser;
  let association: { id: string; name: string };
  let members: { user: TestUser; producer: { id: string; name: string } }[];
  let norte: Buyer;
  let calama: Buyer;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    [app, browser] = await Promise.all([startBrowserApp({}, { clock }), launchBrowser()]);
    manager = await newUser(app.http, 'Marta Flores');
    association = await newOrganization(app.http, manager, 'association', 'Agricultores de Lasana');
    await setPolicy(app.http, manager, association.id, {
      approvalPolicy: 'member_vote',
      voteThreshold: '0.5',
      voteHours: 24,
    });
    members = [];
    for (const name of ['Rosa Mamani', 'Juan Choque', 'Ana Cruz']) {
      const user = await newUser(app.http, name);
      await addMember(app.http, manager, association.id, user, 'member');
      members.push({
        user,
        producer: await newProducer(app.http, manager, association.id, name, user.id),
      });
    }
    norte = await newBuyer(app.http, 'Distribuidora del Norte');
    calama = await newBuyer(app.http, 'Feria Calama');
  });

  afterAll(async () => {
    await Promise.all(contexts.map((context) => context.close()));
    await browser.close();
    await app.close();
  });

  async function open(
    person: TestUser,
    screen: typeof PHONE,
    landing: string | RegExp,
  ): Promise<Page> {
    const context = await personOn(browser, app, screen);
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, person, landing);
    return page;
  }

  function tomorrowInSantiago(): string {
    return isoToSantiagoLocal(new Date(clock.now().getTime() + 24 * 3_600_000));
  }

  let lotUrl: string;

  it('the manager pools the harvest into a lot and publishes it', async () => {
    const page = await open(manager, DESKTOP, 'Agricultores de Lasana');
    await checkScreen(page, 'association-home');
    await page.getByRole('link', { name: 'Nuevo lote' }).click();
    await page.getByRole('heading', { level: 1, name: 'Nuevo lote' }).waitFor();
    await page.getByLabel('Producto').selectOption({ label: 'Zanahoria' });
    await page.getByLabel('Precio pedido').fill('250');
    await page.getByLabel('Compra mínima').fill('100');
    await page.getByLabel('Entrega desde').fill('2026-12-10');
    await page.getByLabel('Entrega hasta').fill('2026-12-20');
    await page.getByLabel('Lugar de entrega').fill('Sede de la asociación, Lasana');
    await checkScreen(page, 'lot-new');
    await page.getByRole('button', { name: 'Crear lote (borrador)' }).click();
    await page.getByRole('heading', { level: 1, name: /Zanahoria/ }).waitFor();
    lotUrl = new URL(page.url()).pathname;

    for (const [index, quantity] of ['1.000', '800', '600'].entries()) {
      await page.getByLabel('Productor/a').selectOption({ label: members[index].producer.name });
      await page.getByLabel('Cantidad (kg)').fill(quantity);
      await page.getByRole('button', { name: 'Agregar aporte' }).click();
      await page.getByRole('cell', { name: members[index].producer.name, exact: true }).waitFor();
    }
    await page.getByRole('button', { name: 'Publicar' }).click();
    await page.getByText('abierto', { exact: true }).waitFor();
    const total = await page.locator('.figures div').filter({ hasText: 'Total' }).textContent();
    expect(total).toContain('2.400 kg');
    await checkScreen(page, 'lot-association');
  });

  let norteOfferPage: Page;

  it('two buyers offer, one from a phone', async () => {
    norteOfferPage = await open(norte.user, PHONE, 'Distribuidora del Norte');
    await checkScreen(norteOfferPage, 'buyer-home');
    await norteOfferPage
      .getByRole('link', { name: /Zanahoria/ })
      .first()
      .click();
    await norteOfferPage.getByRole('heading', { level: 2, name: 'Hacer una oferta' }).waitFor();
    await norteOfferPage.getByLabel('Precio por kg').fill('200');
    await norteOfferPage.getByLabel('Cantidad (kg)').fill('1.500');
    await norteOfferPage.getByLabel('Vence').fill(tomorrowInSantiago());
    await norteOfferPage.getByRole('button', { name: 'Enviar oferta' }).click();

    await norteOfferPage.getByText('200 $/kg').first().waitFor();
    await checkScreen(norteOfferPage, 'lot-buyer');

    const calamaPage = await open(calama.user, DESKTOP, 'Feria Calama');
    await calamaPage.goto(lotUrl);
    // A refused offer: the API's words next to the field, and what was typed kept.
    await calamaPage.getByLabel('Precio por kg').fill('0');
    await calamaPage.getByLabel('Cantidad (kg)').fill('800');
    await calamaPage.getByLabel('Vence').fill(tomorrowInSantiago());
    await calamaPage.getByRole('button', { name: 'Enviar oferta' }).click();
    const priceError = calamaPage.locator('#f-price-error');
    await priceError.waitFor();
    expect(await calamaPage.getByLabel('Precio por kg').getAttribute('aria-invalid')).toBe('true');
    expect(await calamaPage.getByLabel('Cantidad (kg)').inputValue()).toBe('800');
    await checkScreen(calamaPage, 'offer-refused');
    await calamaPage.getByLabel('Precio por kg').fill('210');
    await calamaPage.getByLabel('Cantidad (kg)').fill('800');
    await calamaPage.getByLabel('Vence').fill(tomorrowInSantiago());
    await calamaPage.getByRole('button', { name: 'Enviar oferta' }).click();
    await calamaPage.getByText('210 $/kg').first().waitFor();
    // A buyer sees only its own thread.
    expect(await calamaPage.getByText('200 $/kg').count()).toBe(0);
  });

  let managerPage: Page;

  it('the manager counters one offer and that buyer takes the counter: a deal', async () => {
    managerPage = await open(manager, DESKTOP, 'Agricultores de Lasana');
    await managerPage.getByRole('heading', { name: 'Ofertas esperando respuesta' }).waitFor();
    await managerPage.goto(lotUrl);
    const norteThread = managerPage.locator('li[id^="offer-"]').filter({ hasText: '200 $/kg' });
    await norteThread.getByText('Contraofertar').click();
    await norteThread.getByLabel('Precio por kg').fill('230');
    await norteThread.getByRole('button', { name: 'Enviar contraoferta' }).click();
    await managerPage.locator('li[id^="offer-"]').filter({ hasText: '230 $/kg' }).waitFor();

    await norteOfferPage.reload();
    const counter = norteOfferPage.locator('li[id^="offer-"]').filter({ hasText: '230 $/kg' });
    await counter.getByRole('button', { name: 'Aceptar' }).click();
    const accepted = norteOfferPage.locator('li[id^="offer-"]').filter({ hasText: 'aceptada' });
    await accepted.waitFor();
    expect(await accepted.textContent()).toContain('230 $/kg');
  });

  it('the other offer goes to a member vote, approved on the members’ phones', async () => {
    await managerPage.reload();
    const calamaThread = managerPage.locator('li[id^="offer-"]').filter({ hasText: '210 $/kg' });
    await calamaThread.getByRole('button', { name: 'Aceptar' }).click();
    await managerPage.getByRole('heading', { level: 1, name: 'Votación de una oferta' }).waitFor();
    const approvalUrl = new URL(managerPage.url()).pathname;

    for (const member of members.slice(0, 2)) {
      const phone = await open(member.user, PHONE, 'Agricultores de Lasana');
      await phone.getByRole('link', { name: 'Votar una oferta' }).click();
      await phone.getByRole('heading', { level: 1, name: 'Votación de una oferta' }).waitFor();
      expect(new URL(phone.url()).pathname).toBe(approvalUrl);
      await checkScreen(phone, 'vote');
      await phone.getByRole('button', { name: 'Aprobar la venta' }).click();
      await phone.getByText('Su voto quedó registrado.').waitFor();
    }
    await managerPage.goto(lotUrl);
    const available = await managerPage
      .locator('.figures div')
      .filter({ hasText: 'Disponible' })
      .textContent();
    expect(available).toContain('100 kg');
    const sold = await managerPage
      .locator('.figures div')
      .filter({ hasText: 'Vendido' })
      .textContent();
    expect(sold).toContain('2.300 kg');
  });

  it('a sealed tender closes at one uniform price', async () => {
    const carrot = await productByCode(app.http, 'zanahoria');
    const tender = await newLot(app.http, manager, association.id, carrot.id, {
      mechanism: 'tender',
      pricingRule: 'uniform',
      reservePrice: '150',
      closesAt: new Date(clock.now().getTime() + 30 * 60_000).toISOString(),
    });
    await contribute(app.http, manager, tender.id, members[2].producer.id, '1000');
    await publish(app.http, manager, tender.id);

    for (const [buyer, price, quantity] of [
      [norte, '190', '600'],
      [calama, '175', '400'],
    ] as const) {
      const page = await open(buyer.user, DESKTOP, buyer.organization.name);
      await page.goto(`/lotes/${tender.id}`);
      await page.getByText('Licitación cerrada: nadie ve su oferta antes del cierre.').waitFor();
      await page.getByLabel('Precio por kg').fill(price);
      await page.getByLabel('Cantidad (kg)').fill(quantity);
      await page.getByLabel('Vence').fill(tomorrowInSantiago());
      await page.getByRole('button', { name: 'Enviar oferta cerrada' }).click();
      await page.getByText(`${price} $/kg`).first().waitFor();
    }
    // Sealed: the association sees no bid before the close.
    await managerPage.goto(`/lotes/${tender.id}`);
    await managerPage.getByText('Licitación cerrada: las ofertas se verán al cierre.').waitFor();
    expect(await managerPage.getByText('190 $/kg').count()).toBe(0);

    clock.advance(31 * 60_000);
    await managerPage.reload();
    await managerPage.getByRole('heading', { name: 'Adjudicación' }).waitFor();
    expect(await managerPage.getByText('Precio de cierre').textContent()).toContain('175 $/kg');
    const rows = managerPage.locator('#allocation ~ .table-wrap tbody tr');
    expect(await rows.count()).toBe(2);
    await checkScreen(managerPage, 'tender-allocation');
  });

  it('the API agrees with what the pages showed', async () => {
    const lotId = lotUrl.split('/').pop();
    const lot = await app.http.get(`/api/v1/lots/${lotId}`).set(bearer(manager)).expect(200);
    expect(lot.body.quantitySold).toBe('2300');
    expect(lot.body.quantityAvailable).toBe('100');
  });
});

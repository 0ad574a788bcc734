import { addMember, bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import { consoleAgent, csrfOf } from '../support/console-builders';
import { carrotSheet, createSheet, productId } from '../support/costing-builders';
import { type TestApp, startTestApp } from '../support/test-app';

/** The cost-sheet pages below the browser: forms, refusals, the live summary, the heat map. */
describe('console: cost sheets', () => {
  let t: TestApp;
  let manager: TestUser;
  let member: TestUser;
  let association: { id: string };
  let carrotId: string;

  beforeAll(async () => {
    t = await startTestApp();
    [manager, member] = await Promise.all([newUser(t.http, 'Gerente'), newUser(t.http, 'Socia')]);
    association = await newOrganization(t.http, manager, 'association');
    await addMember(t.http, manager, association.id, member, 'member');
    carrotId = await productId(t.http, 'zanahoria');
  });
  afterAll(() => t.close());

  it('creates a sheet from the form, and keeps what was typed when a field is refused', async () => {
    const browser = await consoleAgent(t, manager);
    const list = await browser.get(`/org/${association.id}/costos`).expect(200);
    expect(list.text).toContain('Nueva ficha de costos');
    const refused = await browser
      .post(`/org/${association.id}/costos`)
      .type('form')
      .send({
        _csrf: csrfOf(list.text),
        productId: carrotId,
        season: '2026-2027',
        areaHa: '0,4',
        currency: 'CLP',
        'yields.low': '6.000',
        'yields.expected': '-8000',
        'yields.high': '10.000',
      });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="f-yields-expected-error">debe ser mayor que cero</);
    expect(refused.text).toContain('value="-8000"');
    expect(refused.text).toContain('value="0,4"');

    const created = await browser
      .post(`/org/${association.id}/costos`)
      .type('form')
      .send({
        _csrf: csrfOf(list.text),
        productId: carrotId,
        name: 'Zanahoria del valle',
        season: '2026-2027',
        areaHa: '0,4',
        currency: 'CLP',
        'yields.low': '6.000',
        'yields.expected': '8.000',
        'yields.high': '10.000',
      })
      .expect(303);
    const editor = await browser.get(created.headers.location).expect(200);
    expect(editor.text).toContain('Zanahoria del valle');
    expect(editor.text).toContain('Agregar una línea');
  });

  it('adds, changes and removes lines; the summary and the heat map follow', async () => {
    const sheet = await createSheet(t.http, manager, association.id, carrotSheet(carrotId));
    const browser = await consoleAgent(t, manager);
    const editor = await browser.get(`/costos/${sheet.id}`).expect(200);
    expect(editor.text).toContain('173,07 $/kg');
    expect(editor.text).toContain('class="heat-map money-table"');
    expect(editor.text).toMatch(/heat-gain-2">\+\$ /);
    expect(editor.text).toMatch(/heat-loss-2">−\$ /);

    const lines = (sheet.lines as unknown[]).length;
    const added = await browser
      .post(`/costos/${sheet.id}/lineas`)
      .type('form')
      .send({
        _csrf: csrfOf(editor.text),
        version: String(sheet.version),
        [`lines.${lines}.kind`]: 'priced',
        [`lines.${lines}.category`]: 'services',
        [`lines.${lines}.description`]: 'Análisis de suelo',
        [`lines.${lines}.quantity`]: '1',
        [`lines.${lines}.unit`]: 'análisis',
        [`lines.${lines}.unitPrice`]: '80.000',
      });
    expect(added.status).toBe(303);
    const after = await t.http.get(`/api/v1/cost-sheets/${sheet.id}`).set(bearer(manager));
    expect(after.body.version).toBe(sheet.version + 1);
    expect(after.body.lines[lines]).toMatchObject({
      description: 'Análisis de suelo',
      unitPrice: '80000',
    });

    const page = await browser.get(`/costos/${sheet.id}?linea=0`).expect(200);
    expect(page.text).toContain('value="25.000"');
    const refused = await browser
      .post(`/costos/${sheet.id}/lineas/0`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        version: String(after.body.version),
        'lines.0.category': 'hired_labor',
        'lines.0.description': 'Siembra',
        'lines.0.quantity': '-2',
        'lines.0.unit': 'JH',
        'lines.0.unitPrice': '25.000',
      });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="f-lines-0-quantity-error">no puede ser negativo</);
    expect(refused.text).toContain('value="-2"');

    const removed = await browser
      .post(`/costos/${sheet.id}/lineas/${lines}/quitar`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), version: String(after.body.version) });
    expect(removed.status).toBe(303);
    const stale = await browser
      .post(`/costos/${sheet.id}/lineas/0`)
      .type('form')
      .send({
        _csrf: csrfOf(page.text),
        version: String(after.body.version),
        'lines.0.quantity': '3',
      });
    expect(stale.status).toBe(409);
    expect(stale.text).toContain('Otra persona guardó cambios');
    expect(stale.text).toContain('value="3"');
  });

  it('serves the summary alone for htmx, with the margin at the typed price', async () => {
    const sheet = await createSheet(t.http, manager, association.id, carrotSheet(carrotId));
    const browser = await consoleAgent(t, member);
    const partial = await browser.get(`/costos/${sheet.id}/resumen?precio=250`).expect(200);
    expect(partial.text).not.toContain('<html');
    expect(partial.text).toContain('Margen a 250 $/kg');
    expect(partial.text).toContain('+$ 615.454');
    const bad = await browser.get(`/costos/${sheet.id}/resumen?precio=mucho`).expect(200);
    expect(bad.text).toContain('Ese precio no sirve');
    // A member reads the sheet but is given no form to change it.
    const editor = await browser.get(`/costos/${sheet.id}?precio=250`).expect(200);
    expect(editor.text).not.toContain('Agregar una línea');
    expect(editor.text).toContain('+$ 615.454');
  });

  it('starts a sheet from the template and asks for every figure still to fill', async () => {
    const browser = await consoleAgent(t, manager);
    const list = await browser.get(`/org/${association.id}/costos`).expect(200);
    const created = await browser
      .post(`/org/${association.id}/costos`)
      .type('form')
      .send({
        _csrf: csrfOf(list.text),
        productId: carrotId,
        season: '2027',
        areaHa: '1',
        currency: 'CLP',
        'yields.low': '1',
        'yields.expected': '2',
        'yields.high': '3',
        fromTemplate: '1',
      })
      .expect(303);
    const draft = await browser.get(created.headers.location).expect(200);
    expect(draft.text).toContain('Cifras por completar');
    expect(draft.text).toMatch(/name="lines\.0\.quantity"/);
  });
});

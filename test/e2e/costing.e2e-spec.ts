import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { CostingService } from '../../src/modules/costing/costing.service';
import { addMember, bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  carrotSheet,
  cheeseSheet,
  createSheet,
  milkSheet,
  productId,
} from '../support/costing-builders';
import { FICHA_ZANAHORIA_SAMPLE } from '../support/ficha-sample';
import { startTestApp, type TestApp } from '../support/test-app';

describe('costing', () => {
  let t: TestApp;
  let manager: TestUser;
  let treasurer: TestUser;
  let member: TestUser;
  let buyerAgent: TestUser;
  let otherManager: TestUser;
  let association: { id: string };
  let otherAssociation: { id: string };
  let carrot: string;
  let milk: string;
  let cheese: string;

  const sheetsUrl = (organizationId: string) =>
    `/api/v1/organizations/${organizationId}/cost-sheets`;
  const patch = (caller: TestUser, id: string, body: Record<string, unknown>) =>
    t.http.patch(`/api/v1/cost-sheets/${id}`).set(bearer(caller)).send(body);
  const summary = (caller: TestUser, id: string, query = '') =>
    t.http.get(`/api/v1/cost-sheets/${id}/summary${query}`).set(bearer(caller));
  const fields = (body: { errors?: { field: string; code: string }[] }) =>
    (body.errors ?? []).map((issue) => `${issue.field} ${issue.code}`);

  beforeAll(async () => {
    t = await startTestApp();
    [manager, treasurer, member, buyerAgent, otherManager] = await Promise.all([
      newUser(t.http, 'Rosa Mamani'),
      newUser(t.http, 'Juan Anza'),
      newUser(t.http, 'Luisa Cruz'),
      newUser(t.http, 'Pedro Camión'),
      newUser(t.http, 'Ana Socaire'),
    ]);
    association = await newOrganization(t.http, manager, 'association');
    otherAssociation = await newOrganization(t.http, otherManager, 'association', 'Socaire');
    await newOrganization(t.http, buyerAgent, 'buyer');
    await addMember(t.http, manager, association.id, treasurer, 'treasurer');
    await addMember(t.http, manager, association.id, member, 'member');
    [carrot, milk, cheese] = await Promise.all([
      productId(t.http, 'zanahoria'),
      productId(t.http, 'leche-cabra'),
      productId(t.http, 'queso-cabra'),
    ]);
  });

  afterAll(() => t.close());

  describe('a sheet', () => {
    it('is created by a treasurer and read back by a member, figures as decimal strings', async () => {
      const created = await createSheet(t.http, treasurer, association.id, carrotSheet(carrot));
      expect(created).toMatchObject({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        organizationId: association.id,
        productId: carrot,
        producerId: null,
        name: 'Zanahoria, terraza de Lasana',
        season: '2026-2027',
        areaHa: '0.4',
        currency: 'CLP',
        yields: { low: '6000', expected: '8000', high: '10000' },
        version: 1,
        status: 'ready',
        missing: [],
      });
      expect(created.lines).toHaveLength(13);
      expect((created.lines as unknown[])[0]).toEqual({
        kind: 'priced',
        category: 'hired_labor',
        description: 'Siembra',
        period: 'Septiembre',
        quantity: '2',
        unit: 'JH',
        unitPrice: '25000',
      });
      expect((created.lines as unknown[])[10]).toEqual({
        kind: 'depreciation',
        category: 'depreciation',
        description: 'Herramientas',
        assetValue: '300000',
        salvageValue: '50000',
        lifeYears: '5',
        share: '0.5',
      });
      expect(created.categoryLabels).toMatchObject({
        family_labor: { es: 'Mano de obra familiar', en: 'Family labour' },
      });

      const read = await t.http
        .get(`/api/v1/cost-sheets/${created.id}`)
        .set(bearer(member))
        .expect(200);
      expect(read.body).toEqual(created);
    });

    it('summarises as computed by hand in costing-builders.ts, rounded per the documented rule', async () => {
      const sheet = await createSheet(t.http, manager, association.id, carrotSheet(carrot));
      const response = await summary(member, sheet.id, '?price=200').expect(200);
      expect(response.body).toMatchObject({
        costSheetId: sheet.id,
        version: 1,
        currency: 'CLP',
        cashCost: '924100',
        economicCost: '1384546',
        costPerUnit: { low: '230.76', expected: '173.07', high: '138.45' },
        cashCostPerUnit: { low: '154.02', expected: '115.51', high: '92.41' },
        perHectare: { cashCost: '2310250', economicCost: '3461365' },
        breakEvenPrice: '173.07',
        price: '200',
        // 200 × 8,000 − 1,384,546; 1,384,546 / 200
        marginAtPrice: '215454',
        breakEvenYield: '6922.730',
        rounding: { mode: 'half-even', amounts: 0, perUnit: 2, quantities: 3 },
      });
      expect(response.body.totalsByCategory).toEqual({
        hired_labor: '300000',
        family_labor: '280000',
        machinery: '60000',
        inputs: '230000',
        water: '40000',
        packaging: '112000',
        transport: '120000',
        services: '0',
        overhead: '0',
        land: '100000',
        other: '62100',
        depreciation: '25000',
        interest: '55446',
      });
      const plain = await summary(member, sheet.id).expect(200);
      expect(plain.body).not.toHaveProperty('marginAtPrice');
      expect(plain.body).not.toHaveProperty('breakEvenYield');
    });

    it('says why there is no break-even yield at a price of zero, and refuses a bad price', async () => {
      const sheet = await createSheet(t.http, manager, association.id, carrotSheet(carrot));
      const zero = await summary(member, sheet.id, '?price=0').expect(200);
      expect(zero.body.marginAtPrice).toBe('-1384546');
      expect(zero.body.notes).toEqual([expect.objectContaining({ code: 'PRICE_IS_ZERO' })]);
      const bad = await summary(member, sheet.id, '?price=-5').expect(400);
      expect(fields(bad.body)).toEqual(['price MUST_NOT_BE_NEGATIVE']);
    });

    it('gives the margin for every price and yield of a sensitivity grid', async () => {
      const sheet = await createSheet(t.http, manager, association.id, carrotSheet(carrot));
      const response = await t.http
        .get(`/api/v1/cost-sheets/${sheet.id}/sensitivity?prices=150,200&yields=6000,8000`)
        .set(bearer(member))
        .expect(200);
      expect(response.body).toMatchObject({
        costSheetId: sheet.id,
        economicCost: '1384546',
        prices: ['150', '200'],
        yields: ['6000', '8000'],
        // 150 × 6,000 − 1,384,546; 150 × 8,000 − …; 200 × 6,000 − …; 200 × 8,000 − …
        margins: [
          ['-484546', '-184546'],
          ['-184546', '215454'],
        ],
      });
      const byScenario = await t.http
        .get(`/api/v1/cost-sheets/${sheet.id}/sensitivity?prices=200`)
        .set(bearer(member))
        .expect(200);
      expect(byScenario.body.yields).toEqual(['6000', '8000', '10000']);
    });

    it('refuses a grid over 50 × 50, naming the axis', async () => {
      const sheet = await createSheet(t.http, manager, association.id, carrotSheet(carrot));
      const many = Array.from({ length: 51 }, (_, i) => String(100 + i)).join(',');
      const response = await t.http
        .get(`/api/v1/cost-sheets/${sheet.id}/sensitivity?prices=200&yields=${many}`)
        .set(bearer(member))
        .expect(400);
      expect(response.body.code).toBe('SENSITIVITY_GRID_TOO_LARGE');
      expect(fields(response.body)).toEqual(['yields TOO_MANY']);
      const fifty = many.split(',').slice(0, 50).join(',');
      await t.http
        .get(`/api/v1/cost-sheets/${sheet.id}/sensitivity?prices=${fifty}&yields=${fifty}`)
        .set(bearer(member))
        .expect(200);
    });
  });

  describe('editing', () => {
    it('replaces fields and lines, bumps the version, and refuses a stale version with 409', async () => {
      const sheet = await createSheet(t.http, treasurer, association.id, carrotSheet(carrot));
      const edited = await patch(treasurer, sheet.id, {
        version: 1,
        name: 'Zanahoria 2026',
        yields: { low: '7000', expected: '9000', high: '11000' },
      }).expect(200);
      expect(edited.body).toMatchObject({
        version: 2,
        name: 'Zanahoria 2026',
        season: '2026-2027',
      });
      expect(edited.body.yields).toEqual({ low: '7000', expected: '9000', high: '11000' });
      expect(edited.body.lines).toEqual(sheet.lines);

      const stale = await patch(manager, sheet.id, { version: 1, areaHa: '0.5' }).expect(409);
      expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', currentVersion: 2 });

      const relined = await patch(manager, sheet.id, {
        version: 2,
        lines: [
          {
            category: 'inputs',
            description: 'Guano',
            quantity: '40',
            unit: 'saco',
            unitPrice: '3500',
          },
        ],
      }).expect(200);
      expect(relined.body.version).toBe(3);
      expect(relined.body.lines).toHaveLength(1);
      const figures = await summary(member, sheet.id).expect(200);
      // 140,000 over 9,000 kg
      expect(figures.body).toMatchObject({ economicCost: '140000', breakEvenPrice: '15.56' });
    });

    it('lets only one of two concurrent edits of the same version through', async () => {
      const sheet = await createSheet(t.http, treasurer, association.id, carrotSheet(carrot));
      const answers = await Promise.all([
        patch(treasurer, sheet.id, { version: 1, name: 'Rosa' }),
        patch(manager, sheet.id, { version: 1, name: 'Juan' }),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
      const winner = answers.find((answer) => answer.status === 200)?.body;
      const read = await t.http
        .get(`/api/v1/cost-sheets/${sheet.id}`)
        .set(bearer(member))
        .expect(200);
      expect(read.body).toMatchObject({ version: 2, name: winner.name });
    });

    it('saves nothing of an edit that fails validation', async () => {
      const sheet = await createSheet(t.http, treasurer, association.id, carrotSheet(carrot));
      const refused = await patch(treasurer, sheet.id, {
        version: 1,
        name: 'No debería quedar',
        lines: [
          {
            category: 'inputs',
            description: 'Guano',
            quantity: '-40',
            unit: 'saco',
            unitPrice: '3500',
          },
        ],
      }).expect(400);
      expect(fields(refused.body)).toEqual(['lines.0.quantity MUST_NOT_BE_NEGATIVE']);
      const read = await t.http
        .get(`/api/v1/cost-sheets/${sheet.id}`)
        .set(bearer(member))
        .expect(200);
      expect(read.body).toMatchObject({ version: 1, name: 'Zanahoria, terraza de Lasana' });
      expect(read.body.lines).toHaveLength(13);
    });

    it('lets a member read but not edit, and records created and updated events', async () => {
      const sheet = await createSheet(t.http, manager, association.id, carrotSheet(carrot));
      const refused = await patch(member, sheet.id, { version: 1, name: 'x' }).expect(403);
      expect(refused.body.code).toBe('FORBIDDEN');
      await patch(manager, sheet.id, { version: 1, name: 'Editada' }).expect(200);
      const events = await t.app
        .get(DataSource)
        .query(
          `SELECT type, payload FROM outbox_events WHERE aggregate_id = $1 ORDER BY occurred_at`,
          [sheet.id],
        );
      expect(events).toEqual([
        expect.objectContaining({
          type: 'cost_sheet.created',
          payload: expect.objectContaining({ costSheetId: sheet.id, origin: 'api', version: 1 }),
        }),
        expect.objectContaining({
          type: 'cost_sheet.updated',
          payload: expect.objectContaining({ version: 2, changedFields: ['name'] }),
        }),
      ]);
    });
  });

  describe('validation', () => {
    const refused = async (body: Record<string, unknown>) => {
      const response = await t.http
        .post(sheetsUrl(association.id))
        .set(bearer(treasurer))
        .send(body)
        .expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      return fields(response.body);
    };
    const withLine = (line: Record<string, unknown>) => carrotSheet(carrot, { lines: [line] });

    it('names negative quantities and prices', async () => {
      expect(
        await refused(
          withLine({
            category: 'inputs',
            description: 'Guano',
            quantity: '-1',
            unit: 'saco',
            unitPrice: '-3500',
          }),
        ),
      ).toEqual([
        'lines.0.quantity MUST_NOT_BE_NEGATIVE',
        'lines.0.unitPrice MUST_NOT_BE_NEGATIVE',
      ]);
    });

    it('names zero and negative yields', async () => {
      expect(
        await refused(carrotSheet(carrot, { yields: { low: '0', expected: '0', high: '-1' } })),
      ).toEqual([
        'yields.low MUST_BE_POSITIVE',
        'yields.expected MUST_BE_POSITIVE',
        'yields.high MUST_BE_POSITIVE',
      ]);
    });

    it('names an unknown category and a depreciation line without a life', async () => {
      expect(
        await refused(
          carrotSheet(carrot, {
            lines: [
              { category: 'seeds', description: 'x', quantity: '1', unit: 'kg', unitPrice: '1' },
              {
                category: 'depreciation',
                description: 'Bodega',
                assetValue: '100',
                salvageValue: '0',
                share: '1',
              },
            ],
          }),
        ),
      ).toEqual(['lines.0.category UNKNOWN_CATEGORY', 'lines.1.lifeYears REQUIRED']);
    });

    it('names the application fields: product, producer, season and unknown fields', async () => {
      expect(await refused(carrotSheet(carrot, { season: '26/27', colour: 'red' }))).toEqual(
        expect.arrayContaining(['season INVALID', 'colour UNKNOWN_FIELD']),
      );
      expect(await refused(carrotSheet(randomUUID()))).toEqual(['productId NOT_FOUND']);
      expect(await refused(carrotSheet(carrot, { producerId: randomUUID() }))).toEqual([
        'producerId NOT_FOUND',
      ]);
    });
  });

  describe('chained costs', () => {
    it('prices cheese from the milk sheet, and an edit of the milk changes the cheese', async () => {
      const milkSheetBody = await createSheet(t.http, treasurer, association.id, milkSheet(milk));
      const cheeseSheetBody = await createSheet(
        t.http,
        treasurer,
        association.id,
        cheeseSheet(cheese, milkSheetBody.id),
      );
      // Milk: (100 × 20,000 + 500 × 6,000) / 10,000 l = 500 per litre.
      // Cheese: (7,000 l × 500 + 50 × 20,000) / 1,000 kg = 4,500 per kg.
      const before = await summary(member, cheeseSheetBody.id).expect(200);
      expect(before.body).toMatchObject({ economicCost: '4500000', breakEvenPrice: '4500.00' });
      expect(before.body.lines[0]).toMatchObject({
        kind: 'sourced',
        unitPrice: '500.00',
        value: '3500000',
      });

      await patch(treasurer, milkSheetBody.id, {
        version: 1,
        lines: milkSheet(milk, '8000').lines,
      }).expect(200);
      // Milk: (2,000,000 + 4,000,000) / 10,000 = 600; cheese: (4,200,000 + 1,000,000) / 1,000.
      const after = await summary(member, cheeseSheetBody.id).expect(200);
      expect(after.body).toMatchObject({ economicCost: '5200000', breakEvenPrice: '5200.00' });

      const events = await t.app
        .get(DataSource)
        .query(
          `SELECT payload FROM outbox_events WHERE type = 'cost_sheet.updated' AND aggregate_id = $1`,
          [milkSheetBody.id],
        );
      expect(events[0].payload.affectedCostSheetIds).toEqual([cheeseSheetBody.id]);
    });

    it('refuses a cycle, naming the line of the sheet being saved', async () => {
      const milkSheetBody = await createSheet(t.http, treasurer, association.id, milkSheet(milk));
      const cheeseSheetBody = await createSheet(
        t.http,
        treasurer,
        association.id,
        cheeseSheet(cheese, milkSheetBody.id),
      );
      const response = await patch(treasurer, milkSheetBody.id, {
        version: 1,
        lines: [
          ...(milkSheet(milk).lines as unknown[]),
          {
            category: 'inputs',
            description: 'Suero',
            quantity: '1',
            unit: 'kg',
            sourceSheetId: cheeseSheetBody.id,
          },
        ],
      }).expect(400);
      expect(response.body.code).toBe('COST_SHEET_CYCLE');
      expect(fields(response.body)).toEqual(['lines.2.sourceSheetId CYCLE']);
      expect(response.body.cycle).toEqual([milkSheetBody.id, cheeseSheetBody.id, milkSheetBody.id]);

      const self = await patch(treasurer, milkSheetBody.id, {
        version: 1,
        lines: [
          {
            category: 'inputs',
            description: 'x',
            quantity: '1',
            unit: 'l',
            sourceSheetId: milkSheetBody.id,
          },
        ],
      }).expect(400);
      expect(self.body.code).toBe('COST_SHEET_CYCLE');
    });

    it('refuses a source in another currency, either way round', async () => {
      const dollars = await createSheet(
        t.http,
        treasurer,
        association.id,
        milkSheet(milk, '6', { currency: 'USD' }),
      );
      const response = await t.http
        .post(sheetsUrl(association.id))
        .set(bearer(treasurer))
        .send(cheeseSheet(cheese, dollars.id))
        .expect(400);
      expect(response.body.code).toBe('CURRENCY_MISMATCH');
      expect(fields(response.body)).toEqual(['lines.0.sourceSheetId CURRENCY_MISMATCH']);

      const pesos = await createSheet(t.http, treasurer, association.id, milkSheet(milk));
      await createSheet(t.http, treasurer, association.id, cheeseSheet(cheese, pesos.id));
      const switched = await patch(treasurer, pesos.id, { version: 1, currency: 'USD' }).expect(
        400,
      );
      expect(switched.body.code).toBe('CURRENCY_MISMATCH');
      expect(fields(switched.body)).toEqual(['currency CURRENCY_MISMATCH']);
    });

    it('lets only one of two concurrent edits close a cycle', async () => {
      const a = await createSheet(t.http, treasurer, association.id, milkSheet(milk));
      const b = await createSheet(t.http, treasurer, association.id, milkSheet(milk));
      const linkTo = (id: string) => ({
        version: 1,
        lines: [
          { category: 'inputs', description: 'x', quantity: '1', unit: 'l', sourceSheetId: id },
        ],
      });
      const answers = await Promise.all([
        patch(treasurer, a.id, linkTo(b.id)),
        patch(manager, b.id, linkTo(a.id)),
      ]);
      expect(answers.map((answer) => answer.status).sort()).toEqual([200, 400]);
      expect(answers.find((answer) => answer.status === 400)?.body.code).toBe('COST_SHEET_CYCLE');
    });

    it("treats another association's sheet as a source that does not exist", async () => {
      const theirs = await createSheet(t.http, otherManager, otherAssociation.id, milkSheet(milk));
      for (const sourceSheetId of [theirs.id, randomUUID(), 'not-a-uuid']) {
        const response = await t.http
          .post(sheetsUrl(association.id))
          .set(bearer(treasurer))
          .send(cheeseSheet(cheese, sourceSheetId))
          .expect(400);
        expect(response.body.code).toBe('COST_SHEET_SOURCE_NOT_FOUND');
        expect(fields(response.body)).toEqual(['lines.0.sourceSheetId NOT_FOUND']);
      }
    });
  });

  describe('who may see and do what', () => {
    it('lets neither a plain member create a sheet nor a buyer agent', async () => {
      const byMember = await t.http
        .post(sheetsUrl(association.id))
        .set(bearer(member))
        .send(carrotSheet(carrot))
        .expect(403);
      expect(byMember.body.code).toBe('FORBIDDEN');
      await t.http
        .post(sheetsUrl(association.id))
        .set(bearer(buyerAgent))
        .send(carrotSheet(carrot))
        .expect(404);
    });

    it('hides a sheet from another association and from a buyer, as if it did not exist', async () => {
      const sheet = await createSheet(t.http, manager, association.id, carrotSheet(carrot));
      for (const outsider of [otherManager, buyerAgent]) {
        for (const path of ['', '/summary', '/sensitivity?prices=1', '/export.csv']) {
          const response = await t.http
            .get(`/api/v1/cost-sheets/${sheet.id}${path}`)
            .set(bearer(outsider))
            .expect(404);
          expect(response.body.code).toBe('NOT_FOUND');
        }
        await patch(outsider, sheet.id, { version: 1, name: 'x' }).expect(404);
      }
      await t.http.get(`/api/v1/cost-sheets/${randomUUID()}`).set(bearer(manager)).expect(404);
    });

    it('lists the association sheets to its members only', async () => {
      const sheet = await createSheet(
        t.http,
        manager,
        association.id,
        carrotSheet(carrot, { season: '2030' }),
      );
      const list = await t.http
        .get(`${sheetsUrl(association.id)}?season=2030`)
        .set(bearer(member))
        .expect(200);
      expect(list.body).toEqual({
        items: [expect.objectContaining({ id: sheet.id, status: 'ready', season: '2030' })],
        nextCursor: null,
      });
      expect(list.body.items[0]).not.toHaveProperty('lines');
      await t.http.get(sheetsUrl(association.id)).set(bearer(otherManager)).expect(404);
    });
  });

  describe('templates', () => {
    it('lists the usual lines of each product, with labels and no figure', async () => {
      const all = await t.http
        .get('/api/v1/cost-sheet-templates')
        .set(bearer(buyerAgent))
        .expect(200);
      expect(
        all.body.items.map((template: { productCode: string }) => template.productCode),
      ).toEqual(
        expect.arrayContaining(['zanahoria', 'habas', 'quinua', 'leche-cabra', 'queso-cabra']),
      );
      const one = await t.http
        .get(`/api/v1/cost-sheet-templates?productId=${cheese}`)
        .set(bearer(member))
        .expect(200);
      expect(one.body.items).toHaveLength(1);
      const template = one.body.items[0];
      expect(template).toMatchObject({
        productId: cheese,
        productCode: 'queso-cabra',
        yieldUnit: 'kg',
      });
      expect(template.lines[0]).toEqual({
        kind: 'priced',
        category: 'inputs',
        categoryLabel: { es: 'Insumos', en: 'Inputs' },
        description: 'Leche de cabra',
        unit: 'l',
        sourceProductCode: 'leche-cabra',
        fill: ['quantity', 'unitPrice'],
      });
      const figures = [
        'quantity',
        'unitPrice',
        'assetValue',
        'lifeYears',
        'rate',
        'annualRate',
        'months',
      ];
      for (const line of template.lines) {
        for (const key of figures) expect(line).not.toHaveProperty(key);
      }
      await t.http.get('/api/v1/cost-sheet-templates').expect(401);
    });

    it('starts a draft sheet from a template, with every figure to fill, until a PATCH fills them', async () => {
      const draft = await createSheet(t.http, treasurer, association.id, {
        productId: carrot,
        season: '2026-2027',
        areaHa: '0.4',
        currency: 'CLP',
        yields: { low: '6000', expected: '8000', high: '10000' },
        fromTemplate: true,
      });
      expect(draft.status).toBe('draft');
      const lines = draft.lines as Record<string, unknown>[];
      expect(lines[0]).toEqual({
        kind: 'priced',
        category: 'hired_labor',
        description: 'Preparación de suelo',
        quantity: null,
        unit: 'JH',
        unitPrice: null,
      });
      const missing = (draft.missing as { field: string; code: string }[]).map(
        (issue) => `${issue.field} ${issue.code}`,
      );
      expect(missing).toEqual(
        expect.arrayContaining(['lines.0.quantity REQUIRED', 'lines.0.unitPrice REQUIRED']),
      );
      expect(missing).toContain(`lines.${lines.length - 2}.rate REQUIRED`);

      const incomplete = await summary(member, draft.id).expect(409);
      expect(incomplete.body.code).toBe('COST_SHEET_INCOMPLETE');
      expect(fields(incomplete.body)).toEqual(missing);
      const sourced = await t.http
        .post(sheetsUrl(association.id))
        .set(bearer(treasurer))
        .send(cheeseSheet(cheese, draft.id))
        .expect(400);
      expect(fields(sourced.body)).toEqual(['lines.0.sourceSheetId SOURCE_INCOMPLETE']);

      // The treasurer keeps the lines they use, fills them, and sends them back.
      const filled = [
        { ...lines[0], quantity: '4', unitPrice: '25000' },
        { ...lines[lines.length - 2], rate: '0.05' },
      ];
      const ready = await patch(treasurer, draft.id, { version: 1, lines: filled }).expect(200);
      expect(ready.body).toMatchObject({ status: 'ready', missing: [], version: 2 });
      // 100,000 + 5 % = 105,000 over 8,000 kg = 13.125, half-even to 13.12
      const figures = await summary(member, draft.id).expect(200);
      expect(figures.body).toMatchObject({ economicCost: '105000', breakEvenPrice: '13.12' });
    });

    it('prices the milk line of a cheese template from the milk sheet, as the template suggests', async () => {
      const milkSheetBody = await createSheet(t.http, treasurer, association.id, milkSheet(milk));
      const draft = await createSheet(t.http, treasurer, association.id, {
        productId: cheese,
        season: '2026-2027',
        areaHa: '0',
        currency: 'CLP',
        yields: { low: '900', expected: '1000', high: '1100' },
        fromTemplate: true,
      });
      const [milkLine] = draft.lines as Record<string, unknown>[];
      expect(milkLine).toMatchObject({ kind: 'priced', description: 'Leche de cabra', unit: 'l' });
      const ready = await patch(treasurer, draft.id, {
        version: 1,
        lines: [{ ...milkLine, quantity: '7000', sourceSheetId: milkSheetBody.id }],
      }).expect(200);
      expect(ready.body.lines[0]).toEqual({
        kind: 'sourced',
        category: 'inputs',
        description: 'Leche de cabra',
        quantity: '7000',
        unit: 'l',
        sourceSheetId: milkSheetBody.id,
      });
      // 7,000 l × 500 over 1,000 kg
      const figures = await summary(member, draft.id).expect(200);
      expect(figures.body.breakEvenPrice).toBe('3500.00');
    });

    it('refuses lines and fromTemplate together', async () => {
      const response = await t.http
        .post(sheetsUrl(association.id))
        .set(bearer(treasurer))
        .send(carrotSheet(carrot, { fromTemplate: true }))
        .expect(400);
      expect(fields(response.body)).toEqual(['lines NOT_ALLOWED']);
    });
  });

  describe('ficha CSV', () => {
    const importUrl = () => `${sheetsUrl(association.id)}/import`;
    const importBody = (csv: string) => ({
      csv,
      productId: carrot,
      season: '2026-2027',
      areaHa: '0.4',
      currency: 'CLP',
      yields: { low: '6000', expected: '8000', high: '10000' },
    });

    it('imports the carrot sample with exactly one warning, for the Valor that is not quantity × price', async () => {
      const response = await t.http
        .post(importUrl())
        .set(bearer(treasurer))
        .send(importBody(FICHA_ZANAHORIA_SAMPLE))
        .expect(201);
      expect(response.body.warnings).toEqual([
        {
          row: 17,
          code: 'VALUE_MISMATCH',
          message: expect.stringContaining('125000'),
          details: { declared: '125000', computed: '120000' },
        },
      ]);
      expect(response.body.sheet).toMatchObject({ status: 'ready', version: 1 });
      expect(response.body.sheet.lines).toHaveLength(12);
      const figures = await summary(member, response.body.sheet.id).expect(200);
      // The line keeps 1 × 120,000: 1,370,000 in all, not 1,375,000.
      expect(figures.body.economicCost).toBe('1370000');
    });

    it('exports in the same layout and imports back to the same lines', async () => {
      const sheet = await createSheet(t.http, manager, association.id, carrotSheet(carrot));
      const exported = await t.http
        .get(`/api/v1/cost-sheets/${sheet.id}/export.csv`)
        .set(bearer(member))
        .expect(200);
      expect(exported.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(exported.headers['content-disposition']).toBe(
        'attachment; filename="ficha-zanahoria-2026-2027.csv"',
      );
      const csv = exported.text;
      expect(
        csv.startsWith('\ufeffLabor/Insumo;Época;Cantidad;Unidad;Precio ($/Un);Valor ($)\r\n'),
      ).toBe(true);
      expect(csv).toContain(
        'MANO DE OBRA FAMILIAR;;;;;\r\nRiegos y desmalezado;;14;JH;20000;280000\r\n',
      );

      const reimported = await t.http
        .post(importUrl())
        .set(bearer(treasurer))
        .send(importBody(csv))
        .expect(201);
      // Depreciation and interest have no columns of their own in the layout: reported, not guessed.
      expect(reimported.body.warnings.map((warning: { code: string }) => warning.code)).toEqual([
        'COMPUTED_SECTION_NOT_IMPORTED',
        'COMPUTED_SECTION_NOT_IMPORTED',
      ]);
      const priced = (sheet.lines as { kind: string }[]).filter(
        (line) => line.kind === 'priced' || line.kind === 'percentage',
      );
      expect(reimported.body.sheet.lines).toEqual(
        expect.arrayContaining(priced.map((line) => expect.objectContaining(line))),
      );
      expect(reimported.body.sheet.lines).toHaveLength(priced.length);
    });

    it('exports a chained line at its source cost per unit', async () => {
      const milkSheetBody = await createSheet(t.http, treasurer, association.id, milkSheet(milk));
      const cheeseSheetBody = await createSheet(
        t.http,
        treasurer,
        association.id,
        cheeseSheet(cheese, milkSheetBody.id),
      );
      const exported = await t.http
        .get(`/api/v1/cost-sheets/${cheeseSheetBody.id}/export.csv`)
        .set(bearer(member))
        .expect(200);
      expect(exported.text).toContain('Leche de cabra;;7000;l;500;3500000\r\n');
    });

    it('refuses a file with no importable row, naming the csv field', async () => {
      const response = await t.http
        .post(importUrl())
        .set(bearer(treasurer))
        .send(
          importBody(
            'Labor/Insumo;Época;Cantidad;Unidad;Precio ($/Un);Valor ($)\nTOTAL;;;;;1000\n',
          ),
        )
        .expect(400);
      expect(fields(response.body)).toEqual(['csv NO_LINES']);
      expect(response.body.warnings).toEqual(expect.any(Array));
    });

    it('lets a plain member import nothing', async () => {
      await t.http
        .post(importUrl())
        .set(bearer(member))
        .send(importBody(FICHA_ZANAHORIA_SAMPLE))
        .expect(403);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first created sheet and creates no second one', async () => {
      const key = randomUUID();
      const body = carrotSheet(carrot, { season: '2031' });
      const first = await t.http
        .post(sheetsUrl(association.id))
        .set(bearer(treasurer))
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      const replay = await t.http
        .post(sheetsUrl(association.id))
        .set(bearer(treasurer))
        .set('Idempotency-Key', key)
        .send(body)
        .expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      const list = await t.http
        .get(`${sheetsUrl(association.id)}?season=2031`)
        .set(bearer(member))
        .expect(200);
      expect(list.body.items).toHaveLength(1);
    });
  });

  describe('lot cost basis (CostingService.costBasisOf, for pooling)', () => {
    it('weights the contributions by quantity over the whole chain of each sheet', async () => {
      const service = t.app.get(CostingService);
      const carrotA = await createSheet(t.http, treasurer, association.id, carrotSheet(carrot));
      // 1,242,000 + 62,100 + 25,000 + 55,446 = 1,384,546 over 8,000 kg = 173.06825 per kg;
      // doubling only the yields gives 86.534125 per kg.
      const carrotB = await createSheet(
        t.http,
        treasurer,
        association.id,
        carrotSheet(carrot, { yields: { low: '12000', expected: '16000', high: '20000' } }),
      );
      const theirs = await createSheet(
        t.http,
        otherManager,
        otherAssociation.id,
        carrotSheet(carrot),
      );
      const basis = await service.costBasisOf(
        [
          { producerId: 'rosa', quantity: '1000', costSheetId: carrotA.id },
          { producerId: 'juan', quantity: '3000', costSheetId: carrotB.id },
          { producerId: 'luisa', quantity: '500', costSheetId: null },
          { producerId: 'ana', quantity: '500', costSheetId: theirs.id },
        ],
        'CLP',
        { organizationId: association.id, productId: carrot, price: '100' },
      );
      // (1,000 × 173.06825 + 3,000 × 86.534125) / 4,000 = 108.16765625
      expect(basis).toMatchObject({
        weightedCostPerUnit: '108.17',
        floorPrice: '109',
        quantityWithCost: '4000',
        quantityWithoutCost: '1000',
        price: '100',
        producersAboveCost: [
          {
            producerId: 'rosa',
            costPerUnit: '173.07',
            quantity: '1000',
            shortfallPerUnit: '73.07',
          },
        ],
      });
      expect(basis.contributions.map((c) => c.status)).toEqual([
        'costed',
        'costed',
        'no_cost_sheet',
        'cost_sheet_not_found',
      ]);

      const milkSheetBody = await createSheet(t.http, treasurer, association.id, milkSheet(milk));
      const cheeseSheetBody = await createSheet(
        t.http,
        treasurer,
        association.id,
        cheeseSheet(cheese, milkSheetBody.id),
      );
      const cheeseBasis = await service.costBasisOf(
        [{ producerId: 'toconce', quantity: '100', costSheetId: cheeseSheetBody.id }],
        'CLP',
        { organizationId: association.id },
      );
      expect(cheeseBasis).toMatchObject({ weightedCostPerUnit: '4500.00', floorPrice: '4500' });
    });
  });
});

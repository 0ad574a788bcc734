import { binaryParser } from '../support/settlement-builders';
import { consoleAgent, csrfOf, deliveredLot, type DeliveredLot } from '../support/console-builders';
import { type TestApp, startTestApp } from '../support/test-app';

/** The settlement pages below the browser: the draft form, its refusals, confirming, files. */
describe('console: settlement', () => {
  let t: TestApp;
  let story: DeliveredLot;

  beforeAll(async () => {
    t = await startTestApp();
    story = await deliveredLot(t.http);
  });
  afterAll(() => t.close());

  it('shows a refused deduction beside its field, keeping what was typed', async () => {
    const browser = await consoleAgent(t, story.treasurer);
    const page = await browser.get(`/lotes/${story.lotId}/liquidacion`).expect(200);
    expect(page.text).toContain('Calcular borrador');
    const refused = await browser
      .post(`/lotes/${story.lotId}/liquidacion`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), freight: '10.000', commissionRate: '150' });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="f-commissionRate-error"/);
    expect(refused.text).toContain('value="150"');
    expect(refused.text).toContain('value="10.000"');
  });

  it('drafts, confirms after a second step, and serves the CSV and the PDFs', async () => {
    const browser = await consoleAgent(t, story.treasurer);
    const page = await browser.get(`/lotes/${story.lotId}/liquidacion`).expect(200);
    const drafted = await browser
      .post(`/lotes/${story.lotId}/liquidacion`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), freight: '10.000', 'gradeFactors.B': '0,85' })
      .expect(303);
    const location = drafted.headers.location;
    const draft = await browser.get(location).expect(200);
    expect(draft.text).toContain('$ 100.000');
    expect(draft.text).toContain('$ 87.000');
    for (const amount of ['$ 45.195', '$ 22.597', '$ 19.208']) expect(draft.text).toContain(amount);
    expect(draft.text).toContain('igual al neto');
    expect(draft.text).toContain('borrador');

    const step = await browser.get(`${location}/confirmar`).expect(200);
    expect(step.text).toContain('¿Confirmar la liquidación?');
    await browser
      .post(`${location}/confirmar`)
      .type('form')
      .send({ _csrf: csrfOf(step.text) })
      .expect(303);
    const confirmed = await browser.get(`${location}?confirmada=1`).expect(200);
    expect(confirmed.text).toContain('La liquidación quedó confirmada.');

    const csv = await browser.get(`${location}/planilla.csv`).expect(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toContain('Familia Mamani');
    const pdf = await browser
      .get(`${location}/productores/${story.producers[1].id}/liquidacion.pdf`)
      .buffer(true)
      .parse(binaryParser)
      .expect(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');

    // Rosa, a member, reads the settlement and may take her own statement only.
    const rosa = await consoleAgent(t, story.rosa);
    const seen = await rosa.get(location).expect(200);
    expect(seen.text).not.toContain('planilla.csv');
    expect(seen.text).toContain(`productores/${story.producers[0].id}/liquidacion.pdf`);
    expect(seen.text).not.toContain(`productores/${story.producers[1].id}/liquidacion.pdf`);
    expect((await rosa.get(`${location}/planilla.csv`)).status).toBe(403);
  });
});

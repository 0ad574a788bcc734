import request from 'supertest';
import { type TestApp, startTestApp } from '../support/test-app';

/** The console's session and forms, below the browser: cookies, CSRF, errors, language. */
describe('console session', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  function csrfOf(html: string): string {
    const match = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!match) throw new Error('no CSRF token on the page');
    return match[1];
  }

  it('shows the sign-in page in Spanish, and the API under its prefix', async () => {
    const page = await t.http.get('/entrar');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain('<html lang="es">');
    expect(page.text).toContain('Contraseña');
    expect((await t.http.get('/')).headers.location).toBe('/entrar');
    expect((await t.http.get('/api/v1/products')).status).toBe(200);
    expect((await t.http.get('/assets/htmx/htmx.min.js')).status).toBe(200);
  });

  it('registers, signs in with an HttpOnly SameSite cookie, and signs out', async () => {
    const browser = request.agent(t.app.getHttpServer());
    const form = await browser.get('/registro');
    const registered = await browser
      .post('/registro')
      .type('form')
      .send({
        _csrf: csrfOf(form.text),
        displayName: 'Rosa Mamani',
        email: 'rosa@lasana.cl',
        password: 'zanahorias-2026',
      });
    expect(registered.status).toBe(303);
    const cookie = registered.headers['set-cookie'] as unknown as string[];
    const session = cookie.find((line) => line.startsWith('ayllu_session='));
    expect(session).toMatch(/HttpOnly/);
    expect(session).toMatch(/SameSite=Lax/);

    const start = await browser.get('/');
    expect(start.status).toBe(200);
    expect(start.text).toContain('Sus organizaciones');

    const signedOut = await browser
      .post('/salir')
      .type('form')
      .send({ _csrf: csrfOf(start.text) });
    expect(signedOut.headers.location).toBe('/entrar');
    expect((await browser.get('/')).headers.location).toBe('/entrar');
  });

  it('refuses a form without the session CSRF token, and changes nothing', async () => {
    const browser = request.agent(t.app.getHttpServer());
    await browser.get('/registro');
    const forged = await browser.post('/registro').type('form').send({
      _csrf: 'forged',
      displayName: 'Nadie',
      email: 'nadie@example.cl',
      password: 'long-enough-password',
    });
    expect(forged.status).toBe(403);
    expect(forged.text).toContain('El formulario venció');
    const login = await t.http
      .post('/api/v1/auth/login')
      .send({ email: 'nadie@example.cl', password: 'long-enough-password' });
    expect(login.status).toBe(401);
  });

  it('never lets the session cookie act on the API', async () => {
    const browser = request.agent(t.app.getHttpServer());
    const form = await browser.get('/registro');
    await browser
      .post('/registro')
      .type('form')
      .send({
        _csrf: csrfOf(form.text),
        displayName: 'Juan Choque',
        email: 'juan@lasana.cl',
        password: 'habas-y-maiz-2026',
      });
    expect((await browser.get('/')).status).toBe(200);
    expect((await browser.get('/api/v1/me')).status).toBe(401);
    // Form bodies are for the console only; the API reads JSON.
    const formToApi = await browser
      .post('/api/v1/organizations')
      .type('form')
      .send({ kind: 'association', name: 'Por formulario' });
    expect(formToApi.status).toBeGreaterThanOrEqual(400);
    expect(formToApi.status).toBeLessThan(500);
  });

  it('shows the API refusal next to its field and keeps what was typed', async () => {
    const browser = request.agent(t.app.getHttpServer());
    const form = await browser.get('/registro');
    const refused = await browser
      .post('/registro')
      .type('form')
      .send({
        _csrf: csrfOf(form.text),
        displayName: 'Ana Cruz',
        email: 'no-es-un-correo',
        password: 'corta',
      });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="f-email-error">[^<]*correo/);
    expect(refused.text).toContain('aria-invalid="true"');
    expect(refused.text).toContain('value="Ana Cruz"');
    expect(refused.text).toContain('value="no-es-un-correo"');
    // The password is never written back into the page.
    expect(refused.text).not.toContain('value="corta"');
  });

  it('switches to English and back', async () => {
    const browser = request.agent(t.app.getHttpServer());
    const page = await browser.get('/entrar');
    const switched = await browser
      .post('/idioma')
      .type('form')
      .send({ _csrf: csrfOf(page.text), language: 'en', next: '/entrar' });
    expect(switched.headers.location).toBe('/entrar');
    const english = await browser.get('/entrar');
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('Password');
  });

  it('sends a person back to where they were going after signing in, and only within the site', async () => {
    const hostile = await t.http.get('/entrar?next=//evil.example/steal');
    expect(hostile.text).not.toContain('<input type="hidden" name="next" value="//evil');
    const local = await t.http.get('/entrar?next=/precios');
    expect(local.text).toContain('<input type="hidden" name="next" value="/precios">');
  });
});

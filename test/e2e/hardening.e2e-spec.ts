import { DataSource } from 'typeorm';
import { bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import { startTestApp, type TestApp } from '../support/test-app';

const PROBLEM_JSON = /^application\/problem\+json/;
const ADDRESS_LIMIT = 6;

/**
 * Hardening (issue 9, point 4) where platform.e2e-spec.ts and security-log.e2e-spec.ts do not
 * already show it: helmet's headers on every kind of response, no CORS without
 * configuration, argon2id in the database, login throttled per address whatever the
 * account and whatever X-Forwarded-For claims, the default body limit, a server fault that
 * tells the client nothing of its SQL or stack, and no secret of any kind in the log.
 */
describe('hardening', () => {
  let t: TestApp;
  let manager: TestUser;
  let webhookSecret: string;

  beforeAll(async () => {
    // No CORS_ORIGINS: the default deployment answers no cross-origin request. The trusted
    // proxy is elsewhere, so this test's loopback client is an ordinary, untrusted caller
    // (by default loopback is trusted: the console calls the API from there).
    t = await startTestApp({
      TRUST_PROXY: '192.0.2.10',
      LOGIN_THROTTLE_ADDRESS_LIMIT: String(ADDRESS_LIMIT),
      LOGIN_THROTTLE_WINDOW_SECONDS: '60',
    });
    manager = await newUser(t.http, 'Gerente Endurecido');
    const association = await newOrganization(t.http, manager, 'association');
    const webhook = await t.http
      .post(`/api/v1/organizations/${association.id}/webhooks`)
      .set(bearer(manager))
      .send({ url: 'http://127.0.0.1:9/never-called', events: ['deal.created'] })
      .expect(201);
    webhookSecret = webhook.body.secret;
  });

  afterAll(() => t?.close());

  it("sends helmet's headers on data, on refusals and on errors before routing", async () => {
    const responses = {
      data: await t.http.get('/api/v1/products').expect(200),
      refusal: await t.http.get('/api/v1/me').expect(401),
      unknownRoute: await t.http.get('/no-such-page').expect(404),
      malformed: await t.http
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email":')
        .expect(400),
    };
    for (const [kind, response] of Object.entries(responses)) {
      const h = response.headers;
      expect({
        kind,
        csp: h['content-security-policy'],
        hsts: h['strict-transport-security'],
        frame: h['x-frame-options'],
        sniff: h['x-content-type-options'],
        referrer: h['referrer-policy'],
        opener: h['cross-origin-opener-policy'],
        resource: h['cross-origin-resource-policy'],
        poweredBy: h['x-powered-by'],
      }).toEqual({
        kind,
        csp: expect.stringContaining("frame-ancestors 'self'"),
        hsts: expect.stringMatching(/^max-age=\d{6,}; includeSubDomains/),
        frame: 'SAMEORIGIN',
        sniff: 'nosniff',
        referrer: 'no-referrer',
        opener: 'same-origin',
        resource: 'same-origin',
        poweredBy: undefined,
      });
      expect(h['content-security-policy']).toContain("default-src 'self'");
      expect(h['content-security-policy']).toContain("object-src 'none'");
    }
  });

  it('answers no cross-origin request when CORS_ORIGINS is not configured', async () => {
    const preflight = await t.http
      .options('/api/v1/auth/login')
      .set('Origin', 'https://consola.ayllu.cl')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    const simple = await t.http
      .get('/api/v1/products')
      .set('Origin', 'https://evil.example')
      .expect(200);
    expect(simple.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('stores passwords as argon2id hashes (OWASP parameters), never in clear', async () => {
    const rows = await t.app
      .get(DataSource)
      .query<{ email: string; password_hash: string }[]>(
        `SELECT email, password_hash FROM users WHERE email = $1`,
        [manager.email],
      );
    expect(rows).toHaveLength(1);
    // $argon2id$v=19$<parameters>$<salt>$<hash>: the library writes the parameters in its
    // own order, so they are compared as a set.
    const [, type, version, parameters, salt, hash] = rows[0].password_hash.split('$');
    expect({ type, version, parameters: parameters.split(',').sort() }).toEqual({
      type: 'argon2id',
      version: 'v=19',
      parameters: ['m=65536', 'p=4', 't=3'],
    });
    expect(salt.length).toBeGreaterThanOrEqual(22);
    expect(hash.length).toBeGreaterThanOrEqual(43);
    expect(rows[0].password_hash).not.toContain(manager.password);
  });

  it('throttles login per address across accounts, whatever an untrusted X-Forwarded-For says', async () => {
    // newUser logged in once from this address; every attempt names another account, so
    // the per-account throttle never applies.
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof t.http.post>> | undefined;
    for (let i = 0; i < ADDRESS_LIMIT + 2; i += 1) {
      last = await t.http
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', `203.0.113.${i + 1}`)
        .send({ email: `nadie.${i}@ayllu.test`, password: 'una clave cualquiera' });
      statuses.push(last.status);
    }
    const allowed = ADDRESS_LIMIT - 1;
    expect(statuses).toEqual([...Array(allowed).fill(401), ...Array(3).fill(429)]);
    expect(last!.body.code).toBe('RATE_LIMITED');
    expect(last!.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    // The right password of a real account is refused too while the address is throttled.
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: manager.email, password: manager.password })
      .expect(429);
  });

  it('refuses a body over the default 1 MB limit with 413 problem details', async () => {
    const response = await t.http
      .post('/api/v1/auth/register')
      .send({ email: 'grande@ayllu.test', password: 'x'.repeat(1_100_000), displayName: 'G' })
      .expect(413)
      .expect('Content-Type', PROBLEM_JSON);
    expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('answers a server fault with a bare 500: no SQL, no stack, no table name', async () => {
    const dataSource = t.app.get(DataSource);
    await dataSource.query('ALTER TABLE notifications RENAME TO notifications_hidden');
    let response;
    try {
      response = await t.http.get('/api/v1/me/notifications').set(bearer(manager));
    } finally {
      await dataSource.query('ALTER TABLE notifications_hidden RENAME TO notifications');
    }
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toMatch(PROBLEM_JSON);
    expect(response.body).toMatchObject({ status: 500, code: 'INTERNAL_ERROR' });
    // The detail is the title again: nothing of the cause.
    expect(Object.keys(response.body).sort()).toEqual(
      ['code', 'detail', 'instance', 'status', 'title', 'type'].sort(),
    );
    expect(response.body.detail).toBe(response.body.title);
    for (const telltale of [
      /notifications/i,
      /select|from |where /i,
      /relation|QueryFailedError|syntax/i,
      /\bat \S+ \(|\.ts:\d+|\.js:\d+|node_modules/,
    ]) {
      expect(response.text.replace(/"instance":"[^"]*"/, '')).not.toMatch(telltale);
    }
    // The cause goes to the log, for the operator, with the request's id.
    const logged = t.logs.find(
      (line) => line.includes('notifications_hidden') || /relation/.test(line),
    );
    expect(logged).toBeDefined();
    await t.http.get('/api/v1/me/notifications').set(bearer(manager)).expect(200);
  });

  it('writes no secret to the log: JWT secret, webhook secret, passwords, tokens', () => {
    const log = t.logs.join('\n');
    expect(log.length).toBeGreaterThan(1000);
    expect(log).not.toContain(t.config.jwtSecret!);
    expect(log).not.toContain(webhookSecret);
    expect(log).not.toContain(webhookSecret.replace(/^whsec_/, ''));
    expect(log).not.toContain(manager.password);
    expect(log).not.toContain('una clave cualquiera');
    expect(log).not.toContain(manager.token.split('.')[2]);
  });
});

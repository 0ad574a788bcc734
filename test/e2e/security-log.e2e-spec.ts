import { bearer, newUser } from '../support/builders';
import { startTestApp, type TestApp } from '../support/test-app';

describe('logs, throttling and the platform admin', () => {
  let t: TestApp;
  const adminEmail = 'admin@ayllu.test';
  const adminPassword = 'admin password from the environment';

  beforeAll(async () => {
    t = await startTestApp({
      LOGIN_THROTTLE_ACCOUNT_LIMIT: '5',
      LOGIN_THROTTLE_WINDOW_SECONDS: '60',
      PLATFORM_ADMIN_EMAIL: adminEmail,
      PLATFORM_ADMIN_PASSWORD: adminPassword,
    });
  });

  afterAll(() => t.close());

  it('never writes a password or a token to the log', async () => {
    const user = await newUser(t.http, 'Registro Seguro');
    await t.http.get('/api/v1/me').set(bearer(user)).expect(200);
    await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: 'wrong password here' })
      .expect(401);

    const log = t.logs.join('\n');
    const loginLine = t.logs.filter((line) => line.includes('"url":"/api/v1/auth/login"')).at(-1);
    expect(loginLine).toBeDefined();
    // A request's line names the request and its outcome; headers, and so credentials,
    // are never in it.
    const logged = JSON.parse(loginLine!) as { req: object; res: object };
    expect(Object.keys(logged.req).sort()).toEqual(['id', 'method', 'remoteAddress', 'url']);
    expect(logged.res).toEqual({ statusCode: 401 });
    expect(log).not.toContain('"headers"');
    expect(log).not.toContain(user.password);
    expect(log).not.toContain('wrong password here');
    expect(log).not.toContain(user.token);
    expect(log).not.toContain(user.token.split('.')[2]);
    expect(log).not.toContain(adminPassword);
  });

  it('creates the platform admin from the environment; no API can make one', async () => {
    const login = await t.http
      .post('/api/v1/auth/login')
      .send({ email: adminEmail, password: adminPassword })
      .expect(200);
    const me = await t.http
      .get('/api/v1/me')
      .set('Authorization', `Bearer ${login.body.accessToken}`)
      .expect(200);
    expect(me.body.isPlatformAdmin).toBe(true);
    const user = await newUser(t.http, 'No Admin');
    const me2 = await t.http.get('/api/v1/me').set(bearer(user)).expect(200);
    expect(me2.body.isPlatformAdmin).toBe(false);
  });

  it('throttles login per account (429 with Retry-After), whatever the password', async () => {
    const victim = await newUser(t.http, 'Cuenta Atacada');
    const statuses: number[] = [];
    let last: Awaited<ReturnType<typeof t.http.post>> | undefined;
    for (let i = 0; i < 7; i += 1) {
      last = await t.http
        .post('/api/v1/auth/login')
        .send({ email: victim.email, password: `guess ${i} xxxxxx` });
      statuses.push(last.status);
    }
    // newUser spent one login of the five; four wrong guesses, then refusals.
    expect(statuses).toEqual([401, 401, 401, 401, 429, 429, 429]);
    expect(last!.body.code).toBe('RATE_LIMITED');
    expect(Number(last!.headers['retry-after'])).toBeGreaterThan(0);
    const right = await t.http
      .post('/api/v1/auth/login')
      .send({ email: victim.email, password: victim.password });
    expect(right.status).toBe(429);
  });
});

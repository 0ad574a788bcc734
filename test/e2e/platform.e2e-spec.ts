import { randomUUID } from 'node:crypto';
import { ModulesContainer } from '@nestjs/core';
import jwt from 'jsonwebtoken';
import { ACCESS_RULE } from '../../src/shared/auth/access.decorators';
import { bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import { startTestApp, type TestApp } from '../support/test-app';

const PROBLEM_JSON = /^application\/problem\+json/;

describe('platform: errors, idempotency, operations', () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '4096', CORS_ORIGINS: 'https://consola.ayllu.cl' });
    user = await newUser(t.http, 'Tesorera Lasana');
  });

  afterAll(() => t.close());

  describe('bad input gets problem details with a code', () => {
    it('malformed JSON → 400 MALFORMED_JSON', async () => {
      const response = await t.http
        .post('/api/v1/auth/login')
        .set('Content-Type', 'application/json')
        .send('{"email": "a@b.cl", ')
        .expect(400)
        .expect('Content-Type', PROBLEM_JSON);
      expect(response.body).toMatchObject({
        status: 400,
        code: 'MALFORMED_JSON',
        title: expect.any(String),
      });
    });

    it('unknown fields → 400 naming each of them', async () => {
      const response = await t.http
        .post('/api/v1/auth/register')
        .send({
          email: 'x@ayllu.test',
          password: 'una clave larga',
          displayName: 'X',
          isPlatformAdmin: true,
          role: 'admin',
        })
        .expect(400)
        .expect('Content-Type', PROBLEM_JSON);
      expect(response.body.code).toBe('VALIDATION_FAILED');
      expect(response.body.errors).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'isPlatformAdmin', code: 'UNKNOWN_FIELD' }),
          expect.objectContaining({ field: 'role', code: 'UNKNOWN_FIELD' }),
        ]),
      );
    });

    it('wrong types → 400 naming every field, with no value echoed back', async () => {
      const response = await t.http
        .post('/api/v1/auth/register')
        .send({ email: 42, password: ['x'], displayName: null })
        .expect(400);
      const fields = new Set(response.body.errors.map((e: { field: string }) => e.field));
      expect([...fields].sort()).toEqual(['displayName', 'email', 'password']);
      expect(JSON.stringify(response.body)).not.toContain('42');
    });

    it('a body without JSON content → 400 naming the missing fields', async () => {
      const response = await t.http.post('/api/v1/auth/login').send('email=a').expect(400);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    });

    it('oversized body → 413 PAYLOAD_TOO_LARGE', async () => {
      const response = await t.http
        .post('/api/v1/auth/register')
        .send({ email: 'x@ayllu.test', password: 'x'.repeat(5000), displayName: 'X' })
        .expect(413)
        .expect('Content-Type', PROBLEM_JSON);
      expect(response.body.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('unknown route → 404 problem details, inside and outside the API prefix', async () => {
      for (const path of ['/api/v1/no-such-thing', '/no-such-thing']) {
        const response = await t.http.get(path).expect(404).expect('Content-Type', PROBLEM_JSON);
        expect(response.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
      }
    });

    it('expired, forged, unsigned and wrongly signed tokens → 401', async () => {
      const secret = t.config.jwtSecret!;
      const now = Math.floor(Date.now() / 1000);
      const tokens = {
        expired: jwt.sign({ sub: user.id, iat: now - 7200, exp: now - 3600 }, secret, {
          algorithm: 'HS256',
        }),
        forged: jwt.sign({ sub: user.id }, 'another secret of enough length 1234567890', {
          algorithm: 'HS256',
        }),
        otherAlgorithm: jwt.sign({ sub: user.id }, secret, { algorithm: 'HS512' }),
        unsigned: jwt.sign({ sub: user.id }, '', { algorithm: 'none' }),
        garbage: 'not.a.token',
      };
      for (const [kind, token] of Object.entries(tokens)) {
        const response = await t.http.get('/api/v1/me').set('Authorization', `Bearer ${token}`);
        expect({ kind, status: response.status, code: response.body.code }).toEqual({
          kind,
          status: 401,
          code: 'UNAUTHENTICATED',
        });
      }
      const valid = jwt.sign({ sub: user.id }, secret, { algorithm: 'HS256', expiresIn: 60 });
      await t.http.get('/api/v1/me').set('Authorization', `Bearer ${valid}`).expect(200);
    });

    it('speaks Spanish by default and English when asked', async () => {
      const es = await t.http.get('/api/v1/me').expect(401);
      const en = await t.http
        .get('/api/v1/me')
        .set('Accept-Language', 'en-GB,en;q=0.9')
        .expect(401);
      expect(es.body.title).toBe('Se requiere autenticación válida');
      expect(en.body.title).toBe('Valid authentication is required');
      const fieldEs = await t.http
        .post('/api/v1/auth/login')
        .send({ email: 'a@b.cl', password: 'x', extra: 1 });
      expect(fieldEs.body.errors).toEqual([
        expect.objectContaining({ field: 'extra', message: 'campo desconocido' }),
      ]);
    });

    it('refuses an invalid idempotency key', async () => {
      const response = await t.http
        .post('/api/v1/organizations')
        .set(bearer(user))
        .set('Idempotency-Key', 'x'.repeat(201))
        .send({ kind: 'buyer', name: 'X' })
        .expect(400);
      expect(response.body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key' })]);
    });
  });

  describe('Idempotency-Key', () => {
    const create = (caller: TestUser, key: string, name: string) =>
      t.http
        .post('/api/v1/organizations')
        .set(bearer(caller))
        .set('Idempotency-Key', key)
        .send({ kind: 'association', name });

    const organizationsOf = async (caller: TestUser) =>
      (await t.http.get('/api/v1/me').set(bearer(caller)).expect(200)).body.memberships.length;

    it('replays the first response and creates nothing twice', async () => {
      const caller = await newUser(t.http, 'Gerente Caspana');
      const key = randomUUID();
      const first = await create(caller, key, 'Asociación Caspana').expect(201);
      const replay = await create(caller, key, 'Asociación Caspana').expect(201);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      expect(replay.body).toEqual(first.body);
      expect(await organizationsOf(caller)).toBe(1);
    });

    it('refuses the same key with another body (422 IDEMPOTENCY_KEY_REUSED)', async () => {
      const caller = await newUser(t.http, 'Gerente Toconce');
      const key = randomUUID();
      await create(caller, key, 'Asociación Toconce').expect(201);
      const reused = await create(caller, key, 'Otra asociación').expect(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(await organizationsOf(caller)).toBe(1);
    });

    it('executes concurrent replays once', async () => {
      const caller = await newUser(t.http, 'Gerente Chiu Chiu');
      const key = randomUUID();
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => create(caller, key, 'Asociación Chiu Chiu')),
      );
      const statuses = responses.map((r) => r.status);
      expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
      const created = responses.filter((r) => r.status === 201);
      expect(created.length).toBeGreaterThanOrEqual(1);
      expect(new Set(created.map((r) => r.body.id)).size).toBe(1);
      for (const conflict of responses.filter((r) => r.status === 409)) {
        expect(conflict.body.code).toBe('IDEMPOTENCY_REQUEST_IN_PROGRESS');
      }
      expect(await organizationsOf(caller)).toBe(1);
      const later = await create(caller, key, 'Asociación Chiu Chiu').expect(201);
      expect(later.body.id).toBe(created[0].body.id);
    });

    it('keeps keys per caller, and lets a refused request be retried with its key', async () => {
      const [a, b] = [await newUser(t.http, 'Uno'), await newUser(t.http, 'Dos')];
      const key = randomUUID();
      const fromA = await create(a, key, 'Asociación Uno').expect(201);
      const fromB = await create(b, key, 'Asociación Uno').expect(201);
      expect(fromB.body.id).not.toBe(fromA.body.id);

      const retryKey = randomUUID();
      await t.http
        .post('/api/v1/organizations')
        .set(bearer(a))
        .set('Idempotency-Key', retryKey)
        .send({ kind: 'association', name: 'X', rut: '1-1' })
        .expect(400);
      await create(a, retryKey, 'Asociación Corregida').expect(201);
    });
  });

  describe('operations', () => {
    it('/health reports the database and the queue', async () => {
      const response = await t.http.get('/health').expect(200);
      expect(response.body).toEqual({
        status: 'ok',
        database: 'up',
        queue: process.env.REDIS_URL ? 'up' : 'in-process',
      });
    });

    it('/metrics exposes HTTP latency histograms by route pattern', async () => {
      await t.http.get(`/api/v1/organizations/${randomUUID()}`).set(bearer(user)).expect(404);
      const response = await t.http.get('/metrics').expect(200);
      expect(response.text).toContain('# TYPE http_request_duration_seconds histogram');
      expect(response.text).toMatch(
        /http_request_duration_seconds_bucket\{le="[^"]+",method="GET",route="\/api\/v1\/organizations\/:id",status="404"\}/,
      );
      expect(response.text).not.toMatch(/route="\/api\/v1\/organizations\/[0-9a-f]{8}-/);
    });

    it('/docs-json describes the API generated from the DTOs, and /docs serves the UI', async () => {
      const spec = (await t.http.get('/docs-json').expect(200)).body;
      expect(spec.openapi).toMatch(/^3\./);
      expect(Object.keys(spec.paths)).toEqual(
        expect.arrayContaining([
          '/api/v1/auth/login',
          '/api/v1/organizations/{id}/producers',
          '/api/v1/products',
        ]),
      );
      expect(spec.components.schemas.UpdatePolicyRequest.properties.voteThreshold.type).toBe(
        'string',
      );
      const ui = await t.http.get('/docs').redirects(1).expect(200);
      expect(ui.text).toContain('swagger');
    });

    it('sends security headers, and CORS only for configured origins', async () => {
      const allowed = await t.http
        .options('/api/v1/products')
        .set('Origin', 'https://consola.ayllu.cl')
        .set('Access-Control-Request-Method', 'GET');
      expect(allowed.headers['access-control-allow-origin']).toBe('https://consola.ayllu.cl');
      const other = await t.http
        .get('/api/v1/products')
        .set('Origin', 'https://evil.example')
        .expect(200);
      expect(other.headers['access-control-allow-origin']).toBeUndefined();
      expect(other.headers['x-content-type-options']).toBe('nosniff');
      expect(other.headers['x-powered-by']).toBeUndefined();
    });

    it('declares an access rule on every route (the guard refuses any that does not)', () => {
      const undeclared: string[] = [];
      for (const module of t.app.get(ModulesContainer).values()) {
        for (const controller of module.controllers.values()) {
          const type = controller.metatype as { prototype: Record<string, unknown>; name: string };
          for (const name of Object.getOwnPropertyNames(type.prototype)) {
            const handler = type.prototype[name];
            if (name === 'constructor' || typeof handler !== 'function') continue;
            if (Reflect.getMetadata('method', handler) === undefined) continue;
            const rule =
              Reflect.getMetadata(ACCESS_RULE, handler) ?? Reflect.getMetadata(ACCESS_RULE, type);
            if (!rule) undeclared.push(`${type.name}.${name}`);
          }
        }
      }
      expect(undeclared).toEqual([]);
    });
  });

  describe('reference data', () => {
    it('lists the El Loa products with base units, grades and packaging units', async () => {
      const response = await t.http.get('/api/v1/products').expect(200);
      const byCode = Object.fromEntries(
        response.body.items.map((p: { code: string }) => [p.code, p]),
      );
      expect(Object.keys(byCode).sort()).toEqual([
        'cebada',
        'flores',
        'frutales',
        'habas',
        'leche-cabra',
        'maiz',
        'queso-cabra',
        'quinua',
        'zanahoria',
      ]);
      expect(byCode.zanahoria).toMatchObject({
        nameEs: 'Zanahoria',
        nameEn: 'Carrot',
        baseUnit: 'kg',
      });
      expect(byCode.zanahoria.grades.map((g: { code: string }) => g.code)).toEqual(['A', 'B', 'C']);
      expect(byCode.zanahoria.packagingUnits).toContainEqual(
        expect.objectContaining({ code: 'saco-20kg', quantityInBaseUnit: '20' }),
      );
      expect(byCode['leche-cabra'].baseUnit).toBe('l');
    });

    it('lists the communities of Calama and San Pedro de Atacama', async () => {
      const response = await t.http.get('/api/v1/communities').expect(200);
      expect(response.body.items).toHaveLength(12);
      expect(response.body.items).toContainEqual(
        expect.objectContaining({
          name: 'Lasana',
          commune: 'Calama',
          families: 40,
          altitudeM: 2500,
          distanceKmToCalama: '33',
        }),
      );
    });
  });

  it('lets an association and a buyer exist side by side with separate members', async () => {
    const buyerAgent = await newUser(t.http, 'Comprador');
    const buyer = await newOrganization(t.http, buyerAgent, 'buyer');
    const members = await t.http
      .get(`/api/v1/organizations/${buyer.id}/members`)
      .set(bearer(buyerAgent))
      .expect(200);
    expect(members.body.items).toEqual([
      expect.objectContaining({ userId: buyerAgent.id, role: 'buyer_agent' }),
    ]);
  });
});

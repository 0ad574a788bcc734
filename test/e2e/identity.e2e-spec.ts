import { randomUUID } from 'node:crypto';
import { addMember, bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import { startTestApp, type TestApp } from '../support/test-app';

describe('identity and organisations', () => {
  let t: TestApp;
  let manager: TestUser;
  let treasurer: TestUser;
  let member: TestUser;
  let buyerAgent: TestUser;
  let outsider: TestUser;
  let association: { id: string };
  let buyer: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    [manager, treasurer, member, buyerAgent, outsider] = await Promise.all([
      newUser(t.http, 'Rosa Mamani'),
      newUser(t.http, 'Juan Anza'),
      newUser(t.http, 'Luisa Cruz'),
      newUser(t.http, 'Pedro Camión'),
      newUser(t.http, 'Otra Persona'),
    ]);
    association = await newOrganization(t.http, manager, 'association');
    buyer = await newOrganization(t.http, buyerAgent, 'buyer');
    await addMember(t.http, manager, association.id, treasurer, 'treasurer');
    await addMember(t.http, manager, association.id, member, 'member');
  });

  afterAll(() => t.close());

  describe('register and login', () => {
    it('registers a user without ever returning the password or its hash', async () => {
      const email = `nuevo.${randomUUID()}@ayllu.test`;
      const response = await t.http
        .post('/api/v1/auth/register')
        .send({ email, password: 'una clave bastante larga', displayName: 'Nuevo' })
        .expect(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        email,
        displayName: 'Nuevo',
        isPlatformAdmin: false,
        createdAt: expect.any(String),
      });
    });

    it('refuses a second account with the same email, whatever its case', async () => {
      const response = await t.http
        .post('/api/v1/auth/register')
        .send({
          email: manager.email.toUpperCase(),
          password: 'otra clave bastante larga',
          displayName: 'X',
        })
        .expect(409);
      expect(response.body.code).toBe('EMAIL_TAKEN');
    });

    it('logs in with the right password only, and says the same for an unknown email', async () => {
      const ok = await t.http
        .post('/api/v1/auth/login')
        .send({ email: manager.email, password: manager.password })
        .expect(200);
      expect(ok.body).toEqual({ accessToken: expect.any(String), expiresIn: 3600 });

      const wrong = await t.http
        .post('/api/v1/auth/login')
        .send({ email: manager.email, password: 'no es la clave' })
        .expect(401);
      const unknown = await t.http
        .post('/api/v1/auth/login')
        .send({ email: `nadie.${randomUUID()}@ayllu.test`, password: 'no es la clave' })
        .expect(401);
      expect(wrong.body.code).toBe('INVALID_CREDENTIALS');
      expect(unknown.body).toEqual({ ...wrong.body, instance: unknown.body.instance });
    });

    it('shows the caller with every membership', async () => {
      const me = await t.http.get('/api/v1/me').set(bearer(manager)).expect(200);
      expect(me.body).toMatchObject({
        id: manager.id,
        email: manager.email,
        isPlatformAdmin: false,
      });
      expect(me.body.memberships).toEqual([
        {
          organizationId: association.id,
          organizationName: 'Asociación de Productores de Lasana',
          kind: 'association',
          role: 'manager',
        },
      ]);
      const agent = await t.http.get('/api/v1/me').set(bearer(buyerAgent)).expect(200);
      expect(agent.body.memberships).toEqual([
        expect.objectContaining({ organizationId: buyer.id, kind: 'buyer', role: 'buyer_agent' }),
      ]);
    });
  });

  describe('organisations', () => {
    it('starts an association with the manager approval policy and the blocking floor', async () => {
      const response = await t.http
        .get(`/api/v1/organizations/${association.id}`)
        .set(bearer(member))
        .expect(200);
      expect(response.body).toMatchObject({
        id: association.id,
        kind: 'association',
        approvalPolicy: 'manager',
        floorPolicy: 'block',
        voteThreshold: '0.5',
        commissionRate: '0',
      });
    });

    it('checks the RUT of an organisation', async () => {
      const bad = await t.http
        .post('/api/v1/organizations')
        .set(bearer(outsider))
        .send({ kind: 'association', name: 'Cooperativa Toconce', rut: '12.345.678-4' })
        .expect(400);
      expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'rut', code: 'INVALID' })]);
      const good = await t.http
        .post('/api/v1/organizations')
        .set(bearer(outsider))
        .send({ kind: 'association', name: 'Cooperativa Toconce', rut: '12.345.678-5' })
        .expect(201);
      expect(good.body.rut).toBe('12345678-5');
    });

    it('lets a manager set the sales policy with fractions as decimal strings', async () => {
      const response = await t.http
        .patch(`/api/v1/organizations/${association.id}/policy`)
        .set(bearer(manager))
        .send({
          approvalPolicy: 'member_vote',
          voteThreshold: '0.6',
          voteHours: 24,
          commissionRate: '0.03',
        })
        .expect(200);
      expect(response.body).toMatchObject({
        approvalPolicy: 'member_vote',
        voteThreshold: '0.6',
        voteHours: 24,
        floorPolicy: 'block',
        commissionRate: '0.03',
      });
      const invalid = await t.http
        .patch(`/api/v1/organizations/${association.id}/policy`)
        .set(bearer(manager))
        .send({ voteThreshold: '1.5', commissionRate: 0.03, floorPolicy: 'sometimes' })
        .expect(400);
      expect(invalid.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'commissionRate',
        'floorPolicy',
        'voteThreshold',
      ]);
    });

    it('lists members with their roles, paginated', async () => {
      const first = await t.http
        .get(`/api/v1/organizations/${association.id}/members?limit=2`)
        .set(bearer(member))
        .expect(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.http
        .get(
          `/api/v1/organizations/${association.id}/members?limit=2&cursor=${first.body.nextCursor}`,
        )
        .set(bearer(member))
        .expect(200);
      expect(second.body.nextCursor).toBeNull();
      const all = [...first.body.items, ...second.body.items];
      expect(all.map((m: { email: string; role: string }) => [m.email, m.role])).toEqual([
        [manager.email, 'manager'],
        [treasurer.email, 'treasurer'],
        [member.email, 'member'],
      ]);
    });

    it('refuses a role that does not exist in that kind of organisation, and a duplicate role', async () => {
      const wrongKind = await t.http
        .post(`/api/v1/organizations/${association.id}/members`)
        .set(bearer(manager))
        .send({ email: outsider.email, role: 'buyer_agent' })
        .expect(400);
      expect(wrongKind.body.code).toBe('ROLE_NOT_FOR_ORGANIZATION_KIND');
      const twice = await t.http
        .post(`/api/v1/organizations/${association.id}/members`)
        .set(bearer(manager))
        .send({ email: member.email, role: 'member' })
        .expect(409);
      expect(twice.body.code).toBe('ALREADY_MEMBER');
    });
  });

  describe('producers', () => {
    it('registers producers with and without a login, and lists them to members', async () => {
      const lasana = (
        await t.http.get('/api/v1/communities?limit=100').expect(200)
      ).body.items.find((c: { name: string }) => c.name === 'Lasana');
      const anza = await t.http
        .post(`/api/v1/organizations/${association.id}/producers`)
        .set(bearer(manager))
        .send({ name: 'Familia Anza', communityId: lasana.id, rut: '10.000.013-k' })
        .expect(201);
      expect(anza.body).toMatchObject({
        name: 'Familia Anza',
        communityId: lasana.id,
        rut: '10000013-K',
        userId: null,
      });
      const cruz = await t.http
        .post(`/api/v1/organizations/${association.id}/producers`)
        .set(bearer(manager))
        .send({ name: 'Familia Cruz', userId: member.id })
        .expect(201);
      expect(cruz.body.userId).toBe(member.id);

      const list = await t.http
        .get(`/api/v1/organizations/${association.id}/producers`)
        .set(bearer(member))
        .expect(200);
      expect(list.body.items.map((p: { name: string }) => p.name)).toEqual([
        'Familia Anza',
        'Familia Cruz',
      ]);
    });

    it('links a producer only to a member of the association, and to one producer only', async () => {
      const notMember = await t.http
        .post(`/api/v1/organizations/${association.id}/producers`)
        .set(bearer(manager))
        .send({ name: 'Familia X', userId: outsider.id })
        .expect(400);
      expect(notMember.body.errors).toEqual([expect.objectContaining({ field: 'userId' })]);
      const taken = await t.http
        .post(`/api/v1/organizations/${association.id}/producers`)
        .set(bearer(manager))
        .send({ name: 'Otra Familia Cruz', userId: member.id })
        .expect(409);
      expect(taken.body.code).toBe('PRODUCER_USER_TAKEN');
    });

    it('refuses an unknown community', async () => {
      const response = await t.http
        .post(`/api/v1/organizations/${association.id}/producers`)
        .set(bearer(manager))
        .send({ name: 'Familia Y', communityId: randomUUID() })
        .expect(400);
      expect(response.body.code).toBe('UNKNOWN_COMMUNITY');
    });
  });

  describe('roles and organisation boundaries', () => {
    it('answers 403 to a member lacking the role, and writes nothing', async () => {
      for (const caller of [treasurer, member]) {
        const response = await t.http
          .post(`/api/v1/organizations/${association.id}/producers`)
          .set(bearer(caller))
          .send({ name: 'No debería existir' })
          .expect(403);
        expect(response.body.code).toBe('FORBIDDEN');
        await t.http
          .patch(`/api/v1/organizations/${association.id}/policy`)
          .set(bearer(caller))
          .send({ approvalPolicy: 'manager' })
          .expect(403);
        await t.http
          .post(`/api/v1/organizations/${association.id}/members`)
          .set(bearer(caller))
          .send({ email: outsider.email, role: 'member' })
          .expect(403);
      }
      const list = await t.http
        .get(`/api/v1/organizations/${association.id}/producers`)
        .set(bearer(manager))
        .expect(200);
      expect(list.body.items.map((p: { name: string }) => p.name)).not.toContain(
        'No debería existir',
      );
    });

    it('answers 404 for another organisation, exactly as for one that does not exist', async () => {
      const paths = ['', '/members', '/producers'];
      for (const path of paths) {
        const other = await t.http
          .get(`/api/v1/organizations/${association.id}${path}`)
          .set(bearer(buyerAgent));
        const missing = await t.http
          .get(`/api/v1/organizations/${randomUUID()}${path}`)
          .set(bearer(buyerAgent));
        expect(other.status).toBe(404);
        expect(missing.status).toBe(404);
        expect(other.body.code).toBe('NOT_FOUND');
        expect(missing.body.code).toBe('NOT_FOUND');
      }
      await t.http
        .post(`/api/v1/organizations/${buyer.id}/members`)
        .set(bearer(manager))
        .send({ email: outsider.email, role: 'buyer_agent' })
        .expect(404);
      await t.http
        .patch(`/api/v1/organizations/${association.id}/policy`)
        .set(bearer(outsider))
        .send({ approvalPolicy: 'manager' })
        .expect(404);
    });

    it('lets a buyer agent bring a colleague into the buyer organisation', async () => {
      const colleague = await newUser(t.http, 'Colega Compradora');
      await addMember(t.http, buyerAgent, buyer.id, colleague, 'buyer_agent');
      const me = await t.http.get('/api/v1/me').set(bearer(colleague)).expect(200);
      expect(me.body.memberships).toEqual([
        expect.objectContaining({ organizationId: buyer.id, role: 'buyer_agent' }),
      ]);
    });

    it('requires a token for anything but the public routes', async () => {
      await t.http.get('/api/v1/me').expect(401);
      await t.http.get(`/api/v1/organizations/${association.id}`).expect(401);
      await t.http.post('/api/v1/organizations').send({ kind: 'buyer', name: 'X' }).expect(401);
    });
  });
});

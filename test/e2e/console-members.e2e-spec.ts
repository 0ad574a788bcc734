import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { bearer, newUser, type TestUser } from '../support/builders';
import { csrfOf, signInToConsole } from '../support/console-builders';
import { newAssociationTeam } from '../support/market-price-builders';
import { type TestApp, startTestApp } from '../support/test-app';

/** The members page below the browser: its three forms, their refusals, and who may edit. */
describe('console members and producers', () => {
  let t: TestApp;
  let team: Awaited<ReturnType<typeof newAssociationTeam>>;
  let manager: TestAgent;

  beforeAll(async () => {
    t = await startTestApp();
    team = await newAssociationTeam(t.http);
    manager = request.agent(t.app.getHttpServer());
    await signInToConsole(manager, team.manager);
  });
  afterAll(() => t.close());

  const path = () => `/org/${team.association.id}/socios`;

  async function post(browser: TestAgent, form: string, fields: Record<string, string>) {
    const page = await browser.get(path());
    return browser
      .post(`${path()}/${form}`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), _key: `k-${Math.random()}`, ...fields });
  }

  it('adds a producer linked to a member, and lists it', async () => {
    const members = await t.http
      .get(`/api/v1/organizations/${team.association.id}/members`)
      .set(bearer(team.manager));
    const member = members.body.items.find((m: { role: string }) => m.role === 'member');
    const added = await post(manager, 'productores', {
      name: 'Familia Anza',
      communityId: '',
      rut: '',
      userId: member.userId,
    });
    expect(added.status).toBe(303);
    expect(added.headers.location).toBe(`${path()}?hecho=producer#producer`);
    const page = await manager.get(added.headers.location);
    expect(page.text).toContain('Productor agregado.');
    expect(page.text).toMatch(/<th scope="row">Familia Anza<\/th>[\s\S]*?Socia Lasana/);
  });

  it('adds a person by email; an unknown email is shown next to the field, as typed', async () => {
    const refused = await post(manager, 'miembros', {
      email: 'nadie@lasana.cl',
      role: 'treasurer',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="f-email-error">No hay un usuario con ese correo</);
    expect(refused.text).toContain('value="nadie@lasana.cl"');
    expect(refused.text).toMatch(/<option value="treasurer" selected>/);

    const newcomer: TestUser = await newUser(t.http, 'Juana Choque');
    const added = await post(manager, 'miembros', { email: newcomer.email, role: 'member' });
    expect(added.status).toBe(303);
    const page = await manager.get(path());
    expect(page.text).toContain(newcomer.email);
  });

  it('refuses a threshold above 1 next to its field, keeping every typed value', async () => {
    const refused = await post(manager, 'politica', {
      approvalPolicy: 'member_vote',
      voteThreshold: '1,5',
      voteHours: '48',
      floorPolicy: 'override_with_reason',
      commissionRate: '0,03',
    });
    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/id="f-voteThreshold-error">[^<]*rango/);
    expect(refused.text).toContain('value="1,5"');
    expect(refused.text).toContain('value="48"');
    expect(refused.text).toMatch(/<option value="member_vote" selected>/);
    expect(refused.text).toMatch(/<option value="override_with_reason" selected>/);
    const organization = await t.http
      .get(`/api/v1/organizations/${team.association.id}`)
      .set(bearer(team.manager));
    expect(organization.body.approvalPolicy).toBe('manager');

    const saved = await post(manager, 'politica', {
      approvalPolicy: 'member_vote',
      voteThreshold: '0,6',
      voteHours: '48',
      floorPolicy: 'block',
      commissionRate: '0,03',
    });
    expect(saved.status).toBe(303);
    const after = await t.http
      .get(`/api/v1/organizations/${team.association.id}`)
      .set(bearer(team.manager));
    expect(after.body).toMatchObject({
      approvalPolicy: 'member_vote',
      voteThreshold: '0.6',
      voteHours: 48,
      commissionRate: '0.03',
    });
  });

  it('lets a member read, without forms, and the API refuses a forged change', async () => {
    const member = request.agent(t.app.getHttpServer());
    await signInToConsole(member, team.member);
    const page = await member.get(path());
    expect(page.status).toBe(200);
    expect(page.text).toContain('Política de ventas');
    expect(page.text).not.toContain(`action="${path()}/politica"`);
    const forged = await member
      .post(`${path()}/miembros`)
      .type('form')
      .send({ _csrf: csrfOf(page.text), email: team.member.email, role: 'manager' });
    expect(forged.status).toBe(403);
  });
});

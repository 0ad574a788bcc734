import { randomUUID } from 'node:crypto';
import type TestAgent from 'supertest/lib/agent';

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
}

/** Registers and logs in a fresh user; every call gets a unique email. */
export async function newUser(http: TestAgent, name = 'Usuario de prueba'): Promise<TestUser> {
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${randomUUID().slice(0, 8)}@ayllu.test`;
  const password = `clave-segura-${randomUUID()}`;
  const registered = await http
    .post('/api/v1/auth/register')
    .send({ email, password, displayName: name })
    .expect(201);
  const login = await http.post('/api/v1/auth/login').send({ email, password }).expect(200);
  return { id: registered.body.id, email, password, token: login.body.accessToken };
}

export function bearer(user: TestUser): { Authorization: string } {
  return { Authorization: `Bearer ${user.token}` };
}

export async function newOrganization(
  http: TestAgent,
  founder: TestUser,
  kind: 'association' | 'buyer',
  name = kind === 'association' ? 'Asociación de Productores de Lasana' : 'Distribuidora del Norte',
): Promise<{ id: string; name: string }> {
  const response = await http
    .post('/api/v1/organizations')
    .set(bearer(founder))
    .send({ kind, name })
    .expect(201);
  return { id: response.body.id, name: response.body.name };
}

export async function addMember(
  http: TestAgent,
  manager: TestUser,
  organizationId: string,
  member: TestUser,
  role: string,
): Promise<void> {
  await http
    .post(`/api/v1/organizations/${organizationId}/members`)
    .set(bearer(manager))
    .send({ email: member.email, role })
    .expect(201);
}

import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { addMember, bearer, newOrganization, newUser, type TestUser } from './builders';
import { newProducer, productByCode } from './lot-builders';
import { deliver, soldLot } from './settlement-builders';
import type { TestApp } from './test-app';

/** The CSRF token of a console page, as a browser would post it back. */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!match) throw new Error('no CSRF token on the page');
  return match[1];
}

/** Signs `user` in to the console on `browser` (a supertest agent keeping cookies). */
export async function signInToConsole(browser: TestAgent, user: TestUser): Promise<void> {
  const form = await browser.get('/entrar');
  const response = await browser
    .post('/entrar')
    .type('form')
    .send({ _csrf: csrfOf(form.text), email: user.email, password: user.password });
  if (response.status !== 303) throw new Error(`sign-in refused: ${response.status}`);
}

/** Market days counted back from today in Chile, `YYYY-MM-DD`. */
export function chileanDaysAgo(days: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'America/Santiago' }).format(
    new Date(),
  );
  const instant = new Date(`${today}T00:00:00Z`);
  instant.setUTCDate(instant.getUTCDate() - days);
  return instant.toISOString().slice(0, 10);
}

/** A browser below the browser: a supertest agent holding this person's console session. */
export async function consoleAgent(t: TestApp, user: TestUser) {
  const agent = request.agent(t.app.getHttpServer());
  await signInToConsole(agent, user);
  return agent;
}

export interface DeliveredLot {
  manager: TestUser;
  treasurer: TestUser;
  /** A member who is also the first producer, Rosa Mamani. */
  rosa: TestUser;
  associationId: string;
  lotId: string;
  producers: { id: string; name: string }[];
}

/**
 * A carrot lot of Lasana ready to settle: three families pool 400 kg, the Vega buys it all at
 * CLP 250/kg, and the delivery is accepted in full (Mamani 200 kg A, Anza 100 kg A, Cruz 100 kg
 * B). The association's commission is 3 %.
 */
export async function deliveredLot(http: TestAgent): Promise<DeliveredLot> {
  const [manager, treasurer, rosa, buyer] = await Promise.all([
    newUser(http, 'Gerente Lasana'),
    newUser(http, 'Tesorera Lasana'),
    newUser(http, 'Rosa Mamani'),
    newUser(http, 'Agente Vega'),
  ]);
  const association = await newOrganization(http, manager, 'association');
  await newOrganization(http, buyer, 'buyer', 'Vega Modelo de Calama');
  await addMember(http, manager, association.id, treasurer, 'treasurer');
  await addMember(http, manager, association.id, rosa, 'member');
  await http
    .patch(`/api/v1/organizations/${association.id}/policy`)
    .set(bearer(manager))
    .send({ commissionRate: '0.03' })
    .expect(200);
  const producers = [
    await newProducer(http, manager, association.id, 'Familia Mamani', rosa.id),
    await newProducer(http, manager, association.id, 'Familia Anza'),
    await newProducer(http, manager, association.id, 'Familia Cruz'),
  ];
  const carrot = await productByCode(http, 'zanahoria');
  const quantities = ['200', '100', '100'];
  const { lotId, dealIds } = await soldLot(
    http,
    manager,
    association.id,
    carrot.id,
    producers.map((producer, index) => ({ producerId: producer.id, quantity: quantities[index] })),
    [{ buyer, price: '250', quantity: '400' }],
  );
  await deliver(
    http,
    manager,
    dealIds[0],
    producers.map((producer, index) => ({
      producerId: producer.id,
      quantityDelivered: quantities[index],
      quantityAccepted: quantities[index],
      grade: index === 2 ? 'B' : 'A',
    })),
  ).expect(201);
  return { manager, treasurer, rosa, associationId: association.id, lotId, producers };
}

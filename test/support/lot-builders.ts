import type TestAgent from 'supertest/lib/agent';
import type { DataSource } from 'typeorm';
import { bearer, newOrganization, newUser, type TestUser } from './builders';

export interface ProductRef {
  id: string;
  code: string;
}

export async function productByCode(http: TestAgent, code: string): Promise<ProductRef> {
  const response = await http.get('/api/v1/products?limit=100').expect(200);
  const product = response.body.items.find((p: ProductRef) => p.code === code);
  if (!product) throw new Error(`no product ${code}`);
  return product;
}

export async function newProducer(
  http: TestAgent,
  manager: TestUser,
  organizationId: string,
  name: string,
  userId?: string,
): Promise<{ id: string; name: string }> {
  const response = await http
    .post(`/api/v1/organizations/${organizationId}/producers`)
    .set(bearer(manager))
    .send({ name, ...(userId ? { userId } : {}) })
    .expect(201);
  return response.body;
}

export interface NewLotOptions {
  unit?: string;
  mechanism?: 'negotiation' | 'tender';
  pricingRule?: 'pay_as_bid' | 'uniform';
  reservePrice?: string;
  askingPrice?: string;
  minOrderQuantity?: string;
  closesAt?: string;
  currency?: 'CLP' | 'USD';
}

/** A draft carrot lot of the association, in kg, grade A. */
export async function newLot(
  http: TestAgent,
  manager: TestUser,
  organizationId: string,
  productId: string,
  options: NewLotOptions = {},
): Promise<{ id: string }> {
  const response = await http
    .post(`/api/v1/organizations/${organizationId}/lots`)
    .set(bearer(manager))
    .send({
      productId,
      grade: 'A',
      unit: options.unit ?? 'kg',
      currency: options.currency ?? 'CLP',
      mechanism: options.mechanism ?? 'negotiation',
      minOrderQuantity: options.minOrderQuantity ?? '100',
      deliveryFrom: '2026-12-10',
      deliveryTo: '2026-12-20',
      deliveryPoint: 'Sede de la asociación, Lasana',
      ...(options.pricingRule ? { pricingRule: options.pricingRule } : {}),
      ...(options.reservePrice ? { reservePrice: options.reservePrice } : {}),
      ...(options.askingPrice ? { askingPrice: options.askingPrice } : {}),
      ...(options.closesAt ? { closesAt: options.closesAt } : {}),
    })
    .expect(201);
  return response.body;
}

export async function contribute(
  http: TestAgent,
  manager: TestUser,
  lotId: string,
  producerId: string,
  quantity: string,
  costSheetId?: string,
): Promise<{ id: string }> {
  const response = await http
    .post(`/api/v1/lots/${lotId}/contributions`)
    .set(bearer(manager))
    .send({ producerId, quantity, ...(costSheetId ? { costSheetId } : {}) })
    .expect(201);
  return response.body;
}

export async function publish(http: TestAgent, manager: TestUser, lotId: string): Promise<void> {
  await http.post(`/api/v1/lots/${lotId}/publish`).set(bearer(manager)).expect(200);
}

export function inHours(hours: number, from: Date = new Date()): string {
  return new Date(from.getTime() + hours * 3_600_000).toISOString();
}

export async function makeOffer(
  http: TestAgent,
  buyer: TestUser,
  lotId: string,
  terms: {
    price: string;
    quantity: string;
    minQuantity?: string;
    expiresAt?: string;
    paymentTermsDays?: number;
  },
): Promise<{ id: string; status: string; threadId: string }> {
  const response = await http
    .post(`/api/v1/lots/${lotId}/offers`)
    .set(bearer(buyer))
    .send({ paymentTermsDays: 30, expiresAt: inHours(24), ...terms })
    .expect(201);
  return response.body;
}

export interface Buyer {
  user: TestUser;
  organization: { id: string; name: string };
}

/** A buyer organisation and its agent. */
export async function newBuyer(http: TestAgent, name: string): Promise<Buyer> {
  const user = await newUser(http, `Agente ${name}`);
  const organization = await newOrganization(http, user, 'buyer', name);
  return { user, organization };
}

export async function setPolicy(
  http: TestAgent,
  manager: TestUser,
  organizationId: string,
  policy: {
    approvalPolicy?: 'manager' | 'two_person' | 'member_vote';
    voteThreshold?: string;
    voteHours?: number;
    floorPolicy?: 'block' | 'override_with_reason';
  },
): Promise<void> {
  await http
    .patch(`/api/v1/organizations/${organizationId}/policy`)
    .set(bearer(manager))
    .send(policy)
    .expect(200);
}

export async function counterOffer(
  http: TestAgent,
  party: TestUser,
  offerId: string,
  terms: { price: string; quantity: string; expiresAt?: string; minQuantity?: string },
): Promise<{ id: string; status: string; madeBy: string; threadId: string }> {
  const response = await http
    .post(`/api/v1/offers/${offerId}/counter`)
    .set(bearer(party))
    .send({ expiresAt: inHours(24), ...terms })
    .expect(201);
  return response.body;
}

/**
 * A refusal as the API contract has it: RFC 9457 problem details with the stable code.
 * Returns the body for further checks.
 */
export function expectProblem(
  response: { status: number; headers: Record<string, string>; body: Record<string, unknown> },
  status: number,
  code: string,
): Record<string, unknown> {
  expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(response.body.status).toBe(status);
  return response.body;
}

/** The fields named by a VALIDATION_FAILED problem, sorted. */
export function invalidFields(body: Record<string, unknown>): string[] {
  return [...new Set((body.errors as { field: string }[]).map((issue) => issue.field))].sort();
}

/** Polls until `condition` holds; fails after `timeoutMs` instead of hanging the suite. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not met within ${timeoutMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Everything a request could have written for a lot, read straight from the database: a
 * refused request must leave it exactly as it was.
 */
export async function lotFootprint(dataSource: DataSource, lotId: string) {
  const [row] = await dataSource.query<Record<string, string | number>[]>(
    `SELECT l.status, l.quantity_total::text AS total, l.quantity_sold::text AS sold,
            l.quantity_held::text AS held,
            (SELECT count(*)::int FROM lot_contributions c WHERE c.lot_id = l.id) AS contributions,
            (SELECT count(*)::int FROM offers o WHERE o.lot_id = l.id) AS offers,
            (SELECT count(*)::int FROM offers o WHERE o.lot_id = l.id AND o.status = 'pending') AS pending,
            (SELECT count(*)::int FROM deals d WHERE d.lot_id = l.id) AS deals,
            (SELECT count(*)::int FROM approvals a WHERE a.lot_id = l.id) AS approvals,
            (SELECT count(*)::int FROM lot_history h WHERE h.lot_id = l.id)
              + (SELECT count(*)::int FROM lot_history_pending h WHERE h.lot_id = l.id) AS history,
            (SELECT count(*)::int FROM outbox_events e
              WHERE e.aggregate_type = 'lot' AND e.aggregate_id = l.id) AS events
       FROM lots l WHERE l.id = $1`,
    [lotId],
  );
  return row;
}

import type TestAgent from 'supertest/lib/agent';
import { bearer, type TestUser } from './builders';

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
      unit: 'kg',
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
): Promise<{ id: string; status: string }> {
  const response = await http
    .post(`/api/v1/lots/${lotId}/offers`)
    .set(bearer(buyer))
    .send({ paymentTermsDays: 30, expiresAt: inHours(24), ...terms })
    .expect(201);
  return response.body;
}

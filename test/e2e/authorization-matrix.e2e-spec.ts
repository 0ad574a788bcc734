import { randomUUID } from 'node:crypto';
import type { Test } from 'supertest';
import { ManualClock } from '../../src/shared/clock';
import { TokenService } from '../../src/shared/auth/token.service';
import { addMember, bearer, newOrganization, type TestUser } from '../support/builders';
import { carrotSheet, createSheet } from '../support/costing-builders';
import { FICHA_ZANAHORIA_SAMPLE } from '../support/ficha-sample';
import {
  contribute,
  makeOffer,
  newLot,
  newProducer,
  productByCode,
  publish,
  setPolicy,
  waitUntil,
  type NewLotOptions,
} from '../support/lot-builders';
import {
  ADMIN_ENV,
  loginPlatformAdmin,
  ODEPA_SAMPLE_LINES,
  odepaFile,
} from '../support/market-price-builders';
import { deliver, settle } from '../support/settlement-builders';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * The authorization matrix (issue 9, point 3): every operation of `/docs-json` × every role,
 * each cell's expected status written in MATRIX below. The resources are association A's
 * (Lasana) and, where a buyer is involved, buyer B1's. So "other buyer" (B2) and "other
 * manager" (the manager of association A2) are callers on another organisation's resources;
 * the rest of the columns on their own. An operation of the document without a row fails
 * the test, so a new route cannot be forgotten.
 *
 * Status codes are not enough: every response body is kept and searched for what its caller
 * must never learn (a lot's reserve, floor and contributions; another buyer's offers; a
 * sealed bid before the close; another association's cost sheets and internals).
 *
 * A refused cell is tried on a fixture shared by the row; a cell expected to succeed on a
 * write gets a fresh fixture of its own, so that no cell depends on the order they run in.
 */

const ROLES = [
  'anonymous',
  'manager',
  'treasurer',
  'member',
  'buyer',
  'otherBuyer',
  'admin',
  'otherManager',
] as const;
type Role = (typeof ROLES)[number];

// One row per operation (a few operations have a second row for another state of the
// resource: a sealed tender, before its close). Columns:
//   anon: no token · mgr/tre/mem: manager, treasurer and member (a producer's own user) of
//   association A · buyer: agent of B1, the buyer of the offer, deal or delivery · o-buy:
//   agent of B2 · admin: platform admin · o-mgr: manager of association A2.
const MATRIX = `
| operation                                                        | anon | mgr | tre | mem | buyer | o-buy | admin | o-mgr |
| GET    /api/v1/communities                                       | 200  | 200 | 200 | 200 | 200   | 200   | 200   | 200   |
| GET    /api/v1/products                                          | 200  | 200 | 200 | 200 | 200   | 200   | 200   | 200   |
| POST   /api/v1/auth/register                                     | 201  | 201 | 201 | 201 | 201   | 201   | 201   | 201   |
| POST   /api/v1/auth/login                                        | 200  | 200 | 200 | 200 | 200   | 200   | 200   | 200   |
| GET    /api/v1/me                                                | 401  | 200 | 200 | 200 | 200   | 200   | 200   | 200   |
| POST   /api/v1/organizations                                     | 401  | 201 | 201 | 201 | 201   | 201   | 201   | 201   |
| GET    /api/v1/organizations/{id}                                | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| PATCH  /api/v1/organizations/{id}/policy                         | 401  | 200 | 403 | 403 | 404   | 404   | 404   | 404   |
| POST   /api/v1/organizations/{id}/members                        | 401  | 201 | 403 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/organizations/{id}/members                        | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| POST   /api/v1/organizations/{id}/producers                      | 401  | 201 | 403 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/organizations/{id}/producers                      | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| POST   /api/v1/organizations/{id}/lots                           | 401  | 201 | 403 | 403 | 404   | 404   | 404   | 404   |
| POST   /api/v1/lots/{id}/contributions                           | 401  | 201 | 403 | 403 | 404   | 404   | 404   | 404   |
| DELETE /api/v1/lots/{id}/contributions/{cid}                     | 401  | 204 | 403 | 403 | 404   | 404   | 404   | 404   |
| POST   /api/v1/lots/{id}/publish                                 | 401  | 200 | 403 | 403 | 404   | 404   | 404   | 404   |
| POST   /api/v1/lots/{id}/cancel                                  | 401  | 200 | 403 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/lots                                              | 401  | 200 | 200 | 200 | 200   | 200   | 200   | 200   |
| GET    /api/v1/lots/{id}                                         | 401  | 200 | 200 | 200 | 200   | 200   | 404   | 404   |
| GET    /api/v1/lots/{id} [draft]                                 | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| GET    /api/v1/lots/{id}/cost-basis                              | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| GET    /api/v1/lots/{id}/history                                 | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| POST   /api/v1/organizations/{id}/cost-sheets                     | 401  | 201 | 201 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/organizations/{id}/cost-sheets                     | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| POST   /api/v1/organizations/{id}/cost-sheets/import              | 401  | 201 | 201 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/cost-sheet-templates                              | 401  | 200 | 200 | 200 | 200   | 200   | 200   | 200   |
| GET    /api/v1/cost-sheets/{id}                                  | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| PATCH  /api/v1/cost-sheets/{id}                                  | 401  | 200 | 200 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/cost-sheets/{id}/summary                          | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| GET    /api/v1/cost-sheets/{id}/sensitivity                      | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| GET    /api/v1/cost-sheets/{id}/export.csv                       | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| POST   /api/v1/lots/{id}/offers                                  | 401  | 403 | 403 | 403 | 201   | 201   | 403   | 403   |
| GET    /api/v1/lots/{id}/offers                                  | 401  | 200 | 200 | 200 | 200   | 200   | 404   | 404   |
| GET    /api/v1/lots/{id}/offers [sealed tender]                  | 401  | 403 | 403 | 403 | 200   | 200   | 404   | 404   |
| GET    /api/v1/offers/{id}                                       | 401  | 200 | 200 | 200 | 200   | 404   | 404   | 404   |
| GET    /api/v1/offers/{id} [sealed bid]                          | 401  | 403 | 403 | 403 | 200   | 404   | 404   | 404   |
| POST   /api/v1/offers/{id}/counter                               | 401  | 201 | 403 | 403 | 403   | 404   | 404   | 404   |
| POST   /api/v1/offers/{id}/accept                                | 401  | 201 | 403 | 403 | 403   | 404   | 404   | 404   |
| POST   /api/v1/offers/{id}/reject                                | 401  | 200 | 403 | 403 | 403   | 404   | 404   | 404   |
| POST   /api/v1/offers/{id}/withdraw                              | 401  | 403 | 403 | 403 | 200   | 404   | 404   | 404   |
| GET    /api/v1/offers/{id}/benchmark                             | 401  | 200 | 200 | 200 | 200   | 404   | 404   | 404   |
| GET    /api/v1/approvals/{id}                                    | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| POST   /api/v1/approvals/{id}/votes                              | 401  | 403 | 403 | 201 | 404   | 404   | 404   | 404   |
| GET    /api/v1/lots/{id}/allocation                              | 401  | 200 | 200 | 200 | 200   | 200   | 404   | 404   |
| GET    /api/v1/lots/{id}/allocation [sealed tender]              | 401  | 409 | 409 | 409 | 409   | 409   | 404   | 404   |
| GET    /api/v1/deals/{id}                                        | 401  | 200 | 200 | 200 | 200   | 404   | 404   | 404   |
| POST   /api/v1/deals/{id}/deliveries                             | 401  | 201 | 403 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/deals/{id}/deliveries                             | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| GET    /api/v1/deliveries/{id}                                   | 401  | 404 | 404 | 404 | 200   | 404   | 404   | 404   |
| POST   /api/v1/deliveries/{id}/confirm                           | 401  | 404 | 404 | 404 | 200   | 404   | 404   | 404   |
| POST   /api/v1/deals/{id}/payments                               | 401  | 403 | 201 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/deals/{id}/payments                               | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| POST   /api/v1/lots/{id}/settlements                             | 401  | 403 | 201 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/lots/{id}/settlements                             | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| GET    /api/v1/settlements/{id}                                  | 401  | 200 | 200 | 200 | 404   | 404   | 404   | 404   |
| POST   /api/v1/settlements/{id}/confirm                          | 401  | 403 | 200 | 403 | 404   | 404   | 404   | 404   |
| DELETE /api/v1/settlements/{id}                                  | 401  | 403 | 204 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/settlements/{id}/statements.csv                   | 401  | 403 | 200 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/settlements/{id}/producers/{pid}/statement.pdf    | 401  | 403 | 200 | 200 | 404   | 404   | 404   | 404   |
| POST   /api/v1/settlements/{id}/statement-bundle                 | 401  | 403 | 200 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/settlements/{id}/statement-bundle                 | 401  | 403 | 200 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/settlements/{id}/statement-bundle.pdf             | 401  | 403 | 200 | 403 | 404   | 404   | 404   | 404   |
| POST   /api/v1/market-prices                                     | 401  | 403 | 201 | 403 | 403   | 403   | 201   | 403   |
| GET    /api/v1/market-prices                                     | 401  | 200 | 200 | 200 | 200   | 200   | 200   | 200   |
| POST   /api/v1/market-prices/import                              | 401  | 403 | 403 | 403 | 403   | 403   | 200   | 403   |
| GET    /api/v1/market-prices/aliases                             | 401  | 200 | 200 | 200 | 200   | 200   | 200   | 200   |
| PUT    /api/v1/market-prices/aliases/{name}                      | 401  | 403 | 403 | 403 | 403   | 403   | 200   | 403   |
| DELETE /api/v1/market-prices/aliases/{id}                        | 401  | 403 | 403 | 403 | 403   | 403   | 204   | 403   |
| GET    /api/v1/me/notifications                                  | 401  | 200 | 200 | 200 | 200   | 200   | 200   | 200   |
| POST   /api/v1/me/notifications/{notificationId}/read            | 401  | 200 | 404 | 404 | 404   | 404   | 404   | 404   |
| POST   /api/v1/organizations/{id}/webhooks                        | 401  | 201 | 403 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/organizations/{id}/webhooks                        | 401  | 200 | 403 | 403 | 404   | 404   | 404   | 404   |
| GET    /api/v1/organizations/{id}/webhooks/{wid}/deliveries       | 401  | 200 | 403 | 403 | 404   | 404   | 404   | 404   |
| POST   /api/v1/organizations/{id}/webhooks/{wid}/enable           | 401  | 200 | 403 | 403 | 404   | 404   | 404   | 404   |
`;

interface Row {
  label: string;
  operation: string;
  expected: Record<Role, number>;
}

function parseMatrix(text: string): Row[] {
  const lines = text
    .trim()
    .split('\n')
    .map((line) =>
      line
        .split('|')
        .slice(1, -1)
        .map((cell) => cell.trim()),
    );
  const [header, ...body] = lines;
  expect(header.length).toBe(ROLES.length + 1);
  return body.map((cells) => {
    const label = cells[0].replace(/\s+/g, ' ');
    return {
      label,
      operation: label.replace(/ \[.*\]$/, ''),
      expected: Object.fromEntries(ROLES.map((role, i) => [role, Number(cells[i + 1])])) as Record<
        Role,
        number
      >,
    };
  });
}

/** What a cell sends: the path's parameters, and a JSON body or a raw one. */
interface Target {
  params?: Record<string, string>;
  query?: string;
  body?: unknown;
  raw?: { contentType: string; data: string | Buffer };
}

interface Case {
  /** The target of the cells expected to be refused (and of every cell of a read). */
  shared: () => Target | Promise<Target>;
  /** A fixture of its own for a cell expected to succeed on a write. */
  fresh?: () => Target | Promise<Target>;
  /** Run after every other row: its success changes the callers' memberships. */
  last?: boolean;
}

/** What some callers must never find in a response (`unless` names the exceptions, by design). */
interface Hidden {
  from: Role[];
  what: string;
  keys?: string[];
  ids?: string[];
  values?: string[];
  unless?: (outcome: Outcome) => boolean;
}

interface Outcome {
  row: string;
  role: Role;
  status: number;
  body: unknown;
  text: string;
}

const HOUR = 3_600_000;
/** Figures no other value of the fixtures takes, so finding one in a body is a leak. */
const RESERVE_PRICE = '2173';
const SEALED_BID_PRICES = { buyer: '3111', otherBuyer: '3222' };
const CLOSED_BID_PRICES = { buyer: '3333', otherBuyer: '3444' };
const SHEET_MARKER = 'Hoja reservada de Lasana';
const CONCURRENCY = 4;

describe('authorization matrix: every operation × every role, and nothing leaks', () => {
  const clock = new ManualClock(new Date());
  let t: TestApp;
  const users = {} as Record<Exclude<Role, 'anonymous'>, TestUser>;
  let loginTarget: TestUser;
  const ids: Record<string, string> = {};
  let carrotId: string;
  const rows = parseMatrix(MATRIX);
  const outcomes: Outcome[] = [];
  let elapsedMs = 0;
  let setupMs = 0;
  let leakChecks = 0;
  let crossChecks = 0;

  const as = (role: Role) => (role === 'anonymous' ? {} : bearer(users[role]));
  const inClockHours = (hours: number) => new Date(clock.now().getTime() + hours * HOUR);
  const lotOptions: NewLotOptions = { reservePrice: RESERVE_PRICE, minOrderQuantity: '10' };

  /** A published lot of A with both producers' contributions (the first brings the sheet). */
  async function openLot(options: NewLotOptions = lotOptions): Promise<string> {
    const manager = users.manager;
    const lot = await newLot(t.http, manager, ids.association, carrotId, options);
    await contribute(t.http, manager, lot.id, ids.producerOfMember, '1000', ids.sheet);
    await contribute(t.http, manager, lot.id, ids.otherProducer, '1000');
    await publish(t.http, manager, lot.id);
    return lot.id;
  }

  async function draftLot(): Promise<{ lotId: string; contributionId: string }> {
    const lot = await newLot(t.http, users.manager, ids.association, carrotId, lotOptions);
    const contribution = await contribute(t.http, users.manager, lot.id, ids.otherProducer, '500');
    return { lotId: lot.id, contributionId: contribution.id };
  }

  async function acceptOffer(offerId: string): Promise<string> {
    const accepted = await t.http
      .post(`/api/v1/offers/${offerId}/accept`)
      .set(bearer(users.manager))
      .send({})
      .expect(201);
    return accepted.body.deal.id;
  }

  /** B1 buys the 400 kg of a fresh lot (200 kg of each producer): the deal, undelivered. */
  async function newDeal(): Promise<{ lotId: string; dealId: string }> {
    const lot = await newLot(t.http, users.manager, ids.association, carrotId, lotOptions);
    await contribute(t.http, users.manager, lot.id, ids.producerOfMember, '200');
    await contribute(t.http, users.manager, lot.id, ids.otherProducer, '200');
    await publish(t.http, users.manager, lot.id);
    const offer = await makeOffer(t.http, users.buyer, lot.id, { price: '2500', quantity: '400' });
    return { lotId: lot.id, dealId: await acceptOffer(offer.id) };
  }

  const deliveryLines = (quantity: string) =>
    [ids.producerOfMember, ids.otherProducer].map((producerId) => ({
      producerId,
      quantityDelivered: quantity,
      quantityAccepted: quantity,
      grade: 'A',
    }));

  async function delivered(): Promise<{ lotId: string; dealId: string; deliveryId: string }> {
    const { lotId, dealId } = await newDeal();
    const delivery = await deliver(t.http, users.manager, dealId, deliveryLines('200')).expect(201);
    return { lotId, dealId, deliveryId: delivery.body.id };
  }

  async function draftSettlement(): Promise<string> {
    const { lotId } = await delivered();
    const draft = await settle(t.http, users.treasurer, lotId).expect(201);
    return draft.body.id;
  }

  async function freshOffer(lotId = ids.lot): Promise<string> {
    return (await makeOffer(t.http, users.buyer, lotId, { price: '2500', quantity: '100' })).id;
  }

  /** Under `member_vote`, the manager's acceptance opens a vote of the lot's producers. */
  async function openVote(): Promise<string> {
    const lotId = await openLot();
    const offer = await freshOffer(lotId);
    const requested = await t.http
      .post(`/api/v1/offers/${offer}/accept`)
      .set(bearer(users.manager))
      .send({})
      .expect(202);
    return requested.body.approval.id;
  }

  async function alias(name: string): Promise<string> {
    const response = await t.http
      .put(`/api/v1/market-prices/aliases/${encodeURIComponent(name)}`)
      .set(bearer(users.admin))
      .send({ productId: carrotId })
      .expect(200);
    return response.body.id;
  }

  const unique = () => randomUUID().slice(0, 8);

  /**
   * A registered user with a token from the app's own issuer, as a login would give it: a
   * login costs an argon2 verification, and the login row checks logging in itself.
   */
  async function enrol(name: string): Promise<TestUser> {
    const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${unique()}@ayllu.test`;
    const password = `clave-segura-${randomUUID()}`;
    const registered = await t.http
      .post('/api/v1/auth/register')
      .send({ email, password, displayName: name })
      .expect(201);
    const { accessToken } = await t.app.get(TokenService).issue(registered.body.id);
    return { id: registered.body.id, email, password, token: accessToken };
  }

  const constant = (target: Target) => () => target;
  const sheetBody = () => ({ ...carrotSheet(carrotId), name: `${SHEET_MARKER} ${unique()}` });
  let marketDay = 0;
  const marketPrice = () => {
    marketDay += 1;
    return {
      productId: carrotId,
      market: 'Feria Modelo de Calama',
      date: new Date(Date.UTC(2026, 0, marketDay)).toISOString().slice(0, 10),
      unit: '$/malla 18 kilos',
      currency: 'CLP',
      priceAvg: '4300',
    };
  };

  const CASES: Record<string, Case> = {
    'GET /api/v1/communities': { shared: constant({}) },
    'GET /api/v1/products': { shared: constant({}) },
    'POST /api/v1/auth/register': {
      shared: () => ({
        body: {
          email: `nueva.${unique()}@ayllu.test`,
          password: 'clave larga de prueba',
          displayName: 'N',
        },
      }),
      fresh: () => ({
        body: {
          email: `nueva.${unique()}@ayllu.test`,
          password: 'clave larga de prueba',
          displayName: 'N',
        },
      }),
    },
    'POST /api/v1/auth/login': {
      shared: () => ({ body: { email: loginTarget.email, password: loginTarget.password } }),
    },
    'GET /api/v1/me': { shared: constant({}) },
    'POST /api/v1/organizations': {
      shared: constant({ body: { kind: 'association', name: 'Asociación nueva' } }),
      last: true,
    },
    'GET /api/v1/organizations/{id}': { shared: () => ({ params: { id: ids.association } }) },
    'PATCH /api/v1/organizations/{id}/policy': {
      // The policy the association already has: the manager's success changes nothing.
      shared: () => ({
        params: { id: ids.association },
        body: { approvalPolicy: 'manager', floorPolicy: 'block' },
      }),
    },
    'POST /api/v1/organizations/{id}/members': {
      shared: () => ({
        params: { id: ids.association },
        body: { email: users.otherBuyer.email, role: 'member' },
      }),
      fresh: async () => {
        const email = `socio.${unique()}@ayllu.test`;
        await t.http
          .post('/api/v1/auth/register')
          .send({ email, password: 'clave larga de prueba', displayName: 'Socio Nuevo' })
          .expect(201);
        return { params: { id: ids.association }, body: { email, role: 'member' } };
      },
    },
    'GET /api/v1/organizations/{id}/members': {
      shared: () => ({ params: { id: ids.association } }),
    },
    'POST /api/v1/organizations/{id}/producers': {
      shared: () => ({ params: { id: ids.association }, body: { name: 'Familia Nueva' } }),
    },
    'GET /api/v1/organizations/{id}/producers': {
      shared: () => ({ params: { id: ids.association } }),
    },
    'POST /api/v1/organizations/{id}/lots': {
      shared: () => ({
        params: { id: ids.association },
        body: {
          productId: carrotId,
          grade: 'A',
          unit: 'kg',
          currency: 'CLP',
          mechanism: 'negotiation',
          minOrderQuantity: '10',
          deliveryFrom: '2026-12-10',
          deliveryTo: '2026-12-20',
          deliveryPoint: 'Lasana',
        },
      }),
    },
    'POST /api/v1/lots/{id}/contributions': {
      shared: () => ({
        params: { id: ids.draftLot },
        body: { producerId: ids.otherProducer, quantity: '10' },
      }),
    },
    'DELETE /api/v1/lots/{id}/contributions/{cid}': {
      shared: () => ({ params: { id: ids.draftLot, cid: ids.draftContribution } }),
      fresh: async () => {
        const { lotId, contributionId } = await draftLot();
        return { params: { id: lotId, cid: contributionId } };
      },
    },
    'POST /api/v1/lots/{id}/publish': {
      shared: () => ({ params: { id: ids.draftLot } }),
      fresh: async () => ({ params: { id: (await draftLot()).lotId } }),
    },
    'POST /api/v1/lots/{id}/cancel': {
      shared: () => ({ params: { id: ids.draftLot } }),
      fresh: async () => ({ params: { id: (await draftLot()).lotId } }),
    },
    'GET /api/v1/lots': { shared: constant({ query: 'limit=100' }) },
    'GET /api/v1/lots/{id}': { shared: () => ({ params: { id: ids.lot } }) },
    'GET /api/v1/lots/{id} [draft]': { shared: () => ({ params: { id: ids.draftLot } }) },
    'GET /api/v1/lots/{id}/cost-basis': {
      shared: () => ({ params: { id: ids.lot }, query: 'price=2500' }),
    },
    'GET /api/v1/lots/{id}/history': { shared: () => ({ params: { id: ids.lot } }) },
    'POST /api/v1/organizations/{id}/cost-sheets': {
      shared: () => ({ params: { id: ids.association }, body: sheetBody() }),
      fresh: () => ({ params: { id: ids.association }, body: sheetBody() }),
    },
    'GET /api/v1/organizations/{id}/cost-sheets': {
      shared: () => ({ params: { id: ids.association } }),
    },
    'POST /api/v1/organizations/{id}/cost-sheets/import': {
      shared: () => ({
        params: { id: ids.association },
        body: {
          csv: FICHA_ZANAHORIA_SAMPLE,
          name: `${SHEET_MARKER} importada`,
          productId: carrotId,
          season: '2026-2027',
          areaHa: '0.4',
          currency: 'CLP',
          yields: { low: '6000', expected: '8000', high: '10000' },
        },
      }),
    },
    'GET /api/v1/cost-sheet-templates': {
      shared: () => ({ query: `productId=${carrotId}` }),
    },
    'GET /api/v1/cost-sheets/{id}': { shared: () => ({ params: { id: ids.sheet } }) },
    'PATCH /api/v1/cost-sheets/{id}': {
      shared: () => ({ params: { id: ids.sheet }, body: { version: 1, areaHa: '0.5' } }),
      fresh: async () => {
        const sheet = await createSheet(t.http, users.manager, ids.association, sheetBody());
        return { params: { id: sheet.id }, body: { version: sheet.version, areaHa: '0.5' } };
      },
    },
    'GET /api/v1/cost-sheets/{id}/summary': {
      shared: () => ({ params: { id: ids.sheet }, query: 'price=250' }),
    },
    'GET /api/v1/cost-sheets/{id}/sensitivity': {
      shared: () => ({ params: { id: ids.sheet }, query: 'prices=150,200&yields=6000,8000' }),
    },
    'GET /api/v1/cost-sheets/{id}/export.csv': {
      shared: () => ({ params: { id: ids.sheet } }),
    },
    'POST /api/v1/lots/{id}/offers': {
      shared: () => ({
        params: { id: ids.lot },
        body: { price: '2500', quantity: '100', paymentTermsDays: 30, expiresAt: inClockHours(24) },
      }),
    },
    'GET /api/v1/lots/{id}/offers': { shared: () => ({ params: { id: ids.lot } }) },
    'GET /api/v1/lots/{id}/offers [sealed tender]': {
      shared: () => ({ params: { id: ids.tender } }),
    },
    'GET /api/v1/offers/{id}': { shared: () => ({ params: { id: ids.offer } }) },
    'GET /api/v1/offers/{id} [sealed bid]': { shared: () => ({ params: { id: ids.bid } }) },
    'POST /api/v1/offers/{id}/counter': {
      shared: () => ({
        params: { id: ids.offer },
        body: { price: '2700', quantity: '100', expiresAt: inClockHours(24) },
      }),
      fresh: async () => ({
        params: { id: await freshOffer() },
        body: { price: '2700', quantity: '100', expiresAt: inClockHours(24) },
      }),
    },
    'POST /api/v1/offers/{id}/accept': {
      shared: () => ({ params: { id: ids.offer }, body: {} }),
      fresh: async () => ({ params: { id: await freshOffer(await openLot()) }, body: {} }),
    },
    'POST /api/v1/offers/{id}/reject': {
      shared: () => ({ params: { id: ids.offer } }),
      fresh: async () => ({ params: { id: await freshOffer() } }),
    },
    'POST /api/v1/offers/{id}/withdraw': {
      shared: () => ({ params: { id: ids.offer } }),
      fresh: async () => ({ params: { id: await freshOffer() } }),
    },
    'GET /api/v1/offers/{id}/benchmark': { shared: () => ({ params: { id: ids.offer } }) },
    'GET /api/v1/approvals/{id}': { shared: () => ({ params: { id: ids.approval } }) },
    'POST /api/v1/approvals/{id}/votes': {
      shared: () => ({ params: { id: ids.approval }, body: { choice: 'approve' } }),
      fresh: () => ({ params: { id: ids.votableApproval }, body: { choice: 'approve' } }),
    },
    'GET /api/v1/lots/{id}/allocation': {
      shared: () => ({ params: { id: ids.closedTender } }),
    },
    'GET /api/v1/lots/{id}/allocation [sealed tender]': {
      shared: () => ({ params: { id: ids.tender } }),
    },
    'GET /api/v1/deals/{id}': { shared: () => ({ params: { id: ids.deal } }) },
    'POST /api/v1/deals/{id}/deliveries': {
      shared: () => ({ params: { id: ids.deal }, body: { lines: deliveryLines('10') } }),
      fresh: async () => ({
        params: { id: (await newDeal()).dealId },
        body: { lines: deliveryLines('200') },
      }),
    },
    'GET /api/v1/deals/{id}/deliveries': { shared: () => ({ params: { id: ids.deal } }) },
    'GET /api/v1/deliveries/{id}': { shared: () => ({ params: { id: ids.delivery } }) },
    'POST /api/v1/deliveries/{id}/confirm': {
      shared: () => ({ params: { id: ids.delivery } }),
      fresh: async () => ({ params: { id: (await delivered()).deliveryId } }),
    },
    'POST /api/v1/deals/{id}/payments': {
      shared: () => ({
        params: { id: ids.deal },
        body: { amount: '1000', receivedAt: new Date(Date.now() - HOUR).toISOString() },
      }),
    },
    'GET /api/v1/deals/{id}/payments': { shared: () => ({ params: { id: ids.deal } }) },
    'POST /api/v1/lots/{id}/settlements': {
      shared: () => ({ params: { id: ids.deliveredLot }, body: {} }),
      fresh: async () => ({ params: { id: (await delivered()).lotId }, body: {} }),
    },
    'GET /api/v1/lots/{id}/settlements': {
      shared: () => ({ params: { id: ids.settledLot } }),
    },
    'GET /api/v1/settlements/{id}': { shared: () => ({ params: { id: ids.settlement } }) },
    'POST /api/v1/settlements/{id}/confirm': {
      shared: () => ({ params: { id: ids.draftSettlement } }),
      fresh: async () => ({ params: { id: await draftSettlement() } }),
    },
    'DELETE /api/v1/settlements/{id}': {
      shared: () => ({ params: { id: ids.draftSettlement } }),
      fresh: async () => ({ params: { id: await draftSettlement() } }),
    },
    'GET /api/v1/settlements/{id}/statements.csv': {
      shared: () => ({ params: { id: ids.settlement } }),
    },
    'GET /api/v1/settlements/{id}/producers/{pid}/statement.pdf': {
      shared: () => ({ params: { id: ids.settlement, pid: ids.producerOfMember } }),
    },
    'POST /api/v1/settlements/{id}/statement-bundle': {
      shared: () => ({ params: { id: ids.settlement } }),
    },
    'GET /api/v1/settlements/{id}/statement-bundle': {
      shared: () => ({ params: { id: ids.settlement } }),
    },
    'GET /api/v1/settlements/{id}/statement-bundle.pdf': {
      shared: () => ({ params: { id: ids.settlement } }),
    },
    'POST /api/v1/market-prices': {
      shared: () => ({ body: marketPrice() }),
      fresh: () => ({ body: marketPrice() }),
    },
    'GET /api/v1/market-prices': { shared: () => ({ query: `productId=${carrotId}` }) },
    'POST /api/v1/market-prices/import': {
      shared: () => ({
        raw: { contentType: 'text/csv', data: odepaFile(ODEPA_SAMPLE_LINES) },
      }),
    },
    'GET /api/v1/market-prices/aliases': { shared: constant({}) },
    'PUT /api/v1/market-prices/aliases/{name}': {
      shared: () => ({
        params: { name: 'Zanahoria de matriz' },
        body: { productId: carrotId },
      }),
    },
    'DELETE /api/v1/market-prices/aliases/{id}': {
      shared: () => ({ params: { id: ids.alias } }),
      fresh: async () => ({ params: { id: await alias(`Alias ${unique()}`) } }),
    },
    'GET /api/v1/me/notifications': { shared: constant({ query: 'limit=100' }) },
    'POST /api/v1/me/notifications/{notificationId}/read': {
      shared: () => ({ params: { notificationId: ids.notification } }),
    },
    'POST /api/v1/organizations/{id}/webhooks': {
      shared: () => ({
        params: { id: ids.association },
        body: { url: 'http://127.0.0.1:9/never-called', events: ['deal.created'] },
      }),
    },
    'GET /api/v1/organizations/{id}/webhooks': {
      shared: () => ({ params: { id: ids.association } }),
    },
    'GET /api/v1/organizations/{id}/webhooks/{wid}/deliveries': {
      shared: () => ({ params: { id: ids.association, wid: ids.webhook } }),
    },
    'POST /api/v1/organizations/{id}/webhooks/{wid}/enable': {
      shared: () => ({ params: { id: ids.association, wid: ids.webhook } }),
    },
  };

  beforeAll(async () => {
    const setupStarted = Date.now();
    t = await startTestApp({ ...ADMIN_ENV, LOGIN_THROTTLE_ADDRESS_LIMIT: '10000' }, { clock });
    const [manager, treasurer, member, buyer, otherBuyer, otherManager, target] = await Promise.all(
      [
        enrol('Gerente Lasana'),
        enrol('Tesorera Lasana'),
        enrol('Rosa Mamani'),
        enrol('Agente Vega'),
        enrol('Agente El Loa'),
        enrol('Gerente Toconce'),
        enrol('Cuenta de Ingreso'),
      ],
    );
    Object.assign(users, { manager, treasurer, member, buyer, otherBuyer, otherManager });
    users.admin = await loginPlatformAdmin(t.http);
    loginTarget = target;
    carrotId = (await productByCode(t.http, 'zanahoria')).id;

    ids.association = (await newOrganization(t.http, manager, 'association')).id;
    ids.otherAssociation = (
      await newOrganization(t.http, otherManager, 'association', 'Asociación de Toconce')
    ).id;
    ids.buyer = (await newOrganization(t.http, buyer, 'buyer', 'Vega Modelo')).id;
    ids.otherBuyer = (await newOrganization(t.http, otherBuyer, 'buyer', 'Supermercado')).id;
    await addMember(t.http, manager, ids.association, treasurer, 'treasurer');
    await addMember(t.http, manager, ids.association, member, 'member');
    ids.producerOfMember = (
      await newProducer(t.http, manager, ids.association, 'Familia Mamani', member.id)
    ).id;
    ids.otherProducer = (await newProducer(t.http, manager, ids.association, 'Familia Anza')).id;
    ids.sheet = (await createSheet(t.http, treasurer, ids.association, sheetBody())).id;

    // Fixtures that do not depend on one another are built side by side.
    const tender = (hours: number) =>
      openLot({
        ...lotOptions,
        mechanism: 'tender',
        pricingRule: 'pay_as_bid',
        closesAt: inClockHours(hours).toISOString(),
      });
    const bid = async (who: TestUser, lotId: string, price: string) =>
      (
        await makeOffer(t.http, who, lotId, {
          price,
          quantity: '300',
          expiresAt: inClockHours(48).toISOString(),
        })
      ).id;
    await Promise.all([
      // The open negotiation lot, with an offer of each buyer.
      (async () => {
        ids.lot = await openLot();
        ids.offer = (
          await makeOffer(t.http, buyer, ids.lot, { price: '2500', quantity: '200' })
        ).id;
        ids.otherBuyersOffer = (
          await makeOffer(t.http, otherBuyer, ids.lot, { price: '2600', quantity: '200' })
        ).id;
      })(),
      draftLot().then((draft) => {
        ids.draftLot = draft.lotId;
        ids.draftContribution = draft.contributionId;
      }),
      // Two sealed tenders with a bid of each buyer: one closes before the matrix runs.
      (async () => {
        ids.tender = await tender(10);
        ids.bid = await bid(buyer, ids.tender, SEALED_BID_PRICES.buyer);
        ids.otherBuyersBid = await bid(otherBuyer, ids.tender, SEALED_BID_PRICES.otherBuyer);
      })(),
      (async () => {
        ids.closedTender = await tender(1);
        ids.closedBid = await bid(buyer, ids.closedTender, CLOSED_BID_PRICES.buyer);
        ids.otherBuyersClosedBid = await bid(
          otherBuyer,
          ids.closedTender,
          CLOSED_BID_PRICES.otherBuyer,
        );
      })(),
    ]);
    clock.advance(2 * HOUR);

    // A deal of B1 (delivered, for the delivery rows), a delivered lot not yet settled, a
    // confirmed settlement with its statements, a draft settlement.
    await Promise.all([
      delivered().then((withDelivery) => {
        ids.deal = withDelivery.dealId;
        ids.delivery = withDelivery.deliveryId;
      }),
      delivered().then(({ lotId }) => (ids.deliveredLot = lotId)),
      (async () => {
        ids.settledLot = (await delivered()).lotId;
        ids.settlement = (await settle(t.http, treasurer, ids.settledLot).expect(201)).body.id;
        await t.http
          .post(`/api/v1/settlements/${ids.settlement}/confirm`)
          .set(bearer(treasurer))
          .expect(200);
        await waitUntil(async () => {
          const bundle = await t.http
            .post(`/api/v1/settlements/${ids.settlement}/statement-bundle`)
            .set(bearer(treasurer));
          return bundle.body.status === 'ready';
        }, 'the statement bundle is ready');
      })(),
      draftSettlement().then((id) => (ids.draftSettlement = id)),
      t.http
        .post(`/api/v1/organizations/${ids.association}/webhooks`)
        .set(bearer(manager))
        .send({ url: 'http://127.0.0.1:9/never-called', events: ['deal.created'] })
        .expect(201)
        .then((response) => (ids.webhook = response.body.id)),
      alias('Zanahoria compartida').then((id) => (ids.alias = id)),
    ]);

    // Votes: two open approvals under member_vote, then the policy is back to `manager`
    // (alone: every other acceptance here expects the manager's policy).
    await setPolicy(t.http, manager, ids.association, { approvalPolicy: 'member_vote' });
    [ids.approval, ids.votableApproval] = await Promise.all([openVote(), openVote()]);
    await setPolicy(t.http, manager, ids.association, { approvalPolicy: 'manager' });

    await waitUntil(async () => {
      const inbox = await t.http.get('/api/v1/me/notifications').set(bearer(manager));
      ids.notification = inbox.body.items?.[0]?.id;
      return Boolean(ids.notification);
    }, 'the manager has a notification');
    setupMs = Date.now() - setupStarted;
  }, 120_000);

  afterAll(() => t?.close());

  async function send(row: Row, role: Role, target: Target): Promise<Outcome> {
    const [method, path] = row.operation.split(' ');
    let url = path;
    for (const [name, value] of Object.entries(target.params ?? {})) {
      url = url.replace(`{${name}}`, encodeURIComponent(value));
    }
    if (target.query) url += `?${target.query}`;
    let call = t.http[method.toLowerCase() as 'get'](url).timeout(15_000).set(as(role));
    if (target.raw) call = call.set('Content-Type', target.raw.contentType).send(target.raw.data);
    else if (target.body !== undefined) call = call.send(target.body as object);
    const response = await call;
    const outcome: Outcome = {
      row: row.label,
      role,
      status: response.status,
      body: response.body,
      text: response.text ?? '',
    };
    outcomes.push(outcome);
    return outcome;
  }

  async function runCells(cells: Array<() => Promise<unknown>>): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < cells.length) await cells[next++]();
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }

  function cellsOf(selected: Row[]): Array<() => Promise<unknown>> {
    return selected.flatMap((row) => {
      const rule = CASES[row.label];
      const shared = rule.shared();
      return ROLES.map((role) => async () => {
        const expected = row.expected[role];
        const succeeds = expected < 300;
        const target = succeeds && rule.fresh ? await rule.fresh() : await shared;
        return send(row, role, target);
      });
    });
  }

  it('has a row for every operation of the OpenAPI document, and a case for every row', async () => {
    const docs = await t.http.get('/docs-json').expect(200);
    const paths = docs.body.paths as Record<string, Record<string, unknown>>;
    const documented = Object.entries(paths).flatMap(([path, item]) =>
      Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const covered = new Set(rows.map((row) => row.operation));
    expect(documented.filter((operation) => !covered.has(operation))).toEqual([]);
    expect(rows.map((row) => row.operation).filter((op) => !documented.includes(op))).toEqual([]);
    expect(rows.filter((row) => !CASES[row.label]).map((row) => row.label)).toEqual([]);
    expect(Object.keys(CASES).filter((label) => !rows.some((row) => row.label === label))).toEqual(
      [],
    );
  });

  it('answers every cell with its expected status', async () => {
    const started = Date.now();
    await runCells(cellsOf(rows.filter((row) => !CASES[row.label].last)));
    await runCells(cellsOf(rows.filter((row) => CASES[row.label].last)));
    elapsedMs = Date.now() - started;
    const expected = new Map(rows.map((row) => [row.label, row.expected]));
    const wrong = outcomes
      .filter((o) => o.status !== expected.get(o.row)![o.role])
      .map(
        (o) =>
          `${o.row} as ${o.role}: ${o.status} (expected ${expected.get(o.row)![o.role]}) ${JSON.stringify(
            o.body,
          ).slice(0, 160)}`,
      );
    expect(wrong).toEqual([]);
    expect(outcomes).toHaveLength(rows.length * ROLES.length);
  }, 120_000);

  it('never shows a caller what it must not see, in any response', () => {
    const outsiders: Role[] = ['anonymous', 'buyer', 'otherBuyer', 'admin', 'otherManager'];
    const rules: Hidden[] = [
      {
        from: outsiders,
        what: "the association's side of a lot, its costing and internals",
        keys: ['reservePrice', 'floorPrice', 'contributions', 'costSheetId'],
        values: [RESERVE_PRICE, SHEET_MARKER],
        ids: [
          ids.sheet,
          ids.draftLot,
          ids.draftContribution,
          ids.approval,
          ids.votableApproval,
          ids.settlement,
          ids.draftSettlement,
          ids.webhook,
          ids.notification,
        ],
      },
      {
        from: outsiders,
        what: "the association's producers",
        ids: [ids.producerOfMember, ids.otherProducer],
        // The delivery note of its own deal names who delivered what, for the buyer to confirm.
        unless: (o) => o.role === 'buyer' && /\/deliveries\/\{id\}/.test(o.row),
      },
      {
        from: ['manager', 'treasurer', 'member'],
        what: 'a sealed bid before the close',
        ids: [ids.bid, ids.otherBuyersBid],
        values: [SEALED_BID_PRICES.buyer, SEALED_BID_PRICES.otherBuyer],
      },
      {
        from: ['buyer'],
        what: "another buyer's offers and bids",
        ids: [ids.otherBuyersOffer, ids.otherBuyersBid, ids.otherBuyersClosedBid],
        values: [SEALED_BID_PRICES.otherBuyer],
      },
      {
        from: ['otherBuyer'],
        what: "another buyer's offers, bids, deal and delivery",
        ids: [ids.offer, ids.bid, ids.closedBid, ids.deal, ids.delivery],
        values: [SEALED_BID_PRICES.buyer],
      },
      ...(['buyer', 'otherBuyer'] as const).map((role): Hidden => ({
        from: [role],
        what: "the other buyer's price in a closed tender",
        values: [CLOSED_BID_PRICES[role === 'buyer' ? 'otherBuyer' : 'buyer']],
        // Every deal's price is published, naming no buyer, as an observation of market
        // `ayllu` (the API contract).
        unless: (o) => o.row === 'GET /api/v1/market-prices',
      })),
      {
        from: ['otherManager', 'admin'],
        what: "another organisation's lots, offers and deals",
        ids: [ids.lot, ids.offer, ids.deal, ids.tender, ids.closedTender],
      },
    ];

    const leaks: string[] = [];
    let checks = 0;
    for (const outcome of outcomes) {
      const seen = walk(outcome.body);
      const text = `${seen.text}\n${outcome.text.replace(/"instance":"[^"]*"/g, '')}`;
      for (const rule of rules) {
        if (!rule.from.includes(outcome.role) || rule.unless?.(outcome)) continue;
        const where = `${outcome.row} as ${outcome.role} (${rule.what})`;
        for (const key of rule.keys ?? []) {
          checks += 1;
          if (seen.keys.has(key)) leaks.push(`${where}: key ${key}`);
        }
        for (const id of rule.ids ?? []) {
          checks += 1;
          if (text.includes(id)) leaks.push(`${where}: id ${id}`);
        }
        for (const value of rule.values ?? []) {
          checks += 1;
          const found =
            value === SHEET_MARKER
              ? text.includes(value)
              : [...seen.values].some((v) => v === value || v.startsWith(`${value}.`));
          if (found) leaks.push(`${where}: value ${value}`);
        }
      }
    }
    leakChecks = checks;
    expect(leaks).toEqual([]);
    // The scan saw real bodies: the association's own view carries what others may not.
    const own = outcomes.find((o) => o.row === 'GET /api/v1/lots/{id}' && o.role === 'manager');
    expect(walk(own!.body).keys.has('reservePrice')).toBe(true);
    const bids = outcomes.find(
      (o) => o.row === 'GET /api/v1/lots/{id}/allocation' && o.role === 'manager',
    );
    expect(walk(bids!.body).values).toContain(CLOSED_BID_PRICES.otherBuyer);
  });

  it("refuses another organisation's resources named inside one's own paths and bodies", async () => {
    const { otherManager, manager, buyer, member } = users;
    const ownProducer = await newProducer(
      t.http,
      otherManager,
      ids.otherAssociation,
      'Familia Colque',
    );
    const ownLot = await newLot(t.http, otherManager, ids.otherAssociation, carrotId);
    const undelivered = await newDeal();
    const ownSheet = await createSheet(
      t.http,
      otherManager,
      ids.otherAssociation,
      carrotSheet(carrotId),
    );
    const attempts: Array<[string, () => Test, number]> = [
      [
        "another association's webhook under one's own organisation",
        () =>
          t.http
            .get(`/api/v1/organizations/${ids.otherAssociation}/webhooks/${ids.webhook}/deliveries`)
            .set(bearer(otherManager)),
        404,
      ],
      [
        "another association's contribution under one's own lot",
        () =>
          t.http
            .delete(`/api/v1/lots/${ownLot.id}/contributions/${ids.draftContribution}`)
            .set(bearer(otherManager)),
        404,
      ],
      [
        "another association's producer contributing to one's own lot",
        () =>
          t.http
            .post(`/api/v1/lots/${ownLot.id}/contributions`)
            .set(bearer(otherManager))
            .send({ producerId: ids.producerOfMember, quantity: '10' }),
        400,
      ],
      [
        "another association's cost sheet behind one's own contribution",
        () =>
          t.http
            .post(`/api/v1/lots/${ownLot.id}/contributions`)
            .set(bearer(otherManager))
            .send({ producerId: ownProducer.id, quantity: '10', costSheetId: ids.sheet }),
        400,
      ],
      [
        "another association's cost sheet as the source of a line",
        () =>
          t.http
            .post(`/api/v1/organizations/${ids.otherAssociation}/cost-sheets`)
            .set(bearer(otherManager))
            .send(
              carrotSheet(carrotId, {
                lines: [
                  {
                    category: 'inputs',
                    description: 'Zanahoria de Lasana',
                    quantity: '1',
                    unit: 'kg',
                    sourceSheetId: ids.sheet,
                  },
                ],
              }),
            ),
        400,
      ],
      [
        "another association's producer on one's own cost sheet",
        () =>
          t.http
            .post(`/api/v1/organizations/${ids.otherAssociation}/cost-sheets`)
            .set(bearer(otherManager))
            .send(carrotSheet(carrotId, { producerId: ids.producerOfMember })),
        400,
      ],
      [
        "another association's member linked to one's own producer",
        () =>
          t.http
            .post(`/api/v1/organizations/${ids.otherAssociation}/producers`)
            .set(bearer(otherManager))
            .send({ name: 'Familia Prestada', userId: member.id }),
        400,
      ],
      [
        "one's own sheet patched with another association's sheet as a source",
        () =>
          t.http
            .patch(`/api/v1/cost-sheets/${ownSheet.id}`)
            .set(bearer(otherManager))
            .send({
              version: ownSheet.version,
              lines: [
                {
                  category: 'inputs',
                  description: 'Zanahoria de Lasana',
                  quantity: '1',
                  unit: 'kg',
                  sourceSheetId: ids.sheet,
                },
              ],
            }),
        400,
      ],
      [
        "another association's producer in one's own delivery",
        () =>
          deliver(t.http, manager, undelivered.dealId, [
            {
              producerId: ownProducer.id,
              quantityDelivered: '1',
              quantityAccepted: '1',
              grade: 'A',
            },
          ]),
        422,
      ],
      [
        'an offer in the name of another buyer',
        () =>
          t.http
            .post(`/api/v1/lots/${ids.lot}/offers`)
            .set(bearer(buyer))
            .send({
              price: '2500',
              quantity: '100',
              paymentTermsDays: 30,
              expiresAt: inClockHours(24),
              buyerOrganizationId: ids.otherBuyer,
            }),
        403,
      ],
      [
        "another producer's statement, by a producer's user",
        () =>
          t.http
            .get(
              `/api/v1/settlements/${ids.settlement}/producers/${ids.otherProducer}/statement.pdf`,
            )
            .set(bearer(member)),
        403,
      ],
    ];
    const wrong: string[] = [];
    for (const [what, request, expected] of attempts) {
      const response = await request();
      if (response.status !== expected) {
        wrong.push(
          `${what}: ${response.status} (expected ${expected}) ${response.text.slice(0, 200)}`,
        );
      }
    }
    expect(wrong).toEqual([]);
    crossChecks = attempts.length;
  });

  it('reports its figures', () => {
    const statuses = new Map<number, number>();
    for (const o of outcomes) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
    process.stdout.write(
      `authorization matrix: ${rows.length} rows (${new Set(rows.map((r) => r.operation)).size} operations) × ${ROLES.length} roles = ${outcomes.length} cells in ${elapsedMs} ms (fixtures ${setupMs} ms), ${leakChecks} leak checks, ${crossChecks} cross-organisation references; ` +
        [...statuses.entries()]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status}: ${count}`)
          .join(', ') +
        '\n',
    );
    expect(outcomes.length).toBe(rows.length * ROLES.length);
  });
});

/** Every key, every string value and the JSON text of a body, `instance` left out (it echoes the URL). */
function walk(body: unknown): { keys: Set<string>; values: Set<string>; text: string } {
  const keys = new Set<string>();
  const values = new Set<string>();
  const stack: unknown[] = [body];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') values.add(value);
    else if (Array.isArray(value)) stack.push(...value);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'instance') continue;
        keys.add(key);
        stack.push(child);
      }
    }
  }
  const text = JSON.stringify(body, (key, value: unknown) =>
    key === 'instance' ? undefined : value,
  );
  return { keys, values, text: text ?? '' };
}

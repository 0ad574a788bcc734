import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DataSource } from 'typeorm';
import { NotificationsService } from '../../src/modules/notifications/notifications.service';
import { OutboxEvent } from '../../src/shared/outbox/outbox-event.entity';
import { Outbox } from '../../src/shared/outbox/outbox.service';
import {
  WEBHOOK_DISABLE_AFTER_FAILED_EVENTS,
  WebhooksService,
} from '../../src/modules/notifications/webhooks.service';
import { addMember, bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  type Buyer,
  contribute,
  counterOffer,
  expectProblem,
  invalidFields,
  makeOffer,
  newBuyer,
  newLot,
  newProducer,
  productByCode,
  publish,
  setPolicy,
  waitUntil,
} from '../support/lot-builders';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy';
import { startTestApp, type TestApp } from '../support/test-app';
import { type CountingReceiver, startCountingReceiver } from '../support/webhook-receiver';

interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
}

/**
 * A receiver on loopback only; answers each request with the next scripted status, or with
 * what `statuses` decides for it.
 */
async function startReceiver(statuses: number[] | ((request: Received) => number) = []): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: Received = {
        headers: req.headers,
        raw: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(request);
      res.statusCode =
        typeof statuses === 'function' ? statuses(request) : (statuses[received.length - 1] ?? 200);
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/ayllu`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a receiver checks (README, "Verifying webhook signatures"). */
function signatureOf(secret: string, request: Received, raw = request.raw): string {
  const timestamp = String(request.headers['x-ayllu-timestamp']);
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`;
}

interface InboxItem {
  id: string;
  eventId: string;
  type: string;
  data: Record<string, string>;
  readAt: string | null;
}

describe('notifications: inbox and signed webhooks', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let outbox: Outbox;
  let manager: TestUser;
  let member: TestUser;
  let treasurer: TestUser;
  let association: { id: string };
  let buyerA: Buyer;
  let buyerB: Buyer;
  let carrotId: string;
  let producerId: string;
  const receivers: { close(): Promise<void> }[] = [];

  async function inbox(user: TestUser): Promise<InboxItem[]> {
    const response = await t.http
      .get('/api/v1/me/notifications?limit=100')
      .set(bearer(user))
      .expect(200);
    return response.body.items;
  }

  async function publishedLot(quantity = '1000'): Promise<string> {
    const lot = await newLot(t.http, manager, association.id, carrotId);
    await contribute(t.http, manager, lot.id, producerId, quantity);
    await publish(t.http, manager, lot.id);
    return lot.id;
  }

  /** Every event of the lot has reached the inbox: only then can an absence be asserted. */
  async function settled(lotId: string): Promise<void> {
    await waitUntil(async () => {
      await outbox.relayOnce();
      const [row] = await dataSource.query<{ pending: number }[]>(
        `SELECT count(*)::int AS pending FROM outbox_events e
          WHERE e.aggregate_id = $1
            AND NOT EXISTS (SELECT 1 FROM notifications n WHERE n.event_id = e.id)`,
        [lotId],
      );
      return row.pending === 0;
    }, `every event of lot ${lotId} in an inbox`);
  }

  async function webhook(
    admin: TestUser,
    organizationId: string,
    url: string,
    events: string[],
  ): Promise<{ id: string; secret: string }> {
    const response = await t.http
      .post(`/api/v1/organizations/${organizationId}/webhooks`)
      .set(bearer(admin))
      .send({ url, events })
      .expect(201);
    expect(response.body.secret).toMatch(/^whsec_[0-9a-f]{64}$/);
    return response.body;
  }

  async function deliveries(admin: TestUser, organizationId: string, webhookId: string) {
    const response = await t.http
      .get(`/api/v1/organizations/${organizationId}/webhooks/${webhookId}/deliveries`)
      .set(bearer(admin))
      .expect(200);
    return response.body.items as {
      eventId: string;
      attempt: number;
      outcome: string;
      statusCode: number | null;
      error: string | null;
    }[];
  }

  beforeAll(async () => {
    t = await startTestApp();
    dataSource = t.app.get(DataSource);
    outbox = t.app.get(Outbox);
    manager = await newUser(t.http, 'Gerente');
    member = await newUser(t.http, 'Socia');
    treasurer = await newUser(t.http, 'Tesorero');
    association = await newOrganization(t.http, manager, 'association');
    await addMember(t.http, manager, association.id, member, 'member');
    await addMember(t.http, manager, association.id, treasurer, 'treasurer');
    buyerA = await newBuyer(t.http, 'Camiones Loa');
    buyerB = await newBuyer(t.http, 'Feria Calama');
    carrotId = (await productByCode(t.http, 'zanahoria')).id;
    producerId = (await newProducer(t.http, manager, association.id, 'Familia Anza')).id;
  });

  afterAll(async () => {
    await Promise.all(receivers.map((receiver) => receiver.close()));
    await t.close();
  });

  it('an offer reaches the association, a deal the buyer, and another buyer hears nothing', async () => {
    const lotId = await publishedLot();
    const offer = await makeOffer(t.http, buyerA.user, lotId, { price: '180', quantity: '1000' });
    await outbox.relayOnce();
    await waitUntil(
      async () =>
        (await inbox(manager)).some(
          (n) => n.type === 'offer.received' && n.data.offerId === offer.id,
        ),
      'the manager hears of the offer',
    );

    const counter = await counterOffer(t.http, manager, offer.id, {
      price: '220',
      quantity: '1000',
    });
    const accepted = await t.http
      .post(`/api/v1/offers/${counter.id}/accept`)
      .set(bearer(buyerA.user))
      .send({})
      .expect(201);
    const dealId: string = accepted.body.deal.id;
    await settled(lotId);

    // An offer is the managers' to answer; the other members hear of the deal.
    for (const user of [member, treasurer]) {
      const types = (await inbox(user)).filter((n) => n.data.lotId === lotId).map((n) => n.type);
      expect(types).not.toContain('offer.received');
      expect(types).toContain('deal.created');
    }
    const forBuyerA = await inbox(buyerA.user);
    const deal = forBuyerA.find((n) => n.type === 'deal.created');
    expect(deal?.data).toEqual({ lotId, dealId, buyerOrganizationId: buyerA.organization.id });
    expect(forBuyerA.map((n) => n.type)).toEqual(
      expect.arrayContaining(['offer.received', 'offer.countered', 'deal.created']),
    );
    // Only identifiers: the inbox never carries a price or an amount.
    expect(JSON.stringify(forBuyerA)).not.toMatch(/"(price|quantity|amount)"/);
    expect((await inbox(manager)).map((n) => n.type)).toEqual(
      expect.arrayContaining(['deal.created', 'offer.accepted', 'offer.countered']),
    );

    const forBuyerB = await inbox(buyerB.user);
    expect(forBuyerB.filter((n) => n.data.lotId === lotId)).toEqual([]);
    expect(forBuyerB.map((n) => n.type)).toEqual(['organization.created']);

    // Newest first, and paged by cursor without gaps or repeats.
    const all = await inbox(manager);
    const first = await t.http
      .get('/api/v1/me/notifications?limit=2')
      .set(bearer(manager))
      .expect(200);
    const second = await t.http
      .get(`/api/v1/me/notifications?limit=2&cursor=${first.body.nextCursor}`)
      .set(bearer(manager))
      .expect(200);
    expect([...first.body.items, ...second.body.items].map((n: InboxItem) => n.id)).toEqual(
      all.slice(0, 4).map((n) => n.id),
    );
    const createdAt = all.map((n) => (n as unknown as { createdAt: string }).createdAt);
    expect([...createdAt].sort().reverse()).toEqual(createdAt);

    const read = await t.http
      .post(`/api/v1/me/notifications/${all[0].id}/read`)
      .set(bearer(manager))
      .expect(200);
    expect(read.body.readAt).not.toBeNull();
    // Someone else's notification does not exist for this caller.
    await t.http
      .post(`/api/v1/me/notifications/${all[0].id}/read`)
      .set(bearer(buyerB.user))
      .expect(404);
  });

  // Organisations without webhooks skip the stream's lock and queue, but their events must
  // still leave the set of events waiting for webhooks (a partial index): otherwise every
  // later event of the lot would drag them along.
  it('events of organisations without webhooks are marked scheduled and queue nothing', async () => {
    const chief = await newUser(t.http, 'Presidenta de Toconce');
    const toconce = await newOrganization(t.http, chief, 'association');
    const lot = await newLot(t.http, chief, toconce.id, carrotId);
    const producer = await newProducer(t.http, chief, toconce.id, 'Familia Colque');
    await contribute(t.http, chief, lot.id, producer.id, '500');
    await publish(t.http, chief, lot.id);
    const buyer = await newBuyer(t.http, 'Verdulería Chiu Chiu');
    await makeOffer(t.http, buyer.user, lot.id, { price: '190', quantity: '500' });
    await settled(lot.id);
    // The inbox comes first in the subscriber; the webhook step may still be on its way.
    const scheduling = () =>
      dataSource.query<{ events: number; unscheduled: number; queued: number }[]>(
        `SELECT count(*)::int AS events,
                count(*) FILTER (WHERE e.webhooks_scheduled_at IS NULL)::int AS unscheduled,
                (SELECT count(*)::int FROM webhook_queue q
                  WHERE q.event_id IN (SELECT id FROM outbox_events WHERE aggregate_id = $1))
                  AS queued
           FROM outbox_events e WHERE e.aggregate_id = $1`,
        [lot.id],
      );
    await waitUntil(
      async () => (await scheduling())[0].unscheduled === 0,
      'every event of the lot marked scheduled for webhooks',
    );
    expect(await scheduling()).toEqual([{ events: 2, unscheduled: 0, queued: 0 }]);
  });

  it('a sealed bid is told to its bidder only', async () => {
    const lot = await newLot(t.http, manager, association.id, carrotId, {
      mechanism: 'tender',
      pricingRule: 'pay_as_bid',
      reservePrice: '150',
      closesAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    await contribute(t.http, manager, lot.id, producerId, '1000');
    await publish(t.http, manager, lot.id);
    const bid = await makeOffer(t.http, buyerA.user, lot.id, { price: '210', quantity: '500' });
    await settled(lot.id);
    const bidNotice = (await inbox(buyerA.user)).find((n) => n.type === 'bid.received');
    expect(bidNotice?.data).toEqual({
      lotId: lot.id,
      offerId: bid.id,
      buyerOrganizationId: buyerA.organization.id,
    });
    for (const user of [manager, member, buyerB.user]) {
      expect((await inbox(user)).filter((n) => n.data.offerId === bid.id)).toEqual([]);
    }
  });

  it('the same event delivered twice makes one notification per recipient', async () => {
    const lotId = await publishedLot();
    const offer = await makeOffer(t.http, buyerA.user, lotId, { price: '170', quantity: '200' });
    await settled(lotId);
    const [event] = await dataSource.query<{ id: string }[]>(
      `SELECT id FROM outbox_events WHERE type = 'offer.received' AND payload->>'offerId' = $1`,
      [offer.id],
    );
    const count = async () =>
      (
        await dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM notifications WHERE event_id = $1`,
          [event.id],
        )
      )[0].n;
    // The association's manager and buyer A's agent.
    expect(await count()).toBe(2);

    const row = await dataSource.getRepository(OutboxEvent).findOneByOrFail({ id: event.id });
    const notifications = t.app.get(NotificationsService);
    await notifications.handle([row]);
    await notifications.handle([row]);
    // And once more through the relay, as after a crash between enqueue and publish.
    await dataSource.query(`UPDATE outbox_events SET published_at = NULL WHERE id = $1`, [
      event.id,
    ]);
    expect(await outbox.relayOnce()).toBeGreaterThanOrEqual(1);
    await waitUntil(async () => {
      const [published] = await dataSource.query<{ at: Date | null }[]>(
        `SELECT published_at AS at FROM outbox_events WHERE id = $1`,
        [event.id],
      );
      return published.at !== null;
    }, 'the event relayed again');
    await notifications.handle([row]);
    expect(await count()).toBe(2);
    const managerCopies = (await inbox(manager)).filter((n) => n.eventId === event.id);
    expect(managerCopies).toHaveLength(1);
  });

  it('a webhook receives the event signed with its secret', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const hook = await webhook(manager, association.id, receiver.url, ['offer.received']);
    const buyerHook = await webhook(buyerA.user, buyerA.organization.id, receiver.url, [
      'offer.received',
    ]);
    const lotId = await publishedLot();
    const offer = await makeOffer(t.http, buyerA.user, lotId, { price: '190', quantity: '300' });
    await outbox.relayOnce();
    await waitUntil(() => receiver.received.length >= 2, 'both webhooks called');

    const bodies = receiver.received.map((request) => {
      const signature = request.headers['x-ayllu-signature'];
      const body = JSON.parse(request.raw) as {
        id: string;
        type: string;
        payload: Record<string, unknown>;
      };
      return { request, signature, body };
    });
    const secrets = [hook.secret, buyerHook.secret];
    for (const { request, signature, body } of bodies) {
      const valid = secrets.filter((secret) => signature === signatureOf(secret, request));
      expect(valid).toHaveLength(1);
      // Unix seconds, recent: what a receiver compares against its clock to refuse a replay.
      const timestamp = Number(request.headers['x-ayllu-timestamp']);
      expect(Number.isInteger(timestamp)).toBe(true);
      expect(Math.abs(Date.now() / 1000 - timestamp)).toBeLessThan(60);
      expect(request.headers['content-type']).toBe('application/json');
      expect(request.headers['x-ayllu-event-id']).toBe(body.id);
      expect(body.type).toBe('offer.received');
      expect(body.payload.offerId).toBe(offer.id);
    }
    // A forged body does not verify.
    const { request } = bodies[0];
    const tampered = request.raw.replace(offer.id, '00000000-0000-0000-0000-000000000000');
    expect(
      secrets.some(
        (secret) => request.headers['x-ayllu-signature'] === signatureOf(secret, request, tampered),
      ),
    ).toBe(false);
    // Neither does the same body under another timestamp: a replay made to look fresh.
    const replayed = {
      ...request,
      headers: { ...request.headers, 'x-ayllu-timestamp': String(Date.now() / 1000 + 600) },
    };
    expect(
      secrets.some(
        (secret) => request.headers['x-ayllu-signature'] === signatureOf(secret, replayed),
      ),
    ).toBe(false);

    await waitUntil(
      async () => (await deliveries(manager, association.id, hook.id)).length === 1,
      'the delivery recorded',
    );
    expect(await deliveries(manager, association.id, hook.id)).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'succeeded', statusCode: 200, error: null }),
    ]);
    // The buyer's agent sees its own hook's log, not the association's.
    await t.http
      .get(`/api/v1/organizations/${buyerA.organization.id}/webhooks/${hook.id}/deliveries`)
      .set(bearer(buyerA.user))
      .expect(404);
    await t.http
      .get(`/api/v1/organizations/${association.id}/webhooks/${hook.id}/deliveries`)
      .set(bearer(buyerA.user))
      .expect(404);
  });

  it('a failing receiver is retried and every attempt recorded', async () => {
    const receiver = await startReceiver([500, 503]);
    receivers.push(receiver);
    const hook = await webhook(manager, association.id, receiver.url, ['lot.published']);
    const lotId = await publishedLot();
    await outbox.relayOnce();
    await waitUntil(
      async () =>
        (await deliveries(manager, association.id, hook.id)).some((d) => d.outcome === 'succeeded'),
      'a delivery after two failures',
      30_000,
    );
    const attempts = await deliveries(manager, association.id, hook.id);
    expect(attempts).toEqual([
      expect.objectContaining({ attempt: 1, outcome: 'failed', statusCode: 500 }),
      expect.objectContaining({ attempt: 2, outcome: 'failed', statusCode: 503 }),
      expect.objectContaining({ attempt: 3, outcome: 'succeeded', statusCode: 200, error: null }),
    ]);
    expect(new Set(attempts.map((d) => d.eventId)).size).toBe(1);
    expect(receiver.received).toHaveLength(3);
    const eventIds = receiver.received.map((r) => r.headers['x-ayllu-event-id']);
    expect(new Set(eventIds)).toEqual(new Set([attempts[0].eventId]));
    expect(
      (JSON.parse(receiver.received[2].raw) as { payload: { lotId: string } }).payload.lotId,
    ).toBe(lotId);
  });

  it('an unreachable receiver is recorded with the error', async () => {
    const receiver = await startReceiver();
    const deadUrl = receiver.url;
    await receiver.close();
    const hook = await webhook(manager, association.id, deadUrl, ['lot.published']);
    await publishedLot();
    await outbox.relayOnce();
    await waitUntil(
      async () => (await deliveries(manager, association.id, hook.id)).length >= 1,
      'the failed attempt recorded',
    );
    const [first] = await deliveries(manager, association.id, hook.id);
    expect(first).toMatchObject({ attempt: 1, outcome: 'failed', statusCode: null });
    expect(first.error).toEqual(expect.any(String));
  });

  it('webhook routes: roles, other organisations, bad input', async () => {
    const url = 'http://127.0.0.1:9/never-called';
    for (const user of [member, treasurer]) {
      expectProblem(
        await t.http
          .post(`/api/v1/organizations/${association.id}/webhooks`)
          .set(bearer(user))
          .send({ url, events: ['deal.created'] }),
        403,
        'FORBIDDEN',
      );
    }
    expectProblem(
      await t.http
        .post(`/api/v1/organizations/${association.id}/webhooks`)
        .set(bearer(buyerB.user))
        .send({ url, events: ['deal.created'] }),
      404,
      'NOT_FOUND',
    );
    const hook = await webhook(manager, association.id, url, ['deal.created']);
    expectProblem(
      await t.http
        .get(`/api/v1/organizations/${association.id}/webhooks/${hook.id}/deliveries`)
        .set(bearer(treasurer)),
      403,
      'FORBIDDEN',
    );
    expectProblem(
      await t.http
        .get(`/api/v1/organizations/${association.id}/webhooks/${hook.id}/deliveries`)
        .set(bearer(buyerB.user)),
      404,
      'NOT_FOUND',
    );
    // The secret is shown once: the list does not carry it.
    const listed = await t.http
      .get(`/api/v1/organizations/${association.id}/webhooks`)
      .set(bearer(manager))
      .expect(200);
    expect(listed.body.items.find((w: { id: string }) => w.id === hook.id)).not.toHaveProperty(
      'secret',
    );

    for (const [bad, code] of [
      ['ftp://127.0.0.1/x', 'NOT_HTTPS'],
      ['not a url', 'NOT_A_URL'],
      ['https://user:pw@example.cl/x', 'HAS_CREDENTIALS'],
      // Plain http only to this machine, even in development.
      ['http://erp.example.cl/x', 'NOT_HTTPS'],
      ['http://192.168.1.10/x', 'NOT_HTTPS'],
    ]) {
      const response = await t.http
        .post(`/api/v1/organizations/${association.id}/webhooks`)
        .set(bearer(manager))
        .send({ url: bad, events: ['deal.created'] });
      const problem = expectProblem(response, 400, 'VALIDATION_FAILED');
      expect(invalidFields(problem)).toEqual(['url']);
      expect(problem.errors).toEqual([expect.objectContaining({ field: 'url', code })]);
    }
    // Development allows every loopback spelling and any https target.
    for (const ok of ['http://localhost:9/x', 'http://[::1]:9/x', 'https://erp.example.cl/x']) {
      // An event type that never happens: nothing is ever sent off this machine.
      await webhook(manager, association.id, ok, ['never.sent']);
    }
    const noEvents = await t.http
      .post(`/api/v1/organizations/${association.id}/webhooks`)
      .set(bearer(manager))
      .send({ url, events: [] });
    expect(invalidFields(expectProblem(noEvents, 400, 'VALIDATION_FAILED'))).toEqual(['events']);
  });

  it('an approval is told to who decides it: the voters, or the two signatories', async () => {
    const chief = await newUser(t.http, 'Gerenta Socaire');
    const cashier = await newUser(t.http, 'Tesorera Socaire');
    const voter = await newUser(t.http, 'Socia que vota');
    const bystander = await newUser(t.http, 'Socio sin aporte');
    const socaire = await newOrganization(t.http, chief, 'association');
    await addMember(t.http, chief, socaire.id, cashier, 'treasurer');
    await addMember(t.http, chief, socaire.id, voter, 'member');
    await addMember(t.http, chief, socaire.id, bystander, 'member');
    const voterProducer = await newProducer(t.http, chief, socaire.id, 'Familia Ramos', voter.id);
    await newProducer(t.http, chief, socaire.id, 'Familia Cruz', bystander.id);

    async function approvalFor(policy: 'member_vote' | 'two_person'): Promise<string> {
      await setPolicy(t.http, chief, socaire.id, { approvalPolicy: policy });
      const lot = await newLot(t.http, chief, socaire.id, carrotId);
      await contribute(t.http, chief, lot.id, voterProducer.id, '500');
      await publish(t.http, chief, lot.id);
      const offer = await makeOffer(t.http, buyerA.user, lot.id, { price: '200', quantity: '500' });
      const requested = await t.http
        .post(`/api/v1/offers/${offer.id}/accept`)
        .set(bearer(chief))
        .send({})
        .expect(202);
      await settled(lot.id);
      return requested.body.approval.id as string;
    }
    const heard = async (user: TestUser, approvalId: string) =>
      (await inbox(user)).some(
        (n) => n.type === 'approval.requested' && n.data.approvalId === approvalId,
      );

    // member_vote: the member whose producer contributed votes; the one who did not, does not.
    const vote = await approvalFor('member_vote');
    expect(await heard(voter, vote)).toBe(true);
    for (const user of [bystander, chief, cashier, buyerA.user]) {
      expect(await heard(user, vote)).toBe(false);
    }

    const signatures = await approvalFor('two_person');
    expect(await heard(chief, signatures)).toBe(true);
    expect(await heard(cashier, signatures)).toBe(true);
    for (const user of [voter, bystander, buyerA.user]) {
      expect(await heard(user, signatures)).toBe(false);
    }
  });

  it('a webhook failing event after event is disabled, its managers told, and no longer called', async () => {
    const receiver = await startReceiver();
    const deadUrl = receiver.url;
    await receiver.close();
    const hook = await webhook(manager, association.id, deadUrl, ['lot.published']);
    for (let i = 0; i < WEBHOOK_DISABLE_AFTER_FAILED_EVENTS; i++) await publishedLot('100');
    await outbox.relayOnce();
    const webhookState = async () =>
      (
        await t.http
          .get(`/api/v1/organizations/${association.id}/webhooks?limit=100`)
          .set(bearer(manager))
          .expect(200)
      ).body.items.find((w: { id: string }) => w.id === hook.id) as {
        active: boolean;
        disabledAt: string | null;
        consecutiveFailedEvents: number;
      };
    // Retries back off exponentially under Bull (about a minute per event, events in parallel).
    await waitUntil(async () => !(await webhookState()).active, 'the webhook disabled', 100_000);
    expect((await webhookState()).disabledAt).toEqual(expect.any(String));
    const attempts = await deliveries(manager, association.id, hook.id);
    expect(new Set(attempts.map((d) => d.eventId)).size).toBe(WEBHOOK_DISABLE_AFTER_FAILED_EVENTS);
    expect(attempts.every((d) => d.outcome === 'failed')).toBe(true);

    const told = async (user: TestUser) =>
      (await inbox(user)).filter(
        (n) => n.type === 'webhook.disabled' && n.data.webhookId === hook.id,
      );
    await waitUntil(async () => (await told(manager)).length === 1, 'the manager told');
    for (const user of [member, treasurer, buyerA.user]) expect(await told(user)).toEqual([]);

    // A new event is not tried on the disabled hook.
    const after = await publishedLot('100');
    await settled(after);
    const [published] = await dataSource.query<{ id: string }[]>(
      `SELECT id FROM outbox_events WHERE type = 'lot.published' AND aggregate_id = $1`,
      [after],
    );
    const event = await dataSource.getRepository(OutboxEvent).findOneByOrFail({ id: published.id });
    // Scheduling again, as the relay does, finds other hooks of lot.published but not this one.
    const jobsBefore = (await deliveries(manager, association.id, hook.id)).length;
    await t.app.get(NotificationsService).handle([event]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const afterAttempts = await deliveries(manager, association.id, hook.id);
    expect(afterAttempts).toHaveLength(jobsBefore);
    expect(afterAttempts.some((d) => d.eventId === published.id)).toBe(false);

    // Switched back on by who administers it: nobody else, and not through another
    // organisation.
    const enable = (user: TestUser, organizationId = association.id) =>
      t.http
        .post(`/api/v1/organizations/${organizationId}/webhooks/${hook.id}/enable`)
        .set(bearer(user))
        .send({});
    for (const user of [member, treasurer]) expectProblem(await enable(user), 403, 'FORBIDDEN');
    expectProblem(await enable(buyerB.user), 404, 'NOT_FOUND');
    expectProblem(await enable(buyerA.user, buyerA.organization.id), 404, 'NOT_FOUND');
    expect((await webhookState()).active).toBe(false);

    const enabled = await enable(manager).expect(200);
    expect(enabled.body).toMatchObject({
      id: hook.id,
      active: true,
      disabledAt: null,
      consecutiveFailedEvents: 0,
    });
    expect(await webhookState()).toMatchObject({ active: true, consecutiveFailedEvents: 0 });
    // Again: nothing to change, same answer.
    expect((await enable(manager).expect(200)).body).toMatchObject({ active: true });

    // Events from now on are tried again.
    const reenabled = await publishedLot('100');
    await outbox.relayOnce();
    const [next] = await dataSource.query<{ id: string }[]>(
      `SELECT id FROM outbox_events WHERE type = 'lot.published' AND aggregate_id = $1`,
      [reenabled],
    );
    await waitUntil(
      async () =>
        (await deliveries(manager, association.id, hook.id)).some((d) => d.eventId === next.id),
      'the re-enabled hook tried',
    );
  }, 150_000);

  it('a delivery left pending without a job is started again by the sweep', async () => {
    const receiver = await startReceiver();
    receivers.push(receiver);
    const hook = await webhook(manager, association.id, receiver.url, ['lot.published']);
    await publishedLot();
    await outbox.relayOnce();
    const ended = async () =>
      (
        await dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM webhook_queue
            WHERE webhook_id = $1 AND state = 'delivered'`,
          [hook.id],
        )
      )[0].n === 1;
    // Ended, not only received: the job records the attempt after the receiver answers.
    await waitUntil(ended, 'the first delivery ended');
    expect(receiver.received).toHaveLength(1);
    const eventId = receiver.received[0].headers['x-ayllu-event-id'];
    // As if its job had vanished before trying: pending, untouched for 10 minutes.
    await dataSource.query(
      `UPDATE webhook_queue SET state = 'pending', updated_at = now() - interval '10 minutes'
        WHERE webhook_id = $1`,
      [hook.id],
    );
    await dataSource.query(`DELETE FROM webhook_deliveries WHERE webhook_id = $1`, [hook.id]);
    const sweeper = t.app.get(WebhooksService);
    expect(await sweeper.resumeStalled()).toBeGreaterThanOrEqual(1);
    await waitUntil(() => receiver.received.length === 2, 'delivered again after the sweep');
    expect(receiver.received[1].headers['x-ayllu-event-id']).toBe(eventId);
    await waitUntil(ended, 'the delivery ended again');
    expect(await deliveries(manager, association.id, hook.id)).toEqual([
      expect.objectContaining({ eventId, attempt: 1, outcome: 'succeeded' }),
    ]);
    // Ended: the next sweep leaves it alone.
    await sweeper.resumeStalled(0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(receiver.received).toHaveLength(2);
  });

  it('delivers the events of one lot to a webhook in order, while other lots go on', async () => {
    const slowFailures = 3;
    let slowLot: string | undefined;
    let failed = 0;
    const receiver = await startReceiver((request) => {
      const body = JSON.parse(request.raw) as { type: string; payload: { lotId?: string } };
      const first = body.type === 'lot.published' && body.payload.lotId === slowLot;
      return first && failed++ < slowFailures ? 500 : 200;
    });
    receivers.push(receiver);
    const types = [
      'lot.published',
      'offer.received',
      'offer.countered',
      'offer.accepted',
      'deal.created',
    ];
    const hook = await webhook(manager, association.id, receiver.url, types);

    /** A lot that goes from published to a deal: five events, the last two in one transaction. */
    async function negotiatedLot(onCreated?: (lotId: string) => void): Promise<string> {
      const lot = await newLot(t.http, manager, association.id, carrotId);
      onCreated?.(lot.id);
      await contribute(t.http, manager, lot.id, producerId, '400');
      await publish(t.http, manager, lot.id);
      const offer = await makeOffer(t.http, buyerB.user, lot.id, { price: '170', quantity: '400' });
      const counter = await counterOffer(t.http, manager, offer.id, {
        price: '210',
        quantity: '400',
      });
      await t.http
        .post(`/api/v1/offers/${counter.id}/accept`)
        .set(bearer(buyerB.user))
        .send({})
        .expect(201);
      await outbox.relayOnce();
      return lot.id;
    }
    const slow = await negotiatedLot((lotId) => (slowLot = lotId));
    const other = await negotiatedLot();

    const recorded = async (lotId: string) =>
      (
        await dataSource.query<{ id: string }[]>(
          `SELECT id FROM outbox_events
            WHERE payload->>'lotId' = $1 AND type = ANY($2) ORDER BY seq`,
          [lotId, types],
        )
      ).map((row) => row.id);
    const expected = { [slow]: await recorded(slow), [other]: await recorded(other) };
    expect(expected[slow]).toHaveLength(types.length);
    expect(expected[other]).toHaveLength(types.length);

    const delivered = async () =>
      new Set(
        (await deliveries(manager, association.id, hook.id))
          .filter((d) => d.outcome === 'succeeded')
          .map((d) => d.eventId),
      );
    await waitUntil(
      async () => (await delivered()).size === 2 * types.length,
      'every event of both lots delivered',
      60_000,
    );

    const requests = receiver.received.map((request, index) => {
      const body = JSON.parse(request.raw) as { id: string; payload: { lotId: string } };
      return { index, eventId: body.id, lotId: body.payload.lotId };
    });
    for (const lotId of [slow, other]) {
      const ofLot = requests.filter((request) => request.lotId === lotId);
      // Every request of the lot, retries included, in the order the events were recorded:
      // nothing of a later event goes out before the earlier one is through.
      const places = ofLot.map((request) => expected[lotId].indexOf(request.eventId));
      expect(places.every((place) => place >= 0)).toBe(true);
      expect(places).toEqual([...places].sort((a, b) => a - b));
      expect([...new Set(ofLot.map((request) => request.eventId))]).toEqual(expected[lotId]);
    }
    // The slow lot's first event: three failures, then through, every attempt recorded.
    const firstOfSlow = (await deliveries(manager, association.id, hook.id)).filter(
      (d) => d.eventId === expected[slow][0],
    );
    expect(firstOfSlow.map((d) => [d.attempt, d.outcome])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
      [3, 'failed'],
      [4, 'succeeded'],
    ]);
    // The other lot did not wait for it: its first event was through before the slow one.
    const throughAt = (eventId: string) =>
      Math.max(...requests.filter((r) => r.eventId === eventId).map((r) => r.index));
    expect(throughAt(expected[other][0])).toBeLessThan(throughAt(expected[slow][0]));
  }, 90_000);
});

// Needs a real Redis to take away; without REDIS_URL jobs run in-process and there is none.
if (process.env.REDIS_URL) {
  describe('notifications while Redis is away', () => {
    let t: TestApp;
    let proxy: TcpProxy;
    let receiver: CountingReceiver;

    beforeAll(async () => {
      proxy = await startTcpProxy(process.env.REDIS_URL!, 6379);
      receiver = await startCountingReceiver();
      t = await startTestApp({ REDIS_URL: proxy.url });
    });

    afterAll(async () => {
      proxy.restore();
      await t?.close();
      await receiver?.close();
      await proxy?.close();
    });

    it('events written during the outage wait in the outbox and arrive once it is back', async () => {
      const dataSource = t.app.get(DataSource);
      const outbox = t.app.get(Outbox);
      const manager = await newUser(t.http, 'Gerente');
      const association = await newOrganization(t.http, manager, 'association');
      const treasurer = await newUser(t.http, 'Tesorera');
      await addMember(t.http, manager, association.id, treasurer, 'treasurer');
      const buyer = await newBuyer(t.http, 'Camiones Loa');
      const carrotId = (await productByCode(t.http, 'zanahoria')).id;
      const producerId = (await newProducer(t.http, manager, association.id, 'Familia Anza')).id;
      await t.http
        .post(`/api/v1/organizations/${association.id}/webhooks`)
        .set(bearer(manager))
        .send({ url: receiver.url, events: ['offer.received', 'lot.published'] })
        .expect(201);
      const lot = await newLot(t.http, manager, association.id, carrotId);
      await contribute(t.http, manager, lot.id, producerId, '1000');
      await publish(t.http, manager, lot.id);
      await waitUntil(() => receiver.seen.size === 1, 'lot.published delivered before the cut');

      proxy.cut();
      const offers = [];
      for (const price of ['180', '185', '190']) {
        offers.push(await makeOffer(t.http, buyer.user, lot.id, { price, quantity: '100' }));
      }
      // The queue cannot take jobs: a relay pass gives up within the enqueue timeout and
      // leaves every event pending instead of hanging or losing it.
      const started = Date.now();
      expect(await outbox.relayOnce()).toBe(0);
      expect(Date.now() - started).toBeLessThan(5_000);
      const pending = await dataSource.query<{ id: string }[]>(
        `SELECT id FROM outbox_events
          WHERE type = 'offer.received' AND aggregate_id = $1 AND published_at IS NULL`,
        [lot.id],
      );
      expect(pending).toHaveLength(offers.length);
      expect(receiver.seen.size).toBe(1);

      proxy.restore();
      const expected = await dataSource.query<{ id: string }[]>(
        `SELECT id FROM outbox_events
          WHERE type IN ('offer.received', 'lot.published') AND aggregate_id = $1`,
        [lot.id],
      );
      expect(expected).toHaveLength(offers.length + 1);
      await waitUntil(
        () => expected.every(({ id }) => receiver.seen.has(id)),
        'every event delivered after the outage',
        30_000,
      );
      // Let any duplicate a second relay or a replayed enqueue could cause arrive, then count.
      await waitUntil(async () => {
        const [row] = await dataSource.query<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM outbox_events WHERE published_at IS NULL`,
        );
        return row.n === 0;
      }, 'the outbox drained');
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(new Set(receiver.seen.keys())).toEqual(new Set(expected.map(({ id }) => id)));
      expect([...receiver.seen.values()].every((count) => count === 1)).toBe(true);
      const inbox = await t.http
        .get('/api/v1/me/notifications?limit=100')
        .set(bearer(manager))
        .expect(200);
      const offerNotices = inbox.body.items.filter(
        (n: { type: string }) => n.type === 'offer.received',
      );
      expect(offerNotices).toHaveLength(offers.length);
    });
  });
}

import type { Pool, QueryConfig } from 'pg';
import { DataSource } from 'typeorm';
import { bearer, newOrganization, newUser, type TestUser } from '../support/builders';
import {
  type Buyer,
  contribute,
  expectProblem,
  makeOffer,
  newBuyer,
  newLot,
  newProducer,
  productByCode,
  publish,
} from '../support/lot-builders';
import { startTestApp, type TestApp } from '../support/test-app';

/** SQLSTATE raised by `ayllu_assert` (migration AddStatementAssert). */
const STATEMENT_ASSERT_FAILED = 'AY001';

/**
 * The one-statement accept aborts itself when the offer stopped being pending between the
 * read and the statement, and the careful path then refuses: this forces that window.
 *
 * A trigger cannot force it. An AFTER ROW trigger on `lots` fires once the whole statement
 * has run, so the deal is already made when it withdraws the offer; a BEFORE ROW trigger
 * makes the offer's UPDATE fail with 27000 ("already modified by an operation triggered by
 * the current command"), not AY001; and whatever a trigger writes rolls back with the
 * statement, so the careful path would find the offer pending and accept it after all.
 * What the assert guards against is another transaction committing in between, so that is
 * what the test does: the buyer withdraws the offer, through the API, right before the
 * statement reaches the database.
 */
describe('negotiation: the one-statement accept falls back when the offer changed', () => {
  let t: TestApp;
  let dataSource: DataSource;
  let manager: TestUser;
  let buyer: Buyer;
  let association: { id: string };
  let producer: { id: string };
  let carrot: { id: string };

  beforeAll(async () => {
    t = await startTestApp();
    dataSource = t.app.get(DataSource);
    manager = await newUser(t.http, 'Gerente');
    association = await newOrganization(t.http, manager, 'association');
    buyer = await newBuyer(t.http, 'Distribuidora del Norte');
    producer = await newProducer(t.http, manager, association.id, 'Familia Anza');
    carrot = await productByCode(t.http, 'zanahoria');
  });
  afterAll(() => t.close());

  // What commits between the accept's read and its statement: the buyer withdraws the
  // offer (the lot is decremented, then the offer's UPDATE finds nothing), or the manager
  // cancels the lot (the lot's UPDATE finds nothing). With a key, the statement also
  // stores the answer under it (inline idempotency): the abort must take that with it, or
  // a replay would answer with a deal never made; the cancelled lot is the case where
  // only the stored answer says something was written.
  const races = {
    'the offer withdrawn': {
      send: (offerId: string) =>
        t.http.post(`/api/v1/offers/${offerId}/withdraw`).set(bearer(buyer.user)).send({}),
      offerStatus: 'withdrawn',
      event: 'offer.withdrawn',
    },
    'the lot cancelled': {
      send: (_: string, lotId: string) =>
        t.http.post(`/api/v1/lots/${lotId}/cancel`).set(bearer(manager)).send({}),
      offerStatus: 'superseded',
      event: 'lot.cancelled',
    },
  };
  it.each([
    ['the offer withdrawn', undefined],
    ['the offer withdrawn', 'accept-racing-a-withdrawal'],
    ['the lot cancelled', 'accept-racing-a-cancellation'],
  ] as const)(
    'answers 409, writes nothing, after the statement aborted itself (%s, key %s)',
    async (race, idempotencyKey) => {
      const lot = await newLot(t.http, manager, association.id, carrot.id);
      // No cost sheet: no floor, so nothing keeps the accept off the one-statement path.
      await contribute(t.http, manager, lot.id, producer.id, '1000');
      await publish(t.http, manager, lot.id);
      const lotId = lot.id;
      // The one-statement path is only tried under the manager approval policy (the default).
      const [organization] = await dataSource.query<{ approval_policy: string }[]>(
        `SELECT approval_policy FROM organizations WHERE id = $1`,
        [association.id],
      );
      expect(organization.approval_policy).toBe('manager');
      const offer = await makeOffer(t.http, buyer.user, lotId, { price: '230', quantity: '400' });
      const before = await soldOf(lotId);

      // The service's one-statement queries go straight to the pool (preparedQuery), TypeORM's
      // go through pool.connect(); only the accept's statement for this offer is intercepted.
      // The SQLSTATE it fails with is recorded here, at the driver: that is the proof the
      // abort happened. Were the fast path gone, no statement would be seen; were the assert
      // not to fire, none would fail; either way the list below would not be [AY001]. (The
      // refusal alone proves nothing: the careful path refuses a withdrawn offer by itself.)
      const pool = (dataSource.driver as unknown as { master: Pool }).master;
      const poolQuery = pool.query.bind(pool) as (...args: unknown[]) => unknown;
      const raised: (string | null)[] = [];
      let armed = true;
      const raceThenRun = async (config: QueryConfig): Promise<unknown> => {
        // Committed on its own, after the accept read the offer and the lot: the race.
        expect((await races[race].send(offer.id, lotId)).status).toBe(200);
        try {
          const result = await poolQuery(config);
          raised.push(null);
          return result;
        } catch (error) {
          raised.push((error as { code?: string }).code ?? 'no SQLSTATE');
          throw error;
        }
      };
      // Every other call passes through untouched (and synchronously, callback style included).
      const intercept = (...args: unknown[]): unknown => {
        const config = args[0] as Partial<QueryConfig> | string | undefined;
        const isAccept =
          typeof config === 'object' &&
          config.text?.includes('ayllu_assert(') === true &&
          config.values?.[0] === offer.id;
        if (!isAccept || !armed) return poolQuery(...args);
        armed = false;
        return raceThenRun(config as QueryConfig);
      };
      const { query } = pool;
      pool.query = intercept as Pool['query'];

      let response: Awaited<ReturnType<typeof t.http.post>>;
      try {
        const accept = t.http.post(`/api/v1/offers/${offer.id}/accept`).set(bearer(manager));
        response = await (
          idempotencyKey ? accept.set('Idempotency-Key', idempotencyKey) : accept
        ).send({});
      } finally {
        pool.query = query;
      }

      expect(raised).toEqual([STATEMENT_ASSERT_FAILED]);
      // Whichever changed, the careful path finds the offer no longer pending.
      expectProblem(response, 409, 'OFFER_NOT_PENDING');

      // Nothing of the aborted statement survived, and the careful path wrote nothing either:
      // the lot's sold quantity is as it was, and the offer stays as the race left it.
      expect(await soldOf(lotId)).toBe(before);
      const written = await dataSource.query<Record<string, string | number>[]>(
        `SELECT (SELECT status FROM offers WHERE id = $2) AS offer_status,
              (SELECT count(*)::int FROM deals WHERE offer_id = $2) AS deals,
              (SELECT count(*)::int FROM outbox_events
                WHERE aggregate_type = 'lot' AND aggregate_id = $1
                  AND type IN ('offer.accepted', 'deal.created')) AS events,
              (SELECT count(*)::int FROM lot_history
                WHERE lot_id = $1 AND type = 'offer.accepted' AND data->>'offerId' = $2::text)
              + (SELECT count(*)::int FROM lot_history_pending
                WHERE lot_id = $1 AND type = 'offer.accepted' AND data->>'offerId' = $2::text)
                AS history`,
        [lotId, offer.id],
      );
      expect(written).toEqual([
        { offer_status: races[race].offerStatus, deals: 0, events: 0, history: 0 },
      ]);
      // The race did reach the outbox: the zero counts above are not zero because nothing
      // at all was recorded for the lot.
      const raced = await dataSource.query<{ n: number }[]>(
        `SELECT count(*)::int AS n FROM outbox_events
        WHERE aggregate_type = 'lot' AND aggregate_id = $1 AND type = $2`,
        [lotId, races[race].event],
      );
      expect(raced).toEqual([{ n: 1 }]);

      // Nothing stands under the key (without one, nothing to find either), and sending the
      // accept again meets the same refusal, not a replayed deal.
      const stored = await dataSource.query<{ state: string }[]>(
        `SELECT state FROM idempotency_keys WHERE key = $1`,
        [idempotencyKey ?? null],
      );
      expect(stored).toEqual([]);
      const again = t.http.post(`/api/v1/offers/${offer.id}/accept`).set(bearer(manager));
      const answer = await (
        idempotencyKey ? again.set('Idempotency-Key', idempotencyKey) : again
      ).send({});
      expectProblem(answer, 409, 'OFFER_NOT_PENDING');
      expect(answer.headers['idempotent-replayed']).toBeUndefined();
    },
  );

  async function soldOf(id: string): Promise<string> {
    const [row] = await dataSource.query<{ sold: string }[]>(
      `SELECT trim_scale(quantity_sold)::text AS sold FROM lots WHERE id = $1`,
      [id],
    );
    return row.sold;
  }
});

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook deliveries in order per lot (src/modules/notifications/domain/delivery-order.ts).
 *
 * - `outbox_events.seq`: the order events were recorded in. `occurred_at` is the start of
 *   the transaction, equal for every event of one transaction and earlier than the lot lock
 *   that orders two transactions on the same lot; the sequence is drawn at insert, under it.
 * - `outbox_events.webhooks_scheduled_at`: when the event's webhook deliveries were queued.
 *   Scheduling a lot's event first queues the lot's earlier events not yet queued, so a
 *   later event is never queued alone while an earlier one is still on its way. Events
 *   already in the table count as queued (the old scheduling ran or runs for them): the
 *   fast default stamps them without rewriting a row, and new rows get NULL. The partial
 *   index holds only the events not yet queued, so the look-up stays small.
 * - `webhook_queue`: one row per (webhook, event) to send, with its stream and place in it;
 *   `pending` until delivered or given up (`dead`). `waiting` says its job ended without
 *   sending because an earlier event of the stream was pending or the hook was off, so the
 *   one that unblocks it starts it again. Attempts stay in `webhook_deliveries`.
 */
export class OrderWebhookDeliveries1764907700000 implements MigrationInterface {
  name = 'OrderWebhookDeliveries1764907700000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE outbox_events ADD COLUMN seq bigserial NOT NULL`);
    await db.query(
      `ALTER TABLE outbox_events ADD COLUMN webhooks_scheduled_at timestamptz DEFAULT now()`,
    );
    await db.query(`ALTER TABLE outbox_events ALTER COLUMN webhooks_scheduled_at DROP DEFAULT`);
    await db.query(`
      CREATE INDEX outbox_events_webhooks_unscheduled_idx
        ON outbox_events ((payload->>'lotId'), seq)
        WHERE webhooks_scheduled_at IS NULL`);

    await db.query(`
      CREATE TABLE webhook_queue (
        webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        event_id uuid NOT NULL,
        stream text NOT NULL,
        seq bigint NOT NULL,
        state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
        waiting boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (webhook_id, event_id)
      )`);
    await db.query(`
      CREATE INDEX webhook_queue_pending_idx ON webhook_queue (webhook_id, stream, seq)
        WHERE state = 'pending'`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhook_queue`);
    await db.query(`DROP INDEX outbox_events_webhooks_unscheduled_idx`);
    await db.query(`ALTER TABLE outbox_events DROP COLUMN webhooks_scheduled_at, DROP COLUMN seq`);
  }
}

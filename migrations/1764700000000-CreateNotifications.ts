import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The in-app inbox and the organisations' webhooks.
 *
 * Events reach subscribers at least once, so a notification is unique per (event, user):
 * a second delivery of the same event inserts nothing. A webhook's secret is kept in clear
 * because every delivery is signed with it; it is shown to the caller only at creation.
 * No foreign key to outbox_events: the inbox and the delivery log outlive any pruning of
 * published events.
 * A delivery row is one attempt: (webhook, event, attempt) is unique, so a job that runs
 * twice for the same attempt records it once.
 */
export class CreateNotifications1764700000000 implements MigrationInterface {
  name = 'CreateNotifications1764700000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE notifications (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        event_id uuid NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id),
        type text NOT NULL,
        organization_id uuid REFERENCES organizations(id),
        aggregate_type text NOT NULL,
        aggregate_id uuid,
        data jsonb NOT NULL DEFAULT '{}'::jsonb,
        occurred_at timestamptz NOT NULL,
        read_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE UNIQUE INDEX notifications_event_user_key ON notifications (event_id, user_id)`,
    );
    await db.query(
      `CREATE INDEX notifications_inbox_idx ON notifications (user_id, created_at DESC, id DESC)`,
    );

    await db.query(`
      CREATE TABLE webhooks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        url text NOT NULL CHECK (url ~ '^https?://'),
        events text[] NOT NULL CHECK (cardinality(events) > 0),
        secret text NOT NULL,
        active boolean NOT NULL DEFAULT true,
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX webhooks_organization_idx ON webhooks (organization_id)`);

    await db.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        webhook_id uuid NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
        event_id uuid NOT NULL,
        event_type text NOT NULL,
        attempt integer NOT NULL CHECK (attempt > 0),
        outcome text NOT NULL CHECK (outcome IN ('succeeded', 'failed')),
        status_code integer,
        error text,
        duration_ms integer NOT NULL CHECK (duration_ms >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (webhook_id, event_id, attempt)
      )`);
    await db.query(
      `CREATE INDEX webhook_deliveries_page_idx ON webhook_deliveries (webhook_id, created_at, id)`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE webhooks`);
    await db.query(`DROP TABLE notifications`);
  }
}

import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A webhook that keeps failing is switched off instead of being retried for ever.
 * `consecutive_failed_events` counts events whose every attempt failed since the last
 * success; `disabled_at` says when the service (not a person) turned the hook off, so that
 * case can be told apart from a future manual switch.
 */
export class DisableFailingWebhooks1764800000000 implements MigrationInterface {
  name = 'DisableFailingWebhooks1764800000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE webhooks
        ADD COLUMN consecutive_failed_events integer NOT NULL DEFAULT 0
          CHECK (consecutive_failed_events >= 0),
        ADD COLUMN disabled_at timestamptz`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE webhooks DROP COLUMN disabled_at, DROP COLUMN consecutive_failed_events`,
    );
  }
}

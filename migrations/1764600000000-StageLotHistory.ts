import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A lot's history is chained off the hot path. Writers insert their events into
 * lot_history_pending (no shared row touched); a chainer appends them, in order, to the
 * hash chain under the lock of the lot's head row in lot_history_heads, which no sale
 * touches. Before, every writer advanced the head on the lot row itself, so every offer
 * and acceptance of a lot queued on that row.
 */
export class StageLotHistory1764600000000 implements MigrationInterface {
  name = 'StageLotHistory1764600000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE lot_history_pending (
        id bigserial PRIMARY KEY,
        lot_id uuid NOT NULL REFERENCES lots(id),
        type text NOT NULL,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        data jsonb NOT NULL
      )`);
    await db.query(`CREATE INDEX lot_history_pending_lot_idx ON lot_history_pending (lot_id, id)`);
    await db.query(`
      CREATE TABLE lot_history_heads (
        lot_id uuid PRIMARY KEY REFERENCES lots(id),
        seq integer NOT NULL,
        head text NOT NULL
      )`);
    await db.query(
      `INSERT INTO lot_history_heads (lot_id, seq, head)
       SELECT id, history_seq, history_head FROM lots WHERE history_seq > 0`,
    );
    await db.query(`ALTER TABLE lots DROP COLUMN history_seq, DROP COLUMN history_head`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE lots ADD COLUMN history_seq integer NOT NULL DEFAULT 0,
                       ADD COLUMN history_head text NOT NULL DEFAULT repeat('0', 64)`,
    );
    await db.query(
      `UPDATE lots l SET history_seq = h.seq, history_head = h.head
         FROM lot_history_heads h WHERE h.lot_id = l.id`,
    );
    await db.query(`DROP TABLE lot_history_heads`);
    await db.query(`DROP TABLE lot_history_pending`);
  }
}

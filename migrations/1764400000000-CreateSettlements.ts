import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deliveries of deals (per producer: delivered, accepted, grade), the buyers' payments, the
 * settlements of lots with one payout row per producer, and the PDF bundle of a settlement's
 * statements. Money columns are numeric(20, 6) like the deals they come from; a payout's
 * weight (quantity × grade factor) can carry twelve decimals, so it is unbounded numeric.
 *
 * A confirmed settlement is immutable in the database too: triggers refuse any UPDATE or
 * DELETE of a confirmed settlement row and any change to the payouts of one, so a bug or a
 * hand-typed statement cannot rewrite what members were told. Corrections are new rows
 * (kind `adjustment`), one draft per lot at a time.
 */
export class CreateSettlements1764400000000 implements MigrationInterface {
  name = 'CreateSettlements1764400000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        deal_id uuid NOT NULL UNIQUE REFERENCES deals(id),
        lot_id uuid NOT NULL REFERENCES lots(id),
        quantity_delivered numeric(20, 6) NOT NULL CHECK (quantity_delivered >= 0),
        quantity_accepted numeric(20, 6) NOT NULL
          CHECK (quantity_accepted >= 0 AND quantity_accepted <= quantity_delivered),
        recorded_by uuid NOT NULL REFERENCES users(id),
        recorded_at timestamptz NOT NULL,
        buyer_confirmed_by uuid REFERENCES users(id),
        buyer_confirmed_at timestamptz,
        CONSTRAINT deliveries_buyer_confirmation CHECK (
          (buyer_confirmed_by IS NULL) = (buyer_confirmed_at IS NULL))
      )`);
    await db.query(`CREATE INDEX deliveries_lot_idx ON deliveries (lot_id)`);
    await db.query(`
      CREATE TABLE delivery_lines (
        delivery_id uuid NOT NULL REFERENCES deliveries(id),
        producer_id uuid NOT NULL REFERENCES producers(id),
        quantity_delivered numeric(20, 6) NOT NULL CHECK (quantity_delivered >= 0),
        quantity_accepted numeric(20, 6) NOT NULL
          CHECK (quantity_accepted >= 0 AND quantity_accepted <= quantity_delivered),
        grade text,
        PRIMARY KEY (delivery_id, producer_id)
      )`);

    await db.query(`
      CREATE TABLE deal_payments (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        deal_id uuid NOT NULL REFERENCES deals(id),
        amount numeric(20, 6) NOT NULL CHECK (amount > 0),
        received_at timestamptz NOT NULL,
        reference text,
        recorded_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX deal_payments_deal_idx ON deal_payments (deal_id, created_at, id)`,
    );

    await db.query(`
      CREATE TABLE settlements (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lot_id uuid NOT NULL REFERENCES lots(id),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        kind text NOT NULL CHECK (kind IN ('settlement', 'adjustment')),
        adjusts_settlement_id uuid REFERENCES settlements(id),
        status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'confirmed')),
        currency text NOT NULL CHECK (currency IN ('CLP', 'USD')),
        gross numeric(20, 6) NOT NULL,
        total_deductions numeric(20, 6) NOT NULL,
        net numeric(20, 6) NOT NULL,
        deductions jsonb NOT NULL,
        grade_factors jsonb NOT NULL,
        deals jsonb NOT NULL,
        corrected jsonb,
        version integer NOT NULL DEFAULT 1 CHECK (version > 0),
        computed_by uuid NOT NULL REFERENCES users(id),
        computed_at timestamptz NOT NULL,
        confirmed_by uuid REFERENCES users(id),
        confirmed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT settlements_adjustment_refers CHECK (
          (kind = 'adjustment') = (adjusts_settlement_id IS NOT NULL)
          AND (kind = 'adjustment') = (corrected IS NOT NULL)),
        CONSTRAINT settlements_confirmation CHECK (
          (status = 'confirmed') = (confirmed_at IS NOT NULL)
          AND (confirmed_at IS NULL) = (confirmed_by IS NULL)),
        CONSTRAINT settlements_reconcile CHECK (gross - total_deductions = net),
        CONSTRAINT settlements_not_negative CHECK (
          kind = 'adjustment' OR (gross >= 0 AND total_deductions >= 0 AND net >= 0))
      )`);
    // A lot is settled once; later corrections are adjustments, and one draft is open at a time.
    await db.query(
      `CREATE UNIQUE INDEX settlements_one_per_lot ON settlements (lot_id) WHERE kind = 'settlement'`,
    );
    await db.query(
      `CREATE UNIQUE INDEX settlements_one_draft_per_lot ON settlements (lot_id) WHERE status = 'draft'`,
    );
    await db.query(`CREATE INDEX settlements_lot_idx ON settlements (lot_id, created_at, id)`);
    await db.query(`
      CREATE TABLE settlement_payouts (
        settlement_id uuid NOT NULL REFERENCES settlements(id) ON DELETE CASCADE,
        producer_id uuid NOT NULL REFERENCES producers(id),
        quantity_delivered numeric(20, 6) NOT NULL,
        quantity numeric(20, 6) NOT NULL,
        weight numeric NOT NULL,
        grades jsonb NOT NULL,
        gross_share numeric(20, 6) NOT NULL,
        deduction_shares jsonb,
        total_deductions numeric(20, 6) NOT NULL,
        amount numeric(20, 6) NOT NULL,
        confirmed_amount numeric(20, 6),
        corrected_amount numeric(20, 6),
        PRIMARY KEY (settlement_id, producer_id),
        CONSTRAINT settlement_payouts_row_reconciles CHECK (gross_share - total_deductions = amount)
      )`);

    await db.query(`
      CREATE FUNCTION settlements_refuse_confirmed_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'confirmed' THEN
          RAISE EXCEPTION 'settlement % is confirmed and cannot change', OLD.id
            USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER settlements_immutable_once_confirmed
      BEFORE UPDATE OR DELETE ON settlements
      FOR EACH ROW EXECUTE FUNCTION settlements_refuse_confirmed_change()`);
    await db.query(`
      CREATE FUNCTION settlement_payouts_refuse_confirmed_change() RETURNS trigger
      LANGUAGE plpgsql AS $$
      DECLARE
        parent_status text;
      BEGIN
        SELECT status INTO parent_status FROM settlements
         WHERE id = CASE WHEN TG_OP = 'INSERT' THEN NEW.settlement_id ELSE OLD.settlement_id END;
        IF parent_status = 'confirmed' THEN
          RAISE EXCEPTION 'the payouts of a confirmed settlement cannot change'
            USING ERRCODE = 'check_violation';
        END IF;
        IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
        RETURN NEW;
      END $$`);
    await db.query(`
      CREATE TRIGGER settlement_payouts_immutable_once_confirmed
      BEFORE INSERT OR UPDATE OR DELETE ON settlement_payouts
      FOR EACH ROW EXECUTE FUNCTION settlement_payouts_refuse_confirmed_change()`);

    await db.query(`
      CREATE TABLE settlement_statement_bundles (
        settlement_id uuid PRIMARY KEY REFERENCES settlements(id),
        status text NOT NULL CHECK (status IN ('pending', 'ready', 'failed')),
        generation integer NOT NULL DEFAULT 1 CHECK (generation > 0),
        requested_by uuid NOT NULL REFERENCES users(id),
        requested_at timestamptz NOT NULL,
        ready_at timestamptz,
        pages integer,
        pdf bytea,
        CONSTRAINT settlement_statement_bundles_ready CHECK (
          (status = 'ready') = (pdf IS NOT NULL AND ready_at IS NOT NULL))
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'settlement_statement_bundles',
      'settlement_payouts',
      'settlements',
      'deal_payments',
      'delivery_lines',
      'deliveries',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
    await db.query(`DROP FUNCTION settlement_payouts_refuse_confirmed_change()`);
    await db.query(`DROP FUNCTION settlements_refuse_confirmed_change()`);
  }
}

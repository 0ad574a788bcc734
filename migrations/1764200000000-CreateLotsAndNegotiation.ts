import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Pooled lots, their contributions, offers and bids, approvals and votes, deals, and the
 * hash-chained history of each lot. The no-oversell invariant is a CHECK on the lot row
 * (sold + held never above the total), behind the conditional UPDATE the services use.
 */
export class CreateLotsAndNegotiation1764200000000 implements MigrationInterface {
  name = 'CreateLotsAndNegotiation1764200000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE lots (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        product_id uuid NOT NULL REFERENCES products(id),
        grade text NOT NULL,
        unit text NOT NULL,
        currency text NOT NULL CHECK (currency IN ('CLP', 'USD')),
        mechanism text NOT NULL CHECK (mechanism IN ('negotiation', 'tender')),
        pricing_rule text CHECK (pricing_rule IN ('pay_as_bid', 'uniform')),
        asking_price numeric(20, 6) CHECK (asking_price > 0),
        reserve_price numeric(20, 6) CHECK (reserve_price > 0),
        min_order_quantity numeric(20, 6) NOT NULL CHECK (min_order_quantity > 0),
        delivery_from date NOT NULL,
        delivery_to date NOT NULL,
        delivery_point text NOT NULL,
        closes_at timestamptz,
        status text NOT NULL DEFAULT 'draft' CHECK (status IN (
          'draft', 'open', 'closed', 'sold', 'partially_sold', 'delivered', 'settled', 'cancelled', 'expired')),
        quantity_total numeric(20, 6) NOT NULL DEFAULT 0,
        quantity_sold numeric(20, 6) NOT NULL DEFAULT 0,
        quantity_held numeric(20, 6) NOT NULL DEFAULT 0,
        history_seq integer NOT NULL DEFAULT 0,
        history_head text NOT NULL DEFAULT repeat('0', 64),
        created_by uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        closed_at timestamptz,
        CONSTRAINT lots_delivery_window CHECK (delivery_to >= delivery_from),
        CONSTRAINT lots_tender_terms CHECK (
          mechanism <> 'tender' OR (closes_at IS NOT NULL AND pricing_rule IS NOT NULL)),
        CONSTRAINT lots_never_oversold CHECK (
          quantity_sold >= 0 AND quantity_held >= 0
          AND quantity_sold + quantity_held <= quantity_total)
      )`);
    await db.query(`CREATE INDEX lots_organization_idx ON lots (organization_id, created_at, id)`);
    await db.query(`CREATE INDEX lots_status_idx ON lots (status, product_id)`);

    await db.query(`
      CREATE TABLE lot_contributions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lot_id uuid NOT NULL REFERENCES lots(id),
        producer_id uuid NOT NULL REFERENCES producers(id),
        quantity numeric(20, 6) NOT NULL CHECK (quantity > 0),
        grade text,
        cost_sheet_id uuid,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX lot_contributions_lot_idx ON lot_contributions (lot_id, created_at, id)`,
    );

    await db.query(`
      CREATE TABLE offers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lot_id uuid NOT NULL REFERENCES lots(id),
        buyer_organization_id uuid NOT NULL REFERENCES organizations(id),
        thread_id uuid NOT NULL,
        parent_offer_id uuid REFERENCES offers(id),
        kind text NOT NULL CHECK (kind IN ('offer', 'bid')),
        made_by text NOT NULL CHECK (made_by IN ('buyer', 'association')),
        made_by_user_id uuid NOT NULL REFERENCES users(id),
        price numeric(20, 6) NOT NULL CHECK (price > 0),
        quantity numeric(20, 6) NOT NULL CHECK (quantity > 0),
        min_quantity numeric(20, 6) NOT NULL CHECK (min_quantity > 0 AND min_quantity <= quantity),
        payment_terms_days integer NOT NULL CHECK (payment_terms_days >= 0),
        expires_at timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN (
          'pending', 'countered', 'accepted', 'rejected', 'withdrawn', 'expired', 'superseded')),
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz,
        decided_by_user_id uuid REFERENCES users(id)
      )`);
    await db.query(`CREATE INDEX offers_lot_idx ON offers (lot_id, created_at, id)`);
    await db.query(`CREATE INDEX offers_thread_idx ON offers (thread_id, created_at)`);
    await db.query(
      `CREATE INDEX offers_pending_expiry_idx ON offers (expires_at) WHERE status = 'pending'`,
    );

    await db.query(`
      CREATE TABLE approvals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lot_id uuid NOT NULL REFERENCES lots(id),
        offer_id uuid NOT NULL REFERENCES offers(id),
        policy text NOT NULL CHECK (policy IN ('manager', 'two_person', 'member_vote')),
        status text NOT NULL DEFAULT 'pending'
          CHECK (status IN ('pending', 'approved', 'rejected', 'expired')),
        threshold numeric(5, 4),
        electorate jsonb NOT NULL DEFAULT '[]',
        quantity_held numeric(20, 6) NOT NULL CHECK (quantity_held > 0),
        closes_at timestamptz NOT NULL,
        requested_by_user_id uuid NOT NULL REFERENCES users(id),
        override_reason text,
        created_at timestamptz NOT NULL DEFAULT now(),
        decided_at timestamptz
      )`);
    // One open approval per offer: a second accept while one is pending is refused by the database too.
    await db.query(
      `CREATE UNIQUE INDEX approvals_one_pending_per_offer ON approvals (offer_id) WHERE status = 'pending'`,
    );
    await db.query(`CREATE INDEX approvals_lot_idx ON approvals (lot_id, status)`);
    await db.query(`
      CREATE TABLE approval_votes (
        approval_id uuid NOT NULL REFERENCES approvals(id),
        user_id uuid NOT NULL REFERENCES users(id),
        role text,
        choice text NOT NULL CHECK (choice IN ('approve', 'reject')),
        cast_at timestamptz NOT NULL,
        PRIMARY KEY (approval_id, user_id)
      )`);

    await db.query(`
      CREATE TABLE deals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        lot_id uuid NOT NULL REFERENCES lots(id),
        offer_id uuid NOT NULL UNIQUE REFERENCES offers(id),
        buyer_organization_id uuid NOT NULL REFERENCES organizations(id),
        price numeric(20, 6) NOT NULL CHECK (price > 0),
        quantity numeric(20, 6) NOT NULL CHECK (quantity > 0),
        currency text NOT NULL,
        payment_terms_days integer NOT NULL,
        status text NOT NULL DEFAULT 'confirmed' CHECK (status IN ('confirmed', 'delivered', 'settled')),
        approval_id uuid REFERENCES approvals(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX deals_lot_idx ON deals (lot_id)`);
    await db.query(`CREATE INDEX deals_buyer_idx ON deals (buyer_organization_id, created_at)`);

    await db.query(`
      CREATE TABLE lot_history (
        lot_id uuid NOT NULL REFERENCES lots(id),
        seq integer NOT NULL,
        type text NOT NULL,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        data jsonb NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (lot_id, seq)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'lot_history',
      'deals',
      'approval_votes',
      'approvals',
      'offers',
      'lot_contributions',
      'lots',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}

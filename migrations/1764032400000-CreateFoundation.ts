import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Identity, organisations, reference data, and the shared outbox and idempotency tables.
 * Money and quantities are numeric; times timestamptz; keys gen_random_uuid().
 */
export class CreateFoundation1764032400000 implements MigrationInterface {
  name = 'CreateFoundation1764032400000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE communities (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        commune text NOT NULL,
        families integer CHECK (families >= 0),
        altitude_m integer,
        distance_km_to_calama numeric(8, 1),
        cultivated_ha numeric(10, 2),
        product_codes text[] NOT NULL DEFAULT '{}',
        notes text,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (commune, name)
      )`);
    await db.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code text NOT NULL UNIQUE,
        name_es text NOT NULL,
        name_en text NOT NULL,
        category text NOT NULL,
        base_unit text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE product_grades (
        product_id uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        code text NOT NULL,
        name_es text NOT NULL,
        name_en text NOT NULL,
        rank integer NOT NULL,
        PRIMARY KEY (product_id, code)
      )`);
    await db.query(`
      CREATE TABLE packaging_units (
        product_id uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        code text NOT NULL,
        name_es text NOT NULL,
        name_en text NOT NULL,
        quantity_in_base_unit numeric(14, 4) NOT NULL CHECK (quantity_in_base_unit > 0),
        PRIMARY KEY (product_id, code)
      )`);
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        email text NOT NULL,
        password_hash text NOT NULL,
        display_name text NOT NULL,
        is_platform_admin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE UNIQUE INDEX users_email_key ON users (lower(email))`);
    await db.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind text NOT NULL CHECK (kind IN ('association', 'buyer')),
        name text NOT NULL,
        rut text,
        community_id uuid REFERENCES communities(id),
        approval_policy text NOT NULL DEFAULT 'manager'
          CHECK (approval_policy IN ('manager', 'two_person', 'member_vote')),
        vote_threshold numeric(5, 4) NOT NULL DEFAULT 0.5
          CHECK (vote_threshold > 0 AND vote_threshold <= 1),
        vote_hours integer NOT NULL DEFAULT 48 CHECK (vote_hours > 0),
        floor_policy text NOT NULL DEFAULT 'block'
          CHECK (floor_policy IN ('block', 'override_with_reason')),
        commission_rate numeric(7, 6) NOT NULL DEFAULT 0
          CHECK (commission_rate >= 0 AND commission_rate < 1),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE memberships (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        user_id uuid NOT NULL REFERENCES users(id),
        role text NOT NULL CHECK (role IN ('manager', 'treasurer', 'member', 'buyer_agent')),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (organization_id, user_id, role)
      )`);
    await db.query(`CREATE INDEX memberships_user_idx ON memberships (user_id)`);
    await db.query(`
      CREATE TABLE producers (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        name text NOT NULL,
        community_id uuid REFERENCES communities(id),
        rut text,
        user_id uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX producers_organization_idx ON producers (organization_id, created_at, id)`,
    );
    await db.query(
      `CREATE UNIQUE INDEX producers_user_key ON producers (organization_id, user_id) WHERE user_id IS NOT NULL`,
    );
    await db.query(
      `CREATE UNIQUE INDEX producers_rut_key ON producers (organization_id, rut) WHERE rut IS NOT NULL`,
    );
    await db.query(`
      CREATE TABLE outbox_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        type text NOT NULL,
        aggregate_type text NOT NULL,
        aggregate_id uuid,
        organization_id uuid,
        payload jsonb NOT NULL,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      )`);
    await db.query(
      `CREATE INDEX outbox_events_pending_idx ON outbox_events (occurred_at) WHERE published_at IS NULL`,
    );
    await db.query(`
      CREATE TABLE idempotency_keys (
        scope text NOT NULL,
        key text NOT NULL,
        request_hash text NOT NULL,
        state text NOT NULL CHECK (state IN ('in_progress', 'completed')),
        response_status integer,
        response_body jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'idempotency_keys',
      'outbox_events',
      'producers',
      'memberships',
      'organizations',
      'users',
      'packaging_units',
      'product_grades',
      'products',
      'communities',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}

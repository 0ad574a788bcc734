import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Market price observations and the alias table that maps a price source's product names
 * to catalogue products.
 *
 * The natural key (date, market, product, variety, quality, unit, origin) is a unique index
 * with NULLS NOT DISTINCT (PostgreSQL 15+; PGlite is 17, docker-compose 16), so a row
 * without a variety still meets its twin on re-import. Deal prices (source `ayllu`) are
 * left out of it: each deal is its own observation.
 *
 * Aliases seeded: only names that are the same thing as the catalogue product. ODEPA's
 * `Choclo` (fresh sweet corn, sold by the unit) is not the catalogue's `maiz` (a grain, by
 * the kilo); a platform admin can add it if an association does sell choclo as `maiz`.
 */
export class CreateMarketPrices1764300000000 implements MigrationInterface {
  name = 'CreateMarketPrices1764300000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE market_price_observations (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        product_id uuid NOT NULL REFERENCES products(id),
        product_name_as_published text,
        market text NOT NULL CHECK (market <> ''),
        date date NOT NULL,
        unit_label text NOT NULL,
        base_unit text NOT NULL CHECK (base_unit IN ('kg', 'l', 'unit')),
        base_quantity numeric(20, 6) NOT NULL CHECK (base_quantity > 0),
        currency text NOT NULL CHECK (currency IN ('CLP', 'USD')),
        price_min numeric(20, 6) CHECK (price_min > 0),
        price_max numeric(20, 6) CHECK (price_max > 0),
        price_avg numeric(20, 6) NOT NULL CHECK (price_avg > 0),
        volume numeric(20, 6) CHECK (volume >= 0),
        variety text,
        quality text,
        origin text,
        region text,
        vat_included boolean,
        source text NOT NULL CHECK (source IN ('manual', 'odepa', 'ayllu', 'csv')),
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (price_min IS NULL OR price_min <= price_avg),
        CHECK (price_max IS NULL OR price_max >= price_avg),
        CHECK ((source = 'ayllu') = (market = 'ayllu'))
      )`);
    await db.query(`
      CREATE UNIQUE INDEX market_price_observations_natural_key
        ON market_price_observations (date, market, product_id, variety, quality, unit_label, origin)
        NULLS NOT DISTINCT
        WHERE source <> 'ayllu'`);
    await db.query(
      `CREATE INDEX market_price_observations_product_date_idx ON market_price_observations (product_id, date)`,
    );
    await db.query(
      `CREATE INDEX market_price_observations_page_idx ON market_price_observations (created_at, id)`,
    );

    await db.query(`
      CREATE TABLE market_product_aliases (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name_key text NOT NULL UNIQUE,
        name text NOT NULL,
        product_id uuid NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    for (const [nameKey, name, productCode] of [
      ['zanahoria', 'Zanahoria', 'zanahoria'],
      ['haba', 'Haba', 'habas'],
      ['habas', 'Habas', 'habas'],
      ['quinoa', 'Quínoa', 'quinua'],
      ['quinua', 'Quinua', 'quinua'],
      ['maiz', 'Maíz', 'maiz'],
      ['cebada', 'Cebada', 'cebada'],
    ]) {
      await db.query(
        `INSERT INTO market_product_aliases (name_key, name, product_id)
         SELECT $1, $2, id FROM products WHERE code = $3`,
        [nameKey, name, productCode],
      );
    }
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE market_product_aliases`);
    await db.query(`DROP TABLE market_price_observations`);
  }
}

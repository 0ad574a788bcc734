import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cost sheets (fichas de costo) and their lines. Figures are numeric(20, 6), the precision
 * the costing validation allows, so a sheet reads back exactly as it was written. A line
 * may take its price from another sheet (`source_sheet_id`); the service refuses cycles
 * and links across associations, which a constraint cannot express.
 *
 * A line started from a template is a placeholder: the template gives its kind, category,
 * description and unit, never a figure, so every figure column stays null until the
 * treasurer fills the sheet. Any other line has exactly the figures its kind needs.
 */
export class CreateCostSheets1764100000000 implements MigrationInterface {
  name = 'CreateCostSheets1764100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE cost_sheets (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        producer_id uuid REFERENCES producers(id),
        product_id uuid NOT NULL REFERENCES products(id),
        name text,
        season text NOT NULL,
        area_ha numeric(20, 6) NOT NULL CHECK (area_ha >= 0),
        currency text NOT NULL CHECK (currency IN ('CLP', 'USD')),
        yield_low numeric(20, 6) NOT NULL CHECK (yield_low > 0),
        yield_expected numeric(20, 6) NOT NULL CHECK (yield_expected >= yield_low),
        yield_high numeric(20, 6) NOT NULL CHECK (yield_high >= yield_expected),
        version integer NOT NULL DEFAULT 1 CHECK (version > 0),
        created_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(
      `CREATE INDEX cost_sheets_organization_idx ON cost_sheets (organization_id, created_at, id)`,
    );
    await db.query(`
      CREATE TABLE cost_sheet_lines (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        cost_sheet_id uuid NOT NULL REFERENCES cost_sheets(id) ON DELETE CASCADE,
        position integer NOT NULL CHECK (position >= 0),
        kind text NOT NULL
          CHECK (kind IN ('priced', 'sourced', 'depreciation', 'interest', 'percentage')),
        category text NOT NULL CHECK (category IN (
          'hired_labor', 'family_labor', 'machinery', 'inputs', 'water', 'packaging',
          'transport', 'services', 'overhead', 'land', 'other', 'depreciation', 'interest')),
        description text NOT NULL,
        is_placeholder boolean NOT NULL DEFAULT false,
        period text,
        quantity numeric(20, 6) CHECK (quantity >= 0),
        unit text,
        unit_price numeric(20, 6) CHECK (unit_price >= 0),
        source_sheet_id uuid REFERENCES cost_sheets(id),
        asset_value numeric(20, 6) CHECK (asset_value >= 0),
        salvage_value numeric(20, 6) CHECK (salvage_value >= 0 AND salvage_value <= asset_value),
        life_years numeric(20, 6) CHECK (life_years > 0),
        share numeric(20, 6) CHECK (share > 0 AND share <= 1),
        annual_rate numeric(20, 6) CHECK (annual_rate >= 0 AND annual_rate <= 1),
        months numeric(20, 6) CHECK (months >= 0),
        rate numeric(20, 6) CHECK (rate >= 0 AND rate <= 1),
        base_categories text[],
        UNIQUE (cost_sheet_id, position),
        CHECK ((kind IN ('depreciation', 'interest')) = (category = kind)),
        CHECK (
          CASE WHEN is_placeholder THEN
            num_nonnulls(quantity, unit_price, source_sheet_id, asset_value, salvage_value,
                         life_years, share, annual_rate, months, rate, base_categories) = 0
          ELSE CASE kind
            WHEN 'priced' THEN quantity IS NOT NULL AND unit IS NOT NULL
              AND unit_price IS NOT NULL AND source_sheet_id IS NULL
            WHEN 'sourced' THEN quantity IS NOT NULL AND unit IS NOT NULL
              AND unit_price IS NULL AND source_sheet_id IS NOT NULL
            WHEN 'depreciation' THEN num_nonnulls(asset_value, salvage_value, life_years, share) = 4
            WHEN 'interest' THEN num_nonnulls(annual_rate, months) = 2
            WHEN 'percentage' THEN rate IS NOT NULL
          END END
        )
      )`);
    // Who takes a price from a sheet: the sheets an edit of it changes.
    await db.query(
      `CREATE INDEX cost_sheet_lines_source_idx ON cost_sheet_lines (source_sheet_id)
         WHERE source_sheet_id IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE cost_sheet_lines`);
    await db.query(`DROP TABLE cost_sheets`);
  }
}

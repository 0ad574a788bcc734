import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deal prices reach the market table from the outbox, which delivers at least once: the
 * deal's id makes a second delivery of the same deal a no-op. No buyer is named.
 */
export class AddDealToMarketPrices1764500000000 implements MigrationInterface {
  name = 'AddDealToMarketPrices1764500000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE market_price_observations ADD COLUMN deal_id uuid`);
    await db.query(
      `CREATE UNIQUE INDEX market_price_observations_deal_key ON market_price_observations (deal_id)
        WHERE deal_id IS NOT NULL`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX market_price_observations_deal_key`);
    await db.query(`ALTER TABLE market_price_observations DROP COLUMN deal_id`);
  }
}

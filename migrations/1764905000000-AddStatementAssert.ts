import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `ayllu_assert(ok, message)`: raises SQLSTATE AY001 when `ok` is false, true otherwise. A
 * statement made of several data-modifying CTEs uses it to abort itself, all of it, when
 * its parts disagree (a lot decremented but no deal written): one autocommit statement can
 * then do what otherwise needs a transaction and two more round trips with the hot lot row
 * locked across them.
 */
export class AddStatementAssert1764905000000 implements MigrationInterface {
  name = 'AddStatementAssert1764905000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION ayllu_assert(ok boolean, message text) RETURNS boolean
      LANGUAGE plpgsql VOLATILE AS $$
      BEGIN
        IF ok IS NOT TRUE THEN
          RAISE EXCEPTION USING ERRCODE = 'AY001', MESSAGE = message;
        END IF;
        RETURN true;
      END
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION ayllu_assert(boolean, text)`);
  }
}

import type { EntityManager } from 'typeorm';

/**
 * Rows of an `UPDATE ... RETURNING` or `DELETE ... RETURNING`. TypeORM's plain `query()`
 * answers those with `[rows, affectedCount]` instead of the rows, so ask for its
 * structured result and take the records.
 */
export async function updateReturning<T>(
  manager: EntityManager,
  sql: string,
  parameters: unknown[],
): Promise<T[]> {
  const runner = manager.queryRunner ?? manager.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, parameters, true);
    return result.records as T[];
  } finally {
    if (!manager.queryRunner) await runner.release();
  }
}

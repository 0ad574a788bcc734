import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';

/**
 * `alias.column AS "prefix.column"` for every column of an entity: the select list of a
 * hand-written query that reads several tables in one round trip (TypeORM joins only
 * entities related by a declared relation).
 */
export function entityColumns(
  dataSource: DataSource,
  entity: EntityTarget<ObjectLiteral>,
  alias: string,
): string {
  return dataSource
    .getMetadata(entity)
    .columns.map((column) => `${alias}.${column.databaseName} AS "${alias}.${column.databaseName}"`)
    .join(', ');
}

/** The entity from a row of such a query, converted as TypeORM converts its own reads. */
export function hydrateEntity<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  alias: string,
  row: Record<string, unknown>,
): T {
  const metadata = dataSource.getMetadata(entity);
  const result = metadata.create() as T;
  for (const column of metadata.columns) {
    const value = dataSource.driver.prepareHydratedValue(
      row[`${alias}.${column.databaseName}`],
      column,
    ) as unknown;
    column.setEntityValue(result, value);
  }
  return result;
}

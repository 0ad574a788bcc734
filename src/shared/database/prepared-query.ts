import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { sqlState } from './postgres-errors';

interface PgQueryable {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/** duplicate_prepared_statement, invalid_sql_statement_name (no such prepared statement). */
const STATEMENT_NOT_SESSION_BOUND = new Set(['42P05', '26000']);

const statementNames = new Map<string, string>();

/**
 * Databases whose connections are sessions of their own. PGlite is not: it is one session
 * behind its socket, which outlives the pool's connections, so a connection opened after
 * another closed would find the statements the first prepared and be refused ("prepared
 * statement already exists"). The embedded database keeps unnamed statements.
 */
const sessionPerConnection = new WeakSet<DataSource>();

export function preparesStatements(dataSource: DataSource): void {
  sessionPerConnection.add(dataSource);
}

/** The same text always gets the same name: node-postgres refuses one name for two texts. */
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    name = `ayllu_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * An autocommit statement on a request's path, run as a named prepared statement straight
 * on the connection pool: PostgreSQL parses it once per pooled connection and, once its
 * plan proves generic, stops planning it at all. Planning was the largest part of the
 * database's work per deal in the hot-lot benchmark (the reads and the one-statement
 * accept join several tables each). Only for statements of a fixed text, written in the
 * code: each distinct text stays prepared on every connection of the pool. Errors are
 * node-postgres's own (`code` is the SQLSTATE), which `sqlState` and the problem mapping
 * read as well as TypeORM's wrapped ones.
 */
export async function preparedQuery<T>(
  dataSource: DataSource,
  text: string,
  values: unknown[],
): Promise<T[]> {
  const pool = (dataSource.driver as unknown as { master: PgQueryable }).master;
  if (!sessionPerConnection.has(dataSource))
    return (await pool.query({ text, values })).rows as T[];
  try {
    return (await pool.query({ name: statementName(text), text, values })).rows as T[];
  } catch (error) {
    // Refused before it ran: the server's sessions are not the pool's connections after all
    // (a pooler, or PGlite behind a proxy). Named statements stop for this database.
    if (!STATEMENT_NOT_SESSION_BOUND.has(sqlState(error) ?? '')) throw error;
    sessionPerConnection.delete(dataSource);
    return (await pool.query({ text, values })).rows as T[];
  }
}

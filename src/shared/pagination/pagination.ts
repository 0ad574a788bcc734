import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { validationFailed } from '../errors/domain-error';

export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 100, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit?: number;

  @ApiPropertyOptional({ description: 'nextCursor of the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

interface CursorPosition {
  createdAt: string;
  id: string;
}

/**
 * Keyset pagination on (created_at, id): stable under inserts, no OFFSET scans. The
 * cursor is opaque to clients (base64url of the last row's position).
 */
export async function paginate<T extends ObjectLiteral & { id: string; createdAt: Date }>(
  query: SelectQueryBuilder<T>,
  page: PageQuery,
  order: 'oldest_first' | 'newest_first' = 'oldest_first',
): Promise<Page<T>> {
  const limit = page.limit ?? 50;
  // Postgres keeps microseconds, a JS Date (and so the cursor) milliseconds: compare and
  // order at millisecond precision, or the last row of a page could come back on the next.
  const createdAt = `date_trunc('milliseconds', "${query.alias}"."created_at")`;
  const id = `"${query.alias}"."id"`;
  const [after, direction] =
    order === 'oldest_first' ? ['>', 'ASC' as const] : ['<', 'DESC' as const];
  if (page.cursor) {
    const position = decodeCursor(page.cursor);
    query.andWhere(`(${createdAt}, ${id}) ${after} (:cursorCreatedAt, :cursorId)`, {
      cursorCreatedAt: position.createdAt,
      cursorId: position.id,
    });
  }
  const rows = await query
    .orderBy(createdAt, direction)
    .addOrderBy(id, direction)
    .limit(limit + 1)
    .getMany();
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items,
    nextCursor:
      rows.length > limit && last
        ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id })
        : null,
  };
}

export function mapPage<T, R>(page: Page<T>, map: (item: T) => R): Page<R> {
  return { items: page.items.map(map), nextCursor: page.nextCursor };
}

function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url');
}

function decodeCursor(cursor: string): CursorPosition {
  try {
    const position = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    ) as CursorPosition;
    if (
      typeof position.createdAt === 'string' &&
      !Number.isNaN(Date.parse(position.createdAt)) &&
      typeof position.id === 'string' &&
      /^[0-9a-f-]{36}$/i.test(position.id)
    ) {
      return position;
    }
  } catch {
    // fall through to the validation error
  }
  throw validationFailed([
    { field: 'cursor', code: 'INVALID', message: 'cursor is not one this API issued' },
  ]);
}

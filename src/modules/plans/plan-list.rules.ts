/**
 * The plans list's keyset cursor (pure): where the next page starts, as the
 * last row's sort value and plan code, bound to the order it was cut in. It is
 * opaque to clients (base64url of JSON); a cursor of another order, or one that
 * does not decode, is refused naming `querystring/cursor`.
 */
import { DomainError, m } from '../../shared/errors.js';
import type { PlanSortKey } from './plans.schema.js';

export type Direction = 'asc' | 'desc';

/** The last row of a page: its sort value as PostgreSQL text (full precision) or null, and its code. */
export interface ListCursor {
  sort: PlanSortKey;
  direction: Direction;
  key: string | null;
  id: string;
}

/** The order a list request asks for, defaults filled in. */
export function listOrderOf(q: { sort?: PlanSortKey | undefined; direction?: Direction | undefined }): { sort: PlanSortKey; direction: Direction } {
  const sort = q.sort ?? 'createdAt';
  return { sort, direction: q.direction ?? (sort === 'createdAt' ? 'desc' : 'asc') };
}

export function encodeCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.direction, c.key, c.id]), 'utf8').toString('base64url');
}

const refuse = () => new DomainError('bad_request', m('plan.list_cursor_invalid'), { field: 'querystring/cursor' });

/** The cursor a client sent back, checked against the order of its request. */
export function decodeCursor(text: string, order: { sort: PlanSortKey; direction: Direction }): ListCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw refuse();
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw refuse();
  const [sort, direction, key, id] = parsed as unknown[];
  if (sort !== order.sort || direction !== order.direction) {
    throw new DomainError('bad_request', m('plan.list_cursor_other_order'), { field: 'querystring/cursor' });
  }
  if (key !== null && (typeof key !== 'string' || key.length > 64)) throw refuse();
  if (typeof id !== 'string' || id.length < 1 || id.length > 50) throw refuse();
  // the key is cast by PostgreSQL to the sort column's type; refuse what the cast would fail on, not as a 500
  if (key !== null && !keyPattern[order.sort].test(key as string)) throw refuse();
  return { sort: order.sort, direction: order.direction, key: key as string | null, id };
}

/** What PostgreSQL prints for each sort value (timestamptz text, smallint, float8). */
const timestamp = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([+-]\d{2}(:\d{2})?)?$/;
const keyPattern: Record<PlanSortKey, RegExp> = {
  createdAt: timestamp,
  dueDate: timestamp,
  projectedEnd: timestamp,
  priority: /^[1-5]$/,
  lateness: /^-?\d{1,15}$/,
  code: /^$/,
};

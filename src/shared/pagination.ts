/** Pagination shared by every list route: limit/offset in, { items, total, limit, offset } out. */
import { type TSchema, Type } from 'typebox';

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
};

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer({ description: 'number of matching items' }),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });

export interface PageOf<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export function pageArgs(query: { limit?: number | undefined; offset?: number | undefined }): { limit: number; offset: number } {
  return { limit: query.limit ?? 50, offset: query.offset ?? 0 };
}

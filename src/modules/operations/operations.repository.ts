/** SQL of operations. */
import type { Db } from '../../db/database.js';
import { sql } from 'kysely';
import type { PageOf } from '../../shared/pagination.js';
import type { Operation, OperationCreate, OperationListQuery, OperationUpdate } from './operations.schema.js';

function selectOperations(db: Db) {
  return db
    .selectFrom('mes.operations as o')
    .select([
      'o.id',
      'o.name',
      'o.description',
      'o.default_efficiency as defaultEfficiency',
      'o.default_nominal_time as defaultNominalTime',
      'o.archived_at as archivedAt',
      'o.created_at as createdAt',
      'o.updated_at as updatedAt',
      sql<string[]>`coalesce((select array_agg(so.station_id order by so.station_id) from mes.station_operations so where so.operation_id = o.id), '{}')`.as(
        'stationIds',
      ),
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectOperations>['executeTakeFirstOrThrow']>>;
const toOperation = (r: Row): Operation => ({
  ...r,
  archivedAt: r.archivedAt ? r.archivedAt.toISOString() : null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export async function listOperations(db: Db, query: OperationListQuery & { limit: number; offset: number }): Promise<PageOf<Operation>> {
  let q = selectOperations(db).select(sql<number>`count(*) over ()::int`.as('total'));
  if (!query.includeArchived) q = q.where('o.archived_at', 'is', null);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, '\\$&')}%`;
    q = q.where((eb) => eb.or([eb('o.id', 'ilike', like), eb('o.name', 'ilike', like)]));
  }
  const rows = await q.orderBy('o.id').limit(query.limit).offset(query.offset).execute();
  return {
    items: rows.map(({ total: _t, ...r }) => toOperation(r)),
    total: rows[0]?.total ?? (await countOperations(db, query)),
    limit: query.limit,
    offset: query.offset,
  };
}

async function countOperations(db: Db, query: OperationListQuery): Promise<number> {
  if ((query.offset ?? 0) === 0) return 0;
  let q = db.selectFrom('mes.operations as o').select(sql<number>`count(*)::int`.as('n'));
  if (!query.includeArchived) q = q.where('o.archived_at', 'is', null);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, '\\$&')}%`;
    q = q.where((eb) => eb.or([eb('o.id', 'ilike', like), eb('o.name', 'ilike', like)]));
  }
  return (await q.executeTakeFirstOrThrow()).n;
}

export async function findOperation(db: Db, id: string): Promise<Operation | undefined> {
  const row = await selectOperations(db).where('o.id', '=', id).executeTakeFirst();
  return row && toOperation(row);
}

export async function insertOperation(trx: Db, id: string, input: OperationCreate): Promise<void> {
  await trx
    .insertInto('mes.operations')
    .values({
      id,
      name: input.name,
      description: input.description ?? '',
      default_efficiency: input.defaultEfficiency ?? 1,
      default_nominal_time: input.defaultNominalTime ?? null,
    })
    .execute();
}

export async function updateOperation(trx: Db, id: string, input: OperationUpdate): Promise<boolean> {
  const result = await trx
    .updateTable('mes.operations')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(input.defaultEfficiency !== undefined ? { default_efficiency: input.defaultEfficiency } : {}),
      ...(input.defaultNominalTime !== undefined ? { default_nominal_time: input.defaultNominalTime } : {}),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function archiveOperation(trx: Db, id: string): Promise<void> {
  await trx.updateTable('mes.operations').set({ archived_at: new Date() }).where('id', '=', id).where('archived_at', 'is', null).execute();
}

/** SQL of substations' maintenance blocks (mes.substation_blocks, owned by the stations module). */
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.js';
import type { SubstationBlock } from './blocks.schema.js';

function selectBlocks(db: Db) {
  return db
    .selectFrom('mes.substation_blocks')
    .select([
      sql<string>`id::text`.as('id'),
      'substation_id as substationId',
      'starts_at as start',
      'ends_at as end',
      'reason',
      'created_by as createdBy',
      'created_at as createdAt',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof selectBlocks>['executeTakeFirstOrThrow']>>;
const toBlock = (r: Row): SubstationBlock => ({
  ...r,
  start: new Date(r.start).toISOString(),
  end: new Date(r.end).toISOString(),
  createdAt: new Date(r.createdAt).toISOString(),
});

/** The substation's blocks that end after `from` and start before `to`, in start order. */
export async function listBlocks(db: Db, substationId: string, window: { from?: Date; to?: Date }): Promise<SubstationBlock[]> {
  let q = selectBlocks(db).where('substation_id', '=', substationId);
  if (window.from) q = q.where('ends_at', '>', window.from);
  if (window.to) q = q.where('starts_at', '<', window.to);
  const rows = await q.orderBy('starts_at').orderBy('id').execute();
  return rows.map(toBlock);
}

export async function insertBlock(
  trx: Trx,
  row: { substationId: string; start: Date; end: Date; reason: string; createdBy: string },
): Promise<SubstationBlock> {
  const { id } = await trx
    .insertInto('mes.substation_blocks')
    .values({ substation_id: row.substationId, starts_at: row.start, ends_at: row.end, reason: row.reason, created_by: row.createdBy })
    .returning(sql<string>`id::text`.as('id'))
    .executeTakeFirstOrThrow();
  return toBlock((await selectBlocks(trx).where('id', '=', Number(id)).executeTakeFirstOrThrow()) as Row);
}

/** Deletes the block of that substation; false when there is none. */
export async function deleteBlock(trx: Trx, substationId: string, blockId: string): Promise<boolean> {
  const r = await trx.deleteFrom('mes.substation_blocks').where('id', '=', Number(blockId)).where('substation_id', '=', substationId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Open bookings of the substation that overlap [start, end): not-started ones by
 * their planned interval, running or paused ones until at least now (a step that
 * runs past its planned end still holds the machine).
 */
export async function bookingsUnder(db: Db, substationId: string, start: Date, end: Date, now: Date) {
  const result = await sql<{ id: string; planId: string; status: string; pinned: boolean }>`
    select id, plan_id as "planId", status, pinned from mes.worker_assignments
     where substation_id = ${substationId} and status in ('pending', 'ready', 'in_progress', 'paused')
       and tstzrange(planned_start, case when status in ('in_progress', 'paused') then greatest(planned_end, ${now}::timestamptz) else planned_end end, '[)')
           && tstzrange(${start}::timestamptz, ${end}::timestamptz, '[)')
     order by planned_start, id`.execute(db);
  return result.rows;
}

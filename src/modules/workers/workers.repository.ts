/** SQL of workers. */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';

/**
 * Workers allowed at a station who hold no task right now (the seed's
 * "available workers for a node" question), optionally qualified for an operation.
 */
export async function findAvailableWorkers(
  db: Kysely<DB> | Transaction<DB>,
  stationId: string,
  operationId?: string,
): Promise<{ id: string; name: string; shiftCalendarId: string | null }[]> {
  let query = db
    .selectFrom('mes.workers as w')
    .innerJoin('mes.worker_stations as ws', 'ws.worker_id', 'w.id')
    .select(['w.id', 'w.name', 'w.shift_calendar_id as shiftCalendarId'])
    .where('ws.station_id', '=', stationId)
    .where('w.current_assignment_id', 'is', null)
    .where('w.archived_at', 'is', null);
  if (operationId) {
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('mes.worker_operations as wo')
          .select(sql`1`.as('one'))
          .whereRef('wo.worker_id', '=', 'w.id')
          .where('wo.operation_id', '=', operationId),
      ),
    );
  }
  return query.orderBy('w.id').execute();
}

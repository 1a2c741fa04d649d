/**
 * SQL of resizing not-started bookings in place (their work changed with the
 * step's expected quantity): the new end and work minutes, the planner's
 * booking kept as the baseline the first time the live one leaves it (0017).
 */
import { sql } from 'kysely';
import type { Trx } from '../../db/database.js';

export async function setBookingEnds(trx: Trx, rows: { id: string; end: number; workMinutes: number }[]): Promise<void> {
  if (rows.length === 0) return;
  const json = rows.map((r) => ({ id: r.id, planned_end: new Date(r.end).toISOString(), work_minutes: r.workMinutes }));
  await sql`
    update mes.worker_assignments a
       set baseline_start = coalesce(a.baseline_start, a.planned_start),
           baseline_end = coalesce(a.baseline_end, a.planned_end),
           planned_end = x.planned_end, work_minutes = x.work_minutes, version = a.version + 1
      from jsonb_to_recordset(${JSON.stringify(json)}::jsonb) as x(id text, planned_end timestamptz, work_minutes numeric)
     where a.id = x.id and a.status in ('pending', 'ready')`.execute(trx);
}

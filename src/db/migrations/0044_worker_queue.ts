/**
 * 0044 — a worker's queue in the order the tablet shows it, from one index,
 * whatever the worker's order book holds.
 *
 * The portal's queue (findWorkerQueue) shows the head of a worker's open
 * tasks: the current one, then ready, then pending, each in planned order,
 * and counts them all. 0014's `worker_open_idx` has the worker's open
 * bookings in planned order but not their status, so ordering them fetched
 * every one from the heap: 21 ms for a worker with 4,120 open tasks on the
 * release bench's 5,000-plan floor. With the status included it is an
 * index-only scan: 5.7 ms (both in psql, after VACUUM).
 */
import { type Kysely } from 'kysely';
import { runStatements } from './0027_analytics_rollups.js';

const open = `status in ('pending', 'ready', 'in_progress', 'paused')`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    drop index mes.worker_assignments_worker_open_idx;
    create index worker_assignments_worker_open_idx on mes.worker_assignments (worker_id, planned_start) include (planned_end, id, plan_id, status) where ${open};`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    drop index mes.worker_assignments_worker_open_idx;
    create index worker_assignments_worker_open_idx on mes.worker_assignments (worker_id, planned_start) include (planned_end, id, plan_id) where ${open};`,
  );
}

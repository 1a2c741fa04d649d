/**
 * SQL of plan archiving: finished plans' graphs and assignments move from the
 * hot tables into one mes.plan_archives row per plan (see migration 0003).
 */
import type { Db, Trx } from '../../db/database.js';
import { sql } from 'kysely';
import { take } from '../../db/locks.js';
import { isoSql } from '../../shared/dates.js';
import type { PlanStatus } from './plans.schema.js';

export const archivableStatuses: readonly PlanStatus[] = ['completed', 'cancelled'];

/**
 * Plans holding quality records (inspection results, non-conformances) stay in
 * the hot tables: the archive document does not carry them yet, and deleting
 * the plan's assignments would delete them (their foreign keys cascade). An
 * inspection report must outlive the plan's archiving; until the archive keeps
 * it, such plans are simply not archived (archiving is for tidiness, not speed).
 */
const withoutQualityRecords = sql`not exists (select 1 from mes.nonconformances c where c.plan_id = production_plans.id)
       and not exists (select 1 from mes.inspection_results r join mes.worker_assignments a on a.id = r.assignment_id
                        where a.plan_id = production_plans.id)`;

/** True when the plan holds inspection results or non-conformances (see withoutQualityRecords). */
export async function holdsQualityRecords(trx: Trx, planId: string): Promise<boolean> {
  const result = await sql<{ held: boolean }>`
    select not (${withoutQualityRecords}) as held from mes.production_plans where id = ${planId}`.execute(trx);
  return result.rows[0]?.held ?? false;
}

/** Finished, unarchived plans that finished before `cutoff`, oldest first, locked; rows another archiver holds are skipped. */
export async function lockArchivable(trx: Trx, cutoff: Date, limit: number): Promise<string[]> {
  take(trx, 'plan');
  const result = await sql<{ id: string }>`
    select id from mes.production_plans
     where archived_at is null and status in ('completed', 'cancelled')
       and coalesce(completed_at, cancelled_at) < ${cutoff}
       and ${withoutQualityRecords}
     order by coalesce(completed_at, cancelled_at), id
     limit ${limit}
       for update skip locked`.execute(trx);
  return result.rows.map((r) => r.id);
}

/**
 * Moves the plans out of the hot tables: writes each archive row (the given
 * detail document, counts, problems and pauses), then deletes the nodes
 * (edges, candidates, inputs, assignments, pauses and problems go with them,
 * by the foreign keys' cascades), and marks the plans archived. The material ledger is
 * left as it is.
 */
export async function moveToArchive(trx: Trx, documents: Map<string, unknown>, actor: string | null): Promise<void> {
  const ids = [...documents.keys()];
  if (ids.length === 0) return;
  await sql`
    insert into mes.plan_archives (plan_id, archived_by, node_count, completed_nodes, document, problems, pauses)
    select p.id, ${actor},
           (select count(*)::int from mes.production_plan_nodes n where n.plan_id = p.id),
           (select count(*)::int from mes.worker_assignments a where a.plan_id = p.id and a.status = 'completed'),
           d.document,
           coalesce((select jsonb_agg(jsonb_build_object(
                       'id', pr.id, 'assignmentId', pr.assignment_id, 'category', pr.category, 'text', pr.text,
                       'reportedBy', pr.reported_by, 'reportedAt', ${isoSql('pr.reported_at')},
                       'resolvedAt', ${isoSql('pr.resolved_at')}, 'resolvedBy', pr.resolved_by, 'resolution', pr.resolution) order by pr.id)
                       from mes.assignment_problems pr where pr.plan_id = p.id), '[]'::jsonb),
           coalesce((select jsonb_agg(jsonb_build_object(
                       'assignmentId', pa.assignment_id, 'reason', pa.reason, 'note', pa.note,
                       'startedAt', ${isoSql('pa.started_at')}, 'endedAt', ${isoSql('pa.ended_at')}, 'startedBy', pa.started_by) order by pa.id)
                       from mes.assignment_pauses pa join mes.worker_assignments a on a.id = pa.assignment_id
                      where a.plan_id = p.id), '[]'::jsonb)
      from mes.production_plans p
      join jsonb_each(${JSON.stringify(Object.fromEntries(documents))}::jsonb) as d(plan_id, document) on d.plan_id = p.id`.execute(trx);
  // edges, candidates, inputs and the assignments (with their pauses and problems) go with their nodes: on delete cascade
  await trx.deleteFrom('mes.production_plan_nodes').where('plan_id', 'in', ids).execute();
  await trx
    .updateTable('mes.production_plans')
    .set({ archived_at: sql<Date>`now()` })
    .where('id', 'in', ids)
    .execute();
}

/** Finished, unarchived plans that finished before `cutoff` (what a run would archive). */
export async function countArchivable(db: Db, cutoff: Date): Promise<number> {
  const result = await sql<{ n: number }>`
    select count(*)::int as n from mes.production_plans
     where archived_at is null and status in ('completed', 'cancelled') and coalesce(completed_at, cancelled_at) < ${cutoff}
       and ${withoutQualityRecords}`.execute(db);
  return result.rows[0]!.n;
}

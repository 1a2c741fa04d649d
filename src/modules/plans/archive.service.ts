/**
 * Archiving finished plans: the graph, assignments, pauses and problems of a
 * completed or cancelled plan move out of the hot tables into one archive
 * document; the plan stays readable through the same API (detail, export,
 * duplicate, the list with `archived=true`). Runs in batches, each one
 * transaction; two instances archiving at once skip each other's rows.
 */
import type { Db } from '../../db/database.js';
import { recordEvents } from '../realtime/index.js';
import { DomainError, m, notFound } from '../../shared/errors.js';
import * as archive from './archive.repository.js';
import * as repo from './plans.repository.js';
import type { PlanDetail } from './plans.schema.js';

export interface ArchiveRun {
  /** Plans whose finish is before this instant were eligible. */
  cutoff: string;
  archived: string[];
  /** Eligible plans left after this run (a later run, or a larger limit, takes them). */
  remaining: number;
}

const dayMs = 24 * 60 * 60 * 1000;

/** Archives up to `limit` plans completed or cancelled more than `olderThanDays` days before `now`, oldest first. */
export async function archiveFinishedPlans(db: Db, options: { olderThanDays: number; limit: number; now: Date; actor: string | null }): Promise<ArchiveRun> {
  const cutoff = new Date(options.now.getTime() - options.olderThanDays * dayMs);
  const archived = await db.transaction().execute(async (trx) => {
    const ids = await archive.lockArchivable(trx, cutoff, options.limit);
    const documents = new Map<string, PlanDetail>();
    for (const id of ids) documents.set(id, (await repo.findPlanDetail(trx, id))!);
    await archive.moveToArchive(trx, documents, options.actor);
    await recordEvents(trx, [...documents.values()].map(archivedEvent), options.actor);
    return ids;
  });
  return { cutoff: cutoff.toISOString(), archived, remaining: await archive.countArchivable(db, cutoff) };
}

/** Archives one completed or cancelled plan now, whatever its age; returns it as read from the archive. */
export async function archivePlan(db: Db, planId: string, actor: string): Promise<PlanDetail> {
  await db.transaction().execute(async (trx) => {
    const plan = await repo.lockPlan(trx, planId);
    if (!plan) throw notFound('plan', planId);
    if (plan.archivedAt) {
      throw new DomainError('conflict', m('plan.already_archived', { planId, since: plan.archivedAt.toISOString() }), { currentStatus: plan.status });
    }
    if (!archive.archivableStatuses.includes(plan.status)) {
      throw new DomainError('invalid_transition', m('plan.not_archivable', { planId, status: plan.status }), {
        currentStatus: plan.status,
      });
    }
    if (await archive.holdsQualityRecords(trx, planId)) {
      throw new DomainError('conflict', m('plan.holds_quality_records', { planId }), { currentStatus: plan.status });
    }
    const document = (await repo.findPlanDetail(trx, planId))!;
    await archive.moveToArchive(trx, new Map([[planId, document]]), actor);
    await recordEvents(trx, [archivedEvent(document)], actor);
  });
  return (await repo.findPlanDetail(db, planId))!;
}

/**
 * Archives everything eligible (or up to `limit` plans), batch after batch;
 * the hourly job of each instance and `npm run archive`.
 */
export async function archiveAllFinished(
  db: Db,
  options: { olderThanDays: number; now: Date; actor: string; batch?: number; limit?: number; onBatch?: (run: ArchiveRun) => void },
): Promise<ArchiveRun> {
  const batch = options.batch ?? 100;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const archived: string[] = [];
  for (;;) {
    const run = await archiveFinishedPlans(db, { ...options, limit: Math.min(batch, limit - archived.length) });
    options.onBatch?.(run);
    archived.push(...run.archived);
    // a short batch means the rest is held by another instance or gone
    if (run.archived.length < batch || run.remaining === 0 || archived.length >= limit) return { ...run, archived };
  }
}

function archivedEvent(plan: PlanDetail) {
  return {
    topic: 'plans' as const,
    entityType: 'plan',
    entityId: plan.id,
    planId: plan.id,
    change: 'archived',
    payload: { status: plan.status, nodes: plan.nodes.length },
  };
}

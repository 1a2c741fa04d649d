/** The Gantt views: a plan's assignments as rows (live or from its archive), and a worker's bookings across plans. */
import type { Db } from '../../db/database.js';
import { DomainError, m, notFound } from '../../shared/errors.js';
import type { SessionUser } from '../auth/index.js';
import { blocksUnderBars } from './availability.repository.js';
import * as repo from './gantt.repository.js';
import { groupByStation, groupByWorker } from './gantt.rules.js';
import type { PlanGantt, WorkerGantt } from './gantt.schema.js';

const dayMs = 86_400_000;

export async function planGantt(db: Db, planId: string): Promise<PlanGantt> {
  const plan = await repo.findGanttPlan(db, planId);
  if (!plan) throw notFound('plan', planId);
  const bars = plan.archived ? await repo.archivedPlanBars(db, plan.id) : await repo.planBars(db, plan.id);
  const blocks = await blocksUnderBars(db, bars);
  return { planId, stations: groupByStation(bars), workers: groupByWorker(bars), blocks };
}

/** A worker's bars in a time range (default: from a day ago to two weeks ahead); operators see only their own. */
export async function workerGantt(
  db: Db,
  workerId: string,
  user: SessionUser,
  range: { from?: string | undefined; to?: string | undefined },
  now: Date,
): Promise<WorkerGantt> {
  if (user.role === 'operator' && user.workerId !== workerId) throw new DomainError('forbidden', m('schedule.own_only'));
  if (!(await repo.workerExists(db, workerId))) throw notFound('worker', workerId);
  const from = range.from ? new Date(range.from) : new Date(now.getTime() - dayMs);
  const to = range.to ? new Date(range.to) : new Date(now.getTime() + 14 * dayMs);
  return { workerId, from: from.toISOString(), to: to.toISOString(), bars: await repo.workerBars(db, workerId, from, to) };
}

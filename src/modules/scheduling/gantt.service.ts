/** The Gantt views: a plan's assignments as rows (live or from its archive), and a worker's bookings across plans, each bar as its worked segments. */
import type { Db } from '../../db/database.js';
import { DomainError, m, notFound } from '../../shared/errors.js';
import type { SessionUser } from '../auth/index.js';
import * as repo from './gantt.repository.js';
import { groupByStation, groupByWorker, withSegments } from './gantt.rules.js';
import type { GanttBar, GanttBarRow, GanttBlock, PlanGantt, WorkerGantt } from './gantt.schema.js';
import { alwaysOnShift } from './scheduling.repository.js';

const dayMs = 86_400_000;

export interface GanttClock {
  now: Date;
  utcOffsetMinutes: number;
}

/** The span the rows cover (booking, baseline and actual), or null without rows. */
function spanOf(rows: readonly GanttBarRow[], now: Date): { from: Date; to: Date } | null {
  if (rows.length === 0) return null;
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const r of rows) {
    for (const t of [r.plannedStart, r.baselineStart, r.actualStart]) if (t) from = Math.min(from, Date.parse(t));
    for (const t of [r.plannedEnd, r.baselineEnd, r.actualEnd]) if (t) to = Math.max(to, Date.parse(t));
    if (r.actualStart && !r.actualEnd) to = Math.max(to, now.getTime());
  }
  return { from: new Date(from), to: new Date(to) };
}

/** Rows with segments, and the blocks of their substations over their span. */
async function segmented(db: Db, rows: GanttBarRow[], clock: GanttClock): Promise<{ bars: GanttBar[]; blocks: GanttBlock[] }> {
  const span = spanOf(rows, clock.now);
  if (!span) return { bars: [], blocks: [] };
  const workerIds = [...new Set(rows.map((r) => r.workerId))];
  const substationIds = [...new Set(rows.map((r) => r.substationId))];
  const [calendars, blocks] = await Promise.all([
    repo.resourceCalendars(db, workerIds, substationIds, span.from),
    repo.substationBlocks(db, substationIds, span.from, span.to),
  ]);
  const bars = withSegments(rows, { ...calendars, blocks, utcOffsetMinutes: clock.utcOffsetMinutes, always: alwaysOnShift });
  return { bars, blocks };
}

export async function planGantt(db: Db, planId: string, clock: GanttClock): Promise<PlanGantt> {
  const plan = await repo.findGanttPlan(db, planId);
  if (!plan) throw notFound('plan', planId);
  const rows = plan.archived ? await repo.archivedPlanBars(db, plan.id) : await repo.planBars(db, plan.id);
  const { bars, blocks } = await segmented(db, rows, clock);
  return {
    planId,
    now: clock.now.toISOString(),
    dueDate: plan.dueDate,
    blocks,
    stations: groupByStation(bars),
    workers: groupByWorker(bars),
  };
}

/** A worker's bars in a time range (default: from a day ago to two weeks ahead); operators see only their own. */
export async function workerGantt(
  db: Db,
  workerId: string,
  user: SessionUser,
  range: { from?: string | undefined; to?: string | undefined },
  clock: GanttClock,
): Promise<WorkerGantt> {
  if (user.role === 'operator' && user.workerId !== workerId) throw new DomainError('forbidden', m('schedule.own_only'));
  if (!(await repo.workerExists(db, workerId))) throw notFound('worker', workerId);
  const now = clock.now;
  const from = range.from ? new Date(range.from) : new Date(now.getTime() - dayMs);
  const to = range.to ? new Date(range.to) : new Date(now.getTime() + 14 * dayMs);
  const { bars } = await segmented(db, await repo.workerBars(db, workerId, from, to), clock);
  return { workerId, from: from.toISOString(), to: to.toISOString(), bars };
}

/**
 * Reschedule the floor: the not-started steps of several plans (default: every
 * released or in-production plan) are scheduled again together, by the
 * scheduler's objective (weighted tardiness of the plans, weight from the
 * priority, then makespan), in one transaction with one event batch.
 *
 * What stays: started and completed steps (busy time, and the ends their
 * successors wait for); steps a planner pinned that start in the future, with
 * the not-started steps before them in their plan (same ids, times and
 * resources: the pin's window still follows its predecessors); the bookings
 * of every other plan. A pin that is already overdue is re-timed like resume
 * does (same worker, station and substation, not before now).
 *
 * The current schedule is scored the same way (a not-started step planned in
 * the past counts as ending no earlier than now), and the new one is written
 * only if it is at least as good: the reschedule never makes the floor later.
 * A dry run computes and compares and writes nothing.
 */
import type { Db, Trx } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import { weightOfPriority } from '../../scheduler/index.js';
import { DomainError, detail, m, summaryOf as problemSummary } from '../../shared/errors.js';
import { insertAssignmentsOfPlans, listAssignmentsOfPlans, type NewAssignment, rebookAssignments } from '../assignments/index.js';
import { type OutboxEvent, recordEvents } from '../realtime/index.js';
import { bookingEvent } from '../replan/index.js';
import { type FixedNode, type FloorPart, type PinnedNode, scheduleFloor } from '../scheduling/index.js';
import type { FloorRescheduleResult, FloorSummary } from './floor.schema.js';
import * as repo from './plans.repository.js';
import type { PlanStatus } from './plans.schema.js';

export interface FloorOptions {
  actor: string;
  now: Date;
  utcOffsetMinutes: number;
  budgetMs: number;
  dryRun: boolean;
  /** where the time went (bench/release-scale.ts): ms reading the plans, the bookings, the scheduler, the writes */
  onProfile?: (profile: FloorProfile) => void;
}

export interface FloorProfile {
  plansMs: number;
  readMs: number;
  schedulerMs: number;
  writeMs: number;
  windows: number;
  iterations: number;
}

const defaultStatuses: PlanStatus[] = ['released', 'in_production'];
const reschedulable: PlanStatus[] = ['released', 'in_production', 'paused'];

type Current = Awaited<ReturnType<typeof listAssignmentsOfPlans>>[number];
type FloorPlan = repo.FloorPlanRow;

interface PlanState {
  plan: FloorPlan;
  due: number | undefined;
  priority: number;
  weight: number;
  dbIds: Map<string, number>;
  /** open (pending/ready) assignment per node id that is replaced if its step moves */
  replaceable: Map<string, Current>;
  part: FloorPart;
  /** end of the kept work (-Infinity: none) */
  fixedEnd: number;
  /** completion of the current schedule */
  before: number;
}

/** Due date (none: never late) and priority of a plan. */
function urgencyOf(plan: FloorPlan): { due: number | undefined; priority: number } {
  return { due: plan.dueDate ? Date.parse(plan.dueDate) : undefined, priority: plan.priority };
}

/** The plans to reschedule: the named ones (each must exist and be released, in production or paused), or the default set. */
async function choosePlans(trx: Trx, planIds: string[] | undefined): Promise<string[]> {
  if (planIds === undefined) return repo.planIdsInStatus(trx, defaultStatuses);
  const statuses = await repo.findPlanStatuses(trx, planIds);
  const errors = planIds.flatMap((id, i) => {
    const s = statuses.get(id);
    const field = `body/planIds/${i}`;
    if (!s || s.archived) return [detail(field, m('not_found.plan', { id }))];
    if (!reschedulable.includes(s.status)) return [detail(field, m('plan.not_reschedulable', { planId: id, status: s.status }))];
    return [];
  });
  if (errors.length > 0) throw new DomainError('rule_violated', problemSummary(errors), { field: errors[0]!.field, errors });
  return [...new Set(planIds)];
}

/** Ancestors of a node within its plan. */
function ancestorsOf(plan: FloorPlan, nodeId: string): Set<string> {
  const preds = new Map(plan.nodes.map((n) => [n.nodeId, n.predecessors]));
  const seen = new Set<string>();
  const stack = [...(preds.get(nodeId) ?? [])];
  while (stack.length > 0) {
    const v = stack.pop()!;
    if (seen.has(v)) continue;
    seen.add(v);
    stack.push(...(preds.get(v) ?? []));
  }
  return seen;
}

/** What a plan keeps, what is scheduled again, and its current completion (from its live assignments `current`). */
function planState(plan: FloorPlan, current: Current[], now: number): PlanState {
  const dbIds = new Map(plan.nodes.map((n) => [n.nodeId, n.dbId]));
  const nodeIdOf = new Map(plan.nodes.map((n) => [n.dbId, n.nodeId]));
  const byNode = new Map(current.map((a) => [nodeIdOf.get(a.nodeId)!, a]));
  const fixed = new Map<string, FixedNode>();
  const pinned = new Map<string, PinnedNode>();
  const completed = new Set<string>();
  const busy = (a: Current, end: number): FixedNode => ({
    end,
    busy: { workerId: a.workerId, substationId: a.substationId, start: a.plannedStart.getTime(), end, label: a.id },
  });
  for (const [nodeId, a] of byNode) {
    if (a.status === 'completed') {
      completed.add(nodeId);
      fixed.set(nodeId, { end: (a.actualEnd ?? a.plannedEnd).getTime() });
    } else if (a.status === 'in_progress' || a.status === 'paused') {
      fixed.set(nodeId, busy(a, Math.max(a.plannedEnd.getTime(), now)));
    }
  }
  // a pin in the future stays where it is, with the not-started steps it waits for
  const notStarted = (id: string) => {
    const a = byNode.get(id);
    return a !== undefined && (a.status === 'pending' || a.status === 'ready');
  };
  for (const [nodeId, a] of byNode) {
    if (!notStarted(nodeId) || !a.pinned || fixed.has(nodeId)) continue;
    const chain = [...ancestorsOf(plan, nodeId)].filter(notStarted);
    const inFuture = [nodeId, ...chain].every((id) => byNode.get(id)!.plannedStart.getTime() >= now);
    if (inFuture) for (const id of [nodeId, ...chain]) fixed.set(id, busy(byNode.get(id)!, byNode.get(id)!.plannedEnd.getTime()));
  }
  const replaceable = new Map<string, Current>();
  for (const [nodeId, a] of byNode) {
    if (fixed.has(nodeId) || !notStarted(nodeId)) continue;
    replaceable.set(nodeId, a);
    if (a.pinned)
      pinned.set(nodeId, { workerId: a.workerId, stationId: a.stationId, substationId: a.substationId, notBefore: Math.max(a.plannedStart.getTime(), now) });
  }
  const open = new Set(plan.nodes.map((n) => n.nodeId).filter((id) => !fixed.has(id)));
  const fixedEnd = Math.max(-Infinity, ...[...fixed.values()].map((f) => f.end));
  const before = Math.max(fixedEnd, ...[...replaceable.values()].map((a) => Math.max(a.plannedEnd.getTime(), now)));
  const { due, priority } = urgencyOf(plan);
  const weight = weightOfPriority(priority);
  const part: FloorPart = {
    plan,
    nodes: open,
    fixed,
    pinned,
    completed,
    dbIds,
    weight,
    ...(due !== undefined ? { dueDate: due } : {}),
    ...(Number.isFinite(fixedEnd) ? { fixedEnd } : {}),
  };
  return { plan, due, priority, weight, dbIds, replaceable, part, fixedEnd, before };
}

const lateMinutes = (end: number, due: number | undefined) => (due !== undefined && Number.isFinite(end) && end > due ? (end - due) / 60_000 : 0);

function summaryOf(plans: { end: number; due: number | undefined; weight: number }[]): FloorSummary & { makespan: number } {
  let total = 0;
  let weighted = 0;
  let late = 0;
  let makespan = -Infinity;
  for (const p of plans) {
    const m = lateMinutes(p.end, p.due);
    total += m;
    weighted += p.weight * m;
    if (m > 0) late++;
    if (p.end > makespan) makespan = p.end;
  }
  const iso = Number.isFinite(makespan) ? new Date(makespan).toISOString() : null;
  return { totalTardinessMinutes: total, weightedTardiness: weighted, latePlans: late, makespanEnd: iso, makespan };
}

export async function rescheduleFloor(db: Db, planIds: string[] | undefined, opts: FloorOptions): Promise<FloorRescheduleResult> {
  return db.transaction().execute(async (trx) => rescheduleFloorIn(trx, planIds, opts));
}

/** The floor's reschedule inside the caller's transaction. */
export async function rescheduleFloorIn(trx: Trx, planIds: string[] | undefined, opts: FloorOptions): Promise<FloorRescheduleResult> {
  {
    await lockScheduling(trx);
    let t = performance.now();
    const ids = await choosePlans(trx, planIds);
    // plans in id order (the same kind of lock, always in the same order), then their assignments: set-based,
    // a few statements for all the plans (200 plans read one by one cost a second and more)
    const locked = new Map((await repo.lockPlans(trx, ids)).map((p) => [p.id, p.status]));
    for (const id of [...ids].sort()) {
      const status = locked.get(id);
      if (!status || !reschedulable.includes(status)) throw new DomainError('conflict', m('floor.plan_changed', { planId: id }));
    }
    const now = opts.now.getTime();
    const plans = new Map((await repo.findFloorPlans(trx, ids)).map((p) => [p.id, p]));
    const assignments = new Map<string, Current[]>(ids.map((id) => [id, []]));
    for (const a of await listAssignmentsOfPlans(trx, ids, ['pending', 'ready', 'in_progress', 'paused', 'completed'])) assignments.get(a.planId)!.push(a);
    const states = ids.map((id) => planState(plans.get(id)!, assignments.get(id)!, now));

    const plansMs = performance.now() - t;
    const parts = states.filter((s) => s.part.nodes.size > 0).map((s) => s.part);
    const currentEnd = Math.max(...states.filter((s) => s.part.nodes.size > 0).map((s) => s.before));
    const outcome =
      parts.length > 0
        ? await scheduleFloor(trx, {
            parts,
            now: opts.now,
            utcOffsetMinutes: opts.utcOffsetMinutes,
            budgetMs: opts.budgetMs,
            ...(Number.isFinite(currentEnd) ? { currentEnd } : {}),
          })
        : undefined;
    const completion = new Map(outcome?.plans.map((p) => [p.id, p.completion]) ?? []);
    const afterEnd = (s: PlanState) => (s.part.nodes.size > 0 ? completion.get(s.plan.id)! : s.before);

    // which not-started steps move
    const changes = new Map<string, { old: Current[]; rows: NewAssignment[] }>();
    let moved = 0;
    for (const s of states) {
      const rows = outcome?.rows.get(s.plan.id) ?? [];
      const nodeIdOf = new Map([...s.dbIds].map(([nodeId, id]) => [id, nodeId]));
      const change: { old: Current[]; rows: NewAssignment[] } = { old: [], rows: [] };
      for (const r of rows) {
        const old = s.replaceable.get(nodeIdOf.get(r.nodeId)!);
        const same =
          old &&
          old.workerId === r.workerId &&
          old.stationId === r.stationId &&
          old.substationId === r.substationId &&
          old.plannedStart.getTime() === r.start &&
          old.plannedEnd.getTime() === r.end;
        if (same) continue;
        if (old) change.old.push(old);
        change.rows.push(r);
      }
      if (change.rows.length > 0) changes.set(s.plan.id, change);
      moved += change.rows.length;
    }

    const before = summaryOf(states.map((s) => ({ end: s.before, due: s.due, weight: s.weight })));
    const after = summaryOf(states.map((s) => ({ end: afterEnd(s), due: s.due, weight: s.weight })));
    const dw = after.weightedTardiness - before.weightedTardiness;
    const accepted = Math.abs(dw) < 1e-6 ? after.makespan <= before.makespan : dw < 0;
    const applied = !opts.dryRun && accepted && moved > 0;

    t = performance.now();
    if (applied) {
      // a step booked before keeps its booking and id, moved in place (one statement for the floor); a step not booked yet gets one
      const moving = states.filter((s) => changes.has(s.plan.id));
      const rebooked: { planId: string; old: Current; row: NewAssignment; nodeId: string }[] = [];
      const fresh: { planId: string; row: NewAssignment; nodeId: string }[] = [];
      for (const s of moving) {
        const nodeIdOf = new Map([...s.dbIds].map(([nodeId, id]) => [id, nodeId]));
        for (const r of changes.get(s.plan.id)!.rows) {
          const nodeId = nodeIdOf.get(r.nodeId)!;
          const old = s.replaceable.get(nodeId);
          if (old) rebooked.push({ planId: s.plan.id, old, row: r, nodeId });
          else fresh.push({ planId: s.plan.id, row: r, nodeId });
        }
      }
      await rebookAssignments(
        trx,
        rebooked.map(({ old, row: { nodeId: _n, ...row } }) => ({ ...row, id: old.id })),
      );
      const newIds = await insertAssignmentsOfPlans(
        trx,
        fresh.map((f) => ({ ...f.row, planId: f.planId })),
      );
      await repo.setPlannedWindows(
        trx,
        moving.map((s) => ({ planId: s.plan.id, plannedEnd: new Date(afterEnd(s)) })),
      );
      // an event per moved booking (and its copy to the worker and station it leaves, so that a stream filtered to
      // them learns where it went), one `schedule_changed` per worker concerned for the whole floor (naming their
      // plans: ~50 events where one per plan and worker made ~6,000 of a 200-plan reschedule's ~14,000), one per plan
      const events: OutboxEvent[] = [];
      const plansOf = new Map<string, Set<string>>();
      const concerns = (workerId: string, planId: string) => {
        const plans = plansOf.get(workerId);
        if (plans) plans.add(planId);
        else plansOf.set(workerId, new Set([planId]));
      };
      for (const { planId, old, row, nodeId } of rebooked) {
        const from = {
          workerId: old.workerId,
          stationId: old.stationId,
          substationId: old.substationId,
          plannedStart: old.plannedStart.toISOString(),
          plannedEnd: old.plannedEnd.toISOString(),
        };
        const event = bookingEvent(planId, { ...row, id: old.id, nodeId }, 'rescheduled');
        event.payload.from = from;
        events.push(event);
        if (old.workerId !== row.workerId || old.stationId !== row.stationId) events.push({ ...event, workerId: old.workerId, stationId: old.stationId });
        concerns(old.workerId, planId);
        concerns(row.workerId, planId);
      }
      fresh.forEach((f, i) => {
        events.push(bookingEvent(f.planId, { ...f.row, id: newIds[i]!, nodeId: f.nodeId }, 'created'));
        concerns(f.row.workerId, f.planId);
      });
      for (const [workerId, planIds] of plansOf) {
        events.push({
          topic: 'workers',
          entityType: 'worker',
          entityId: workerId,
          change: 'schedule_changed',
          workerId,
          payload: { planIds: [...planIds].sort() },
        });
      }
      for (const s of moving) {
        const planId = s.plan.id;
        events.push({ topic: 'plans', entityType: 'plan', entityId: planId, planId, change: 'rescheduled', payload: { status: s.plan.status, floor: true } });
      }
      await recordEvents(trx, events, opts.actor);
    }
    opts.onProfile?.({
      plansMs,
      readMs: outcome?.profile.readMs ?? 0,
      schedulerMs: outcome?.profile.schedulerMs ?? 0,
      writeMs: performance.now() - t,
      windows: outcome?.profile.windows ?? 0,
      iterations: outcome?.stats.iterations ?? 0,
    });

    const strip = ({ makespan: _m, ...rest }: FloorSummary & { makespan: number }): FloorSummary => rest;
    const projection = (end: number, due: number | undefined) => ({
      projectedEnd: Number.isFinite(end) ? new Date(end).toISOString() : null,
      latenessMinutes: lateMinutes(end, due),
    });
    return {
      dryRun: opts.dryRun,
      accepted,
      applied,
      before: strip(before),
      after: strip(after),
      plans: states.map((s) => ({
        id: s.plan.id,
        code: s.plan.id,
        name: s.plan.name,
        dueDate: s.due !== undefined ? new Date(s.due).toISOString() : null,
        priority: s.priority,
        before: projection(s.before, s.due),
        after: projection(afterEnd(s), s.due),
        moved: changes.get(s.plan.id)?.rows.length ?? 0,
      })),
      moved,
    };
  }
}

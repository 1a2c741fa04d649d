/**
 * The first criterion of the objective: the weighted tardiness of the plans
 * scheduled together, sum over plans p of w_p * max(0, C_p - d_p) in minutes,
 * where C_p is the plan's completion (the max end of its nodes and of its work
 * fixed outside this call) and d_p its due date. A plan without a due date is
 * never late, so a single plan without one always scores 0 and the objective
 * is the makespan one, as before multi-plan scheduling.
 */
import { MINUTE_MS } from './calendar.js';
import type { Model } from './model.js';

/**
 * Weight of a plan from its priority, 1 (most urgent) .. 5 (least): 2^(3 - priority),
 * i.e. 1 → 4, 2 → 2, 3 → 1 (the default), 4 → 0.5, 5 → 0.25. A priority-1 plan late by
 * an hour costs as much as a priority-5 plan late by 16 hours.
 */
export function weightOfPriority(priority?: number | null): number {
  const p = priority === undefined || priority === null || !Number.isFinite(priority) ? 3 : Math.min(5, Math.max(1, Math.round(priority)));
  return 2 ** (3 - p);
}

const scratch = new WeakMap<Model, Float64Array>();

/** Completion of every plan (epoch ms; -Infinity for a plan with no node and no fixed work). */
export function planCompletions(m: Model, end: ArrayLike<number>, out?: Float64Array): Float64Array {
  const c = out ?? new Float64Array(m.plans.length);
  for (let p = 0; p < m.plans.length; p++) c[p] = m.plans[p]!.fixedEnd;
  const planOf = m.planOf;
  for (let v = 0; v < planOf.length; v++) {
    const p = planOf[v]!;
    if (end[v]! > c[p]!) c[p] = end[v]!;
  }
  return c;
}

/** Sum over plans of weight * minutes late. */
export function weightedTardiness(m: Model, end: ArrayLike<number>): number {
  if (!m.hasDue) return 0;
  let c = scratch.get(m);
  if (!c) {
    c = new Float64Array(m.plans.length);
    scratch.set(m, c);
  }
  planCompletions(m, end, c);
  let t = 0;
  for (let p = 0; p < m.plans.length; p++) {
    const pl = m.plans[p]!;
    const late = c[p]! - pl.due;
    if (late > 0) t += (pl.weight * late) / MINUTE_MS;
  }
  return t;
}

/** Index of the plan with the largest weighted tardiness (-1 if none is late). */
export function mostTardyPlan(m: Model, end: ArrayLike<number>): number {
  if (!m.hasDue) return -1;
  const c = planCompletions(m, end);
  let best = -1;
  let bestT = 0;
  for (let p = 0; p < m.plans.length; p++) {
    const pl = m.plans[p]!;
    const t = pl.weight * (c[p]! - pl.due);
    if (t > bestT) {
      bestT = t;
      best = p;
    }
  }
  return best;
}

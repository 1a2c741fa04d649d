/**
 * Pure rules of shop-floor execution: which action is allowed in which
 * assignment and plan status, what may start, who may act, and the
 * arithmetic of worked time, consumption and production. Shared by the
 * services (refusals), the portal (canStart) and the UI.
 */
import { allowedNow, commaList, DomainError, detail, m, type Message, type ProblemDetail } from '../../shared/errors.js';
import type { PlanStatus } from '../../shared/schema.js';
import type { AssignmentStatus, CompleteBody, PauseBody } from './assignments.schema.js';

// ---- transitions ------------------------------------------------------------

export type AssignmentAction = 'start' | 'pause' | 'resume' | 'complete' | 'report-problem';

/**
 * status -> action -> next status. `pending` may start too: what decides is
 * the predecessors' state read at start, not the flag set when they finished.
 */
/** Assignments that book their worker and substation (the exclusion constraints' predicate). */
export const openAssignmentStatuses = ['pending', 'ready', 'in_progress', 'paused'] as const satisfies readonly AssignmentStatus[];

export const assignmentTransitions: Record<AssignmentStatus, Partial<Record<AssignmentAction, AssignmentStatus>>> = {
  pending: { start: 'in_progress', 'report-problem': 'pending' },
  ready: { start: 'in_progress', 'report-problem': 'ready' },
  in_progress: { pause: 'paused', complete: 'completed', 'report-problem': 'in_progress' },
  paused: { resume: 'in_progress', complete: 'completed', 'report-problem': 'paused' },
  completed: { 'report-problem': 'completed' },
  cancelled: {},
};

/**
 * Plan statuses in which an action is allowed. A paused plan stops new
 * work (start, resume, complete) but its operators can still pause what runs.
 */
export const planStatusesFor: Record<AssignmentAction, readonly PlanStatus[]> = {
  start: ['released', 'in_production'],
  pause: ['in_production', 'paused'],
  resume: ['in_production'],
  complete: ['in_production'],
  'report-problem': ['released', 'in_production', 'paused', 'completed'],
};

/** The stored worker status after an action (report-problem changes nothing); a pause: see workerStatusOnPause. */
export const workerStatusAfter = { start: 'busy', resume: 'busy', complete: 'available' } as const;

/**
 * A pause for a break puts the worker on break. Any other pause (material
 * missing, machine fault, quality problem, other) keeps them busy: they still
 * hold the paused task, cannot start another, and are dealing with the cause,
 * so the board must not show them as on break.
 */
export function workerStatusOnPause(reason: PauseBody['reason']): 'on_break' | 'busy' {
  return reason === 'break' ? 'on_break' : 'busy';
}

const done: Record<AssignmentAction, Message> = {
  start: m('assignment.done.start'),
  pause: m('assignment.done.pause'),
  resume: m('assignment.done.resume'),
  complete: m('assignment.done.complete'),
  'report-problem': m('assignment.done.report_problem'),
};

export function allowedAssignmentActions(status: AssignmentStatus): AssignmentAction[] {
  return Object.keys(assignmentTransitions[status]) as AssignmentAction[];
}

export interface ActionFacts {
  assignmentId: string;
  status: AssignmentStatus;
  planId: string;
  planStatus: PlanStatus;
}

/**
 * Why an action is refused in these statuses (409), or undefined when it is
 * allowed: first the assignment's own transition, then the plan's status.
 */
export function actionRefusal(action: AssignmentAction, f: ActionFacts): DomainError | undefined {
  const allowedActions = allowedAssignmentActions(f.status);
  const extra = { currentStatus: f.status, planStatus: f.planStatus, allowedActions };
  const next = assignmentTransitions[f.status][action];
  if (!next) {
    const params = { assignmentId: f.assignmentId, status: f.status, action: done[action], allowed: allowedNow(allowedActions) };
    return new DomainError(
      'invalid_transition',
      f.status === 'cancelled' && f.planStatus === 'cancelled'
        ? m('assignment.cannot_act_plan_cancelled', { ...params, planId: f.planId })
        : m('assignment.cannot_act', params),
      extra,
    );
  }
  if (!planStatusesFor[action].includes(f.planStatus)) {
    const params = { planId: f.planId, planStatus: f.planStatus, assignmentId: f.assignmentId, action: done[action] };
    return new DomainError(
      'invalid_transition',
      f.planStatus === 'paused' ? m('assignment.cannot_act_plan_paused', params) : m('assignment.cannot_act_in_plan_status', params),
      extra,
    );
  }
  return undefined;
}

// ---- start --------------------------------------------------------------------

export interface WaitingNode {
  nodeId: string;
  nodeName: string;
  assignmentId: string | null;
  status: AssignmentStatus | null;
  workerId: string | null;
  workerName: string | null;
}

export interface StartFacts extends ActionFacts {
  /** predecessors whose assignment is not completed */
  waitingFor: readonly WaitingNode[];
  workerId: string;
  /** the worker's task in progress or paused, if any */
  workerTask: { assignmentId: string; status: string } | null;
  substation: { id: string; status: string; currentAssignmentId: string | null };
}

/** Everything that must hold for a start, checked in this order; undefined = may start. */
export function startRefusal(f: StartFacts): DomainError | undefined {
  const base = actionRefusal('start', f);
  if (base) return base;
  const extra = { currentStatus: f.status, planStatus: f.planStatus };
  if (f.waitingFor.length > 0) {
    const list = f.waitingFor.map((w) =>
      w.assignmentId
        ? m('assignment.waiting_node', { nodeId: w.nodeId, nodeName: w.nodeName, assignmentId: w.assignmentId, status: w.status ?? '' })
        : m('assignment.waiting_node_unassigned', { nodeId: w.nodeId, nodeName: w.nodeName }),
    );
    return new DomainError('conflict', m('assignment.waiting_for', { assignmentId: f.assignmentId, nodes: commaList(list) }), {
      ...extra,
      waitingFor: f.waitingFor,
    });
  }
  if (f.workerTask && f.workerTask.assignmentId !== f.assignmentId) {
    return new DomainError(
      'conflict',
      m(f.workerTask.status === 'paused' ? 'assignment.worker_has_paused_task' : 'assignment.worker_has_task_in_progress', {
        workerId: f.workerId,
        taskId: f.workerTask.assignmentId,
      }),
      { ...extra, workerTask: f.workerTask },
    );
  }
  if (f.substation.status === 'maintenance') {
    return new DomainError('conflict', m('substation.under_maintenance', { substationId: f.substation.id }), {
      ...extra,
      substationStatus: f.substation.status,
    });
  }
  if (f.substation.currentAssignmentId && f.substation.currentAssignmentId !== f.assignmentId) {
    return new DomainError('conflict', m('substation.in_use_by', { substationId: f.substation.id, assignmentId: f.substation.currentAssignmentId }), {
      ...extra,
      substationStatus: f.substation.status,
      substationAssignmentId: f.substation.currentAssignmentId,
    });
  }
  return undefined;
}

// ---- who may act ----------------------------------------------------------------

export type Acting = 'self' | 'on_behalf';

/** The assigned worker acts for themself; planners and admins act on the worker's behalf; other operators may not. */
export function actingAs(user: { role: string; workerId: string | null }, assignedWorkerId: string): Acting | undefined {
  if (user.role === 'operator') return user.workerId === assignedWorkerId ? 'self' : undefined;
  return user.workerId === assignedWorkerId ? 'self' : 'on_behalf';
}

/**
 * What an operator may see of the steps around theirs: each step and its
 * state, but not who else works on it (least privilege; planners see all).
 */
export function seenBy<T extends { workerId: string | null; workerName: string | null }>(
  user: { role: string; workerId: string | null },
  steps: readonly T[],
): T[] {
  if (user.role !== 'operator') return [...steps];
  return steps.map((s) => (s.workerId === null || s.workerId === user.workerId ? s : { ...s, workerId: null, workerName: null }));
}

/** Operators read only their own tasks and queue. */
export function mayRead(user: { role: string; workerId: string | null }, workerId: string): boolean {
  return user.role !== 'operator' || user.workerId === workerId;
}

// ---- time ------------------------------------------------------------------------

const round2 = (n: number) => Math.round(n * 100) / 100;
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const hasAtMost3Decimals = (x: number) => Math.abs(round3(x) - x) < 1e-9;

/** Minutes of all pauses; an open pause counts up to `now`. */
export function pausedMinutes(pauses: readonly { startedAt: Date; endedAt: Date | null }[], now: Date): number {
  const ms = pauses.reduce((sum, p) => sum + Math.max(0, (p.endedAt ?? now).getTime() - p.startedAt.getTime()), 0);
  return round2(ms / 60_000);
}

/** Worked minutes = (actual end − actual start) − paused minutes, never below zero, 2 decimals. */
export function workedMinutes(actualStart: Date, actualEnd: Date, paused: number): number {
  return Math.max(0, round2((actualEnd.getTime() - actualStart.getTime()) / 60_000 - paused));
}

// ---- pause -------------------------------------------------------------------------

export function pauseProblems(body: PauseBody): ProblemDetail[] {
  if (body.reason === 'other' && !body.note?.trim()) return [detail('body/note', m('pause.note_required'))];
  return [];
}

// ---- completion ----------------------------------------------------------------------

export interface NodeInput {
  materialCode: string;
  requiredQuantity: number;
  /** node id of the predecessor whose output this is; null = reserved from stock at release */
  fromNodeId: string | null;
}

export interface Consumption {
  materialCode: string;
  quantity: number;
  fromStock: boolean;
}

/**
 * What is wrong with a completion (422s with the field), given the node's
 * inputs and planned quantity. A completion reports at least one part, good
 * or scrap; more than planned must be confirmed (`overrun`), so a slip on the
 * keypad cannot put a hundred times the output into stock.
 */
export function completionProblems(body: CompleteBody, inputs: readonly NodeInput[], plannedQuantity: number): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const scrap = body.scrapQuantity ?? 0;
  if (!hasAtMost3Decimals(body.goodQuantity)) problems.push(detail('body/goodQuantity', m('field.more_than_3_decimals', { name: 'goodQuantity' })));
  if (!hasAtMost3Decimals(scrap)) problems.push(detail('body/scrapQuantity', m('field.more_than_3_decimals', { name: 'scrapQuantity' })));
  const reported = round3(body.goodQuantity + scrap);
  if (reported === 0) {
    problems.push(detail('body/goodQuantity', m('complete.nothing_reported')));
  } else if (reported > plannedQuantity + 1e-9 && body.overrun !== true) {
    problems.push(detail('body/goodQuantity', m('complete.overrun', { reported, planned: plannedQuantity })));
  }
  if (scrap > 0 && !body.scrapReason?.trim()) problems.push(detail('body/scrapReason', m('complete.scrap_reason_required')));
  const known = new Set(inputs.map((i) => i.materialCode));
  const seen = new Set<string>();
  (body.materials ?? []).forEach((used, i) => {
    const field = `body/materials/${i}`;
    if (!known.has(used.materialCode)) {
      problems.push(
        detail(
          `${field}/materialCode`,
          known.size > 0
            ? m('complete.not_an_input', { materialCode: used.materialCode, inputs: [...known].join(', ') })
            : m('complete.not_an_input_none', { materialCode: used.materialCode }),
        ),
      );
    }
    if (seen.has(used.materialCode)) problems.push(detail(`${field}/materialCode`, m('complete.material_listed_twice', { materialCode: used.materialCode })));
    seen.add(used.materialCode);
    if (!hasAtMost3Decimals(used.quantity)) problems.push(detail(`${field}/quantity`, m('field.more_than_3_decimals', { name: 'quantity' })));
  });
  return problems;
}

/** Actual consumption per input: what the operator reported, else the required quantity. */
export function consumptionOf(inputs: readonly NodeInput[], reported: CompleteBody['materials']): Consumption[] {
  const actual = new Map((reported ?? []).map((m) => [m.materialCode, m.quantity]));
  return inputs.map((i) => ({
    materialCode: i.materialCode,
    quantity: round3(actual.get(i.materialCode) ?? i.requiredQuantity),
    fromStock: i.fromNodeId === null,
  }));
}

/**
 * The node's output that goes into stock: output quantity in proportion to
 * the good quantity, output.quantity × good / node quantity, rounded to 3
 * decimals (numeric(14,3)). Scrap produces nothing; more good parts than
 * planned produce proportionally more.
 */
export function producedQuantity(outputQuantity: number, goodQuantity: number, nodeQuantity: number): number {
  if (nodeQuantity <= 0) return 0;
  return round3((outputQuantity * goodQuantity) / nodeQuantity);
}

export interface Shortage {
  materialCode: string;
  needed: number;
  inStock: number;
}

/** Materials whose stock would go below zero (production of the same material in the step counts). */
export function stockShortages(
  consumption: readonly Consumption[],
  production: { materialCode: string; quantity: number } | null,
  stock: ReadonlyMap<string, number>,
): Shortage[] {
  const needed = new Map<string, number>();
  for (const c of consumption) needed.set(c.materialCode, (needed.get(c.materialCode) ?? 0) + c.quantity);
  const shortages: Shortage[] = [];
  for (const [code, qty] of [...needed].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const produced = production?.materialCode === code ? production.quantity : 0;
    const inStock = stock.get(code) ?? 0;
    if (qty - produced > inStock + 1e-9) shortages.push({ materialCode: code, needed: round3(qty), inStock });
  }
  return shortages;
}

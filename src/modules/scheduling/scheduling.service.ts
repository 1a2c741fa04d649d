/**
 * Turns (part of) a stored plan into scheduler input, runs the scheduler and
 * gives back assignment rows. Used inside the release, resume and reschedule
 * transactions, after `lockScheduling` (src/db/locks.ts); the scheduler itself
 * stays pure, and its caller writes the rows.
 */
import type { Trx } from '../../db/database.js';
import {
  type BookedInterval,
  durationMinutes,
  HORIZON_DAYS,
  type PlanOutcome,
  type ScheduleInput,
  type ScheduleResult,
  type ScheduleStats,
  type SchedulerNode,
  UnschedulableError,
  type WaitBlocker,
  type WaitReason as ScheduledWait,
  weightOfPriority,
} from '../../scheduler/index.js';
import { detail, DomainError, m, summaryOf } from '../../shared/errors.js';
import type { WaitReason } from '../../shared/wait-reasons.js';
import type { NewAssignment } from '../assignments/index.js';
import type { PlanDetail } from '../plans/index.js';
import { problemReason } from './problems.rules.js';
import { scheduleOnThread } from './scheduler-thread.js';
import { loadSubstationAvailability, withAvailability } from './availability.repository.js';
import { findBookingsEndingAt, loadSchedulingResources } from './scheduling.repository.js';

/** The quantity a step's work is sized for: its expected quantity when positive (yield carried forward), else the planned one. */
const workQuantity = (n: { quantity: number; expectedQuantity?: number | null | undefined }): number =>
  n.expectedQuantity !== null && n.expectedQuantity !== undefined && n.expectedQuantity > 0 ? n.expectedQuantity : n.quantity;

/** A scheduler's wait reason as stored and served: times as ISO 8601. */
export function reasonForApi(reason: ScheduledWait): WaitReason {
  return { ...reason, until: new Date(reason.until).toISOString() };
}

export interface FixedNode {
  /** when the node's work is (or will be) done: successors start after it */
  end: number;
  /** still occupying a worker and substation: booked for others */
  busy?: { workerId: string; substationId: string; start: number; end: number; label: string };
}

/** A not-started assignment a planner pinned: re-timed, but on the same worker, station and substation. */
export interface PinnedNode {
  workerId: string;
  stationId: string;
  substationId: string;
  /** the planner's start (or now, if that has passed): the node starts no earlier */
  notBefore: number;
}

/**
 * What scheduling reads of a plan: its id, urgency and its nodes' scheduling fields. A PlanDetail has them
 * all; the floor's reschedule reads just these, for many plans in one statement.
 */
export interface SchedulablePlan {
  id: string;
  dueDate: string | null;
  priority: number;
  nodes: {
    nodeId: string;
    operationId: string;
    quantity: number;
    nominalTime: number;
    efficiency: number;
    pin: PlanDetail['nodes'][number]['pin'];
    predecessors: string[];
    assignedStations: { stationId: string; priority: number; time?: number }[];
  }[];
}

export interface ScheduleRequest {
  plan: SchedulablePlan;
  /** node ids to (re)schedule */
  nodes: Set<string>;
  /** nodes that keep their assignment (started or completed) */
  fixed: Map<string, FixedNode>;
  /** nodes among `nodes` pinned by a planner; their new rows stay pinned */
  pinned?: Map<string, PinnedNode>;
  /** nodes whose predecessors are all completed */
  completed: Set<string>;
  /** db id of every node of the plan, by node id (the caller has read them already) */
  dbIds: Map<string, number>;
  now: Date;
  utcOffsetMinutes: number;
  budgetMs: number;
}

/** where the time went (for bench/release-scale.ts): the reads of resources and bookings, the scheduler, and how many windows were read */
export interface ScheduleProfile {
  readMs: number;
  schedulerMs: number;
  windows: number;
}

export interface ScheduleOutcome {
  rows: NewAssignment[];
  stats: ScheduleStats;
  profile: ScheduleProfile;
}

const DAY_MS = 86_400_000;
const WINDOW_GROWTH = 4;

/**
 * The first window of bookings read for a plan: its work as if one worker on
 * one 8-hour shift a weekday did all of it (4.2 × the work), at least 4 days
 * (a working week ahead: on a busy floor a plan ready now mostly fits in it,
 * and a window that fails costs a read and a scheduler run). One that does
 * not fit is scheduled again with a window 4 times larger (16, 64, 256 days),
 * up to the whole horizon.
 */
function firstWindowMs(stepMinutes: number[]): number {
  const work = stepMinutes.reduce((sum, m) => sum + m, 0) * 60_000;
  return Math.max(4 * DAY_MS, 4.2 * work);
}

/**
 * Bookings after `until` were not read: every candidate resource is closed
 * from then to past the horizon, so the scheduler places nothing there (a
 * step that only fits later makes the plan unschedulable in this window).
 */
function windowEnd(resources: { stations: { substations: string[] }[]; workers: { id: string }[] }, until: number, now: number): BookedInterval[] {
  const end = now + (HORIZON_DAYS + 7) * DAY_MS;
  return [
    ...resources.workers.map((w) => ({ kind: 'worker' as const, id: w.id, start: until, end })),
    ...resources.stations.flatMap((s) => s.substations.map((id) => ({ kind: 'substation' as const, id, start: until, end }))),
  ];
}

/**
 * Reads the candidates' bookings of other plans from now to a window's end and
 * runs the scheduler on them; when the nodes do not fit in the window, reads a
 * window 4 times larger, up to the whole horizon (release, resume, move and the
 * floor's reschedule all go through here). `open` are the plan nodes being
 * scheduled, `planIds` the plans whose own open bookings are left out (being
 * replaced), `ownBusy` their kept work's busy time.
 */
async function scheduleWindowed(
  trx: Trx,
  req: {
    planIds: string[];
    open: SchedulablePlan['nodes'];
    ownBusy: BookedInterval[];
    input: Omit<ScheduleInput, 'stations' | 'workers' | 'booked'>;
    now: Date;
    /** the first window's length, when the caller knows better than the work's sum (the floor: its current schedule's span) */
    firstWindowMs?: number;
  },
): Promise<{ result: ScheduleResult; profile: ScheduleProfile }> {
  const { open, now } = req;
  const stationIds = [...new Set(open.flatMap((n) => n.assignedStations.map((s) => s.stationId)))];
  const operationIds = [...new Set(open.map((n) => n.operationId))];
  // no step fits in a gap shorter than the shortest step: such gaps are read as busy
  const minutes = open.flatMap((n) => n.assignedStations.map((s) => durationMinutes(s.time ?? n.nominalTime, workQuantity(n), n.efficiency)));
  const mergeGapMs = minutes.length > 0 ? Math.min(...minutes) * 60_000 : 1;
  const profile: ScheduleProfile = { readMs: 0, schedulerMs: 0, windows: 0 };
  for (let windowMs = req.firstWindowMs ?? firstWindowMs(minutes); ; windowMs *= WINDOW_GROWTH) {
    const whole = windowMs >= HORIZON_DAYS * DAY_MS;
    const until = whole ? undefined : new Date(now.getTime() + windowMs);
    let t = performance.now();
    const resources = await loadSchedulingResources(trx, { planId: req.planIds, stationIds, operationIds, now, mergeGapMs, ...(until ? { until } : {}) });
    // substations' availability calendars and maintenance blocks (issue #15 item 4), a windowed read of their own
    const substationIds = resources.stations.flatMap((s) => s.substations);
    const availability = await loadSubstationAvailability(trx, { substationIds, now, ...(until ? { until } : {}) });
    profile.readMs += performance.now() - t;
    profile.windows++;
    t = performance.now();
    try {
      // on a worker thread: the search must not stall the other requests of this process
      const result = await scheduleOnThread({
        ...req.input,
        stations: withAvailability(resources.stations, availability.calendars),
        workers: resources.workers,
        booked: [...availability.blocks, ...req.ownBusy, ...(until ? windowEnd(resources, until.getTime(), now.getTime()) : [])],
        busy: resources.booked,
      });
      profile.schedulerMs += performance.now() - t;
      t = performance.now();
      await nameBlockingBookings(trx, req.planIds, result);
      profile.readMs += performance.now() - t;
      return { result, profile };
    } catch (error) {
      profile.schedulerMs += performance.now() - t;
      if (error instanceof UnschedulableError && !whole) continue; // it may fit past the window: read further
      throw error;
    }
  }
}

/**
 * A step that waits on another plan's booking names it (`by.assignmentId`): the runs the scheduler got carry
 * no labels, so the bookings that end the runs waited on are looked up here, one small read for all of them.
 */
async function nameBlockingBookings(trx: Trx, planIds: string[], result: ScheduleResult): Promise<void> {
  const unnamed: { by: WaitBlocker; kind: 'worker' | 'substation'; id: string; end: number }[] = [];
  for (const a of result.assignments) {
    for (const r of a.waitReasons ?? []) {
      if (r.kind === 'worker_busy' && !r.by.nodeId && !r.by.assignmentId && !r.by.blockId)
        unnamed.push({ by: r.by, kind: 'worker', id: r.workerId, end: r.until });
      if (r.kind === 'substation_busy' && !r.by.nodeId && !r.by.assignmentId && !r.by.blockId)
        unnamed.push({ by: r.by, kind: 'substation', id: r.substationId, end: r.until });
    }
  }
  if (unnamed.length === 0) return;
  const found = await findBookingsEndingAt(trx, { planIds, runs: unnamed });
  unnamed.forEach((u, i) => {
    const id = found[i];
    if (id !== undefined) u.by.assignmentId = id;
  });
}

/** Scheduler nodes of the plan's nodes to (re)schedule; `idOf` names them (a plan's own node id, or plan-qualified on the floor). */
function schedulerNodesOf(
  req: Pick<ScheduleRequest, 'plan' | 'nodes' | 'fixed' | 'pinned'>,
  idOf: (nodeId: string) => string,
  planId?: string,
): SchedulerNode[] {
  const { plan, nodes, fixed } = req;
  return plan.nodes
    .filter((n) => nodes.has(n.nodeId))
    .map((n) => {
      const fixedEnds = n.predecessors.filter((p) => fixed.has(p)).map((p) => fixed.get(p)!.end);
      const kept = req.pinned?.get(n.nodeId);
      // the assignment's pin overrides the document's for the resources it fixes (all three)
      const pin = kept ? { ...n.pin, workerId: kept.workerId, stationId: kept.stationId, substationId: kept.substationId } : n.pin;
      const earliest = kept ? [...fixedEnds, kept.notBefore] : fixedEnds;
      return {
        id: idOf(n.nodeId),
        operationId: n.operationId,
        quantity: workQuantity(n), // the expected quantity once scrap upstream lowered it (yield carried forward)
        nominalTimeMinutes: n.nominalTime,
        efficiency: n.efficiency,
        predecessors: n.predecessors.filter((p) => nodes.has(p)).map(idOf),
        candidates: n.assignedStations.map((s) => ({ stationId: s.stationId, priority: s.priority, ...(s.time !== undefined ? { timeMinutes: s.time } : {}) })),
        ...(pin ? { pin } : {}),
        ...(earliest.length > 0 ? { notBefore: Math.max(...earliest) } : {}),
        ...(planId !== undefined ? { planId } : {}),
      };
    });
}

/** Busy time of a plan's fixed nodes that still occupy a worker and a substation. */
function fixedBusy(fixed: Map<string, FixedNode>): BookedInterval[] {
  return [...fixed.values()].flatMap((f) =>
    f.busy
      ? [
          { kind: 'worker' as const, id: f.busy.workerId, start: f.busy.start, end: f.busy.end, label: f.busy.label },
          { kind: 'substation' as const, id: f.busy.substationId, start: f.busy.start, end: f.busy.end, label: f.busy.label },
        ]
      : [],
  );
}

/** The row a scheduled node becomes: ready when every predecessor is completed, pinned when the planner pinned it. */
function assignmentRow(
  a: ScheduleResult['assignments'][number],
  nodeDbId: number,
  node: { predecessors: string[] },
  of: { completed: Set<string>; pinned?: Map<string, unknown> },
): NewAssignment {
  return {
    nodeId: nodeDbId,
    workerId: a.workerId,
    stationId: a.stationId,
    substationId: a.substationId,
    start: a.start,
    end: a.end,
    workMinutes: a.workMinutes,
    status: node.predecessors.every((p) => of.completed.has(p)) ? 'ready' : 'pending',
    pinned: of.pinned?.has(a.nodeId) ?? false,
    waitReason: a.waitReasons ? a.waitReasons.map(reasonForApi) : null,
  };
}

export async function scheduleNodes(trx: Trx, req: ScheduleRequest): Promise<ScheduleOutcome> {
  const { plan, nodes, fixed, now } = req;
  let windowed;
  try {
    windowed = await scheduleWindowed(trx, {
      planIds: [plan.id],
      open: plan.nodes.filter((n) => nodes.has(n.nodeId)),
      ownBusy: fixedBusy(req.fixed),
      now,
      input: {
        now: now.getTime(),
        utcOffsetMinutes: req.utcOffsetMinutes,
        nodes: schedulerNodesOf(req, (id) => id),
        // its due date and priority: one plan's tardiness falls with its makespan, so they change
        // none of its choices, but the stats tell how late it is projected to be
        plans: [
          {
            id: plan.id,
            weight: weightOfPriority(plan.priority),
            ...(plan.dueDate ? { dueDate: Date.parse(plan.dueDate) } : {}),
            ...(fixed.size > 0 ? { fixedEnd: Math.max(...[...fixed.values()].map((f) => f.end)) } : {}),
          },
        ],
        options: { timeBudgetMs: req.budgetMs },
      },
    });
  } catch (error) {
    if (error instanceof UnschedulableError) {
      const index = new Map(plan.nodes.map((n, i) => [n.nodeId, i]));
      const errors = error.problems.map((p) =>
        detail(`nodes/${index.get(p.nodeId) ?? '?'}`, m('schedule.node_problem', { nodeId: p.nodeId, reason: problemReason(p) })),
      );
      const first = errors[0]!;
      throw new DomainError('rule_violated', summaryOf(errors), {
        field: first.field,
        errors,
      });
    }
    throw error;
  }
  const { result, profile } = windowed;

  const { dbIds } = req;
  const byId = new Map(plan.nodes.map((n) => [n.nodeId, n]));
  const rows = result.assignments.map((a) => assignmentRow(a, dbIds.get(a.nodeId)!, byId.get(a.nodeId)!, req));
  return { rows, stats: result.stats, profile };
}

/** One plan of a floor reschedule: what a single plan's reschedule needs, plus its urgency and the end of its kept work. */
export interface FloorPart extends Pick<ScheduleRequest, 'plan' | 'nodes' | 'fixed' | 'pinned' | 'completed' | 'dbIds'> {
  /** epoch ms */
  dueDate?: number;
  /** weightOfPriority(priority) */
  weight: number;
  /** epoch ms: end of the plan's kept (started, completed, pinned) work */
  fixedEnd?: number;
}

export interface FloorOutcome {
  /** new rows by plan id, in each plan's node order */
  rows: Map<string, NewAssignment[]>;
  /** projected completion and tardiness by plan */
  plans: PlanOutcome[];
  stats: ScheduleStats;
  profile: ScheduleProfile;
}

/**
 * Schedules the open nodes of several plans together (the floor's reschedule): the
 * scheduler minimizes their weighted tardiness, then the makespan. Bookings of the
 * other plans are busy; the parts' own open bookings are not read (they are being
 * replaced), their fixed nodes' busy time is.
 */
export async function scheduleFloor(
  trx: Trx,
  req: {
    parts: FloorPart[];
    now: Date;
    utcOffsetMinutes: number;
    budgetMs: number;
    /** epoch ms: when the parts' current schedule ends (the reschedule's first window of bookings is twice that span) */
    currentEnd?: number;
  },
): Promise<FloorOutcome> {
  const { parts, now } = req;
  const owner = new Map<string, { part: FloorPart; nodeId: string; node: SchedulablePlan['nodes'][number] }>();
  const schedulerNodes: SchedulerNode[] = [];
  for (const part of parts) {
    const idOf = (nodeId: string) => `${part.plan.id}/${nodeId}`;
    for (const n of part.plan.nodes) if (part.nodes.has(n.nodeId)) owner.set(idOf(n.nodeId), { part, nodeId: n.nodeId, node: n });
    schedulerNodes.push(...schedulerNodesOf(part, idOf, part.plan.id));
  }
  let windowed;
  try {
    windowed = await scheduleWindowed(trx, {
      planIds: parts.map((p) => p.plan.id),
      open: parts.flatMap((p) => p.plan.nodes.filter((n) => p.nodes.has(n.nodeId))),
      ownBusy: parts.flatMap((p) => fixedBusy(p.fixed)),
      now,
      // the parts' current schedule fits before currentEnd among these same bookings, so a new one mostly fits
      // in twice that span: reading from there to the horizon (what the sum of 4,000 steps' work asks for) reads
      // months of the floor for nothing; a schedule that does not fit reads a window 4 times larger
      ...(req.currentEnd !== undefined && req.currentEnd > now.getTime() ? { firstWindowMs: Math.max(4 * DAY_MS, 2 * (req.currentEnd - now.getTime())) } : {}),
      input: {
        now: now.getTime(),
        utcOffsetMinutes: req.utcOffsetMinutes,
        nodes: schedulerNodes,
        plans: parts.map((p) => ({
          id: p.plan.id,
          weight: p.weight,
          ...(p.dueDate !== undefined ? { dueDate: p.dueDate } : {}),
          ...(p.fixedEnd !== undefined ? { fixedEnd: p.fixedEnd } : {}),
        })),
        options: { timeBudgetMs: req.budgetMs },
      },
    });
  } catch (error) {
    if (error instanceof UnschedulableError) {
      const index = new Map(parts.map((p, i) => [p.plan.id, i]));
      const errors = error.problems.map((p) => {
        const o = owner.get(p.nodeId);
        return detail(
          `body/planIds/${o ? index.get(o.part.plan.id) : '?'}`,
          m('schedule.floor_node_problem', { planId: o?.part.plan.id ?? '?', nodeId: o?.nodeId ?? p.nodeId, reason: problemReason(p) }),
        );
      });
      throw new DomainError('rule_violated', summaryOf(errors), { field: errors[0]!.field, errors });
    }
    throw error;
  }
  const { result, profile } = windowed;
  const rows = new Map<string, NewAssignment[]>(parts.map((p) => [p.plan.id, []]));
  for (const a of result.assignments) {
    const { part, nodeId, node } = owner.get(a.nodeId)!;
    rows.get(part.plan.id)!.push(assignmentRow({ ...a, nodeId }, part.dbIds.get(nodeId)!, node, part));
  }
  return { rows, plans: result.plans, stats: result.stats, profile };
}

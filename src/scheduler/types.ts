/**
 * Public types of the Burkol MES finite-capacity scheduler.
 *
 * All absolute times are epoch milliseconds (plain `number`) unless the name
 * ends in `Minutes`. Shift windows are minutes from LOCAL midnight, where
 * local time = UTC + `utcOffsetMinutes`.
 */

export type Minutes = number;

/** Minutes from local midnight, 0..1440, start < end. */
export interface ShiftWindow {
  start: Minutes;
  end: Minutes;
}

export interface ShiftCalendar {
  /** index 0 = Sunday .. 6 = Saturday (getUTCDay of the local time). */
  weekly: ShiftWindow[][];
  /** 'YYYY-MM-DD' local date; replaces that day's windows ([] = day off). */
  exceptions?: { date: string; windows: ShiftWindow[] }[];
}

export interface SchedulerNode {
  /** node id within the plan, e.g. 'N1' */
  id: string;
  operationId: string;
  /** > 0 */
  quantity: number;
  /** per unit, > 0 */
  nominalTimeMinutes: number;
  /** > 0 (1 = nominal); duration = ceil(timePerUnit * quantity / efficiency) minutes */
  efficiency: number;
  predecessors: string[];
  /** timeMinutes = station-specific time per unit, overrides nominal */
  candidates: { stationId: string; priority: number; timeMinutes?: number }[];
  /** pins are never changed */
  pin?: { stationId?: string; substationId?: string; workerId?: string };
  /** epoch ms, optional earliest start */
  notBefore?: number;
  /** the plan the node belongs to (default: the one plan of the input); see ScheduleInput.plans */
  planId?: string;
}

/**
 * A plan whose nodes are scheduled together with others. Its completion C is
 * the max end of its nodes and of `fixedEnd`; its weighted tardiness is
 * weight * max(0, C - dueDate) in minutes (0 without a due date).
 */
export interface SchedulerPlan {
  id: string;
  /** epoch ms; none = never late */
  dueDate?: number;
  /** > 0, default 1; see weightOfPriority */
  weight?: number;
  /** epoch ms: end of the plan's work that is not scheduled here (started or completed steps) */
  fixedEnd?: number;
}

export interface SchedulerStation {
  id: string;
  substations: string[];
  /**
   * Availability calendar by substation id (a substation not listed is always
   * available). A step works only while its worker is on shift AND its
   * substation is available; maintenance blocks are `booked` intervals of kind
   * 'substation'.
   */
  availability?: Record<string, ShiftCalendar>;
}

export interface SchedulerWorker {
  id: string;
  operations: string[];
  stations: string[];
  calendar: ShiftCalendar;
}

/** Busy by other plans, half-open [start, end). */
export interface BookedInterval {
  kind: 'worker' | 'substation';
  id: string;
  start: number;
  end: number;
  label?: string;
}

/**
 * Busy time of one resource given as runs: sorted, disjoint [starts[i], ends[i]), no labels (a
 * step waiting on one names no booking; its caller may look the booking up by the run's end).
 * The compact form of `booked` for a floor's worth of other plans' bookings: two typed arrays per
 * resource cross to the scheduler thread as a copy of their bytes, not one object per booking.
 */
export interface BusyRuns {
  kind: 'worker' | 'substation';
  id: string;
  starts: Float64Array;
  ends: Float64Array;
}

export interface ScheduleOptions {
  /** default true */
  improve?: boolean;
  /** default 1000, hard cap on the whole call (validation excluded) */
  timeBudgetMs?: number;
  /** local-search iterations; default scaled to the instance size */
  maxIterations?: number;
  /** iterations without a new best before the search stops; default defaultPatience(n), 0 = never */
  patience?: number;
  /** PRNG seed, default 1 */
  seed?: number;
  /** for the time budget only; default performance.now */
  clock?: () => number;
}

export interface ScheduleInput {
  /** epoch ms; nothing starts before now */
  now: number;
  /** local time = UTC + offset, for the shift calendars (default 0) */
  utcOffsetMinutes?: number;
  nodes: SchedulerNode[];
  stations: SchedulerStation[];
  workers: SchedulerWorker[];
  booked: BookedInterval[];
  /** more busy time, per resource, unlabelled (merged with `booked`) */
  busy?: BusyRuns[];
  /** plans of the nodes (default: nodes without planId form one plan without due date) */
  plans?: SchedulerPlan[];
  options?: ScheduleOptions;
}

export interface ScheduledAssignment {
  nodeId: string;
  stationId: string;
  substationId: string;
  workerId: string;
  /** epoch ms; the booking interval [start, end) may span off-shift gaps */
  start: number;
  end: number;
  /** duration actually worked (excludes off-shift gaps) */
  workMinutes: number;
  /** priority of the chosen candidate */
  priority: number;
  /** why it does not start at the earliest precedence-ready time, in order (a client words them) */
  waitReasons?: WaitReason[];
}

/** What held a node back: another node of the plan being scheduled, or a booking (an assignment id) of another plan. */
export interface WaitBlocker {
  nodeId?: string;
  assignmentId?: string;
  /** a maintenance block (a booked interval labelled `block:<id>`) */
  blockId?: string;
}

/** One reason a node starts later than its predecessors allow; times are epoch ms. */
export type WaitReason =
  | { kind: 'not_before'; until: number }
  | { kind: 'shift'; workerId: string; until: number }
  | { kind: 'worker_busy'; workerId: string; until: number; by: WaitBlocker }
  | { kind: 'substation_busy'; substationId: string; until: number; by: WaitBlocker };

export interface ScheduleStats {
  greedyMakespanMinutes: number;
  makespanMinutes: number;
  iterations: number;
  elapsedMs: number;
  lowerBoundMinutes: number;
  /** sum over plans of weight * minutes late (the first criterion of the objective) */
  weightedTardiness: number;
  greedyWeightedTardiness: number;
}

export interface PlanOutcome {
  id: string;
  /** epoch ms: max end of its nodes and of its fixed work (now if it has neither) */
  completion: number;
  /** minutes after its due date (0 if on time or without a due date) */
  tardinessMinutes: number;
  weight: number;
}

export interface ScheduleResult {
  /** one per node, in input node order */
  assignments: ScheduledAssignment[];
  /** max end (equals `now` for an empty plan) */
  makespanEnd: number;
  /** one per plan: the input's plans, then plans named only by nodes, then the default plan if used */
  plans: PlanOutcome[];
  stats: ScheduleStats;
}

/**
 * Why a node cannot be scheduled, as data: the app words `kind` with `params` in the reader's language
 * (lists in params are ids joined with ", "; empty when there are none).
 */
export type SchedulingProblemKind =
  | 'duplicate_node'
  | 'unknown_predecessor'
  | 'not_positive'
  | 'not_finite'
  | 'pinned_station_unavailable'
  | 'pinned_substation_unavailable'
  | 'pinned_substation_elsewhere'
  | 'pinned_worker_unavailable'
  | 'pinned_station_not_candidate'
  | 'no_candidates'
  | 'no_capable_station'
  | 'no_worker_on_shift'
  | 'no_qualified_worker'
  | 'pinned_worker_not_qualified'
  | 'own_predecessor'
  | 'precedence_cycle'
  | 'horizon';

export interface SchedulingProblem {
  nodeId: string;
  kind: SchedulingProblemKind;
  params: Record<string, string | number>;
  /** the same in English, for logs and the error's message */
  reason: string;
}

export class UnschedulableError extends Error {
  readonly problems: SchedulingProblem[];

  constructor(problems: SchedulingProblem[]) {
    const head = problems
      .slice(0, 5)
      .map((p) => `${p.nodeId}: ${p.reason}`)
      .join('; ');
    const more = problems.length > 5 ? ` (+${problems.length - 5} more)` : '';
    super(`plan cannot be scheduled: ${head}${more}`);
    this.name = 'UnschedulableError';
    this.problems = problems;
  }
}

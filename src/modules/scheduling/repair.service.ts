/**
 * Automatic repair of the live schedule (issue #15), inside the caller's
 * transaction: after a start, pause, resume or completion, a booking growing
 * (the overrun sweep) or a planner's move. Reads only the bookings that can
 * matter (the affected workers and substations from now on, the named
 * bookings and their plan successors, widened round by round to the
 * resources of whatever moved), runs the pure repair (src/scheduler/repair.ts),
 * writes the final state in one statement with the exclusion constraints
 * deferred, tells each worker whose task moved by a minute or more (one task_moved
 * alert per worker, for the earliest of their moved tasks) and hands back one event per
 * moved booking (old and new times) for the caller's event batch.
 *
 * The caller holds the scheduling lock (src/db/locks.ts), so two repairs never
 * plan into the same gap.
 */
import type { Trx } from '../../db/database.js';
import { inWriteOrder, repairSchedule, type RepairBlock, type RepairMove, type RepairBooking, type RepairResult } from '../../scheduler/repair.js';
import type { ShiftCalendar } from '../../scheduler/index.js';
import { isoOfMs } from '../../shared/dates.js';
import { recordAlerts } from '../alerts/index.js';
import type { OutboxEvent } from '../realtime/index.js';
import { loadSubstationAvailability } from './availability.repository.js';
import { loadRepairRows, loadWorkerCalendars, openBookingIds, type RepairRow, writeBookings } from './repair.repository.js';

export interface RepairRequest {
  now: Date;
  utcOffsetMinutes: number;
  /** who acts (the events' and alerts' actor) */
  actor: string;
  /** what caused it, carried in each moved booking's event: start, pause, resume, complete, overrun, move */
  cause: string;
  /** started bookings whose live times were just decided: written with the moves (cut short at a pinned booking) */
  anchors?: { id: string; start: number; end: number }[];
  /** count the anchors' new times in their version (the sweep); an action that writes the row bumps it itself */
  bumpAnchors?: boolean;
  /** resources whose bookings may have to move (the anchors' own are added) */
  workerIds?: string[];
  substationIds?: string[];
  /** bookings to look at wherever they are (successors of a changed step) */
  ids?: string[];
  /** not-started bookings that may move left (an early finish); only those of plans with auto_compact */
  compact?: string[];
  /**
   * every not-started, not-pinned booking of the named workers and substations may move left too (a calendar
   * change that gained time); only those of plans with auto_compact, and what follows them as after an early finish
   */
  compactResources?: boolean;
}

export interface MovedBooking {
  id: string;
  planId: string;
  nodeId: string;
  workerId: string;
  stationId: string;
  substationId: string;
  status: string;
  from: { plannedStart: string; plannedEnd: string };
  plannedStart: string;
  plannedEnd: string;
}

export interface RepairOutcome {
  moved: MovedBooking[];
  /** anchors as written (an end may have been cut at a pinned booking: cappedBy) */
  anchors: RepairResult['anchors'];
  /** pinned bookings left before a predecessor's live end */
  blocked: RepairResult['blocked'];
  /** pinned bookings left outside their calendar (a calendar changed under them) */
  offCalendar: string[];
  /** events for the caller's batch: one per moved booking, a repair_blocked per blocked one, schedule_changed per worker */
  events: OutboxEvent[];
  /** where the time went: rounds of reading, ms reading, in the pure repair, writing */
  profile: { rounds: number; readMs: number; repairMs: number; writeMs: number };
}

const MAX_ROUNDS = 16;
/** Moves shorter than this change the events, not the worker's alerts. */
const NOTICEABLE_MS = 60_000;

/** Shift calendars of the workers not read yet (a booking's work is laid out in its worker's shifts while its substation is available). */
async function calendarsFor(trx: Trx, workerIds: string[], now: Date, known: Map<string, ShiftCalendar>): Promise<Map<string, ShiftCalendar>> {
  const missing = workerIds.filter((w) => !known.has(w));
  for (const [id, calendar] of await loadWorkerCalendars(trx, missing, now)) known.set(id, calendar);
  return known;
}

interface KnownAvailability {
  read: Set<string>;
  calendars: Map<string, ShiftCalendar>;
  blocks: RepairBlock[];
}

/** Availability calendars and maintenance blocks of the substations not read yet, added to what is known. */
async function availabilityFor(trx: Trx, substationIds: string[], now: Date, known: KnownAvailability): Promise<void> {
  const missing = substationIds.filter((s) => !known.read.has(s));
  if (missing.length === 0) return;
  const loaded = await loadSubstationAvailability(trx, { substationIds: missing, now });
  for (const s of missing) known.read.add(s);
  for (const [id, calendar] of Object.entries(loaded.calendars)) known.calendars.set(id, calendar);
  for (const b of loaded.blocks) known.blocks.push({ kind: 'substation', id: b.id, start: b.start, end: b.end });
}

/**
 * The open bookings on these resources and ids that are not read yet, read in full (none: one light query). The plans
 * the first round read whole (`besides`) are left out in SQL: a push through a 1,000-step plan otherwise sent back every
 * booking of the plan on the resources it reached, read already, once per round.
 */
async function loadNewRows(
  trx: Trx,
  q: { now: Date; workerIds: string[]; substationIds: string[]; ids: string[]; besides: string[] },
  loaded: Map<string, RepairRow>,
): Promise<RepairRow[]> {
  const fresh = (await openBookingIds(trx, q)).filter((id) => !loaded.has(id));
  return fresh.length === 0 ? [] : loadRepairRows(trx, { now: q.now, workerIds: [], substationIds: [], ids: fresh });
}

function toBooking(row: RepairRow, inInput: Set<string>, anchor: { start: number; end: number } | undefined): RepairBooking {
  let outside = -Infinity;
  const predecessors: string[] = [];
  for (const [id, end] of row.predecessors) {
    if (inInput.has(id)) predecessors.push(id);
    else if (end > outside) outside = end;
  }
  return {
    id: row.id,
    workerId: row.workerId,
    substationId: row.substationId,
    start: anchor?.start ?? row.start,
    end: anchor?.end ?? row.end,
    workMinutes: row.workMinutes,
    fixed: anchor !== undefined || row.status === 'in_progress' || row.status === 'paused' || row.pinned,
    compactable: row.autoCompact,
    predecessors,
    outsidePredecessorsEnd: outside,
  };
}

export async function repairBookings(trx: Trx, req: RepairRequest): Promise<RepairOutcome> {
  const anchors = new Map((req.anchors ?? []).map((a) => [a.id, a]));
  const workerIds = new Set(req.workerIds ?? []);
  const substationIds = new Set(req.substationIds ?? []);
  const ids = new Set([...(req.ids ?? []), ...anchors.keys(), ...(req.compact ?? [])]);
  // the resources named by the caller (workerIds and substationIds grow with what moves)
  const namedWorkers = new Set(req.compactResources ? (req.workerIds ?? []) : []);
  const namedSubstations = new Set(req.compactResources ? (req.substationIds ?? []) : []);
  const calendars = new Map<string, ShiftCalendar>();
  const availability: KnownAvailability = { read: new Set(), calendars: new Map(), blocks: [] };
  let rows: RepairRow[] = [];
  let result: RepairResult | undefined;
  // a started booking reaches back to its actual start: what it covers from there on can clash with it
  const windowFrom = new Date(Math.min(req.now.getTime(), ...[...anchors.values()].map((a) => a.start)));
  const loaded = new Map<string, RepairRow>();
  const profile = { rounds: 0, readMs: 0, repairMs: 0, writeMs: 0 };
  // what was read already: a later round reads only the resources and bookings it added
  const readWorkers = new Set<string>();
  const readSubstations = new Set<string>();
  const readIds = new Set<string>();
  const wholePlans = new Set<string>();
  for (let round = 0; round < MAX_ROUNDS; round++) {
    profile.rounds++;
    let t = performance.now();
    const newWorkers = [...workerIds].filter((w) => !readWorkers.has(w));
    const newSubstations = [...substationIds].filter((s) => !readSubstations.has(s));
    const newIds = [...ids].filter((i) => !readIds.has(i) && !loaded.has(i));
    const before = loaded.size;
    if (newWorkers.length + newSubstations.length + newIds.length > 0) {
      // the first round reads everything in one statement; a later one asks which ids it adds first (the plan was read whole:
      // the resources of what moved mostly hold bookings already read) and reads only those in full
      const found =
        round === 0
          ? await loadRepairRows(trx, {
              now: windowFrom,
              workerIds: newWorkers,
              substationIds: newSubstations,
              ids: newIds,
              // the first round reads the anchors' and the named bookings' plans whole: a push or a pull runs on through their successors
              planOf: newIds,
            })
          : await loadNewRows(trx, { now: windowFrom, workerIds: newWorkers, substationIds: newSubstations, ids: newIds, besides: [...wholePlans] }, loaded);
      for (const r of found) loaded.set(r.id, r);
      // the plans of the bookings named in the first round were read whole (every open booking of theirs is loaded)
      if (round === 0) for (const id of newIds) if (loaded.has(id)) wholePlans.add(loaded.get(id)!.planId);
      newWorkers.forEach((w) => readWorkers.add(w));
      newSubstations.forEach((s) => readSubstations.add(s));
      newIds.forEach((i) => readIds.add(i));
    }
    rows = [...loaded.values()];
    // an anchor's resources and plan successors are always affected
    let grew = false;
    for (const r of rows) {
      if (!anchors.has(r.id)) continue;
      if (!workerIds.has(r.workerId) || !substationIds.has(r.substationId)) {
        workerIds.add(r.workerId);
        substationIds.add(r.substationId);
        grew = true;
      }
      // a grown booking may end after its plan successors start, wherever they are booked
      for (const s of r.successors) {
        if (ids.has(s)) continue;
        ids.add(s);
        grew = true;
      }
    }
    profile.readMs += performance.now() - t;
    if (grew) continue;
    // nothing new was read since the last repair: it would answer the same (it is a pure function of the rows)
    if (result && loaded.size === before) break;
    t = performance.now();
    await calendarsFor(trx, [...new Set(rows.map((r) => r.workerId))], req.now, calendars);
    // the availability calendars and maintenance blocks of every substation in play (a moved successor's too), each read once
    await availabilityFor(trx, [...new Set([...substationIds, ...rows.map((r) => r.substationId)])], req.now, availability);
    profile.readMs += performance.now() - t;
    t = performance.now();
    const inInput = new Set(rows.map((r) => r.id));
    const bookings = rows.map((r) => toBooking(r, inInput, anchors.get(r.id)));
    const compact = [...(req.compact ?? []), ...rows.filter((r) => namedWorkers.has(r.workerId) || namedSubstations.has(r.substationId)).map((r) => r.id)];
    result = repairSchedule({
      now: req.now.getTime(),
      utcOffsetMinutes: req.utcOffsetMinutes,
      bookings,
      calendars,
      substationCalendars: availability.calendars,
      blocks: availability.blocks,
      anchors: [...anchors.keys()],
      compact,
    });
    profile.repairMs += performance.now() - t;
    // whatever moved pushes on its own resources and plan successors: read those too and repair again
    for (const move of result.moves) {
      const r = loaded.get(move.id)!;
      const before = workerIds.size + substationIds.size + ids.size;
      workerIds.add(r.workerId);
      substationIds.add(r.substationId);
      for (const s of r.successors) if (!inInput.has(s)) ids.add(s);
      if (workerIds.size + substationIds.size + ids.size > before) grew = true;
    }
    if (!grew) break;
  }
  if (!result) return { moved: [], anchors: [], blocked: [], offCalendar: [], events: [], profile };

  const byId = new Map(rows.map((r) => [r.id, r]));
  const anchorWrites = result.anchors.map((a) => {
    const was = byId.get(a.id)!;
    return { id: a.id, fromStart: was.start, fromEnd: was.end, toStart: anchors.get(a.id)!.start, toEnd: a.end, bump: req.bumpAnchors ?? false };
  });
  const written = performance.now();
  // an anchor's version is bumped only when asked (the action writing its row bumps it itself); a moved booking's always
  const writes = inWriteOrder<RepairMove & { bump?: boolean }>([...anchorWrites, ...result.moves]);
  await writeBookings(
    trx,
    writes.map((w) => ({ id: w.id, start: w.toStart, end: w.toEnd, bump: w.bump ?? true })),
  );
  profile.writeMs = performance.now() - written;

  const moved: MovedBooking[] = result.moves.map((m) => {
    const r = byId.get(m.id)!;
    return {
      id: r.id,
      planId: r.planId,
      nodeId: r.nodeId,
      workerId: r.workerId,
      stationId: r.stationId,
      substationId: r.substationId,
      status: r.status,
      from: { plannedStart: isoOfMs(m.fromStart), plannedEnd: isoOfMs(m.fromEnd) },
      plannedStart: isoOfMs(m.toStart),
      plannedEnd: isoOfMs(m.toEnd),
    };
  });
  const events: OutboxEvent[] = moved.map((b) => ({
    topic: 'assignments',
    entityType: 'assignment',
    entityId: b.id,
    change: 'repaired',
    planId: b.planId,
    workerId: b.workerId,
    stationId: b.stationId,
    payload: {
      status: b.status,
      nodeId: b.nodeId,
      substationId: b.substationId,
      plannedStart: b.plannedStart,
      plannedEnd: b.plannedEnd,
      from: b.from,
      cause: req.cause,
    },
  }));
  // what the repair could not do, each named on the booking it concerns: a pin before its predecessors, a pin outside its calendar, a capped anchor
  const blockedEvent = (id: string, payload: Record<string, unknown>): OutboxEvent => {
    const r = byId.get(id)!;
    return {
      topic: 'assignments',
      entityType: 'assignment',
      entityId: r.id,
      change: 'repair_blocked',
      planId: r.planId,
      workerId: r.workerId,
      stationId: r.stationId,
      payload: { nodeId: r.nodeId, ...payload, cause: req.cause },
    };
  };
  for (const blocked of result.blocked) {
    const r = byId.get(blocked.id)!;
    events.push(blockedEvent(r.id, { pinned: true, plannedStart: isoOfMs(r.start), predecessorsEnd: isoOfMs(blocked.predecessorsEnd) }));
  }
  for (const id of result.offCalendar) {
    const r = byId.get(id)!;
    events.push(blockedEvent(id, { pinned: true, plannedStart: isoOfMs(r.start), plannedEnd: isoOfMs(r.end), outsideCalendar: true }));
  }
  for (const a of result.anchors) {
    if (a.cappedBy !== null) events.push(blockedEvent(a.id, { plannedEnd: isoOfMs(a.end), cappedBy: a.cappedBy }));
  }
  // the worker is told of a move they would notice: a minute or more
  const firstMovedOf = new Map<string, MovedBooking>();
  for (let i = 0; i < moved.length; i++) {
    const b = moved[i]!;
    // to the millisecond, as the events carry the times
    const m = result.moves[i]!;
    if (Math.abs(Math.trunc(m.toStart) - Math.trunc(m.fromStart)) < NOTICEABLE_MS) continue;
    const seen = firstMovedOf.get(b.workerId);
    if (!seen || b.plannedStart < seen.plannedStart) firstMovedOf.set(b.workerId, b);
  }
  for (const b of new Map(moved.map((x) => [x.workerId, x])).values()) {
    events.push({
      topic: 'workers',
      entityType: 'worker',
      entityId: b.workerId,
      change: 'schedule_changed',
      workerId: b.workerId,
      planId: b.planId,
      payload: { planId: b.planId },
    });
  }
  if (firstMovedOf.size > 0) {
    await recordAlerts(
      trx,
      [...firstMovedOf.values()].map((b) => {
        const refs = { planId: b.planId, assignmentId: b.id };
        return {
          kind: 'task_moved' as const,
          to: { workerId: b.workerId },
          ...refs,
          params: { ...refs, nodeId: b.nodeId, nodeName: null, substationId: b.substationId, plannedStart: b.plannedStart, plannedEnd: b.plannedEnd },
        };
      }),
      req.actor,
    );
  }
  return { moved, anchors: result.anchors, blocked: result.blocked, offCalendar: result.offCalendar, events, profile };
}

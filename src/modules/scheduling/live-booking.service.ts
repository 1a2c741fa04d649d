/**
 * Bookings follow actuals (issue #15): what a start, pause, resume and
 * completion do to the step's live booking (planned_start/planned_end), and
 * the repair that follows, inside the action's transaction. Each returns the
 * events for the action's batch. The model of the end is in
 * live-booking.rules.ts; the overrun sweep is here too (extendOverrunning).
 */
import type { Db, Trx } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import { formatLocal } from '../../scheduler/index.js';
import { DomainError, m, type Message } from '../../shared/errors.js';
import { type OutboxEvent, recordEvents } from '../realtime/index.js';
import { endAtPause, endAtResume, endAtStart, grownEnd, type Shifts, type StartedStep } from './live-booking.rules.js';
import {
  endBookingAt,
  findLiveBooking,
  findStartClashes,
  findStartedBookings,
  loadWorkerCalendars,
  nextBookingIds,
  openSuccessorIds,
  type StartClash,
} from './repair.repository.js';
import { repairBookings } from './repair.service.js';

export interface LiveContext {
  now: Date;
  utcOffsetMinutes: number;
  actor: string;
  /** minutes an overrunning or paused booking grows by at a time (MES_OVERRUN_STEP_MINUTES) */
  overrunStepMinutes: number;
}

/** The step whose booking changes (what the action locked). */
export interface LiveStep {
  id: string;
  planId: string;
  nodeId: string;
  workerId: string;
  stationId: string;
  substationId: string;
}

/** Minutes an overrunning booking grows by when nothing says otherwise. */
export const defaultOverrunStepMinutes = 15;

/** The calendar a started step's remaining work is laid out in: its worker's shifts (one place, for substation calendars to join). */
async function shiftsOf(trx: Db, workerId: string, ctx: { now: Date; utcOffsetMinutes: number }): Promise<Shifts> {
  const calendars = await loadWorkerCalendars(trx, [workerId], ctx.now);
  return { calendar: calendars.get(workerId)!, utcOffsetMinutes: ctx.utcOffsetMinutes };
}

function bookingEvent(step: LiveStep, from: { start: Date; end: Date }, to: { start: number; end: number }, cause: string): OutboxEvent {
  return {
    topic: 'assignments',
    entityType: 'assignment',
    entityId: step.id,
    change: 'booking_changed',
    planId: step.planId,
    workerId: step.workerId,
    stationId: step.stationId,
    payload: {
      nodeId: step.nodeId,
      substationId: step.substationId,
      plannedStart: new Date(to.start).toISOString(),
      plannedEnd: new Date(to.end).toISOString(),
      from: { plannedStart: from.start.toISOString(), plannedEnd: from.end.toISOString() },
      cause,
    },
  };
}

async function startedStep(trx: Trx, id: string) {
  const booking = (await findLiveBooking(trx, id))!;
  const step: StartedStep = { actualStart: booking.actualStart ?? booking.start, workMinutes: booking.workMinutes, pausedMinutes: booking.pausedMinutes };
  return { booking, step };
}

async function rebook(trx: Trx, step: LiveStep, from: { start: Date; end: Date }, to: { start: number; end: number }, ctx: LiveContext, cause: string) {
  const repair = await repairBookings(trx, {
    now: ctx.now,
    utcOffsetMinutes: ctx.utcOffsetMinutes,
    actor: ctx.actor,
    cause,
    anchors: [{ id: step.id, ...to }],
    workerIds: [step.workerId],
    substationIds: [step.substationId],
  });
  const written = repair.anchors.find((a) => a.id === step.id);
  return [bookingEvent(step, from, { start: to.start, end: written?.end ?? to.end }, cause), ...repair.events];
}

/** A start refused because a booking holds the step's worker or substation over its work from now, naming the holder. */
function heldBy(clash: StartClash, step: { workerId: string; substationId: string; workMinutes: number }, utcOffsetMinutes: number): Message {
  const at = (d: Date) => formatLocal(d.getTime(), utcOffsetMinutes, true);
  const who = clash.workerId === step.workerId ? m('worker.named', { workerId: step.workerId }) : m('substation.named', { substationId: step.substationId });
  return m('start.resource_booked', {
    who,
    by: clash.id,
    nodeId: clash.nodeId,
    planId: clash.planId,
    from: at(clash.plannedStart),
    to: at(clash.plannedEnd),
    minutes: Math.round(step.workMinutes),
  });
}

/**
 * Which of a worker's steps, each otherwise free to start, a booking holding
 * the worker or the substation would refuse now (as bookStart does), with
 * the refusal: what the worker's queue shows before the tap, in one read.
 */
export async function startHolds(
  db: Db,
  workerId: string,
  steps: { id: string; substationId: string; workMinutes: number }[],
  ctx: { now: Date; utcOffsetMinutes: number },
): Promise<Map<string, Message>> {
  if (steps.length === 0) return new Map();
  const shifts = await shiftsOf(db, workerId, ctx);
  const ends = steps.map((s) => ({ id: s.id, substationId: s.substationId, end: endAtStart(shifts, ctx.now, s.workMinutes) }));
  const clashes = await findStartClashes(db, { workerId, now: ctx.now, steps: ends });
  const holds = new Map<string, Message>();
  for (const s of steps) {
    const clash = clashes.get(s.id);
    if (clash) holds.set(s.id, heldBy(clash, { workerId, ...s }, ctx.utcOffsetMinutes));
  }
  return holds;
}

/**
 * Before a start: the worker and the substation must be free now, for the
 * step's work (a booking of another step that is started or pinned, or of
 * another worker's step already begun, over [now, expected end) refuses it:
 * 409 naming it; the worker's own not-started steps move aside). The booking
 * becomes [now, expected end]; the bookings it now overlaps move right.
 */
export async function bookStart(trx: Trx, step: LiveStep, ctx: LiveContext): Promise<OutboxEvent[]> {
  const booking = (await findLiveBooking(trx, step.id))!;
  const shifts = await shiftsOf(trx, step.workerId, ctx);
  const end = endAtStart(shifts, ctx.now, booking.workMinutes);
  const clash = (await findStartClashes(trx, { workerId: step.workerId, now: ctx.now, steps: [{ id: step.id, substationId: step.substationId, end }] })).get(
    step.id,
  );
  if (clash) {
    throw new DomainError('conflict', heldBy(clash, { ...step, workMinutes: booking.workMinutes }, ctx.utcOffsetMinutes), {
      conflictingAssignmentId: clash.id,
      conflictingPlanId: clash.planId,
    });
  }
  return rebook(trx, step, { start: booking.start, end: booking.end }, { start: ctx.now.getTime(), end }, ctx, 'start');
}

/** After a pause opened: the end becomes now + remaining work + one overrun step (open-ended; the sweep extends it). */
export async function bookPause(trx: Trx, step: LiveStep, ctx: LiveContext): Promise<OutboxEvent[]> {
  const { booking, step: started } = await startedStep(trx, step.id);
  const shifts = await shiftsOf(trx, step.workerId, ctx);
  const start = Math.min(booking.start.getTime(), started.actualStart.getTime());
  const end = endAtPause(shifts, started, ctx.now, ctx.overrunStepMinutes);
  return rebook(trx, step, booking, { start, end }, ctx, 'pause');
}

/** After the pause closed: the end becomes now + remaining work. */
export async function bookResume(trx: Trx, step: LiveStep, ctx: LiveContext): Promise<OutboxEvent[]> {
  const { booking, step: started } = await startedStep(trx, step.id);
  const shifts = await shiftsOf(trx, step.workerId, ctx);
  const start = Math.min(booking.start.getTime(), started.actualStart.getTime());
  const end = endAtResume(shifts, started, ctx.now, ctx.overrunStepMinutes);
  return rebook(trx, step, booking, { start, end }, ctx, 'resume');
}

/**
 * After a completion: the booking ends now (the rest is freed); when the plan
 * allows it (auto_compact), the step's successors and the next bookings of
 * its worker and substation move left to their earliest feasible time.
 */
export async function bookCompletion(trx: Trx, step: LiveStep, ctx: LiveContext): Promise<OutboxEvent[]> {
  await endBookingAt(trx, step.id, ctx.now);
  const successors = await openSuccessorIds(trx, step.id);
  const next = await nextBookingIds(trx, step.workerId, step.substationId, ctx.now);
  const repair = await repairBookings(trx, {
    now: ctx.now,
    utcOffsetMinutes: ctx.utcOffsetMinutes,
    actor: ctx.actor,
    cause: 'complete',
    workerIds: [step.workerId],
    substationIds: [step.substationId],
    ids: successors,
    compact: [...successors, ...next],
  });
  return repair.events;
}

/**
 * The overrun sweep: every started booking that no longer covers its
 * remaining work (an overrun, a long pause) grows by one step, and what that
 * pushes is repaired, in one transaction under the scheduling lock (several
 * instances take turns; the later finds nothing to do). Returns how many grew.
 */
export async function extendOverrunning(db: Db, ctx: LiveContext): Promise<{ extended: string[]; moved: string[] }> {
  return db.transaction().execute(async (trx) => {
    await lockScheduling(trx);
    const anchors: { id: string; start: number; end: number }[] = [];
    const steps = new Map<string, LiveStep & { start: Date; end: Date }>();
    for (const id of await findStartedBookings(trx)) {
      const { booking, step } = await startedStep(trx, id);
      const shifts = await shiftsOf(trx, booking.workerId, ctx);
      const end = grownEnd(shifts, step, booking.end, ctx.now, ctx.overrunStepMinutes);
      if (end === null) continue;
      anchors.push({ id, start: Math.min(booking.start.getTime(), step.actualStart.getTime()), end });
      steps.set(id, booking);
    }
    if (anchors.length === 0) return { extended: [], moved: [] };
    const repair = await repairBookings(trx, {
      now: ctx.now,
      utcOffsetMinutes: ctx.utcOffsetMinutes,
      actor: ctx.actor,
      cause: 'overrun',
      anchors,
      bumpAnchors: true,
      workerIds: [...steps.values()].map((s) => s.workerId),
      substationIds: [...steps.values()].map((s) => s.substationId),
    });
    const grown = repair.anchors.map((a) => {
      const step = steps.get(a.id)!;
      const anchor = anchors.find((x) => x.id === a.id)!;
      return { ...bookingEvent(step, step, { start: anchor.start, end: a.end }, 'overrun'), change: 'booking_extended' };
    });
    await recordEvents(trx, [...grown, ...repair.events], ctx.actor);
    return { extended: repair.anchors.map((a) => a.id), moved: repair.moved.map((b) => b.id) };
  });
}

/** The live-booking context of a shop-floor action: its clock, actor and overrun step. */
export function liveContext(t: { now: Date; actor: string }, clock: { utcOffsetMinutes: number; overrunStepMinutes?: number | undefined }): LiveContext {
  return { now: t.now, actor: t.actor, utcOffsetMinutes: clock.utcOffsetMinutes, overrunStepMinutes: clock.overrunStepMinutes ?? defaultOverrunStepMinutes };
}

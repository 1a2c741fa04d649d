/**
 * The live booking of a started step (issue #15), pure: where its end is, given
 * the work it still needs, the worker's shifts and the clock.
 *
 * The model, written down once:
 *  - start at t: the booking becomes [t, t + work in the worker's shifts);
 *  - pause at t: the end becomes t + remaining work + one overrun step (in
 *    shifts): a paused step keeps its resources, and its end is open-ended in
 *    steps (the sweep re-extends it while the pause lasts);
 *  - resume at t: the end becomes t + remaining work in shifts (one step when
 *    nothing remains: an overrun);
 *  - the sweep (every minute): a started step whose end is reached (an
 *    overrun) or falls short of now + its remaining work (a long pause) grows
 *    to now + remaining + one step;
 *  - complete at t: the end becomes t (the rest of the booking is freed).
 * On shift, the remaining work follows the worker's shifts (it stops over a
 * shift's end and goes on in the next); a step started, paused or resumed
 * outside the shifts (overtime: the worker is evidently there) runs on by the
 * clock.
 * Remaining work = booked work minutes − worked minutes so far (wall clock
 * since the actual start, less paused minutes, as completion counts them),
 * never below zero.
 */
import { CompiledCalendar, MINUTE_MS } from '../../scheduler/calendar.js';
import type { ShiftCalendar } from '../../scheduler/index.js';

export interface StartedStep {
  actualStart: Date;
  workMinutes: number;
  /** paused minutes so far, closed pauses and the open one up to now */
  pausedMinutes: number;
}

export interface Shifts {
  calendar: ShiftCalendar;
  utcOffsetMinutes: number;
}

/** Work minutes still to do at `now`. */
export function remainingMinutes(step: StartedStep, now: Date): number {
  const worked = (now.getTime() - step.actualStart.getTime()) / MINUTE_MS - step.pausedMinutes;
  return Math.max(0, step.workMinutes - Math.max(0, worked));
}

function addWork(shifts: Shifts, from: number, minutes: number): number {
  const calendar = new CompiledCalendar(shifts.calendar, shifts.utcOffsetMinutes, from);
  // outside the shifts the worker is evidently at work (overtime): the step runs on by the clock
  if (!calendar.isOnShift(from)) return from + minutes * MINUTE_MS;
  const end = calendar.addWork(from, minutes * MINUTE_MS);
  // beyond the calendar's horizon: keep the booking finite, by the clock
  return Number.isFinite(end) ? end : from + Math.max(minutes, 1) * MINUTE_MS;
}

/** The booking's end when the step starts at `now` with all of its work ahead. */
export function endAtStart(shifts: Shifts, now: Date, workMinutes: number): number {
  return Math.max(addWork(shifts, now.getTime(), workMinutes), now.getTime() + MINUTE_MS);
}

/** The booking's end when the step pauses at `now`: remaining work plus one step, open-ended. */
export function endAtPause(shifts: Shifts, step: StartedStep, now: Date, stepMinutes: number): number {
  return Math.max(addWork(shifts, now.getTime(), remainingMinutes(step, now) + stepMinutes), now.getTime() + MINUTE_MS);
}

/** The booking's end when the step resumes at `now`. */
export function endAtResume(shifts: Shifts, step: StartedStep, now: Date, stepMinutes: number): number {
  const remaining = remainingMinutes(step, now);
  return Math.max(addWork(shifts, now.getTime(), remaining > 0 ? remaining : stepMinutes), now.getTime() + MINUTE_MS);
}

/** The sweep: the grown end of a started step whose booking no longer covers its remaining work, or null when it still does. */
export function grownEnd(shifts: Shifts, step: StartedStep, currentEnd: Date, now: Date, stepMinutes: number): number | null {
  const remaining = remainingMinutes(step, now);
  const needed = Math.max(addWork(shifts, now.getTime(), remaining), now.getTime());
  // a second of slack: a running step on shift needs exactly the end it has
  if (currentEnd.getTime() > now.getTime() && currentEnd.getTime() + 1000 >= needed) return null;
  return Math.max(addWork(shifts, now.getTime(), remaining + stepMinutes), now.getTime() + MINUTE_MS);
}

/**
 * When a step can run: on its worker's shift AND while its substation is
 * available (its availability calendar; none = always), never inside one of
 * the substation's maintenance blocks. The scheduler (model.ts: the calendar
 * of a worker-substation pair; blocks are busy intervals of the substation)
 * and a planner's move (pins.service.ts: stepWindow) both go through here, so
 * the calendar arithmetic exists once.
 */
import { CompiledCalendar, DAY_MS, intersectCalendars, MINUTE_MS } from './calendar.js';
import type { ShiftCalendar } from './types.js';

/** A maintenance block of a substation, half-open [start, end), epoch ms. */
export interface SubstationBlock {
  id: string;
  start: number;
  end: number;
  reason?: string;
}

/** The calendar a step on this worker and substation works in (the worker's alone when the substation is always available). */
export function bookingCalendar(worker: ShiftCalendar, substation: ShiftCalendar | undefined | null): ShiftCalendar {
  return substation ? intersectCalendars(worker, substation) : worker;
}

export type StepWindow =
  | { ok: true; end: number }
  /** the worker is off shift at the start */
  | { ok: false; rule: 'off_shift' }
  /** the substation is outside its availability calendar at the start */
  | { ok: false; rule: 'unavailable' }
  /** the work does not fit in the calendars' horizon */
  | { ok: false; rule: 'no_fit' }
  /** the booking [start, end) crosses a maintenance block of the substation (the first one) */
  | { ok: false; rule: 'blocked'; end: number; block: SubstationBlock };

/**
 * The booking of `minutes` of work starting at `start` on a worker and a
 * substation: it must start on the worker's shift and inside the substation's
 * availability, continues over the gaps of both (as the scheduler books it)
 * and must not cross a block.
 */
export function stepWindow(req: {
  workerCalendar: ShiftCalendar;
  substationCalendar?: ShiftCalendar | null;
  blocks: readonly SubstationBlock[];
  utcOffsetMinutes: number;
  start: number;
  minutes: number;
  horizonDays?: number;
}): StepWindow {
  const { start, utcOffsetMinutes: offset } = req;
  const horizon = req.horizonDays ?? 366;
  if (!new CompiledCalendar(req.workerCalendar, offset, start, 2).isOnShift(start)) return { ok: false, rule: 'off_shift' };
  if (req.substationCalendar && !new CompiledCalendar(req.substationCalendar, offset, start, 2).isOnShift(start)) return { ok: false, rule: 'unavailable' };
  const cal = new CompiledCalendar(bookingCalendar(req.workerCalendar, req.substationCalendar), offset, start, horizon);
  const end = cal.addWork(start, req.minutes * MINUTE_MS);
  if (!Number.isFinite(end) || end > start + horizon * DAY_MS) return { ok: false, rule: 'no_fit' };
  const block = [...req.blocks].sort((a, b) => a.start - b.start).find((b) => b.start < end && b.end > start);
  if (block) return { ok: false, rule: 'blocked', end, block };
  return { ok: true, end };
}

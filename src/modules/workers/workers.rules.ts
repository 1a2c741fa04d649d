/**
 * Pure rules of workers and shift calendars: "is this calendar on shift at t",
 * the status the API reports, and the validation of calendar windows.
 *
 * Local time = UTC + utcOffsetMinutes (the plant's offset). Windows are
 * half-open [startMinute, endMinute) minutes from local midnight on a weekday
 * (0 = Sunday). Exceptions are local dates whose rows replace that weekday's
 * windows; a row without minutes makes the date a day off.
 */
import type { StoredWorkerStatus } from '../../shared/schema.js';
import { calendarGainsTime, isOnShift as schedulerIsOnShift } from '../../scheduler/calendar.js';
import type { ShiftCalendar } from '../../scheduler/types.js';
import { detail, m, type Message, type ProblemDetail } from '../../shared/errors.js';
import type { WorkerStatus } from './workers.schema.js';

export interface CalendarWindow {
  weekday: number;
  startMinute: number;
  endMinute: number;
}

export interface CalendarException {
  date: string;
  startMinute?: number | null | undefined;
  endMinute?: number | null | undefined;
}

export interface CalendarTimes {
  windows: readonly CalendarWindow[];
  exceptions: readonly CalendarException[];
}

/** Local date (YYYY-MM-DD), weekday (0 = Sunday) and minute of the day of an instant. */
export function localTime(at: Date, utcOffsetMinutes: number): { date: string; weekday: number; minute: number } {
  const local = new Date(at.getTime() + utcOffsetMinutes * 60_000);
  return { date: local.toISOString().slice(0, 10), weekday: local.getUTCDay(), minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/** The calendar as the scheduler reads it: windows per weekday, exceptions per date ([] = day off). */
export function toSchedulerCalendar(calendar: CalendarTimes): ShiftCalendar {
  const weekly: ShiftCalendar['weekly'] = Array.from({ length: 7 }, () => []);
  for (const w of calendar.windows) weekly[w.weekday]?.push({ start: w.startMinute, end: w.endMinute });
  const byDate = new Map<string, { start: number; end: number }[]>();
  for (const e of calendar.exceptions) {
    const list = byDate.get(e.date) ?? [];
    if (e.startMinute != null && e.endMinute != null) list.push({ start: e.startMinute, end: e.endMinute });
    byDate.set(e.date, list);
  }
  return { weekly, exceptions: [...byDate].map(([date, windows]) => ({ date, windows })) };
}

/**
 * Whether a resource whose calendar went from `before` to `after` (null: none, always available) gained time on
 * shift: its auto_compact plans' bookings may then move left (the calendar change's repair compacts).
 */
export function calendarGained(before: CalendarTimes | null, after: CalendarTimes | null): boolean {
  return calendarGainsTime(before && toSchedulerCalendar(before), after && toSchedulerCalendar(after));
}

/** Whether a window of the calendar covers the instant `at` (the scheduler's own rule, so both agree). */
export function isOnShift(calendar: CalendarTimes, at: Date, utcOffsetMinutes: number): boolean {
  return schedulerIsOnShift(toSchedulerCalendar(calendar), utcOffsetMinutes, at.getTime());
}

/**
 * The status the API reports: the stored one, except that an available worker
 * whose calendar has no window now is `off_shift`. A worker without a
 * calendar has no shift limits.
 */
export function reportedStatus(stored: StoredWorkerStatus, calendar: CalendarTimes | null, at: Date, utcOffsetMinutes: number): WorkerStatus {
  if (stored === 'available' && calendar && !isOnShift(calendar, at, utcOffsetMinutes)) return 'off_shift';
  return stored;
}

/**
 * What is wrong with a calendar's windows and exceptions (empty = valid).
 * Fields are paths inside the calendar document (windows/2/endMinute).
 */
export function shiftCalendarProblems(calendar: CalendarTimes): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const spans: { key: Message; group: string; start: number; end: number; field: string; label: Message }[] = [];

  calendar.windows.forEach((w, i) => {
    if (w.startMinute >= w.endMinute) problems.push(detail(`windows/${i}/endMinute`, m('calendar.end_after_start')));
    else
      spans.push({
        key: m('calendar.weekday', { weekday: w.weekday }),
        group: `weekday ${w.weekday}`,
        start: w.startMinute,
        end: w.endMinute,
        field: `windows/${i}`,
        label: m('calendar.window', { index: i }),
      });
  });

  const daysOff = new Map<string, number>();
  const workingDates = new Map<string, number>();
  calendar.exceptions.forEach((e, i) => {
    const start = e.startMinute ?? null;
    const end = e.endMinute ?? null;
    if (start === null && end === null) {
      if (daysOff.has(e.date)) problems.push(detail(`exceptions/${i}`, m('calendar.day_off_twice', { date: e.date })));
      daysOff.set(e.date, i);
    } else if (start === null || end === null) {
      problems.push(detail(`exceptions/${i}/${start === null ? 'startMinute' : 'endMinute'}`, m('calendar.both_minutes_or_neither')));
    } else if (start >= end) {
      problems.push(detail(`exceptions/${i}/endMinute`, m('calendar.end_after_start')));
    } else {
      if (!workingDates.has(e.date)) workingDates.set(e.date, i);
      spans.push({ key: m('raw.text', { text: e.date }), group: e.date, start, end, field: `exceptions/${i}`, label: m('calendar.exception', { index: i }) });
    }
  });
  for (const [date, i] of daysOff) {
    if (workingDates.has(date)) problems.push(detail(`exceptions/${i}`, m('calendar.day_off_with_windows', { date, exception: workingDates.get(date)! })));
  }

  // overlaps, among windows of one weekday and among exception windows of one date; touching is fine
  const byKey = new Map<string, typeof spans>();
  for (const s of spans) byKey.set(s.group, [...(byKey.get(s.group) ?? []), s]);
  for (const list of byKey.values()) {
    const sorted = [...list].sort((a, b) => a.start - b.start || a.end - b.end);
    for (let j = 1; j < sorted.length; j++) {
      const prev = sorted.slice(0, j).find((p) => p.end > sorted[j]!.start);
      if (prev) problems.push(detail(sorted[j]!.field, m('calendar.overlaps', { other: prev.label, on: sorted[j]!.key })));
    }
  }
  return problems;
}

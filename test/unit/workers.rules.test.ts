import { describe, expect, it } from 'vitest';
import { isOnShift, localTime, reportedStatus, shiftCalendarProblems, type CalendarTimes } from '../../src/modules/workers/workers.rules.js';

// 2026-03-02 is a Monday
const at = (iso: string) => new Date(iso);
const weekdays = (start: number, end: number) => [1, 2, 3, 4, 5].map((weekday) => ({ weekday, startMinute: start, endMinute: end }));
const day: CalendarTimes = { windows: weekdays(6 * 60, 14 * 60), exceptions: [] };

describe('isOnShift', () => {
  it('covers [start, end) of the weekday windows', () => {
    expect(isOnShift(day, at('2026-03-02T05:59:00Z'), 0)).toBe(false);
    expect(isOnShift(day, at('2026-03-02T06:00:00Z'), 0)).toBe(true);
    expect(isOnShift(day, at('2026-03-02T13:59:59Z'), 0)).toBe(true);
    expect(isOnShift(day, at('2026-03-02T14:00:00Z'), 0)).toBe(false);
    expect(isOnShift(day, at('2026-03-07T10:00:00Z'), 0)).toBe(false); // Saturday
  });

  it('reads windows in plant local time, across the date line', () => {
    expect(localTime(at('2026-03-01T22:30:00Z'), 180)).toEqual({ date: '2026-03-02', weekday: 1, minute: 90 });
    expect(isOnShift(day, at('2026-03-02T03:00:00Z'), 180)).toBe(true); // 06:00 local
    expect(isOnShift(day, at('2026-03-02T06:00:00Z'), -60)).toBe(false); // 05:00 local
    const night: CalendarTimes = { windows: [{ weekday: 1, startMinute: 0, endMinute: 120 }], exceptions: [] };
    expect(isOnShift(night, at('2026-03-01T22:30:00Z'), 180)).toBe(true); // Sunday UTC, Monday 01:30 local
    expect(isOnShift(night, at('2026-03-01T22:30:00Z'), 0)).toBe(false);
  });

  it('lets exceptions replace the day: a day off, or other hours', () => {
    const holiday: CalendarTimes = {
      windows: day.windows,
      exceptions: [
        { date: '2026-03-02', startMinute: null, endMinute: null },
        { date: '2026-03-03', startMinute: 10 * 60, endMinute: 12 * 60 },
        { date: '2026-03-07', startMinute: 8 * 60, endMinute: 9 * 60 },
      ],
    };
    expect(isOnShift(holiday, at('2026-03-02T08:00:00Z'), 0)).toBe(false);
    expect(isOnShift(holiday, at('2026-03-03T08:00:00Z'), 0)).toBe(false);
    expect(isOnShift(holiday, at('2026-03-03T11:00:00Z'), 0)).toBe(true);
    expect(isOnShift(holiday, at('2026-03-07T08:30:00Z'), 0)).toBe(true); // a working Saturday
    expect(isOnShift(holiday, at('2026-03-04T08:00:00Z'), 0)).toBe(true); // untouched Wednesday
  });
});

describe('reportedStatus', () => {
  const now = at('2026-03-07T10:00:00Z'); // Saturday: off shift for the day calendar
  it('reports off_shift only for available workers outside their shift', () => {
    expect(reportedStatus('available', day, now, 0)).toBe('off_shift');
    expect(reportedStatus('available', day, at('2026-03-02T10:00:00Z'), 0)).toBe('available');
    expect(reportedStatus('busy', day, now, 0)).toBe('busy');
    expect(reportedStatus('on_break', day, now, 0)).toBe('on_break');
    expect(reportedStatus('available', null, now, 0)).toBe('available'); // no calendar, no shift limits
  });
});

describe('shiftCalendarProblems', () => {
  it('accepts touching windows, the same hours on other days, and a day off', () => {
    const ok: CalendarTimes = {
      windows: [...weekdays(360, 840), ...weekdays(840, 1320), { weekday: 0, startMinute: 0, endMinute: 1440 }],
      exceptions: [{ date: '2026-12-25' }, { date: '2026-12-24', startMinute: 360, endMinute: 600 }, { date: '2026-12-24', startMinute: 600, endMinute: 700 }],
    };
    expect(shiftCalendarProblems(ok)).toEqual([]);
  });

  it('names windows that end before they start or overlap on one weekday', () => {
    expect(shiftCalendarProblems({ windows: [{ weekday: 1, startMinute: 600, endMinute: 600 }], exceptions: [] })).toMatchObject([
      { field: 'windows/0/endMinute', message: 'endMinute must be after startMinute' },
    ]);
    expect(
      shiftCalendarProblems({
        windows: [
          { weekday: 2, startMinute: 600, endMinute: 900 },
          { weekday: 2, startMinute: 360, endMinute: 480 },
          { weekday: 2, startMinute: 420, endMinute: 700 },
        ],
        exceptions: [],
      }),
    ).toMatchObject([
      { field: 'windows/2', message: 'overlaps window 1 on weekday 2' },
      { field: 'windows/0', message: 'overlaps window 2 on weekday 2' },
    ]);
  });

  it('names inconsistent exceptions', () => {
    const problems = shiftCalendarProblems({
      windows: [],
      exceptions: [
        { date: '2026-05-01', startMinute: 360 },
        { date: '2026-05-02', startMinute: 600, endMinute: 500 },
        { date: '2026-05-03' },
        { date: '2026-05-03', startMinute: 360, endMinute: 600 },
        { date: '2026-05-04' },
        { date: '2026-05-04', startMinute: null, endMinute: null },
        { date: '2026-05-05', startMinute: 360, endMinute: 600 },
        { date: '2026-05-05', startMinute: 500, endMinute: 700 },
      ],
    });
    expect(problems.map((p) => p.field)).toEqual(['exceptions/0/endMinute', 'exceptions/1/endMinute', 'exceptions/5', 'exceptions/2', 'exceptions/7']);
    expect(problems[2]!.message).toMatch(/day off twice/);
    expect(problems[3]!.message).toMatch(/day off and has working windows/);
    expect(problems[4]!.message).toBe('overlaps exception 6 on 2026-05-05');
  });
});

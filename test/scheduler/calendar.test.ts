import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWorkingMinutes, calendarGainsTime, isOnShift, nextShiftStart, workingMinutesBetween, type ShiftCalendar } from '../../src/scheduler/index.js';
import { isOnShiftAt, onShiftMs } from './checker.js';

const MIN = 60_000;
const MON = Date.UTC(2024, 2, 4); // Monday 2024-03-04 00:00 UTC
const at = (day: number, h: number, m = 0): number => MON + day * 86_400_000 + (h * 60 + m) * MIN;

const weekdays = (start: number, end: number): ShiftCalendar => ({
  weekly: [[], [{ start, end }], [{ start, end }], [{ start, end }], [{ start, end }], [{ start, end }], []],
});

describe('calendar helpers', () => {
  const day = weekdays(8 * 60, 16 * 60);

  it('nextShiftStart returns t inside a shift, else the next window start', () => {
    expect(nextShiftStart(day, 0, at(0, 9))).toBe(at(0, 9));
    expect(nextShiftStart(day, 0, at(0, 7))).toBe(at(0, 8));
    expect(nextShiftStart(day, 0, at(0, 16))).toBe(at(1, 8)); // end is exclusive
    expect(nextShiftStart(day, 0, at(4, 17))).toBe(at(7, 8)); // Friday evening -> Monday
    expect(nextShiftStart({ weekly: [] }, 0, at(0, 0))).toBeNull();
  });

  it('addWorkingMinutes continues in the next shift', () => {
    expect(addWorkingMinutes(day, 0, at(0, 9), 60)).toBe(at(0, 10));
    expect(addWorkingMinutes(day, 0, at(0, 15), 120)).toBe(at(1, 9));
    expect(addWorkingMinutes(day, 0, at(4, 15), 120)).toBe(at(7, 9)); // over the weekend
    expect(addWorkingMinutes(day, 0, at(0, 6), 30)).toBe(at(0, 8, 30)); // starts at the next shift
    expect(addWorkingMinutes(day, 0, at(0, 8), 480)).toBe(at(0, 16)); // ends exactly at shift end
  });

  it('honours the UTC offset (local = UTC + offset)', () => {
    // 08:00 local at UTC+3 is 05:00 UTC
    expect(nextShiftStart(day, 180, at(0, 0))).toBe(at(0, 5));
    // 08:00 local at UTC-5 is 13:00 UTC
    expect(nextShiftStart(day, -300, at(0, 0))).toBe(at(0, 13));
  });

  it('exceptions replace the weekly windows of a local date', () => {
    const cal: ShiftCalendar = {
      ...day,
      exceptions: [
        { date: '2024-03-05', windows: [] }, // Tuesday off
        { date: '2024-03-09', windows: [{ start: 600, end: 660 }] }, // Saturday 10-11
      ],
    };
    expect(addWorkingMinutes(cal, 0, at(0, 15), 120)).toBe(at(2, 9));
    expect(nextShiftStart(cal, 0, at(4, 17))).toBe(at(5, 10));
    expect(workingMinutesBetween(cal, 0, at(0, 0), at(7, 0))).toBe(4 * 480 + 60);
  });

  it('windows touching midnight form one continuous shift', () => {
    const night: ShiftCalendar = {
      weekly: Array.from({ length: 7 }, () => [
        { start: 0, end: 360 },
        { start: 1320, end: 1440 },
      ]),
    };
    expect(isOnShift(night, 0, at(1, 0))).toBe(true);
    expect(addWorkingMinutes(night, 0, at(0, 23), 180)).toBe(at(1, 2));
    expect(isOnShift(night, 0, at(1, 6))).toBe(false);
  });

  it('addWorkingMinutes agrees with a window-by-window count (property)', () => {
    const arbWin = fc.uniqueArray(fc.integer({ min: 0, max: 48 }), { minLength: 2, maxLength: 4 }).map((p) => {
      const s = p.slice().sort((a, b) => a - b);
      const out: { start: number; end: number }[] = [];
      for (let i = 0; i + 1 < s.length; i += 2) out.push({ start: s[i]! * 30, end: s[i + 1]! * 30 });
      return out;
    });
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant<{ start: number; end: number }[]>([]), arbWin), { minLength: 7, maxLength: 7 }),
        fc.constantFrom(0, 60, -300, 330, 840),
        fc.integer({ min: 0, max: 7 * 1440 }),
        fc.integer({ min: 1, max: 2000 }),
        (weekly, off, startMin, minutes) => {
          fc.pre(weekly.some((d) => d.length > 0));
          const cal: ShiftCalendar = { weekly };
          const start = MON + startMin * MIN + 1234;
          // Any 7 consecutive days hold exactly one week's shift minutes, so the
          // 366-day horizon surely holds 52 weeks of work and surely not 53.
          const perWeek = weekly.flat().reduce((n, w) => n + (w.end - w.start), 0);
          if (perWeek * 53 < minutes) {
            expect(() => addWorkingMinutes(cal, off, start, minutes)).toThrow(RangeError);
            return;
          }
          fc.pre(perWeek * 52 >= minutes);
          const end = addWorkingMinutes(cal, off, start, minutes);
          const s0 = nextShiftStart(cal, off, start)!;
          expect(isOnShiftAt(cal, off, s0)).toBe(true);
          expect(onShiftMs(cal, off, start, s0)).toBe(0);
          expect(onShiftMs(cal, off, s0, end)).toBe(minutes * MIN);
          expect(isOnShiftAt(cal, off, end - 1)).toBe(true);
          expect(workingMinutesBetween(cal, off, s0, end)).toBe(minutes);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('a calendar change that gains time (the repair may then pull bookings left)', () => {
  const day = weekdays(8 * 60, 16 * 60);

  it('gains time when a window grows, a day opens or a resource loses its calendar; not when time is only taken away', () => {
    expect(calendarGainsTime(day, weekdays(7 * 60, 16 * 60))).toBe(true);
    expect(calendarGainsTime(day, { weekly: [[{ start: 600, end: 660 }], ...day.weekly.slice(1)] })).toBe(true); // Sunday opens
    expect(calendarGainsTime(day, null)).toBe(true);
    expect(calendarGainsTime(day, day)).toBe(false);
    expect(calendarGainsTime(day, weekdays(9 * 60, 15 * 60))).toBe(false);
    expect(calendarGainsTime(null, day)).toBe(false);
    expect(calendarGainsTime(null, null)).toBe(false);
    // two windows that touch are one span: 8-12 and 12-16 cover 10-14
    expect(
      calendarGainsTime(
        {
          weekly: day.weekly.map((w) =>
            w.length
              ? [
                  { start: 480, end: 720 },
                  { start: 720, end: 960 },
                ]
              : [],
          ),
        },
        { weekly: day.weekly.map((w) => (w.length ? [{ start: 600, end: 840 }] : [])) },
      ),
    ).toBe(false);
  });

  it('reads dated exceptions against the other calendar’s day', () => {
    // a Saturday opened by an exception; a Monday closed by one, then the closure dropped
    expect(calendarGainsTime(day, { ...day, exceptions: [{ date: '2024-03-09', windows: [{ start: 480, end: 600 }] }] })).toBe(true);
    expect(calendarGainsTime(day, { ...day, exceptions: [{ date: '2024-03-04', windows: [] }] })).toBe(false);
    expect(calendarGainsTime({ ...day, exceptions: [{ date: '2024-03-04', windows: [] }] }, day)).toBe(true);
    // an exception on a weekday that keeps within the weekday's window
    expect(calendarGainsTime(day, { ...day, exceptions: [{ date: '2024-03-05', windows: [{ start: 540, end: 600 }] }] })).toBe(false);
  });
});

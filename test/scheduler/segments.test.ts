/** workedSegments: a booking split by its worker's shift gaps (the Gantt draws these), consistent with addWorkingMinutes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addWorkingMinutes, type ShiftCalendar, workedSegments } from '../../src/scheduler/index.js';
import { onShiftMs } from './checker.js';

const MIN = 60_000;
const MON = Date.UTC(2024, 2, 4); // Monday 2024-03-04 00:00 UTC
const at = (day: number, h: number, m = 0): number => MON + day * 86_400_000 + (h * 60 + m) * MIN;
const weekdays = (start: number, end: number): ShiftCalendar => ({
  weekly: [[], [{ start, end }], [{ start, end }], [{ start, end }], [{ start, end }], [{ start, end }], []],
});
const day = weekdays(8 * 60, 16 * 60);
const always: ShiftCalendar = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };

describe('workedSegments', () => {
  it('a step inside one shift is one segment', () => {
    expect(workedSegments(day, 0, at(0, 9), at(0, 10))).toEqual([{ start: at(0, 9), end: at(0, 10) }]);
  });

  it('a step over the end of a shift is two segments with the night between them', () => {
    expect(workedSegments(day, 0, at(0, 15, 30), { minutes: 60 })).toEqual([
      { start: at(0, 15, 30), end: at(0, 16) },
      { start: at(1, 8), end: at(1, 8, 30) },
    ]);
  });

  it('over a weekend, and by a local offset', () => {
    expect(workedSegments(day, 0, at(4, 15), at(7, 9))).toEqual([
      { start: at(4, 15), end: at(4, 16) },
      { start: at(7, 8), end: at(7, 9) },
    ]);
    // 08:00-16:00 at UTC+3 is 05:00-13:00 UTC
    expect(workedSegments(day, 180, at(0, 12), { minutes: 120 })).toEqual([
      { start: at(0, 12), end: at(0, 13) },
      { start: at(1, 5), end: at(1, 6) },
    ]);
  });

  it('a round-the-clock calendar keeps the booking whole, across midnight; an empty span has none', () => {
    expect(workedSegments(always, 0, at(0, 23), at(1, 2))).toEqual([{ start: at(0, 23), end: at(1, 2) }]);
    expect(workedSegments(day, 0, at(0, 9), at(0, 9))).toEqual([]);
  });

  it('split shifts: one segment per window touched', () => {
    const split: ShiftCalendar = {
      weekly: Array.from({ length: 7 }, () => [
        { start: 6 * 60, end: 10 * 60 },
        { start: 11 * 60, end: 15 * 60 },
      ]),
    };
    expect(workedSegments(split, 0, at(0, 9), { minutes: 120 })).toEqual([
      { start: at(0, 9), end: at(0, 10) },
      { start: at(0, 11), end: at(0, 12) },
    ]);
  });

  it('gives a night shift that runs over the end of the calendar days compiled first as one segment', () => {
    // 22:00-24:00 and 00:00-02:00 every day: one shift a night; the calendar compiles 14 days at a time, and the
    // night from the 14th day to the 15th was the start of a segment twice, its first part and then the whole
    const nights: ShiftCalendar = {
      weekly: Array.from({ length: 7 }, () => [
        { start: 0, end: 120 },
        { start: 1320, end: 1440 },
      ]),
    };
    const segs = workedSegments(nights, 0, at(0, 22), { minutes: 20 * 240 });
    expect(segs).toEqual(Array.from({ length: 20 }, (_, d) => ({ start: at(d, 22), end: at(d + 1, 2) })));
  });

  it('segments are disjoint, ordered, on shift, and sum to the booked minutes (property)', () => {
    const windows = fc
      .array(fc.tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 1, max: 600 })), { minLength: 1, maxLength: 3 })
      .map((ws) => ws.map(([s, len]) => ({ start: s, end: Math.min(1440, s + len) })));
    fc.assert(
      fc.property(
        fc.array(windows, { minLength: 7, maxLength: 7 }),
        fc.integer({ min: 0, max: 7 * 24 * 60 }),
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: -720, max: 840 }),
        (weekly, startMin, minutes, offset) => {
          // within the calendar's horizon (a year: a calendar of a minute a day cannot hold 3,000 minutes); each day
          // holds at least its longest window, so 50 weeks of those are a lower bound of what a year holds
          const weekMinimum = weekly.reduce((sum, day) => sum + Math.max(...day.map((w) => w.end - w.start)), 0);
          fc.pre(minutes <= 50 * weekMinimum);
          const cal: ShiftCalendar = { weekly };
          const start = MON + startMin * MIN;
          const end = addWorkingMinutes(cal, offset, start, minutes);
          const segs = workedSegments(cal, offset, start, { minutes });
          expect(segs.reduce((sum, s) => sum + (s.end - s.start), 0)).toBe(minutes * MIN);
          for (let i = 0; i < segs.length; i++) {
            const s = segs[i]!;
            expect(s.end).toBeGreaterThan(s.start);
            expect(onShiftMs(cal, offset, s.start, s.end)).toBe(s.end - s.start);
            if (i > 0) expect(s.start).toBeGreaterThan(segs[i - 1]!.end);
          }
          expect(segs.at(-1)!.end).toBe(end);
        },
      ),
      { numRuns: 200 },
    );
  });
});

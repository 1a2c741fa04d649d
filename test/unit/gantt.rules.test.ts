/** The interval arithmetic behind a Gantt bar's worked segments (pure). */
import { describe, expect, it } from 'vitest';
import { bookingSegments, intersectIntervals, subtractIntervals } from '../../src/modules/scheduling/gantt.rules.js';
import type { ShiftCalendar } from '../../src/scheduler/index.js';

const H = 3_600_000;
const DAY0 = Date.UTC(2024, 2, 4); // a Monday
const always: ShiftCalendar = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };
const days = (start: number, end: number): ShiftCalendar => ({ weekly: Array.from({ length: 7 }, () => [{ start: start * 60, end: end * 60 }]) });
const iv = (a: number, b: number) => ({ start: DAY0 + a * H, end: DAY0 + b * H });

describe('Gantt interval rules', () => {
  it('intersects two ordered interval lists', () => {
    expect(intersectIntervals([iv(0, 4), iv(6, 10)], [iv(2, 7), iv(9, 12)])).toEqual([iv(2, 4), iv(6, 7), iv(9, 10)]);
    expect(intersectIntervals([iv(0, 1)], [iv(1, 2)])).toEqual([]);
  });

  it('subtracts blocks in any order, overlapping or not', () => {
    expect(subtractIntervals([iv(0, 10)], [iv(6, 7), iv(2, 3), iv(2.5, 4)])).toEqual([iv(0, 2), iv(4, 6), iv(7, 10)]);
    expect(subtractIntervals([iv(0, 2)], [iv(0, 2)])).toEqual([]);
    expect(subtractIntervals([iv(0, 2)], [iv(3, 1)])).toEqual([iv(0, 2)]);
  });

  it("a booking is worked where the worker's shift, the substation's availability and no block meet", () => {
    // worker 06-14, substation 08-20, a block 10-11: a booking 07-13 is worked 08-10 and 11-13
    expect(bookingSegments(DAY0 + 7 * H, DAY0 + 13 * H, days(6, 14), days(8, 20), [iv(10, 11)], 0)).toEqual([iv(8, 10), iv(11, 13)]);
    // overnight on a round-the-clock worker at a day-shift substation
    expect(bookingSegments(DAY0 + 18 * H, DAY0 + 33 * H, always, days(8, 20), [], 0)).toEqual([iv(18, 20), iv(32, 33)]);
    // nothing worked at all: drawn whole rather than vanish
    expect(bookingSegments(DAY0 + 1 * H, DAY0 + 2 * H, days(8, 9), always, [], 0)).toEqual([iv(1, 2)]);
  });
});

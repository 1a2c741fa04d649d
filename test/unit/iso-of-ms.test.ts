/** isoOfMs writes what Date.toISOString writes, for any millisecond, including those far from the last one asked about. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoOfMs } from '../../src/shared/dates.js';

describe('isoOfMs', () => {
  it('equals toISOString for whole and fractional milliseconds across the years toISOString writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.double({ min: 0, max: 0.999, noNaN: true }), (ms, fraction) => {
        expect(isoOfMs(ms + fraction)).toBe(new Date(Math.trunc(ms + fraction)).toISOString());
      }),
    );
  });

  it("equals it on a day's edges, before 1970 and in leap years, one call after another", () => {
    const day = Date.UTC(2028, 1, 29);
    for (const ms of [
      day - 1,
      day,
      day + 86_399_999,
      day + 86_400_000,
      Date.UTC(1969, 11, 31, 23, 59, 59, 999),
      0,
      -1,
      Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    ]) {
      expect(isoOfMs(ms)).toBe(new Date(ms).toISOString());
    }
  });
});

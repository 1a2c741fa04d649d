/** The gap index (src/scheduler/gaps.ts) answers exactly as the decoder's linear walk over a busy list. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GapIndex, skipShortLinear } from '../../src/scheduler/gaps.js';

/** Sorted, disjoint busy intervals from (gap before, length) pairs: gaps of 0 (back to back) and long runs included. */
const busyList = fc
  .array(fc.tuple(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 200 })), fc.integer({ min: 1, max: 30 })), {
    maxLength: 300,
    size: 'max', // long lists too: below 33 intervals from k the index is not used
  })
  .map((pairs) => {
    const starts: number[] = [];
    const ends: number[] = [];
    let t = 0;
    for (const [gap, len] of pairs) {
      t += gap;
      starts.push(t);
      t += len;
      ends.push(t);
    }
    return { starts, ends };
  });

describe('GapIndex.skipShort', () => {
  it('stops where the linear walk stops, for any start index, time and length', () => {
    fc.assert(
      fc.property(
        busyList,
        fc.nat(),
        fc.integer({ min: -50, max: 6000 }),
        fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 1, max: 120 })),
        ({ starts, ends }, k0, t, len) => {
          const k = starts.length === 0 ? 0 : k0 % (starts.length + 1);
          const index = new GapIndex(starts, ends);
          expect(index.skipShort(k, t, len)).toBe(skipShortLinear(starts, ends, k, t, len));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('from the first interval that ends after t (as the decoder asks), over every length', () => {
    fc.assert(
      fc.property(busyList, fc.integer({ min: 0, max: 6000 }), ({ starts, ends }, t) => {
        let k = 0;
        while (k < ends.length && ends[k]! <= t) k++;
        const index = new GapIndex(starts, ends);
        for (let len = 1; len <= 60; len += len < 9 ? 1 : 7) expect(index.skipShort(k, t, len)).toBe(skipShortLinear(starts, ends, k, t, len));
      }),
      { numRuns: 500 },
    );
  });

  it('stays right while intervals are inserted and removed, once marked stale (as the decoder does)', () => {
    fc.assert(
      fc.property(
        busyList,
        fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.integer({ min: 0, max: 6000 }), fc.integer({ min: 1, max: 60 })), { maxLength: 40 }),
        ({ starts, ends }, ops) => {
          const index = new GapIndex(starts, ends);
          for (const [insert, at, t, len] of ops) {
            if (insert || starts.length === 0) {
              // a task placed in the first gap it fits in after t, as the decoder places one
              let k = 0;
              while (k < ends.length && ends[k]! <= t) k++;
              const j = skipShortLinear(starts, ends, k, t, len);
              const s = j > k ? Math.max(t, ends[j - 1]!) : t;
              starts.splice(j, 0, s);
              ends.splice(j, 0, s + len);
            } else {
              const k = at % starts.length;
              starts.splice(k, 1);
              ends.splice(k, 1);
            }
            index.stale = true;
            for (let k = 0; k <= starts.length; k += 1 + (starts.length >> 3)) {
              expect(index.skipShort(k, t, len)).toBe(skipShortLinear(starts, ends, k, t, len));
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('jumps over a long run of short gaps to the one that is long enough, and to the end when there is none', () => {
    // 100 bookings of 10 with gaps of 2, then a gap of 30, then 100 more
    const starts: number[] = [];
    const ends: number[] = [];
    for (let i = 0; i < 200; i++) {
      const s = i * 12 + (i >= 100 ? 28 : 0);
      starts.push(s);
      ends.push(s + 10);
    }
    const index = new GapIndex(starts, ends);
    expect(index.skipShort(0, 0, 5)).toBe(100);
    expect(ends[99]).toBe(1198);
    expect(starts[100]! - ends[99]!).toBe(30);
    expect(index.skipShort(0, 0, 31)).toBe(200);
    expect(index.skipShort(0, 0, 2)).toBe(1);
  });
});

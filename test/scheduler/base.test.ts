/** A resource's busy list built by merging its sorted runs (src/scheduler/base.ts) is the list sorting everything gave. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildBase, type Labelled } from '../../src/scheduler/base.js';

/** The model's way before base.ts: every interval as an object, a stable sort by (start, end), overlaps merged. */
function bySorting(raw: Labelled[], runs: { starts: number[]; ends: number[] }[], runK: number, now: number) {
  const all = raw.slice();
  for (const r of runs) {
    r.starts.forEach((s, i) => {
      const e = r.ends[i]!;
      if (e > s && e > now) all.push({ s, e, k: runK });
    });
  }
  all.sort((a, b) => a.s - b.s || a.e - b.e);
  const base = { starts: [] as number[], ends: [] as number[], owner: [] as number[] };
  for (const r of all) {
    const n = base.starts.length;
    if (n > 0 && r.s < base.ends[n - 1]!) {
      if (r.e > base.ends[n - 1]!) base.ends[n - 1] = r.e;
    } else {
      base.starts.push(r.s);
      base.ends.push(r.e);
      base.owner.push(-(r.k + 1));
    }
  }
  return base;
}

// small times, so that equal starts and ends, overlaps, empty runs and runs ending before now are common
const interval = fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: -2, max: 8 }));
const runs = fc.tuple(fc.array(interval, { maxLength: 12 }), fc.boolean()).map(([xs, sorted]) => {
  const list = xs.map(([s, d]) => [s, s + d] as const);
  if (sorted) list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  return { starts: list.map((x) => x[0]), ends: list.map((x) => x[1]) };
});

describe('buildBase', () => {
  it('gives the list sorting every interval gave: runs sorted or not, one list or several, ties, overlaps, past runs', () => {
    fc.assert(
      fc.property(fc.array(interval, { maxLength: 6 }), fc.array(runs, { maxLength: 3 }), fc.integer({ min: -5, max: 20 }), (labelled, lists, now) => {
        const raw = () => labelled.map(([s, d], k) => ({ s, e: s + d, k })).filter((r) => r.e > r.s && r.e > now);
        expect(buildBase(raw(), lists, 99, now)).toEqual(bySorting(raw(), lists, 99, now));
      }),
      { numRuns: 5000 },
    );
  });
});

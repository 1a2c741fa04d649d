/**
 * The repair writes its moves in inWriteOrder's order (src/scheduler/repair.ts) so
 * that no row, when written, lands on a booking not written yet: a push to the
 * right of a resource's bookings and a pull to the left, each keeping their
 * order, pass through no overlap whatever the lengths and gaps.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inWriteOrder, type RepairMove } from '../../src/scheduler/repair.js';

/** One resource's bookings in order, without overlap: [start, end) built from gaps and lengths. */
const chain = fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 1, max: 5 })), { minLength: 1, maxLength: 12 }).map((parts) => {
  let t = 0;
  return parts.map(([gap, length]) => {
    const start = t + gap;
    t = start + length;
    return { start, end: t };
  });
});

/** The same bookings moved, each by at least its own shift and after the one before it (a push), or the mirror image (a pull). */
function moved(old: { start: number; end: number }[], shifts: number[], direction: 1 | -1): RepairMove[] {
  const ordered = direction === 1 ? old : [...old].reverse();
  let edge = direction === 1 ? -Infinity : Infinity;
  const out = ordered.map((b, i) => {
    const length = b.end - b.start;
    const shift = shifts[i % shifts.length]! * direction;
    const toStart = direction === 1 ? Math.max(b.start + shift, edge) : Math.min(b.end + shift, edge) - length;
    edge = direction === 1 ? toStart + length : toStart;
    return { id: `B${old.indexOf(b)}`, fromStart: b.start, fromEnd: b.end, toStart, toEnd: toStart + length };
  });
  return out.filter((m) => m.toStart !== m.fromStart);
}

function overlapsDuringWrite(old: { start: number; end: number }[], writes: RepairMove[]): string[] {
  const now = new Map(old.map((b, i) => [`B${i}`, { ...b }]));
  const clashes: string[] = [];
  for (const w of writes) {
    now.set(w.id, { start: w.toStart, end: w.toEnd });
    for (const [id, b] of now) if (id !== w.id && b.start < w.toEnd && w.toStart < b.end) clashes.push(`${w.id} on ${id}`);
  }
  return clashes;
}

describe('the order the repair writes its moves in', () => {
  it('a push to the right, latest first, and a pull to the left, earliest first, never land on a booking not written yet', () => {
    fc.assert(
      fc.property(
        chain,
        fc.array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(1 as const, -1 as const),
        (old, shifts, direction) => {
          const writes = moved(old, shifts, direction);
          expect(overlapsDuringWrite(old, inWriteOrder(writes))).toEqual([]);
        },
      ),
    );
  });

  it('the order the repair finds them in (front to back) would: the case the ordering is for', () => {
    const old = [
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 6 },
    ];
    const push = moved(old, [1], 1);
    expect(overlapsDuringWrite(old, push).length).toBeGreaterThan(0);
    expect(inWriteOrder(push).map((w) => w.id)).toEqual(['B2', 'B1', 'B0']);
    const pull = moved(
      old.map((b) => ({ start: b.start + 3, end: b.end + 3 })),
      [3],
      -1,
    );
    expect(inWriteOrder(pull).map((w) => w.id)).toEqual(['B0', 'B1', 'B2']);
  });

  it('keeps every write: the moves left, then the moves right', () => {
    const writes: RepairMove[] = [
      { id: 'R1', fromStart: 0, fromEnd: 1, toStart: 5, toEnd: 6 },
      { id: 'L1', fromStart: 9, fromEnd: 10, toStart: 7, toEnd: 8 },
      { id: 'R2', fromStart: 1, fromEnd: 2, toStart: 8, toEnd: 9 },
      { id: 'E', fromStart: 3, fromEnd: 5, toStart: 3, toEnd: 4 },
    ];
    expect(inWriteOrder(writes).map((w) => w.id)).toEqual(['E', 'L1', 'R2', 'R1']);
  });
});

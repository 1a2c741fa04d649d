/**
 * Jumping over a resource's busy list to the first gap a task fits in, instead of walking it interval by interval.
 *
 * A busy list is two sorted arrays, starts S and ends E, of disjoint intervals [S[j], E[j]). The decoder's walks
 * (decode.ts: a substation's first gap, a worker's first fit, a pair's joint fit) all skip forward from an index k
 * and a time t while the next interval leaves less than `len` before it:
 *
 *     while (k < n && S[k] - t < len) { if (E[k] > t) t = E[k]; k++; }
 *
 * `skipShort` answers where that loop stops: it runs the loop itself for up to 32 intervals (most walks end there,
 * and on the release bench's floors measured in CPU time the index did not pay for its builds when asked at once),
 * then jumps: the first j >= k with S[j] - t >= len (a binary search: S is sorted) at which, for j > k, also the gap
 * S[j] - E[j - 1] >= len (a scan of block maxima of the gaps, B = 16 gaps a block), in O(log n + B + n / B) instead of
 * O(n) for a resource booked back to back with gaps too short for the task for hundreds of intervals. The caller then
 * sets t = max(t, E[j - 1]) when j > k, as the loop would have.
 *
 * The block maxima belong to the arrays they were built from: `GapIndex.of` builds them on first use after the
 * arrays changed (the decoder marks an index stale when it inserts or removes one of the plan's own intervals).
 */

const SHIFT = 4;
const BLOCK = 1 << SHIFT;

export class GapIndex {
  starts: ArrayLike<number>;
  ends: ArrayLike<number>;
  /** max over the block of S[j] - E[j - 1] (j >= 1) */
  private max = new Float64Array(8);
  private blocks = 0;
  stale = true;

  constructor(starts: ArrayLike<number>, ends: ArrayLike<number>) {
    this.starts = starts;
    this.ends = ends;
  }

  /** Points the index at (new) arrays; built again on next use. */
  reset(starts: ArrayLike<number>, ends: ArrayLike<number>): void {
    this.starts = starts;
    this.ends = ends;
    this.stale = true;
  }

  private build(): void {
    const S = this.starts;
    const E = this.ends;
    const n = S.length;
    const blocks = (n + BLOCK - 1) >> SHIFT;
    if (this.max.length < blocks) this.max = new Float64Array(Math.max(blocks, 2 * this.max.length));
    const max = this.max;
    for (let b = 0; b < blocks; b++) {
      let m = -Infinity;
      const end = Math.min(n, (b + 1) << SHIFT);
      for (let j = Math.max(1, b << SHIFT); j < end; j++) {
        const g = S[j]! - E[j - 1]!;
        if (g > m) m = g;
      }
      max[b] = m;
    }
    this.blocks = blocks;
    this.stale = false;
  }

  /** First j >= a (a >= 1) with S[j] - E[j - 1] >= len; n when there is none. */
  firstGapAtLeast(a: number, len: number): number {
    if (this.stale) this.build();
    const S = this.starts;
    const E = this.ends;
    const n = S.length;
    if (a >= n) return n;
    let b = a >> SHIFT;
    let end = Math.min(n, (b + 1) << SHIFT);
    for (let j = a; j < end; j++) if (S[j]! - E[j - 1]! >= len) return j;
    const max = this.max;
    for (b++; b < this.blocks; b++) {
      if (max[b]! < len) continue;
      end = Math.min(n, (b + 1) << SHIFT);
      for (let j = b << SHIFT; j < end; j++) if (S[j]! - E[j - 1]! >= len) return j;
    }
    return n;
  }

  /**
   * Where `while (k < n && S[k] - t < len) { if (E[k] > t) t = E[k]; k++; }` stops (k and t as given). The caller
   * sets t = max(t, E[j - 1]) when the answer j > k.
   */
  skipShort(k: number, t: number, len: number): number {
    const S = this.starts;
    const E = this.ends;
    const n = S.length;
    // the loop itself first: most walks end within a few intervals, and the index costs a build after every change
    const stop = Math.min(n, k + 2 * BLOCK);
    while (k < stop && S[k]! - t < len) {
      if (E[k]! > t) t = E[k]!;
      k++;
    }
    if (k < stop || k >= n || S[k]! - t >= len) return k;
    // a long run of short gaps: past k the loop stops at the first j with S[j] - t >= len whose gap after E[j - 1]
    // is long enough too
    let lo = k + 1;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (S[mid]! - t >= len) hi = mid;
      else lo = mid + 1;
    }
    return this.firstGapAtLeast(lo, len);
  }
}

/** The same answer by the loop itself: the reference the index is tested against. */
export function skipShortLinear(S: ArrayLike<number>, E: ArrayLike<number>, k: number, t: number, len: number): number {
  const n = S.length;
  while (k < n && S[k]! - t < len) {
    if (E[k]! > t) t = E[k]!;
    k++;
  }
  return k;
}

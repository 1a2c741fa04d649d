/**
 * A resource's busy list as the model keeps it (model.ResourceBase): its intervals sorted by (start, end),
 * overlapping ones merged, each owned by the label of the first (-(k + 1) for label k).
 *
 * Built from a few labelled intervals (blocks, the plan's kept work, the read window's end) and, on a full
 * floor, thousands of other plans' busy runs (input.busy: sorted and disjoint already). Sorting them all as
 * objects was most of the model's build on the release bench's 5,000-plan floor; the runs are merged with
 * the sorted few instead, in one pass, to the same list the sort gave.
 */

export interface Labelled {
  s: number;
  e: number;
  k: number;
}

export interface BusyBase {
  starts: number[];
  ends: number[];
  owner: number[];
}

/** One resource's base: `raw` (any order), then `runs` (each sorted), runs labelled `runK`; runs ending by `now` or empty are left out. */
export function buildBase(raw: Labelled[], runs: { starts: ArrayLike<number>; ends: ArrayLike<number> }[], runK: number, now: number): BusyBase {
  if (runs.length === 1 && sortedRuns(runs[0]!)) return merged(raw, runs[0]!, runK, now);
  // several lists of runs for one resource (or one out of order): all as objects, sorted together
  const all = raw.slice();
  for (const r of runs) {
    for (let i = 0; i < r.starts.length; i++) {
      const s = r.starts[i]!;
      const e = r.ends[i]!;
      if (e > s && e > now) all.push({ s, e, k: runK });
    }
  }
  return merged(all, { starts: [], ends: [] }, runK, now);
}

function sortedRuns(r: { starts: ArrayLike<number>; ends: ArrayLike<number> }): boolean {
  for (let i = 1; i < r.starts.length; i++) {
    const d = r.starts[i]! - r.starts[i - 1]!;
    if (d < 0 || (d === 0 && r.ends[i]! < r.ends[i - 1]!)) return false;
  }
  return true;
}

/**
 * `raw` sorted (stably) by (start, end) and merged with the sorted `runs` as the stable sort of raw followed by the
 * runs would order them: on equal (start, end) the labelled interval first.
 */
function merged(raw: Labelled[], runs: { starts: ArrayLike<number>; ends: ArrayLike<number> }, runK: number, now: number): BusyBase {
  raw.sort((a, b) => a.s - b.s || a.e - b.e);
  const base: BusyBase = { starts: [], ends: [], owner: [] };
  const add = (s: number, e: number, k: number): void => {
    const n = base.starts.length;
    if (n > 0 && s < base.ends[n - 1]!) {
      if (e > base.ends[n - 1]!) base.ends[n - 1] = e; // merge overlapping bookings
    } else {
      base.starts.push(s);
      base.ends.push(e);
      base.owner.push(-(k + 1));
    }
  };
  const { starts, ends } = runs;
  const m = starts.length;
  let i = 0;
  let j = 0;
  while (j < m && !(ends[j]! > starts[j]! && ends[j]! > now)) j++;
  while (i < raw.length || j < m) {
    const r = raw[i];
    if (r && (j >= m || r.s < starts[j]! || (r.s === starts[j]! && r.e <= ends[j]!))) {
      add(r.s, r.e, r.k);
      i++;
    } else {
      add(starts[j]!, ends[j]!, runK);
      j++;
      while (j < m && !(ends[j]! > starts[j]! && ends[j]! > now)) j++;
    }
  }
  return base;
}

/**
 * Lower bounds on the makespan end (epoch ms), valid WITH the shift calendars
 * (i.e. in wall-clock terms, as the makespan itself):
 *
 *  - path bound: earliest finish of every node ignoring resource conflicts
 *    and bookings, propagated along the precedence graph. A node can at best
 *    start at the first on-shift instant (of its fastest eligible worker) after
 *    its predecessors' earliest finishes and then needs its shortest duration
 *    of on-shift time.
 *  - capacity bounds: for a group of nodes that can only use a given set of
 *    workers, the on-shift time of those workers (minus their bookings) between
 *    the group's earliest start and T must cover the group's total minimal
 *    work; likewise, substations (always available, but exclusive) must cover
 *    the minimal work in wall time. Groups: the whole plan, and every set of
 *    nodes sharing the same eligible worker set / substation set.
 *
 * All bounds ignore the interaction of workers and substations, so they are
 * valid but not always tight under calendars; with 24/7 calendars they reduce
 * to the classic "longest chain" and "total work / capacity" bounds.
 */
import { Decoder } from './decode.js';
import type { Model } from './model.js';
import { CHOICE_EF, newDecoded } from './solution.js';
import { firstEndAfter } from './sorted.js';

export interface LowerBounds {
  /** max of all bounds (epoch ms) */
  end: number;
  pathEnd: number;
  capacityEnd: number;
  /** per node: earliest possible start / finish ignoring resources (epoch ms) */
  head: Float64Array;
  earliestFinish: Float64Array;
}

export function computeLowerBounds(m: Model): LowerBounds {
  const n = m.nodes.length;
  const head = new Float64Array(n);
  const ef = new Float64Array(n);
  let pathEnd = m.now;
  for (const v of m.topo) {
    const nd = m.nodes[v]!;
    let est = nd.release;
    for (const p of nd.preds) if (ef[p]! > est) est = ef[p]!;
    let best = Infinity;
    let bestStart = Infinity;
    for (const op of nd.opts) {
      const seen = new Set<number>(); // workers sharing a calendar give the same answer
      for (const w of op.workers) {
        const ci = m.calIndex[w]!;
        if (seen.has(ci)) continue;
        seen.add(ci);
        const cal = m.cals[w]!;
        const t = cal.nextShiftStart(est);
        if (t === Infinity) continue;
        const e = cal.addWork(t, op.workMs);
        if (e < best) best = e;
        if (t < bestStart) bestStart = t;
      }
    }
    if (best === Infinity) best = m.horizonEnd;
    head[v] = bestStart === Infinity ? est : bestStart;
    ef[v] = best;
    if (best > pathEnd) pathEnd = best;
  }

  // ---- capacity bounds over groups ---------------------------------------------
  let capacityEnd = m.now;
  const wGroups = new Map<string, { workers: number[]; release: number; work: number }>();
  const sGroups = new Map<string, { subs: number[]; release: number; work: number }>();
  const allW = new Set<number>();
  const allS = new Set<number>();
  let allWork = 0;
  for (let v = 0; v < n; v++) {
    const nd = m.nodes[v]!;
    const ws = new Set<number>();
    const ss = new Set<number>();
    for (const op of nd.opts) {
      for (const w of op.workers) ws.add(w);
      for (const s of op.subs) ss.add(s);
    }
    const work = nd.minWorkMin * 60_000;
    allWork += work;
    for (const w of ws) allW.add(w);
    for (const s of ss) allS.add(s);
    const wk = [...ws].sort((a, b) => a - b);
    const sk = [...ss].sort((a, b) => a - b);
    const wKey = wk.join(',');
    const sKey = sk.join(',');
    const wg = wGroups.get(wKey);
    if (wg) {
      wg.work += work;
      if (head[v]! < wg.release) wg.release = head[v]!;
    } else wGroups.set(wKey, { workers: wk, release: head[v]!, work });
    const sg = sGroups.get(sKey);
    if (sg) {
      sg.work += work;
      if (head[v]! < sg.release) sg.release = head[v]!;
    } else sGroups.set(sKey, { subs: sk, release: head[v]!, work });
  }
  if (n > 0) {
    capacityEnd = Math.max(capacityEnd, workerCapacityEnd(m, [...allW], m.now, allWork, true));
    capacityEnd = Math.max(capacityEnd, subCapacityEnd(m, [...allS], m.now, allWork, true));
    // for every distinct resource set R: all nodes that can only use resources within R
    for (const g of closeGroups([...wGroups.values()].map((x) => ({ set: x.workers, release: x.release, work: x.work })))) {
      capacityEnd = Math.max(capacityEnd, workerCapacityEnd(m, g.set, g.release, g.work, false));
    }
    for (const g of closeGroups([...sGroups.values()].map((x) => ({ set: x.subs, release: x.release, work: x.work })))) {
      capacityEnd = Math.max(capacityEnd, subCapacityEnd(m, g.set, g.release, g.work, false));
    }
  }
  return { end: Math.max(pathEnd, capacityEnd), pathEnd, capacityEnd, head, earliestFinish: ef };
}

/**
 * The booked path bound: every node's earliest finish on its best (worker, substation) pair among the other
 * plans' bookings, in its calendars, after its predecessors' such finishes, the plan's own nodes ignored (a
 * decode in topological order that books nothing). In any schedule a node starts no earlier and fits among at
 * least these bookings, so it ends no earlier: the max is a lower bound on the makespan end. On a busy floor it
 * is far tighter than the path bound, which ignores bookings (release on the bench floor: 3,282 minutes against
 * 120), and it is what lets the search know the makespan cannot improve. Costs one decode; m.now when a node
 * does not fit in the horizon at all.
 */
export function bookedPathEnd(m: Model): number {
  const n = m.nodes.length;
  if (n === 0) return m.now;
  const dec = new Decoder(m);
  dec.relaxed = true;
  const sol = { order: Int32Array.from(m.topo), modeOpt: new Int32Array(n).fill(-1), modeWorker: new Int32Array(n).fill(-1), choice: CHOICE_EF };
  const d = newDecoded(n);
  return dec.decode(sol, d) ? d.makespanEnd : m.now;
}

interface Group {
  set: number[];
  release: number;
  work: number;
}

/**
 * For each group's resource set R, add the work (and min release) of every other group whose
 * set is a subset of R: those nodes, too, can only use resources of R. Skipped (groups returned
 * as they are) when there are too many distinct sets to keep this cheap.
 */
function closeGroups(groups: Group[]): Group[] {
  if (groups.length > 400) return groups;
  const sets = groups.map((g) => new Set(g.set));
  return groups.map((g, i) => {
    let work = g.work;
    let release = g.release;
    const big = sets[i]!;
    groups.forEach((h, j) => {
      if (j === i || h.set.length > g.set.length) return;
      for (const x of h.set) if (!big.has(x)) return;
      work += h.work;
      if (h.release < release) release = h.release;
    });
    return { set: g.set, release, work };
  });
}

/** Running totals of each resource's booked time (per busy list; each list is measured by one measure: its worker's calendar, or wall time). */
const bookedPrefix = new WeakMap<{ starts: number[] }, Float64Array>();

/**
 * Booked time of a resource inside [a, b), measured by `measure` (additive: measure(x, z) = measure(x, y) + measure(y, z)).
 * Binary search for the bookings that meet [a, b) and running totals for those between: the cost does not grow with the
 * resource's other bookings.
 */
function bookedWithin(base: { starts: number[]; ends: number[] }, a: number, b: number, measure: (x: number, y: number) => number): number {
  const { starts, ends } = base;
  if (!(b > a) || starts.length === 0) return 0;
  let prefix = bookedPrefix.get(base);
  if (!prefix) {
    prefix = new Float64Array(starts.length + 1);
    for (let k = 0; k < starts.length; k++) prefix[k + 1] = prefix[k]! + measure(starts[k]!, ends[k]!);
    bookedPrefix.set(base, prefix);
  }
  const k0 = firstEndAfter(ends, a);
  let k1 = k0;
  {
    let hi = starts.length;
    while (k1 < hi) {
      const mid = (k1 + hi) >>> 1;
      if (starts[mid]! < b) k1 = mid + 1;
      else hi = mid;
    }
  }
  if (k1 <= k0) return 0;
  let sum = prefix[k1]! - prefix[k0]!;
  if (starts[k0]! < a) sum -= measure(starts[k0]!, a);
  if (ends[k1 - 1]! > b) sum -= measure(b, ends[k1 - 1]!);
  return sum;
}

/**
 * A valid lower bound on the smallest T with f(T) >= need (f non-decreasing):
 * the largest integer ms at which f is still short (or lo if f(lo) >= need);
 * hi if f never reaches `need`.
 */
function searchT(lo: number, hi: number, need: number, f: (t: number) => number): number {
  if (f(lo) >= need) return lo;
  if (hi <= lo || f(hi) < need) return Math.max(lo, hi);
  let a = Math.ceil(lo); // f(a) < need holds unless a == hi
  if (a >= hi || f(a) >= need) return lo;
  let b = Math.floor(hi);
  if (f(b) < need) return b;
  while (b - a > 1) {
    const mid = Math.floor((a + b) / 2);
    if (f(mid) >= need) b = mid;
    else a = mid;
  }
  return a;
}

function workerCapacityEnd(m: Model, workers: number[], from: number, work: number, subtractBooked: boolean): number {
  if (workers.length === 0 || work <= 0) return from;
  // workers sharing a calendar contribute the same on-shift time
  const count = new Map<number, number>();
  for (const w of workers) count.set(m.calIndex[w]!, (count.get(m.calIndex[w]!) ?? 0) + 1);
  const byCal: [number, number][] = [];
  for (const w of workers) {
    const ci = m.calIndex[w]!;
    const c = count.get(ci);
    if (c !== undefined) {
      byCal.push([w, c]);
      count.delete(ci);
    }
  }
  const booked = subtractBooked ? workers.filter((w) => m.workerBase[w]!.starts.length > 0) : [];
  const avail = (t: number): number => {
    let sum = 0;
    for (const [w, c] of byCal) sum += c * m.cals[w]!.workingMsBetween(from, t);
    for (const w of booked) {
      const cal = m.cals[w]!;
      sum -= bookedWithin(m.workerBase[w]!, from, t, (x, y) => cal.workingMsBetween(x, y));
    }
    return sum;
  };
  return searchT(from, m.horizonEnd, work, avail);
}

function subCapacityEnd(m: Model, subs: number[], from: number, work: number, subtractBooked: boolean): number {
  if (subs.length === 0 || work <= 0) return from;
  if (!subtractBooked) return from + work / subs.length;
  const avail = (t: number): number => {
    let sum = 0;
    for (const s of subs) {
      sum += t - from;
      sum -= bookedWithin(m.subBase[s]!, from, t, (x, y) => y - x);
    }
    return sum;
  };
  return searchT(from, m.horizonEnd, work, avail);
}

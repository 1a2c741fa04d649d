/**
 * What the decoder reads and writes: a solution (activity list, mode
 * restrictions, option choice rule) and its decoded schedule (starts, ends,
 * chosen options, what bound each start), with the orderings the search
 * compares them by.
 */

/** Why a node starts when it does (last constraint that moved its start). */
export const BIND_READY = 0; // starts exactly at its precedence/release-ready time
export const BIND_SHIFT = 1; // waited for the worker's shift
export const BIND_WORKER = 2; // waited for the worker (busy)
export const BIND_SUB = 3; // waited for the substation (busy)

/** Option choice rule. EF: earliest finish, then priority. PF: best priority first, then earliest finish. */
export const CHOICE_EF = 0;
export const CHOICE_PF = 1;

export interface Solution {
  /** activity list, a topological order of node indices */
  order: Int32Array;
  /** -1 = free, else index into node.opts */
  modeOpt: Int32Array;
  /** -1 = free, else worker index (only set together with a compatible modeOpt) */
  modeWorker: Int32Array;
  choice: number;
}

export interface Decoded {
  start: Float64Array;
  end: Float64Array;
  ready: Float64Array;
  opt: Int32Array;
  sub: Int32Array;
  worker: Int32Array;
  bind: Int8Array;
  /** node index (>= 0) or -(booked+1) of the blocking interval */
  bindRef: Int32Array;
  bindUntil: Float64Array;
  /** predecessor whose end defined `ready` (-1 = release/now) */
  readyPred: Int32Array;
  makespanEnd: number;
  prioSum: number;
  /** sum of squared worker loads (minutes^2): lower = more balanced */
  loadSq: number;
  /** sum of node ends in minutes after now: search guidance on makespan plateaus */
  sumEnd: number;
  /** sum over plans of weight * minutes late (tardiness.ts) */
  tardiness: number;
  feasible: boolean;
  failNode: number;
}

export function newDecoded(n: number): Decoded {
  return {
    start: new Float64Array(n),
    end: new Float64Array(n),
    ready: new Float64Array(n),
    opt: new Int32Array(n),
    sub: new Int32Array(n),
    worker: new Int32Array(n),
    bind: new Int8Array(n),
    bindRef: new Int32Array(n),
    bindUntil: new Float64Array(n),
    readyPred: new Int32Array(n),
    makespanEnd: 0,
    prioSum: 0,
    loadSq: 0,
    sumEnd: 0,
    tardiness: 0,
    feasible: true,
    failNode: -1,
  };
}

export function copyDecoded(src: Decoded, dst: Decoded): void {
  dst.start.set(src.start);
  dst.end.set(src.end);
  dst.ready.set(src.ready);
  dst.opt.set(src.opt);
  dst.sub.set(src.sub);
  dst.worker.set(src.worker);
  dst.bind.set(src.bind);
  dst.bindRef.set(src.bindRef);
  dst.bindUntil.set(src.bindUntil);
  dst.readyPred.set(src.readyPred);
  dst.makespanEnd = src.makespanEnd;
  dst.prioSum = src.prioSum;
  dst.loadSq = src.loadSq;
  dst.sumEnd = src.sumEnd;
  dst.tardiness = src.tardiness;
  dst.feasible = src.feasible;
  dst.failNode = src.failNode;
}

/** Weighted tardiness difference, ignoring float noise (weights like 0.25 times whole minutes). */
function tardinessDiff(a: Decoded, b: Decoded): number {
  const d = a.tardiness - b.tardiness;
  return Math.abs(d) < 1e-6 ? 0 : d;
}

/** Search guidance: weighted tardiness, then makespan, then sum of ends (compactness). <0 if a is better. */
export function compareGuide(a: Decoded, b: Decoded): number {
  if (a.feasible !== b.feasible) return a.feasible ? -1 : 1;
  const t = tardinessDiff(a, b);
  if (t !== 0) return t;
  if (a.makespanEnd !== b.makespanEnd) return a.makespanEnd - b.makespanEnd;
  return a.sumEnd - b.sumEnd;
}

/** Lexicographic objective: weighted tardiness, then makespan, then priority sum, then load balance. <0 if a is better. */
export function compareDecoded(a: Decoded, b: Decoded): number {
  if (a.feasible !== b.feasible) return a.feasible ? -1 : 1;
  const t = tardinessDiff(a, b);
  if (t !== 0) return t;
  if (a.makespanEnd !== b.makespanEnd) return a.makespanEnd - b.makespanEnd;
  if (a.prioSum !== b.prioSum) return a.prioSum - b.prioSum;
  const d = a.loadSq - b.loadSq;
  // loads are sums of integers; ignore float noise
  return Math.abs(d) < 1e-6 ? 0 : d;
}

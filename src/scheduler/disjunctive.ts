/**
 * A plan that is a classic flexible job shop (see tabu.ts, where it is searched)
 * and its disjunctive graph: each node's machine and duration, the order of
 * the nodes on each machine, the heads (longest path from the start) and
 * tails (to the end) of that graph, the moves that re-sequence a machine or
 * move a node to another machine, and the estimate of a re-sequenced
 * segment's makespan from the current heads and tails. The tabu search
 * extends this class with its loop, its tabu list and its best; apart from
 * it, this holds the shop's state and what can be computed from it.
 */
import { MINUTE_MS } from './calendar.js';
import type { Model } from './model.js';

/** Per node and option: the machine (= substation index) and the duration in minutes. */
export interface ClassicShop {
  machineCount: number;
  machineOf: Int32Array[];
  minutesOf: Float64Array[];
  /** earliest start, minutes after now */
  release: Float64Array;
}

/** The plan as a classic flexible job shop, or undefined if calendars, bookings or shared resources make it more. */
export function classicShop(m: Model): ClassicShop | undefined {
  if (m.workerBase.some((b) => b.starts.length > 0) || m.subBase.some((b) => b.starts.length > 0)) return undefined;
  if (m.subCalIndex.some((c) => c >= 0)) return undefined;
  const span = m.horizonEnd - m.now;
  const seen = new Set<number>();
  for (let w = 0; w < m.cals.length; w++) {
    const ci = m.calIndex[w]!;
    if (seen.has(ci)) continue;
    seen.add(ci);
    const cal = m.cals[w]!;
    if (cal.nextShiftStart(m.now) !== m.now || cal.workingMsBetween(m.now, m.horizonEnd) !== span) return undefined;
  }
  const subWorker = new Int32Array(m.subIds.length).fill(-1);
  const workerSub = new Int32Array(m.workerIds.length).fill(-1);
  const machineOf: Int32Array[] = [];
  const minutesOf: Float64Array[] = [];
  const release = new Float64Array(m.nodes.length);
  for (let v = 0; v < m.nodes.length; v++) {
    const nd = m.nodes[v]!;
    const mo = new Int32Array(nd.opts.length);
    const mi = new Float64Array(nd.opts.length);
    for (let o = 0; o < nd.opts.length; o++) {
      const op = nd.opts[o]!;
      if (op.subs.length !== 1 || op.workers.length !== 1) return undefined;
      const s = op.subs[0]!;
      const w = op.workers[0]!;
      if (subWorker[s] === -1) subWorker[s] = w;
      else if (subWorker[s] !== w) return undefined;
      if (workerSub[w] === -1) workerSub[w] = s;
      else if (workerSub[w] !== s) return undefined;
      mo[o] = s;
      mi[o] = op.workMin;
    }
    machineOf.push(mo);
    minutesOf.push(mi);
    release[v] = (nd.release - m.now) / MINUTE_MS;
  }
  return { machineCount: m.subIds.length, machineOf, minutesOf, release };
}

/** The disjunctive graph of a classic shop: one state (machines and orders), its heads and tails, and its moves. */
export class DisjunctiveGraph {
  protected readonly n: number;
  protected readonly preds: number[][];
  protected readonly succs: number[][];
  protected readonly opt: Int32Array;
  protected readonly mach: Int32Array;
  protected readonly p: Float64Array;
  protected seq: number[][] = [];
  // evaluation scratch
  protected readonly head: Float64Array;
  protected readonly tail: Float64Array;
  protected readonly indeg: Int32Array;
  protected readonly topo: Int32Array;
  protected readonly mPrev: Int32Array;
  protected readonly mNext: Int32Array;
  protected readonly idx: Int32Array;
  // move estimates: new heads / tails of a re-sequenced segment, position in it (-1 = outside)
  protected readonly nh: Float64Array;
  protected readonly nt: Float64Array;
  protected readonly segPos: Int32Array;

  constructor(
    m: Model,
    protected readonly shop: ClassicShop,
  ) {
    const n = (this.n = m.nodes.length);
    this.preds = m.nodes.map((nd) => nd.preds);
    this.succs = m.nodes.map((nd) => nd.succs);
    this.opt = new Int32Array(n);
    this.mach = new Int32Array(n);
    this.p = new Float64Array(n);
    this.head = new Float64Array(n);
    this.tail = new Float64Array(n);
    this.indeg = new Int32Array(n);
    this.topo = new Int32Array(n);
    this.mPrev = new Int32Array(n);
    this.mNext = new Int32Array(n);
    this.idx = new Int32Array(n);
    this.nh = new Float64Array(n);
    this.nt = new Float64Array(n);
    this.segPos = new Int32Array(n).fill(-1);
  }

  protected setOpt(v: number, o: number): void {
    this.opt[v] = o;
    this.mach[v] = this.shop.machineOf[v]![o]!;
    this.p[v] = this.shop.minutesOf[v]![o]!;
  }

  /** Heads (earliest starts) of the disjunctive graph; the makespan, or Infinity on a cycle. */
  protected evaluate(): number {
    const n = this.n;
    const { mPrev, mNext, idx, indeg, head, topo, p } = this;
    for (const s of this.seq) {
      for (let i = 0; i < s.length; i++) {
        const v = s[i]!;
        mPrev[v] = i > 0 ? s[i - 1]! : -1;
        mNext[v] = i + 1 < s.length ? s[i + 1]! : -1;
        idx[v] = i;
      }
    }
    let qt = 0;
    for (let v = 0; v < n; v++) {
      indeg[v] = this.preds[v]!.length + (mPrev[v]! >= 0 ? 1 : 0);
      head[v] = this.shop.release[v]!;
      if (indeg[v] === 0) topo[qt++] = v;
    }
    let cmax = 0;
    for (let qh = 0; qh < qt; qh++) {
      const v = topo[qh]!;
      const e = head[v]! + p[v]!;
      if (e > cmax) cmax = e;
      for (const s of this.succs[v]!) {
        if (e > head[s]!) head[s] = e;
        indeg[s] = indeg[s]! - 1;
        if (indeg[s] === 0) topo[qt++] = s;
      }
      const s = mNext[v]!;
      if (s >= 0) {
        if (e > head[s]!) head[s] = e;
        indeg[s] = indeg[s]! - 1;
        if (indeg[s] === 0) topo[qt++] = s;
      }
    }
    return qt < n ? Infinity : cmax;
  }

  /** Tails (longest path from a node's end to the sink), after evaluate() of the same state. */
  protected computeTails(): void {
    const { tail, topo, p, mNext } = this;
    for (let i = this.n - 1; i >= 0; i--) {
      const v = topo[i]!;
      let t = 0;
      for (const s of this.succs[v]!) if (p[s]! + tail[s]! > t) t = p[s]! + tail[s]!;
      const s = mNext[v]!;
      if (s >= 0 && p[s]! + tail[s]! > t) t = p[s]! + tail[s]!;
      tail[v] = t;
    }
  }

  protected moveWithin(m: number, from: number, to: number): void {
    const s = this.seq[m]!;
    const v = s.splice(from, 1)[0]!;
    s.splice(to, 0, v);
  }

  protected reassign(v: number, o: number, pos: number): { m: number; i: number; o: number } {
    const m0 = this.mach[v]!;
    const undo = { m: m0, i: this.seq[m0]!.indexOf(v), o: this.opt[v]! };
    this.seq[undo.m]!.splice(undo.i, 1);
    this.setOpt(v, o);
    this.seq[this.mach[v]!]!.splice(pos, 0, v);
    return undo;
  }

  protected unassign(v: number, u: { m: number; i: number; o: number }): void {
    const s = this.seq[this.mach[v]!]!;
    s.splice(s.indexOf(v), 1);
    this.setOpt(v, u.o);
    this.seq[u.m]!.splice(u.i, 0, v);
  }

  /**
   * Estimated makespan after re-sequencing positions lo..lo+seg.length-1 of machine m
   * into the order `seg` (Dell'Amico & Trubian / Balas & Vazacopoulos): new heads of the
   * segment forward from the unchanged head before it and the (old) heads of the job
   * predecessors, new tails backward likewise, estimate = the longest path through a
   * segment node. Infinity when a precedence inside the segment is reversed.
   */
  protected estimateSegment(m: number, lo: number, seg: number[]): number {
    const s = this.seq[m]!;
    const { head, tail, p, nh, nt, segPos } = this;
    const len = seg.length;
    for (let t = 0; t < len; t++) segPos[seg[t]!] = t;
    let est = 0;
    let prevEnd = lo > 0 ? head[s[lo - 1]!]! + p[s[lo - 1]!]! : 0;
    for (let t = 0; t < len && est < Infinity; t++) {
      const x = seg[t]!;
      let r = this.shop.release[x]!;
      if (prevEnd > r) r = prevEnd;
      for (const q of this.preds[x]!) {
        const sp = segPos[q]!;
        if (sp > t) est = Infinity;
        const e = sp >= 0 ? nh[q]! + p[q]! : head[q]! + p[q]!;
        if (e > r) r = e;
      }
      nh[x] = r;
      prevEnd = r + p[x]!;
    }
    const after = lo + len;
    let nextQ = after < s.length ? p[s[after]!]! + tail[s[after]!]! : 0;
    for (let t = len - 1; t >= 0 && est < Infinity; t--) {
      const x = seg[t]!;
      let q = nextQ;
      for (const y of this.succs[x]!) {
        const sp = segPos[y]!;
        const e = sp >= 0 ? nt[y]! + p[y]! : tail[y]! + p[y]!;
        if (e > q) q = e;
      }
      nt[x] = q;
      nextQ = q + p[x]!;
      const c = nh[x]! + p[x]! + q;
      if (c > est) est = c;
    }
    for (let t = 0; t < len; t++) segPos[seg[t]!] = -1;
    return est;
  }
}

/**
 * Serial schedule generation scheme (SGS) with insertion.
 *
 * Nodes are taken one by one in the order of an activity list (a topological
 * order). Each node gets the (station, substation, worker) option with the
 * earliest finish among the options allowed by its mode restriction, and is
 * inserted into the earliest gap where the worker (on shift, not busy) and the
 * substation (available, not busy) are simultaneously free for its whole booking
 * interval; the work itself runs in the pair's calendar (model.calOf: the
 * worker's shifts intersected with the substation's availability).
 *
 * Per-resource busy lists (busy.ts) are sorted, disjoint arrays searched by
 * binary search, and a run of gaps too short for the task is jumped over by the
 * list's gap index (gaps.ts) instead of being walked; options are visited in order of a cheap lower bound on their finish so most
 * of them are pruned without a full fit.
 */
import type { CompiledCalendar } from './calendar.js';
import type { Model } from './model.js';
import { BIND_READY, BIND_SHIFT, BIND_SUB, BIND_WORKER, CHOICE_PF, copyDecoded, type Decoded, type Solution } from './solution.js';
import { BusyLists } from './busy.js';
import { firstEndAfter } from './sorted.js';
import { weightedTardiness } from './tardiness.js';

export class Decoder {
  private readonly m: Model;
  private readonly n: number;
  // resource state: busy lists of workers and substations
  private readonly w: BusyLists;
  private readonly s: BusyLists;
  private readonly load: Float64Array;
  // triple scratch, sized for the step with the most (option, worker, substation) triples
  private readonly pLb: Float64Array;
  private readonly pKey: Float64Array;
  private readonly pOpt: Int32Array;
  private readonly pW: Int32Array;
  private readonly pS: Int32Array;
  private readonly pIdx: Int32Array;
  private stamp = 0;
  private readonly calStamp: Float64Array;
  private readonly calT0: Float64Array;
  private readonly calE0: Float64Array;
  private readonly sGapCache: Float64Array;
  // fit result
  private fStart = 0;
  private fEnd = 0;
  private fBind = 0;
  private fRef = 0;
  private fUntil = 0;
  /** count of full pair fits (for profiling) */
  fits = 0;
  /**
   * Books nothing the plan places: each node gets its earliest finish among other plans' bookings only, after
   * its predecessors' (lowerbound.ts bookedPathEnd).
   */
  relaxed = false;

  constructor(model: Model) {
    this.m = model;
    this.n = model.nodes.length;
    this.load = new Float64Array(model.workerIds.length);
    this.w = new BusyLists(model.workerBase, 'worker');
    this.s = new BusyLists(model.subBase, 'substation');
    this.sGapCache = new Float64Array(model.subIds.length);
    this.calStamp = new Float64Array(model.calCount).fill(-1);
    this.calT0 = new Float64Array(model.calCount);
    this.calE0 = new Float64Array(model.calCount);
    // sized once from the model (it never changes): the listing never grows them, so it can lose nothing (it once
    // grew them past 64 without copying, and the lost triples read as the model's first worker and substation)
    let most = 1;
    for (const nd of model.nodes) {
      let k = 0;
      for (const op of nd.opts) k += op.workers.length * op.subs.length;
      if (k > most) most = k;
    }
    this.pLb = new Float64Array(most);
    this.pKey = new Float64Array(most);
    this.pOpt = new Int32Array(most);
    this.pW = new Int32Array(most);
    this.pS = new Int32Array(most);
    this.pIdx = new Int32Array(most);
  }

  private reset(): void {
    this.w.reset();
    this.s.reset();
    this.load.fill(0);
  }

  /**
   * Earliest finish of the worker alone (ignoring the substation); Infinity if none in horizon.
   * Busy intervals that leave a gap shorter (in wall time) than the work are skipped without
   * touching the calendar: the task needs at least workMs of wall time.
   */
  private workerAlone(cal: CompiledCalendar, w: number, est: number, workMs: number): number {
    const S = this.w.S[w]!;
    const E = this.w.E[w]!;
    const gap = this.w.gap[w]!;
    const len = E.length;
    let t = est;
    let k = firstEndAfter(E, t, 0);
    for (;;) {
      const j = gap.skipShort(k, t, workMs);
      if (j > k) {
        if (E[j - 1]! > t) t = E[j - 1]!;
        k = j;
      }
      const t1 = cal.nextShiftStart(t);
      if (t1 === Infinity) return Infinity;
      if (t1 > t) {
        t = t1;
        if (k < len && S[k]! - t < workMs) continue;
      }
      const e = cal.addWork(t, workMs);
      if (e === Infinity) return Infinity;
      if (k < len && S[k]! < e) {
        t = E[k]!;
        k++;
        continue;
      }
      return e;
    }
  }

  /** Earliest start >= est of a gap of at least workMs on substation s. */
  private subGap(s: number, est: number, workMs: number): number {
    const E = this.s.E[s]!;
    const k = firstEndAfter(E, est, 0);
    const j = this.s.gap[s]!.skipShort(k, est, workMs);
    return j > k && E[j - 1]! > est ? E[j - 1]! : est;
  }

  /**
   * Earliest joint fit of (worker, substation) at or after est: the worker on shift at the
   * start, neither busy during [start, end). Sets fStart/fEnd and the binding cause
   * (fBind/fRef/fUntil = the last constraint that moved the start); false if none in horizon.
   */
  private fit(cal: CompiledCalendar, w: number, s: number, est: number, workMs: number): boolean {
    this.fits++;
    const WS = this.w.S[w]!;
    const WE = this.w.E[w]!;
    const WO = this.w.O[w]!;
    const SS = this.s.S[s]!;
    const SE = this.s.E[s]!;
    const SO = this.s.O[s]!;
    const wGap = this.w.gap[w]!;
    const sGap = this.s.gap[s]!;
    const wl = WE.length;
    const sl = SE.length;
    let t = est;
    let bind = BIND_READY;
    let ref = -1;
    let until = est;
    let kw = firstEndAfter(WE, t, 0);
    let ks = firstEndAfter(SE, t, 0);
    for (;;) {
      // skip busy intervals that leave no room for the task before them
      let moved = true;
      while (moved) {
        moved = false;
        let j = wGap.skipShort(kw, t, workMs);
        if (j > kw) {
          if (WE[j - 1]! > t) {
            t = until = WE[j - 1]!;
            bind = BIND_WORKER;
            ref = WO[j - 1]!;
            moved = true;
          }
          kw = j;
        }
        j = sGap.skipShort(ks, t, workMs);
        if (j > ks) {
          if (SE[j - 1]! > t) {
            t = until = SE[j - 1]!;
            bind = BIND_SUB;
            ref = SO[j - 1]!;
            moved = true;
          }
          ks = j;
        }
      }
      const t1 = cal.nextShiftStart(t);
      if (t1 === Infinity) return false;
      if (t1 > t) {
        t = t1;
        if (bind === BIND_READY) bind = BIND_SHIFT;
        if ((kw < wl && WS[kw]! - t < workMs) || (ks < sl && SS[ks]! - t < workMs)) continue;
      }
      const e = cal.addWork(t, workMs);
      if (e === Infinity) return false;
      if (kw < wl && WS[kw]! < e) {
        t = until = WE[kw]!;
        bind = BIND_WORKER;
        ref = WO[kw]!;
        kw++;
        continue;
      }
      if (ks < sl && SS[ks]! < e) {
        t = until = SE[ks]!;
        bind = BIND_SUB;
        ref = SO[ks]!;
        ks++;
        continue;
      }
      this.fStart = t;
      this.fEnd = e;
      this.fBind = bind;
      this.fRef = ref;
      this.fUntil = until;
      return true;
    }
  }

  /** Restores the heap of triples below position `i` (of `n`): smallest (key, lb, index) first. */
  private siftDown(i: number, n: number): void {
    const heap = this.pIdx;
    const key = this.pKey;
    const lb = this.pLb;
    const x = heap[i]!;
    const xk = key[x]!;
    const xl = lb[x]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      let y = heap[c]!;
      if (c + 1 < n) {
        const z = heap[c + 1]!;
        if (key[z]! < key[y]! || (key[z] === key[y] && (lb[z]! < lb[y]! || (lb[z] === lb[y] && z < y)))) {
          c++;
          y = z;
        }
      }
      const yk = key[y]!;
      const yl = lb[y]!;
      if (!(yk < xk || (yk === xk && (yl < xl || (yl === xl && y < x))))) break;
      heap[i] = y;
      i = c;
    }
    heap[i] = x;
  }

  /** Number of list positions placed by the last decode (for revert). */
  private placedUpTo = 0;

  /** Full decode of `sol` into `out`; afterwards the decoder state reflects `out`. */
  decode(sol: Solution, out: Decoded): boolean {
    this.reset();
    return this.run(sol, out, 0);
  }

  /**
   * Re-decode only list positions >= p. Precondition: the decoder state reflects `base`
   * (the last decode was of `base`, or it was reverted to it) and `sol` agrees with the
   * solution of `base` on the order and modes of positions < p. The prefix of a serial
   * SGS does not depend on the suffix, so removing the suffix nodes from the busy lists
   * gives exactly the state after decoding the prefix.
   */
  decodeFrom(sol: Solution, out: Decoded, base: Decoded, p: number): boolean {
    for (let i = p; i < this.n; i++) this.remove(sol.order[i]!, base);
    copyDecoded(base, out);
    return this.run(sol, out, p);
  }

  /** Undo decodeFrom(sol, out, base, p): the state reflects `base` again. */
  revert(sol: Solution, out: Decoded, base: Decoded, p: number): void {
    for (let i = p; i < this.placedUpTo; i++) this.remove(sol.order[i]!, out);
    for (let i = p; i < this.n; i++) this.insert(sol.order[i]!, base);
  }

  private remove(v: number, d: Decoded): void {
    const w = d.worker[v]!;
    this.w.remove(w, v, d.start[v]!);
    this.s.remove(d.sub[v]!, v, d.start[v]!);
    this.load[w] = this.load[w]! - this.m.nodes[v]!.opts[d.opt[v]!]!.workMin;
  }

  private insert(v: number, d: Decoded): void {
    const w = d.worker[v]!;
    this.w.insert(w, v, d.start[v]!, d.end[v]!);
    this.s.insert(d.sub[v]!, v, d.start[v]!, d.end[v]!);
    this.load[w] = this.load[w]! + this.m.nodes[v]!.opts[d.opt[v]!]!.workMin;
  }

  private run(sol: Solution, out: Decoded, from: number): boolean {
    const m = this.m;
    const nodes = m.nodes;
    const cals = m.cals;
    const load = this.load;
    const calIndex = m.calIndex;
    const pf = sol.choice === CHOICE_PF;
    out.feasible = true;
    out.failNode = -1;
    this.placedUpTo = from;
    for (let oi = from; oi < this.n; oi++) {
      const v = sol.order[oi]!;
      const nd = nodes[v]!;
      // precedence-ready time
      let est = nd.release;
      let rp = -1;
      for (const p of nd.preds) {
        const pe = out.end[p]!;
        if (pe > est) {
          est = pe;
          rp = p;
        }
      }
      out.ready[v] = est;
      out.readyPred[v] = rp;

      // enumerate allowed (option, worker, substation) triples with a lower bound on their finish
      const mo = sol.modeOpt[v]!;
      const mw = sol.modeWorker[v]!;
      let np = 0;
      const opts = nd.opts;
      for (let o = 0; o < opts.length; o++) {
        if (mo >= 0 && o !== mo) continue;
        const op = opts[o]!;
        const workMs = op.workMs;
        const subs = op.subs;
        const stamp = ++this.stamp;
        for (const s of subs) this.sGapCache[s] = this.subGap(s, est, workMs) + workMs;
        for (const w of op.workers) {
          if (mw >= 0 && w !== mw) continue;
          // calendar-only earliest window, shared by workers with the same calendar
          const ci = calIndex[w]!;
          const cal = cals[w]!;
          if (this.calStamp[ci] !== stamp) {
            this.calStamp[ci] = stamp;
            const t0 = cal.nextShiftStart(est);
            this.calT0[ci] = t0;
            this.calE0[ci] = t0 === Infinity ? Infinity : cal.addWork(t0, workMs);
          }
          let we = this.calE0[ci]!;
          if (we === Infinity) continue;
          // exact worker-only fit only if the worker is busy inside that window
          const E = this.w.E[w]!;
          const k = firstEndAfter(E, this.calT0[ci]!, 0);
          if (k < E.length && this.w.S[w]![k]! < we) {
            we = this.workerAlone(cal, w, est, workMs);
            if (we === Infinity) continue;
          }
          const key = pf ? op.prio : 0;
          for (const s of subs) {
            const sg = this.sGapCache[s]!;
            this.pLb[np] = we > sg ? we : sg;
            this.pKey[np] = key;
            this.pOpt[np] = o;
            this.pW[np] = w;
            this.pS[np] = s;
            np++;
          }
        }
      }
      const lb = this.pLb;
      const keyA = this.pKey;
      // the triples by (key, lb), then as listed: the order in which best-first takes them, from a heap, as the loop
      // below mostly stops after a few (sorting all of them, ~65 a step on the --full floor, was ~12 % of release's
      // scheduler time among other plans' bookings; the same order, so the same schedules)
      const heap = this.pIdx;
      for (let j = 0; j < np; j++) heap[j] = j;
      for (let j = (np >> 1) - 1; j >= 0; j--) this.siftDown(j, np);
      let hn = np;

      // best-first: fit the triples by smallest (key, lb) until no remaining one can beat
      // the incumbent (bounds are exact lower bounds)
      let bestEnd = Infinity;
      let bestKey = Infinity;
      let bestPrio = Infinity;
      let bestLoad = Infinity;
      let bestStart = 0;
      let bestP = -1;
      let bBind = 0;
      let bRef = -1;
      let bUntil = 0;
      while (hn > 0) {
        const p = heap[0]!;
        heap[0] = heap[--hn]!;
        this.siftDown(0, hn);
        const pk = keyA[p]!;
        const pl = lb[p]!;
        if (pk > bestKey || (pk === bestKey && pl > bestEnd)) break;
        const o = this.pOpt[p]!;
        const w = this.pW[p]!;
        const op = opts[o]!;
        // its finish can at best tie the incumbent's: then only the tie-breakers decide, and they are known
        // without the fit (on a free floor most triples tie: this spares their fits)
        if (pk === bestKey && pl === bestEnd && !tieWins(op.prio, load[w]!, p, bestPrio, bestLoad, bestP)) continue;
        if (!this.fit(m.calOf(w, this.pS[p]!), w, this.pS[p]!, est, op.workMs)) continue;
        const e = this.fEnd;
        const ld = load[w]!;
        let better: boolean;
        if (pk !== bestKey) better = pk < bestKey;
        else if (e !== bestEnd) better = e < bestEnd;
        else if (op.prio !== bestPrio) better = op.prio < bestPrio;
        else if (ld !== bestLoad) better = ld < bestLoad;
        else better = p < bestP;
        if (better) {
          bestKey = pk;
          bestEnd = e;
          bestPrio = op.prio;
          bestLoad = ld;
          bestStart = this.fStart;
          bestP = p;
          bBind = this.fBind;
          bRef = this.fRef;
          bUntil = this.fUntil;
        }
      }
      if (bestP < 0) {
        out.feasible = false;
        out.failNode = v;
        out.makespanEnd = Infinity;
        return false;
      }
      const o = this.pOpt[bestP]!;
      out.start[v] = bestStart;
      out.end[v] = bestEnd;
      out.opt[v] = o;
      out.worker[v] = this.pW[bestP]!;
      out.sub[v] = this.pS[bestP]!;
      out.bind[v] = bBind;
      out.bindRef[v] = bRef;
      out.bindUntil[v] = bUntil;
      if (!this.relaxed) this.insert(v, out);
      this.placedUpTo = oi + 1;
    }
    // aggregates over all nodes
    let makespanEnd = m.now;
    let prioSum = 0;
    let se = 0;
    for (let v = 0; v < this.n; v++) {
      const e = out.end[v]!;
      if (e > makespanEnd) makespanEnd = e;
      prioSum += nodes[v]!.opts[out.opt[v]!]!.prio;
      se += (e - m.now) / 60_000;
    }
    let sq = 0;
    for (let w = 0; w < load.length; w++) sq += load[w]! * load[w]!;
    out.makespanEnd = makespanEnd;
    out.prioSum = prioSum;
    out.loadSq = sq;
    out.sumEnd = se;
    out.tardiness = weightedTardiness(m, out.end);
    return true;
  }
}

/** Whether a triple that finishes when the incumbent does beats it: lower candidate priority, then less loaded worker, then listed first. */
function tieWins(prio: number, load: number, p: number, bestPrio: number, bestLoad: number, bestP: number): boolean {
  if (prio !== bestPrio) return prio < bestPrio;
  if (load !== bestLoad) return load < bestLoad;
  return p < bestP;
}

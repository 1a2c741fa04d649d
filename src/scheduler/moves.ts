/**
 * The iterated local search's neighbourhood (search.ts runs the search): moves
 * on an activity list and its modes (swap a critical node before its blocker,
 * reassign a node to another station / worker, shift it within its
 * precedence window, ask for a better priority, relieve the most loaded
 * worker, promote the most tardy plan) and the critical path they aim at.
 * Each move keeps every node's list position (pos) current and lowers
 * `dirty` to the smallest position it touched, so the search re-decodes the
 * list from there only.
 */
import { BIND_SUB, BIND_WORKER, type Decoded, type Solution } from './solution.js';
import type { Model } from './model.js';
import type { Prng } from './prng.js';
import { mostTardyPlan } from './tardiness.js';

export class ListMoves {
  private readonly m: Model;
  private readonly n: number;
  private readonly rng: Prng;
  private readonly pos: Int32Array;
  private readonly minPrioSum: number;
  /** several plans, some with a due date: the tardiness-aware moves apply */
  private readonly multiPlan: boolean;
  /** no precedence edge joins two plans: any interleaving of the plans' lists is topological */
  private readonly plansIndependent: boolean;
  /** smallest list position touched by the moves since it was reset to n */
  dirty = 0;

  constructor(model: Model, rng: Prng, minPrioSum: number, multiPlan: boolean) {
    this.m = model;
    this.n = model.nodes.length;
    this.rng = rng;
    this.pos = new Int32Array(this.n);
    this.minPrioSum = minPrioSum;
    this.multiPlan = multiPlan;
    this.plansIndependent = model.nodes.every((nd, v) => nd.preds.every((q) => model.planOf[q] === model.planOf[v]));
  }

  recomputePos(order: Int32Array): void {
    for (let i = 0; i < order.length; i++) this.pos[order[i]!] = i;
  }

  /** Move the element at index a to index b, shifting the ones between. */
  private moveTo(order: Int32Array, a: number, b: number): void {
    if (a === b) return;
    const lo = a < b ? a : b;
    if (lo < this.dirty) this.dirty = lo;
    const v = order[a]!;
    if (a < b) {
      order.copyWithin(a, a + 1, b + 1);
      order[b] = v;
      for (let i = a; i <= b; i++) this.pos[order[i]!] = i;
    } else {
      order.copyWithin(b + 1, b, a);
      order[b] = v;
      for (let i = b; i <= a; i++) this.pos[order[i]!] = i;
    }
  }

  private maxPredPos(v: number): number {
    let p = -1;
    for (const q of this.m.nodes[v]!.preds) if (this.pos[q]! > p) p = this.pos[q]!;
    return p;
  }

  private minSuccPos(v: number): number {
    let p = this.n;
    for (const q of this.m.nodes[v]!.succs) if (this.pos[q]! < p) p = this.pos[q]!;
    return p;
  }

  /**
   * The chain of predecessors / resource blockers that ends at the makespan, or (half of
   * the time while some plan is late) at the last node of the most weighted-tardy plan:
   * moving that chain's nodes ahead of their blockers pulls the late plan forward.
   */
  criticalPath(d: Decoded, out: number[]): void {
    out.length = 0;
    let v = -1;
    let mx = -Infinity;
    const late = this.multiPlan && d.tardiness > 0 && this.rng.next() < 0.5 ? mostTardyPlan(this.m, d.end) : -1;
    for (let i = 0; i < this.n; i++) {
      if (late >= 0 && this.m.planOf[i] !== late) continue;
      if (d.end[i]! > mx) {
        mx = d.end[i]!;
        v = i;
      }
    }
    let guard = this.n;
    while (v >= 0 && guard-- > 0) {
      out.push(v);
      const b = d.bind[v]!;
      if (b === BIND_WORKER || b === BIND_SUB) {
        const r = d.bindRef[v]!;
        v = r >= 0 ? r : -1;
      } else v = d.readyPred[v]!;
    }
  }

  /** Swap a resource-blocked critical node v before its blocker u in the list. */
  private moveSwap(sol: Solution, d: Decoded, path: number[]): boolean {
    const blocked: number[] = [];
    for (const v of path) {
      const b = d.bind[v]!;
      if ((b === BIND_WORKER || b === BIND_SUB) && d.bindRef[v]! >= 0) blocked.push(v);
    }
    if (blocked.length === 0) return false;
    const v = this.rng.pick(blocked);
    const u = d.bindRef[v]!;
    const pv = this.pos[v]!;
    const pu = this.pos[u]!;
    if (pu < pv) {
      if (this.maxPredPos(v) < pu) {
        this.moveTo(sol.order, pv, pu);
        return true;
      }
      if (this.minSuccPos(u) > pv) {
        this.moveTo(sol.order, pu, pv);
        return true;
      }
      // move v as early as its predecessors allow
      const lo = this.maxPredPos(v) + 1;
      if (lo < pv) {
        this.moveTo(sol.order, pv, lo);
        return true;
      }
      return false;
    }
    // blocker decoded later (inserted earlier in time): push the blocker after v
    const hi = this.minSuccPos(u) - 1;
    if (hi > pu) {
      this.moveTo(sol.order, pu, Math.min(hi, this.n - 1));
      return true;
    }
    return false;
  }

  /** Restrict a node to another station / worker (or release its restriction). */
  private setMode(sol: Solution, v: number, o: number, w: number): void {
    sol.modeOpt[v] = o;
    sol.modeWorker[v] = w;
    const p = this.pos[v]!;
    if (p < this.dirty) this.dirty = p;
  }

  private moveReassign(sol: Solution, d: Decoded, v: number): boolean {
    const nd = this.m.nodes[v]!;
    const curO = d.opt[v]!;
    const curW = d.worker[v]!;
    const r = this.rng.next();
    if ((sol.modeOpt[v]! >= 0 || sol.modeWorker[v]! >= 0) && r < 0.15) {
      this.setMode(sol, v, -1, -1);
      return true;
    }
    if (nd.opts.length > 1 && r < 0.55) {
      let o = this.rng.int(nd.opts.length - 1);
      if (o >= curO) o++;
      this.setMode(sol, v, o, -1);
      return true;
    }
    if (nd.pairCount <= 1) return false;
    // random (option, worker) pair other than the current one
    let k = this.rng.int(nd.pairCount);
    for (let tries = 0; tries < 2; tries++) {
      for (let o = 0; o < nd.opts.length; o++) {
        const ws = nd.opts[o]!.workers;
        if (k < ws.length) {
          const w = ws[k]!;
          if (o === curO && w === curW) {
            k = (k + 1) % nd.pairCount;
            break;
          }
          this.setMode(sol, v, o, w);
          return true;
        }
        k -= ws.length;
      }
    }
    return false;
  }

  /** Move a node to a random valid position of the list. */
  private moveShift(sol: Solution, v: number): boolean {
    const lo = this.maxPredPos(v) + 1;
    const hi = this.minSuccPos(v) - 1;
    if (hi <= lo) return false;
    const p = this.pos[v]!;
    let t = lo + this.rng.int(hi - lo);
    if (t >= p) t++;
    if (t > hi) t = hi;
    if (t === p) return false;
    this.moveTo(sol.order, p, t);
    return true;
  }

  /** Ask a node for a station with a better (lower) priority. */
  private movePriority(sol: Solution, d: Decoded): boolean {
    const n = this.n;
    const startAt = this.rng.int(n);
    for (let i = 0; i < n; i++) {
      const v = (startAt + i) % n;
      const nd = this.m.nodes[v]!;
      const o = d.opt[v]!;
      const pr = nd.opts[o]!.prio;
      if (pr <= nd.minPrio) continue;
      const better: number[] = [];
      nd.opts.forEach((op, k) => {
        if (op.prio < pr) better.push(k);
      });
      this.setMode(sol, v, this.rng.pick(better), -1);
      return true;
    }
    return false;
  }

  /** Move a task of the most loaded worker to another worker. */
  private moveBalance(sol: Solution, d: Decoded): boolean {
    const load = new Map<number, number>();
    let wMax = -1;
    let lMax = -1;
    for (let v = 0; v < this.n; v++) {
      const w = d.worker[v]!;
      const l = (load.get(w) ?? 0) + this.m.nodes[v]!.opts[d.opt[v]!]!.workMin;
      load.set(w, l);
      if (l > lMax || (l === lMax && w < wMax)) {
        lMax = l;
        wMax = w;
      }
    }
    const mine: number[] = [];
    for (let v = 0; v < this.n; v++) if (d.worker[v] === wMax && this.m.nodes[v]!.pairCount > 1) mine.push(v);
    if (mine.length === 0) return false;
    return this.moveReassign(sol, d, this.rng.pick(mine));
  }

  /**
   * A random move on `sol`; false if none applied. `atBound`: the makespan is at its bound (one plan), so only the
   * priority sum and the balance can still gain: nine moves in ten go to them.
   */
  neighbor(sol: Solution, d: Decoded, path: number[], phase2: boolean, atBound = false): boolean {
    let r = this.rng.next();
    // phase 2 spends a third of its moves on priorities and balance (nine in ten at the bound)
    if (phase2 && this.rng.next() < (atBound ? 0.9 : 0.33)) r = 0.75 + 0.15 * this.rng.next();
    if (r < 0.4 && this.moveSwap(sol, d, path)) return true;
    if (r < 0.75 && path.length > 0) {
      for (let t = 0; t < 3; t++) if (this.moveReassign(sol, d, this.rng.pick(path))) return true;
    }
    if (r < 0.85 && d.prioSum > this.minPrioSum && this.movePriority(sol, d)) return true;
    if (r < 0.9 && this.moveBalance(sol, d)) return true;
    const v = path.length > 0 && this.rng.next() < 0.7 ? this.rng.pick(path) : this.rng.int(this.n);
    if (this.moveShift(sol, v)) return true;
    return this.moveReassign(sol, d, v);
  }

  /** Stable partition of the list from a random position: the nodes of plan p first (plans without edges between them only). */
  private movePromotePlan(sol: Solution, p: number): boolean {
    const order = sol.order;
    const planOf = this.m.planOf;
    let last = -1;
    for (let i = 0; i < this.n; i++) if (planOf[order[i]!] === p) last = i;
    if (last < 0) return false;
    const from = this.rng.int(last + 1);
    const mine: number[] = [];
    const others: number[] = [];
    for (let i = from; i < this.n; i++) (planOf[order[i]!] === p ? mine : others).push(order[i]!);
    let i = from;
    for (const v of mine) order[i++] = v;
    for (const v of others) order[i++] = v;
    for (let j = from; j < this.n; j++) this.pos[order[j]!] = j;
    if (from < this.dirty) this.dirty = from;
    return true;
  }

  perturb(sol: Solution, d: Decoded, path: number[]): void {
    if (this.multiPlan && this.plansIndependent && d.tardiness > 0 && this.rng.next() < 0.3) {
      const p = mostTardyPlan(this.m, d.end);
      if (p >= 0) this.movePromotePlan(sol, p);
    }
    const k = 2 + this.rng.int(4);
    for (let i = 0; i < k; i++) {
      const v = path.length > 0 && this.rng.next() < 0.5 ? this.rng.pick(path) : this.rng.int(this.n);
      if (this.rng.next() < 0.5) this.moveShift(sol, v);
      else this.moveReassign(sol, d, v);
    }
  }
}

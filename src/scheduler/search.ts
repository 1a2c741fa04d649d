/**
 * Construction (dispatching rules) and improvement (iterated local search on
 * the critical path) over activity lists decoded by the serial SGS.
 */
import { Decoder } from './decode.js';
import { BIND_SUB, BIND_WORKER, CHOICE_EF, CHOICE_PF, compareDecoded, compareGuide, copyDecoded, newDecoded, type Decoded, type Solution } from './solution.js';
import { measures, orderByKeys } from './dispatch.js';
import { bookedPathEnd, type LowerBounds } from './lowerbound.js';
import type { Model } from './model.js';
import { Prng } from './prng.js';
import { ClassicTabu, classicShop } from './tabu.js';
import { mostTardyPlan } from './tardiness.js';

export interface SearchOptions {
  improve: boolean;
  timeBudgetMs: number;
  maxIterations: number;
  /** stop after this many iterations without a new best (0 = never) */
  patience: number;
  seed: number;
  clock: () => number;
  /** clock() value at the start of the call */
  t0: number;
}

export interface SearchResult {
  best: Decoded;
  bestSolution: Solution;
  greedy: Decoded;
  iterations: number;
  ruleResults: { rule: string; makespanEnd: number }[];
  /** the lower bound the search stopped against: lb.end, or the booked path bound when it had to look further */
  lowerBoundEnd: number;
}

/**
 * Default patience: iterations without a new best before the search gives up,
 * four stalls' worth (each stall ends in a kick from the best). In practice
 * this, not the clock, ends the search at release, so the same plan against
 * the same bookings gets the same schedule however busy the machine is.
 */
export function defaultPatience(nodeCount: number): number {
  return 4 * stallLimitOf(nodeCount);
}

/** Non-improving moves before a kick. */
function stallLimitOf(nodeCount: number): number {
  return Math.max(20, Math.min(150, nodeCount));
}

/** Default number of local-search iterations, scaled so big plans stay well inside the budget. */
export function defaultMaxIterations(nodeCount: number): number {
  return Math.max(50, Math.min(3000, Math.round(150_000 / (nodeCount + 20))));
}

function newSolution(n: number, order: Int32Array, choice: number): Solution {
  return { order, modeOpt: new Int32Array(n).fill(-1), modeWorker: new Int32Array(n).fill(-1), choice };
}

function copySolution(src: Solution, dst: Solution): void {
  dst.order.set(src.order);
  dst.modeOpt.set(src.modeOpt);
  dst.modeWorker.set(src.modeWorker);
  dst.choice = src.choice;
}

function cloneSolution(s: Solution): Solution {
  return { order: s.order.slice(), modeOpt: s.modeOpt.slice(), modeWorker: s.modeWorker.slice(), choice: s.choice };
}

function cloneDecoded(d: Decoded): Decoded {
  const c = newDecoded(d.start.length);
  copyDecoded(d, c);
  return c;
}

/** Largest plan the classic-shop tabu search is tried on. */
const TABU_MAX_NODES = 400;

// ---------------------------------------------------------------------------

export class Search {
  private readonly m: Model;
  private readonly n: number;
  private readonly dec: Decoder;
  private readonly rng: Prng;
  private readonly opt: SearchOptions;
  private readonly lb: LowerBounds;
  private readonly pos: Int32Array;
  private readonly minPrioSum: number;
  /** weighted tardiness no schedule can beat (plans finishing at their earliest finish) */
  private readonly minTardiness: number;
  /** several plans, some with a due date: the tardiness-aware rules and moves apply */
  private readonly multiPlan: boolean;
  /** no precedence edge joins two plans: any interleaving of the plans' lists is topological */
  private readonly plansIndependent: boolean;
  /** smallest list position touched by the moves since it was reset to n */
  private dirty = 0;
  /** makespan end no schedule can beat: lb.end, raised to the booked path bound once the greedy is not optimal */
  private lbEnd: number;

  constructor(model: Model, lb: LowerBounds, opt: SearchOptions) {
    this.m = model;
    this.n = model.nodes.length;
    this.dec = new Decoder(model);
    this.rng = new Prng(opt.seed);
    this.opt = opt;
    this.lb = lb;
    this.lbEnd = lb.end;
    this.pos = new Int32Array(this.n);
    let mp = 0;
    for (const nd of model.nodes) mp += nd.minPrio;
    this.minPrioSum = mp;
    this.multiPlan = model.hasDue && model.plans.length > 1;
    this.plansIndependent = model.nodes.every((nd, v) => nd.preds.every((q) => model.planOf[q] === model.planOf[v]));
    const cmin = model.plans.map((p) => p.fixedEnd);
    model.nodes.forEach((_, v) => {
      const p = model.planOf[v]!;
      cmin[p] = Math.max(cmin[p]!, lb.earliestFinish[v]!);
    });
    this.minTardiness = model.plans.reduce((t, p, i) => t + (cmin[i]! > p.due ? (p.weight * (cmin[i]! - p.due)) / 60_000 : 0), 0);
  }

  private elapsed(): number {
    return this.opt.clock() - this.opt.t0;
  }

  /** true when best cannot be improved on the first three criteria (one plan: its tardiness falls with the makespan) */
  private optimal(d: Decoded): boolean {
    if (this.multiPlan && d.tardiness > this.minTardiness + 1e-6) return false;
    return d.makespanEnd <= this.lbEnd && d.prioSum <= this.minPrioSum;
  }

  run(): SearchResult {
    const m = this.m;
    const n = this.n;
    const ms = measures(m);
    const neg = (a: Float64Array): Float64Array => a.map((x) => -x);
    const head = this.lb.head;
    const negHead = neg(head);
    const through = new Float64Array(n);
    for (let v = 0; v < n; v++) through[v] = head[v]! / 60_000 + ms.tail[v]!;
    const inputIdx = new Float64Array(n).map((_, i) => -i);

    type Rule = [string, ArrayLike<number>, ArrayLike<number>, number];
    // most useful first: under time pressure the tail of this list is skipped
    const rules: Rule[] = [
      ['LRP', ms.tail, ms.desc, CHOICE_EF], // the baseline greedy
      ['MTS', ms.desc, ms.tail, CHOICE_EF],
      ['MWR', ms.descWork, ms.tail, CHOICE_EF],
      ['LRP/prio', ms.tail, ms.desc, CHOICE_PF],
      ['CP', through, ms.tail, CHOICE_EF],
      ['EST', negHead, ms.tail, CHOICE_EF],
      ['MTS/prio', ms.desc, ms.tail, CHOICE_PF],
      ['LPT', ms.work, ms.tail, CHOICE_EF],
      ['SPT', neg(ms.work), ms.tail, CHOICE_EF],
      ['FIFO', inputIdx, ms.tail, CHOICE_EF],
    ];
    // several plans with due dates: a due-date rule is the first decode, so a budget that ends after
    // one decode (4,000 steps on a loaded machine) still answers by urgency, not by path length
    if (this.multiPlan) rules.unshift(...this.dueDateRules(ms.tail, ms.work, head));

    const ruleResults: { rule: string; makespanEnd: number }[] = [];
    const first = rules[0]!;
    let bestSol = newSolution(n, orderByKeys(m, first[1], first[2]), first[3]);
    const cur = newDecoded(n);
    this.dec.decode(bestSol, cur);
    const greedy = cloneDecoded(cur);
    ruleResults.push({ rule: first[0], makespanEnd: cur.makespanEnd });
    if (!greedy.feasible || !this.opt.improve || n === 0) {
      return { best: greedy, bestSolution: bestSol, greedy, iterations: 0, ruleResults, lowerBoundEnd: this.lbEnd };
    }
    // among other plans' bookings the path bound (which ignores them) is rarely reached: the booked one may be
    if (!this.optimal(greedy)) this.lbEnd = Math.max(this.lbEnd, bookedPathEnd(m));
    const best = cloneDecoded(cur);
    let lastCost = this.elapsed();

    // 1) other dispatching rules, keep the best
    for (let r = 1; r < rules.length; r++) {
      if (this.optimal(best)) break;
      const before = this.elapsed();
      if (before + 1.5 * lastCost > this.opt.timeBudgetMs) break;
      const rule = rules[r]!;
      const sol = newSolution(n, orderByKeys(m, rule[1], rule[2]), rule[3]);
      this.dec.decode(sol, cur);
      ruleResults.push({ rule: rule[0], makespanEnd: cur.makespanEnd });
      if (compareDecoded(cur, best) < 0) {
        copyDecoded(cur, best);
        bestSol = sol;
      }
      lastCost = this.elapsed() - before;
    }

    // 2) a plan that is a classic flexible job shop (24/7, no bookings, dedicated
    //    machines): tabu search on the disjunctive graph first (see tabu.ts)
    let tabuIterations = 0;
    if (!this.optimal(best)) {
      const tabu = this.tabu(best);
      if (tabu) {
        tabuIterations = tabu.iterations;
        this.dec.decode(tabu.solution, cur);
        if (cur.feasible && compareDecoded(cur, best) < 0) {
          copyDecoded(cur, best);
          bestSol = tabu.solution;
        }
      }
    }

    // 3) iterated local search from the best so far, with the iterations left
    const iterations = tabuIterations + this.ils(bestSol, best, lastCost, this.opt.maxIterations - tabuIterations);
    return { best, bestSolution: bestSol, greedy, iterations, ruleResults, lowerBoundEnd: this.lbEnd };
  }

  /**
   * Tabu search when the plan is a classic flexible job shop, within the
   * budget (80%) and the iteration limits; undefined for every other plan.
   */
  private tabu(start: Decoded): { solution: Solution; iterations: number } | undefined {
    const shop = classicShop(this.m);
    // each move costs an exact pass over the whole graph: beyond a few hundred nodes the
    // ILS's partial re-decodes do more in the same time
    if (!shop || this.n < 2 || this.n > TABU_MAX_NODES) return undefined;
    // it minimises the makespan only: with several plans' due dates, tardiness comes first
    if (this.multiPlan) return undefined;
    const ts = new ClassicTabu(this.m, shop, this.rng);
    ts.init(start);
    // stop at 80% of the budget, keeping room for the final decode and the result
    const deadline = 0.8 * this.opt.timeBudgetMs;
    const iterations = ts.run({
      maxIterations: this.opt.maxIterations,
      patience: this.opt.patience,
      outOfTime: () => this.elapsed() > deadline,
    });
    return { solution: ts.bestSolution(), iterations };
  }

  /**
   * Due-date dispatching rules for several plans (tried first, before the makespan rules):
   * EDD (earliest due date first, then longest remaining path), EDD with the
   * best-priority station first, weighted slack (late plans by weight times
   * lateness, then on-time ones by slack / weight) and ATC (apparent tardiness
   * cost: weight / work * exp(-slack / (2 * mean work))). Slack of a node =
   * due - earliest start - remaining path, in minutes.
   */
  private dueDateRules(tail: Float64Array, work: Float64Array, head: Float64Array): [string, ArrayLike<number>, ArrayLike<number>, number][] {
    const m = this.m;
    const n = this.n;
    const negDue = new Float64Array(n);
    const wslack = new Float64Array(n);
    const atc = new Float64Array(n);
    let meanWork = 0;
    for (let v = 0; v < n; v++) meanWork += work[v]! / n;
    const k = 2 * Math.max(1, meanWork);
    for (let v = 0; v < n; v++) {
      const p = m.plans[m.planOf[v]!]!;
      negDue[v] = -p.due;
      const slack = (p.due - head[v]!) / 60_000 - tail[v]!;
      wslack[v] = slack < 0 ? -slack * p.weight : -slack / p.weight;
      atc[v] = slack === Infinity ? 0 : (p.weight / Math.max(1, work[v]!)) * Math.exp(-Math.max(0, slack) / k);
    }
    return [
      ['EDD', negDue, tail, CHOICE_EF],
      ['ATC', atc, tail, CHOICE_EF],
      ['WSLACK', wslack, tail, CHOICE_EF],
      ['EDD/prio', negDue, tail, CHOICE_PF],
    ];
  }

  // ---- local search ----------------------------------------------------------

  private recomputePos(order: Int32Array): void {
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
  private criticalPath(d: Decoded, out: number[]): void {
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

  private neighbor(sol: Solution, d: Decoded, path: number[], phase2: boolean): boolean {
    let r = this.rng.next();
    // phase 2 spends a third of its moves on priorities and balance
    if (phase2 && this.rng.next() < 0.33) r = 0.75 + 0.15 * this.rng.next();
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

  private perturb(sol: Solution, d: Decoded, path: number[]): void {
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

  /**
   * Iterated local search. Phase 1 (first ~75% of the iterations or of the time budget)
   * accepts moves on (makespan, sum of ends): the sum of ends guides the search across the
   * large makespan plateaus that shift calendars create. Phase 2 restarts from the best
   * solution and accepts on the true objective (makespan, priority sum, load balance).
   * The best solution for the true objective is tracked throughout.
   */
  private ils(startSol: Solution, best: Decoded, lastCost: number, maxIt: number): number {
    const n = this.n;
    const budget = this.opt.timeBudgetMs;
    if (maxIt <= 0 || this.optimal(best)) return 0;
    const stallLimit = stallLimitOf(n);
    const patience = this.opt.patience;
    let lastGain = 0;
    // phase 1 crosses makespan plateaus: with the makespan at its bound (one plan) there is none to cross
    let phase1Done = !this.multiPlan && best.makespanEnd <= this.lbEnd;
    const bestSol = startSol; // updated in place
    const curSol = cloneSolution(startSol);
    const candSol = cloneSolution(startSol);
    const guideSol = cloneSolution(startSol);
    let curDec = cloneDecoded(best);
    let candDec = newDecoded(n);
    const guideDec = cloneDecoded(best);
    const path: number[] = [];
    this.dec.decode(curSol, curDec); // sync the decoder state with the current solution
    this.criticalPath(curDec, path);
    let iterCost = lastCost;
    let stall = 0;
    let phase2 = false;
    let it = 0;
    for (; it < maxIt; it++) {
      if (this.optimal(best)) break;
      // one plan whose makespan meets its bound has only its tie-breakers (priority sum, balance) left to gain: one stall's
      // patience for those, not four (on a full floor the release otherwise spent ~180 decodes on a priority sum it rarely moves)
      const limit = !this.multiPlan && best.makespanEnd <= this.lbEnd ? Math.min(patience, stallLimit) : patience;
      if (patience > 0 && it - lastGain >= limit) {
        // phase 1 ran dry: go on to phase 2 early; phase 2 ran dry: done
        if (phase2) break;
        phase1Done = true;
        lastGain = it;
      }
      const before = this.elapsed();
      // keep a margin for a slower iteration and for building the result
      if (before + 2 * iterCost + 0.03 * budget > budget) break;
      if (!phase2 && (phase1Done || it >= 0.75 * maxIt || before >= 0.75 * budget)) {
        phase2 = true;
        copySolution(bestSol, curSol);
        this.dec.decode(curSol, curDec);
        this.criticalPath(curDec, path);
        stall = 0;
      }
      const cmp = phase2 ? compareDecoded : compareGuide;
      if (stall >= stallLimit) {
        // kick: restart from the phase's best with a random perturbation
        const fromSol = phase2 ? bestSol : guideSol;
        const fromDec = phase2 ? best : guideDec;
        copySolution(fromSol, candSol);
        this.recomputePos(candSol.order);
        this.criticalPath(fromDec, path);
        this.perturb(candSol, fromDec, path);
        if (this.dec.decode(candSol, candDec)) {
          copySolution(candSol, curSol);
          [curDec, candDec] = [candDec, curDec];
        } else {
          // the kick left the horizon: continue from the phase's best instead
          copySolution(fromSol, curSol);
          this.dec.decode(curSol, curDec);
        }
        this.criticalPath(curDec, path);
        stall = 0;
      } else {
        copySolution(curSol, candSol);
        this.recomputePos(candSol.order);
        this.dirty = n;
        if (!this.neighbor(candSol, curDec, path, phase2) || this.dirty >= n) {
          stall++;
          iterCost = Math.max(iterCost * 0.9, this.elapsed() - before);
          continue;
        }
        const from = this.dirty;
        this.dec.decodeFrom(candSol, candDec, curDec, from);
        if (candDec.feasible && cmp(candDec, curDec) <= 0) {
          copySolution(candSol, curSol);
          [curDec, candDec] = [candDec, curDec];
          this.criticalPath(curDec, path);
        } else {
          this.dec.revert(candSol, candDec, curDec, from);
          stall++;
        }
      }
      if (curDec.feasible && compareDecoded(curDec, best) < 0) {
        copyDecoded(curDec, best);
        copySolution(curSol, bestSol);
        if (phase2) stall = 0;
        lastGain = it;
      }
      if (!phase2 && curDec.feasible && compareGuide(curDec, guideDec) < 0) {
        copyDecoded(curDec, guideDec);
        copySolution(curSol, guideSol);
        stall = 0;
        lastGain = it;
      }
      const cost = this.elapsed() - before;
      iterCost = cost > iterCost ? cost : iterCost * 0.9 + cost * 0.1;
    }
    return it;
  }
}

/**
 * Construction (dispatching rules) and improvement (iterated local search on
 * the critical path) over activity lists decoded by the serial SGS. The
 * search's moves on the list are in moves.ts, the classic-shop tabu search
 * it tries first in tabu.ts.
 */
import { Decoder } from './decode.js';
import { classicShop } from './disjunctive.js';
import { CHOICE_EF, CHOICE_PF, compareDecoded, compareGuide, copyDecoded, newDecoded, type Decoded, type Solution } from './solution.js';
import { measures, orderByKeys } from './dispatch.js';
import { bookedPathEnd, type LowerBounds } from './lowerbound.js';
import type { Model } from './model.js';
import { ListMoves } from './moves.js';
import { Prng } from './prng.js';
import { ClassicTabu } from './tabu.js';

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

/** A fresh solution's identity: its list and its option choice (no modes are set yet). */
function listKey(s: Solution): string {
  return `${s.choice}:${s.order.join(',')}`;
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
  private readonly moves: ListMoves;
  private readonly minPrioSum: number;
  /** weighted tardiness no schedule can beat (plans finishing at their earliest finish) */
  private readonly minTardiness: number;
  /** several plans, some with a due date: the tardiness-aware rules and moves apply */
  private readonly multiPlan: boolean;
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
    let mp = 0;
    for (const nd of model.nodes) mp += nd.minPrio;
    this.minPrioSum = mp;
    this.multiPlan = model.hasDue && model.plans.length > 1;
    this.moves = new ListMoves(model, this.rng, mp, this.multiPlan);
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

    // 1) other dispatching rules, keep the best; a list decoded already decodes the same (a chain has one
    //    topological order, which every rule gives), so it is not decoded again
    const decoded = new Map<string, number>([[listKey(bestSol), cur.makespanEnd]]);
    for (let r = 1; r < rules.length; r++) {
      if (this.optimal(best)) break;
      const before = this.elapsed();
      if (before + 1.5 * lastCost > this.opt.timeBudgetMs) break;
      const rule = rules[r]!;
      const sol = newSolution(n, orderByKeys(m, rule[1], rule[2]), rule[3]);
      const key = listKey(sol);
      const seen = decoded.get(key);
      if (seen !== undefined) {
        ruleResults.push({ rule: rule[0], makespanEnd: seen });
        continue;
      }
      this.dec.decode(sol, cur);
      decoded.set(key, cur.makespanEnd);
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
    this.moves.criticalPath(curDec, path);
    let iterCost = lastCost;
    let stall = 0;
    let phase2 = false;
    let it = 0;
    for (; it < maxIt; it++) {
      if (this.optimal(best)) break;
      // one plan whose makespan meets its bound has only its tie-breakers (priority sum, balance) left to gain: the moves
      // go to those (neighbor's atBound) and half a stall's patience, not four stalls' (on a full floor the release
      // otherwise spent ~180 decodes on a priority sum it rarely moves, and one stall's mostly on moves that could not gain)
      const atBound = !this.multiPlan && best.makespanEnd <= this.lbEnd;
      const limit = atBound ? Math.min(patience, stallLimit >> 1) : patience;
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
        this.moves.criticalPath(curDec, path);
        stall = 0;
      }
      const cmp = phase2 ? compareDecoded : compareGuide;
      if (stall >= stallLimit) {
        // kick: restart from the phase's best with a random perturbation
        const fromSol = phase2 ? bestSol : guideSol;
        const fromDec = phase2 ? best : guideDec;
        copySolution(fromSol, candSol);
        this.moves.recomputePos(candSol.order);
        this.moves.criticalPath(fromDec, path);
        this.moves.perturb(candSol, fromDec, path);
        if (this.dec.decode(candSol, candDec)) {
          copySolution(candSol, curSol);
          [curDec, candDec] = [candDec, curDec];
        } else {
          // the kick left the horizon: continue from the phase's best instead
          copySolution(fromSol, curSol);
          this.dec.decode(curSol, curDec);
        }
        this.moves.criticalPath(curDec, path);
        stall = 0;
      } else {
        copySolution(curSol, candSol);
        this.moves.recomputePos(candSol.order);
        this.moves.dirty = n;
        if (!this.moves.neighbor(candSol, curDec, path, phase2, atBound) || this.moves.dirty >= n) {
          stall++;
          iterCost = Math.max(iterCost * 0.9, this.elapsed() - before);
          continue;
        }
        const from = this.moves.dirty;
        this.dec.decodeFrom(candSol, candDec, curDec, from);
        if (candDec.feasible && cmp(candDec, curDec) <= 0) {
          copySolution(candSol, curSol);
          [curDec, candDec] = [candDec, curDec];
          this.moves.criticalPath(curDec, path);
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

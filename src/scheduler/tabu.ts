/**
 * Tabu search for plans that ARE a classic flexible job shop: every worker on
 * shift around the clock over the whole horizon, no bookings of other plans,
 * and every (station, substation, worker) option a dedicated machine (one
 * substation and one worker per option, a substation always worked by the same
 * worker and a worker always at the same substation). There, a schedule is
 * fully described by the machine of each node and the order of the nodes on
 * each machine, and its makespan is the longest path of the disjunctive graph:
 * the classic FJSP neighbourhoods apply.
 *
 *  - reorder: within a critical block (consecutive critical nodes on one
 *    machine, each starting when the previous one ends) move a node to the
 *    front or to the back of the block (N7-style, Zhang et al. 2007);
 *  - reassign: move a critical node to another of its machines, inserted
 *    at the position with the shortest estimated path through it.
 * Each neighbour is scored by an estimate from the current heads (longest
 * path from the start) and tails (to the end) of the disjunctive graph, with
 * no pass over the graph: for a re-sequenced block the new heads and tails of
 * the block's nodes, for a reassigned node the longest path through it at its
 * new place and through its old neighbours closing up (Dell'Amico & Trubian
 * 1993; Mastrolilli & Gambardella 2000 for the flexible shop). Only the move
 * taken is evaluated exactly (one pass over the graph); if it closes a cycle
 * it is undone and the next one by estimate is tried. The best non-tabu move
 * by estimate is taken (a tabu one only if its estimate beats the best known
 * makespan); the node moved stays tabu for 6 + [0, 2 sqrt(n)) iterations;
 * after 4n iterations (40..400) without a new best the search restarts from
 * the best with a few random moves. The clock is read before every exact
 * evaluation, so the search overruns its deadline by at most one iteration.
 *
 * The result goes back to the caller as an activity list (nodes by start
 * time) with each node's option fixed: the serial decoder places every node no
 * later than here (same machine orders, earlier or equal predecessors), so the
 * decoded makespan is at most the tabu one and the schedule is built, and
 * checked, by the same code as every other schedule.
 *
 * The shop and its disjunctive graph (state, heads and tails, moves, the
 * segment estimate) are in disjunctive.ts; this file holds the search.
 */
import { DisjunctiveGraph, type ClassicShop } from './disjunctive.js';
import type { Model } from './model.js';
import type { Prng } from './prng.js';
import { CHOICE_EF, type Decoded, type Solution } from './solution.js';

export interface TabuLimits {
  maxIterations: number;
  /** iterations without a new best before giving up (0 = never) */
  patience: number;
  /** true when the time share of the tabu search is used up */
  outOfTime: () => boolean;
}

const EPS = 1e-6;
/** iterations without a new best before a restart from the best: KICK_PER_NODE per node, within [KICK_MIN, KICK_MAX] */
const KICK_PER_NODE = 4;
const KICK_MIN = 40;
const KICK_MAX = 400;
/** shortest tabu tenure (iterations) of a moved node */
const TENURE_MIN = 6;

export class ClassicTabu extends DisjunctiveGraph {
  private readonly tabuUntil: Float64Array;
  // best
  private bestC = Infinity;
  private readonly bestOpt: Int32Array;
  private readonly bestHead: Float64Array;
  private bestSeq: number[][] = [];

  constructor(
    m: Model,
    shop: ClassicShop,
    private readonly rng: Prng,
  ) {
    super(m, shop);
    const n = this.n;
    this.tabuUntil = new Float64Array(n);
    this.bestOpt = new Int32Array(n);
    this.bestHead = new Float64Array(n);
  }

  /** Start from a decoded schedule: its options, and on each machine its nodes by start. */
  init(d: Decoded): void {
    const n = this.n;
    this.seq = Array.from({ length: this.shop.machineCount }, () => [] as number[]);
    for (let v = 0; v < n; v++) this.setOpt(v, d.opt[v]!);
    const byStart = Array.from({ length: n }, (_, v) => v).sort((a, b) => d.start[a]! - d.start[b]! || a - b);
    for (const v of byStart) this.seq[this.mach[v]!]!.push(v);
    const c = this.evaluate();
    this.saveBest(c);
  }

  private saveBest(c: number): void {
    this.bestC = c;
    this.bestOpt.set(this.opt);
    this.bestHead.set(this.head);
    this.bestSeq = this.seq.map((s) => s.slice());
  }

  private restoreBest(): void {
    for (let v = 0; v < this.n; v++) this.setOpt(v, this.bestOpt[v]!);
    this.seq = this.bestSeq.map((s) => s.slice());
  }

  /**
   * Runs the search; returns the number of iterations. Each iteration scores every
   * neighbour by an estimate from the current heads and tails (no pass over the graph)
   * and evaluates exactly only the move it takes (one pass; a move that turns out to
   * close a cycle is undone and the next best by estimate is tried). The clock is read
   * before every exact evaluation.
   */
  run(lim: TabuLimits): number {
    const n = this.n;
    let cur = this.evaluate();
    const kickAfter = Math.max(KICK_MIN, Math.min(KICK_MAX, KICK_PER_NODE * n));
    // tenure of a moved node: TENURE_MIN + [0, 2 sqrt(n)) iterations
    const tenureSpan = Math.max(3, Math.round(2 * Math.sqrt(n)));
    let lastBest = 0;
    let lastKick = 0;
    let it = 0;
    // candidate moves of one iteration: kind 0 = within (m, from, to), 1 = reassign (v, o, pos)
    const kind: number[] = [];
    const a1: number[] = [];
    const a2: number[] = [];
    const a3: number[] = [];
    const est: number[] = [];
    const seg: number[] = [];
    const order: number[] = [];
    let stop = false;
    for (; it < lim.maxIterations && !stop; it++) {
      if (this.bestC <= EPS) break;
      if (lim.patience > 0 && it - lastBest >= lim.patience) break;
      if (lim.outOfTime()) break;
      if (it - Math.max(lastBest, lastKick) >= kickAfter) {
        this.restoreBest();
        this.kick();
        cur = this.evaluate();
        if (cur === Infinity) {
          this.restoreBest();
          cur = this.evaluate();
        }
        lastKick = it;
      }
      // current state evaluated: heads valid; tails for the critical test and the estimates
      this.computeTails();
      kind.length = a1.length = a2.length = a3.length = est.length = 0;
      const crit = (v: number): boolean => Math.abs(this.head[v]! + this.p[v]! + this.tail[v]! - cur) < EPS;
      for (let m = 0; m < this.seq.length; m++) {
        const s = this.seq[m]!;
        let i = 0;
        while (i < s.length) {
          if (!crit(s[i]!)) {
            i++;
            continue;
          }
          let j = i;
          while (j + 1 < s.length && crit(s[j + 1]!) && Math.abs(this.head[s[j]!]! + this.p[s[j]!]! - this.head[s[j + 1]!]!) < EPS) j++;
          if (j > i) {
            // to the front: s[k], s[i..k-1]
            for (let k = i + 1; k <= j; k++) {
              seg.length = 0;
              seg.push(s[k]!);
              for (let x = i; x < k; x++) seg.push(s[x]!);
              kind.push(0);
              a1.push(m);
              a2.push(k);
              a3.push(i);
              est.push(this.estimateSegment(m, i, seg));
            }
            // to the back: s[k+1..j], s[k]
            for (let k = i; k < j; k++) {
              if (k === i && j === i + 1) continue; // same as the swap above
              seg.length = 0;
              for (let x = k + 1; x <= j; x++) seg.push(s[x]!);
              seg.push(s[k]!);
              kind.push(0);
              a1.push(m);
              a2.push(k);
              a3.push(j);
              est.push(this.estimateSegment(m, k, seg));
            }
          }
          i = j + 1;
        }
      }
      // reassignments of a critical node: on each other machine, the insertion position with
      // the shortest path through the node (head of the new machine predecessor or job
      // predecessors + new duration + tail of the new machine successor or job successors);
      // on the old machine its neighbours close up (their path, without the node, counts too)
      for (let v = 0; v < n; v++) {
        const alts = this.shop.machineOf[v]!;
        if (alts.length < 2 || !crit(v)) continue;
        let r = this.shop.release[v]!;
        for (const q of this.preds[v]!) if (this.head[q]! + this.p[q]! > r) r = this.head[q]! + this.p[q]!;
        let q = 0;
        for (const x of this.succs[v]!) if (this.p[x]! + this.tail[x]! > q) q = this.p[x]! + this.tail[x]!;
        const u0 = this.mPrev[v]!;
        const w0 = this.mNext[v]!;
        const bridge = u0 >= 0 && w0 >= 0 ? this.head[u0]! + this.p[u0]! + this.p[w0]! + this.tail[w0]! : 0;
        for (let o = 0; o < alts.length; o++) {
          const m2 = alts[o]!;
          if (m2 === this.mach[v]) continue;
          const pv = this.shop.minutesOf[v]![o]!;
          const s = this.seq[m2]!;
          let bestK = 0;
          let bestE = Infinity;
          for (let k = 0; k <= s.length; k++) {
            const u = k > 0 ? s[k - 1]! : -1;
            const w = k < s.length ? s[k]! : -1;
            const start = u >= 0 && this.head[u]! + this.p[u]! > r ? this.head[u]! + this.p[u]! : r;
            const after = w >= 0 && this.p[w]! + this.tail[w]! > q ? this.p[w]! + this.tail[w]! : q;
            const e = start + pv + after;
            if (e < bestE) {
              bestE = e;
              bestK = k;
            }
          }
          kind.push(1);
          a1.push(v);
          a2.push(o);
          a3.push(bestK);
          est.push(bestE > bridge ? bestE : bridge);
        }
      }
      if (kind.length === 0) break; // nothing critical to move: the chain bound is reached
      // candidates by estimate: allowed ones (not tabu, or estimated below the best) first,
      // then the tabu ones (taken only when every allowed move closes a cycle)
      order.length = 0;
      for (let c = 0; c < kind.length; c++) if (est[c]! < Infinity) order.push(c);
      const movedOf = (c: number): number => (kind[c] === 0 ? this.seq[a1[c]!]![a2[c]!]! : a1[c]!);
      // tabu flag, and a random tie-break among equal estimates drawn once per candidate
      const isTabu = new Uint8Array(kind.length);
      const rank = new Float64Array(kind.length);
      for (const c of order) {
        isTabu[c] = this.tabuUntil[movedOf(c)]! > it && est[c]! >= this.bestC - EPS ? 1 : 0;
        rank[c] = this.rng.next();
      }
      order.sort((x, y) => isTabu[x]! - isTabu[y]! || est[x]! - est[y]! || rank[x]! - rank[y]!);
      let taken = -1;
      for (const c of order) {
        if (lim.outOfTime()) {
          stop = true;
          break;
        }
        const moved = movedOf(c);
        let undo: { m: number; i: number; o: number } | undefined;
        if (kind[c] === 0) this.moveWithin(a1[c]!, a2[c]!, a3[c]!);
        else undo = this.reassign(moved, a2[c]!, a3[c]!);
        const val = this.evaluate();
        if (val < Infinity) {
          this.tabuUntil[moved] = it + TENURE_MIN + this.rng.int(tenureSpan);
          cur = val;
          taken = c;
          break;
        }
        if (kind[c] === 0) this.moveWithin(a1[c]!, a3[c]!, a2[c]!);
        else this.unassign(moved, undo!);
      }
      if (taken < 0) {
        // out of time, or every neighbour closes a cycle: back to the evaluated current
        // state, and a restart from the best next time
        cur = this.evaluate();
        lastKick = it - kickAfter;
        continue;
      }
      if (cur < this.bestC - EPS) {
        this.saveBest(cur);
        lastBest = it;
      }
    }
    return it;
  }

  /** A few random moves from the current state (critical or not), keeping the graph acyclic. */
  private kick(): void {
    const k = 2 + this.rng.int(4);
    for (let t = 0; t < k; t++) {
      const v = this.rng.int(this.n);
      const alts = this.shop.machineOf[v]!;
      this.evaluate();
      if (alts.length > 1 && this.rng.next() < 0.5) {
        let o = this.rng.int(alts.length - 1);
        if (o >= this.opt[v]!) o++;
        const s = this.seq[alts[o]!]!;
        let k0 = 0;
        while (k0 < s.length && this.head[s[k0]!]! < this.head[v]!) k0++;
        const u = this.reassign(v, o, k0);
        if (this.evaluate() === Infinity) this.unassign(v, u);
      } else {
        const m = this.mach[v]!;
        const i = this.idx[v]!;
        const s = this.seq[m]!;
        if (i + 1 < s.length) {
          this.moveWithin(m, i, i + 1);
          if (this.evaluate() === Infinity) this.moveWithin(m, i + 1, i);
        }
      }
    }
  }

  /** Best makespan found, minutes after now. */
  get bestMakespan(): number {
    return this.bestC;
  }

  /** The best schedule as an activity list (nodes by start) with each node's option fixed. */
  bestSolution(): Solution {
    const n = this.n;
    const h = this.bestHead;
    const order = Int32Array.from({ length: n }, (_, v) => v).sort((a, b) => h[a]! - h[b]! || a - b);
    return { order, modeOpt: this.bestOpt.slice(), modeWorker: new Int32Array(n).fill(-1), choice: CHOICE_EF };
  }
}

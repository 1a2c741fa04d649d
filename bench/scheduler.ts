/**
 * Scheduler benchmark: `npx tsx bench/scheduler.ts`
 *
 * Deterministic instances (seeded PRNG, fixed `now`):
 *  - flexible job-shop instances "n jobs x m stations" (1 substation and 1
 *    dedicated always-on worker per station, each job a chain, every third job
 *    a branching/merging graph, 1-3 candidate stations per operation);
 *  - a 1,000-node plan on 20 stations x 3 substations with 50 workers on 8 h
 *    shifts Mon-Fri (early 06-14 and late 14-22), with bookings of other plans;
 *  - the same 1,000-node plan with 24/7 calendars, where the calendar-aware
 *    bound reduces to the classic continuous one (LB ~= cLB) and the ratio
 *    measures the real optimality gap (upper bound on it: LB is not exact).
 *
 * Columns
 *  - ms        wall time of schedulePlan (after a warm-up call on the same instance)
 *  - iters     local-search iterations actually run
 *  - rules     best dispatching rule alone (maxIterations 0)
 *  - greedy    makespan of the baseline greedy (LRP list + earliest finish), wall-clock minutes
 *  - improved  makespan after rules + local search, wall-clock minutes
 *  - LB        stats.lowerBoundMinutes: calendar-aware bound in wall-clock
 *              minutes (earliest finish along chains through the shift
 *              calendars; on-shift worker capacity; substation capacity)
 *  - ratio     improved / LB
 *  - cLB       continuous-time bound in WORKING minutes, i.e. as if every
 *              calendar were always-on: max(longest chain of shortest
 *              durations, total shortest work / min(#workers, #substations)).
 *              With 24/7 calendars cLB is directly comparable with the
 *              makespan; with shifts it is not (nights/weekends add wall time).
 */
import { pathToFileURL } from 'node:url';
import { schedulePlan } from '../src/scheduler/index.js';
import type { BookedInterval, ScheduleInput, ScheduleResult, SchedulerNode, SchedulerStation, SchedulerWorker, ShiftCalendar } from '../src/scheduler/index.js';

class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  next(): number {
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  shuffle<T>(xs: T[]): T[] {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  }
}

// Monday 2025-01-06 07:30 local (UTC+3)
const UTC_OFFSET = 180;
const NOW = Date.UTC(2025, 0, 6, 4, 30);

const ALWAYS: ShiftCalendar = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };
const EARLY: ShiftCalendar = {
  weekly: [[], [{ start: 360, end: 840 }], [{ start: 360, end: 840 }], [{ start: 360, end: 840 }], [{ start: 360, end: 840 }], [{ start: 360, end: 840 }], []],
};
const LATE: ShiftCalendar = {
  weekly: [
    [],
    [{ start: 840, end: 1320 }],
    [{ start: 840, end: 1320 }],
    [{ start: 840, end: 1320 }],
    [{ start: 840, end: 1320 }],
    [{ start: 840, end: 1320 }],
    [],
  ],
};

/** Job graph shapes: a chain of k nodes, or a branch/merge graph. Returns predecessor lists (local indices). */
function jobShape(rng: Rng, k: number, branching: boolean): number[][] {
  const preds: number[][] = [];
  for (let i = 0; i < k; i++) {
    if (i === 0) preds.push([]);
    else if (!branching) preds.push([i - 1]);
    else {
      // attach to 1-2 random earlier nodes (merge), favouring recent ones (branches)
      const p1 = rng.int(Math.max(0, i - 3), i - 1);
      const ps = [p1];
      if (i >= 3 && rng.next() < 0.3) {
        const p2 = rng.int(0, i - 1);
        if (p2 !== p1) ps.push(p2);
      }
      preds.push(ps);
    }
  }
  return preds;
}

export function fjsp(nJobs: number, mStations: number, seed: number): ScheduleInput {
  const rng = new Rng(seed);
  const stations: SchedulerStation[] = [];
  const workers: SchedulerWorker[] = [];
  for (let s = 0; s < mStations; s++) {
    const id = `M${s + 1}`;
    stations.push({ id, substations: [`${id}-1`] });
    workers.push({ id: `W${s + 1}`, operations: ['OP'], stations: [id], calendar: ALWAYS });
  }
  const nodes: SchedulerNode[] = [];
  for (let j = 0; j < nJobs; j++) {
    const shape = jobShape(rng, mStations, j % 3 === 2);
    const order = rng.shuffle(stations.map((_, i) => i));
    shape.forEach((ps, i) => {
      const k = rng.int(1, 3);
      const cands = new Set<number>([order[i]!]);
      while (cands.size < k) cands.add(rng.int(0, mStations - 1));
      nodes.push({
        id: `J${j + 1}-${i + 1}`,
        operationId: 'OP',
        quantity: 1,
        nominalTimeMinutes: 10,
        efficiency: 1,
        predecessors: ps.map((p) => `J${j + 1}-${p + 1}`),
        candidates: [...cands].map((s, ci) => ({ stationId: stations[s]!.id, priority: ci + 1, timeMinutes: rng.int(5, 60) })),
      });
    });
  }
  return { now: NOW, utcOffsetMinutes: UTC_OFFSET, nodes, stations, workers, booked: [] };
}

export function plan1000(seed: number, calendars: 'shifts' | '24/7'): ScheduleInput {
  const rng = new Rng(seed);
  const nOps = 15;
  const ops = Array.from({ length: nOps }, (_, i) => `OP-${String(i + 1).padStart(3, '0')}`);
  const stations: SchedulerStation[] = [];
  const stationOps: string[][] = [];
  for (let s = 0; s < 20; s++) {
    const id = `ST-${String(s + 1).padStart(3, '0')}`;
    stations.push({ id, substations: [1, 2, 3].map((k) => `${id}-0${k}`) });
    // each station can do 3 operations; each operation is available at >= 4 stations
    stationOps.push([ops[s % nOps]!, ops[(s + 5) % nOps]!, ops[(s + 11) % nOps]!]);
  }
  const workers: SchedulerWorker[] = [];
  for (let w = 0; w < 50; w++) {
    const sts = new Set<number>([w % 20]);
    while (sts.size < 4) sts.add(rng.int(0, 19));
    const opsOf = new Set<string>();
    for (const s of sts) for (const o of stationOps[s]!) if (rng.next() < 0.7) opsOf.add(o);
    opsOf.add(stationOps[w % 20]![0]!);
    workers.push({
      id: `W-${String(w + 1).padStart(3, '0')}`,
      operations: [...opsOf],
      stations: [...sts].map((s) => stations[s]!.id),
      calendar: calendars === '24/7' ? ALWAYS : w % 2 === 0 ? EARLY : LATE,
    });
  }
  const capable = (op: string, st: number): boolean =>
    stationOps[st]!.includes(op) && workers.some((w) => w.operations.includes(op) && w.stations.includes(stations[st]!.id));
  const nodes: SchedulerNode[] = [];
  let job = 0;
  while (nodes.length < 1000) {
    job++;
    const k = Math.min(1000 - nodes.length, rng.int(6, 14));
    const shape = jobShape(rng, k, job % 2 === 0);
    shape.forEach((ps, i) => {
      let op = rng.pick(ops);
      let cands = stations.map((_, s) => s).filter((s) => capable(op, s));
      while (cands.length === 0) {
        op = rng.pick(ops);
        cands = stations.map((_, s) => s).filter((s) => capable(op, s));
      }
      rng.shuffle(cands);
      cands = cands.slice(0, rng.int(1, 3));
      nodes.push({
        id: `P${job}-N${i + 1}`,
        operationId: op,
        quantity: rng.int(1, 20),
        nominalTimeMinutes: rng.int(2, 12),
        efficiency: rng.pick([0.8, 0.9, 1, 1.1]),
        predecessors: ps.map((p) => `P${job}-N${p + 1}`),
        candidates: cands.map((s, ci) => ({
          stationId: stations[s]!.id,
          priority: ci + 1,
          ...(ci > 0 ? { timeMinutes: rng.int(2, 14) } : {}),
        })),
      });
    });
  }
  const booked: BookedInterval[] = [];
  for (let b = 0; b < 40; b++) {
    const start = NOW + rng.int(0, 3 * 24 * 60) * 60_000;
    const end = start + rng.int(30, 240) * 60_000;
    if (b % 2 === 0) booked.push({ kind: 'worker', id: rng.pick(workers).id, start, end, label: `other plan #${b}` });
    else {
      const st = rng.pick(stations);
      booked.push({ kind: 'substation', id: rng.pick(st.substations), start, end, label: `other plan #${b}` });
    }
  }
  return { now: NOW, utcOffsetMinutes: UTC_OFFSET, nodes, stations, workers, booked };
}

/** Continuous-time bound in working minutes (every calendar always-on, bookings ignored). */
function continuousLB(input: ScheduleInput): number {
  const dur = new Map<string, number>();
  let total = 0;
  for (const n of input.nodes) {
    let best = Infinity;
    for (const c of n.candidates) {
      const t = c.timeMinutes ?? n.nominalTimeMinutes;
      best = Math.min(best, Math.max(1, Math.ceil((t * n.quantity) / n.efficiency - 1e-9)));
    }
    dur.set(n.id, best);
    total += best;
  }
  const tail = new Map<string, number>();
  const byId = new Map(input.nodes.map((n) => [n.id, n]));
  const finish = (id: string): number => {
    const got = tail.get(id);
    if (got !== undefined) return got;
    const n = byId.get(id)!;
    let s = 0;
    for (const p of n.predecessors) s = Math.max(s, finish(p));
    const f = s + dur.get(id)!;
    tail.set(id, f);
    return f;
  };
  let chain = 0;
  for (const n of input.nodes) chain = Math.max(chain, finish(n.id));
  const subs = input.stations.reduce((a, s) => a + s.substations.length, 0);
  const cap = Math.min(subs, input.workers.length);
  return Math.max(chain, total / cap);
}

function pad(s: string | number, w: number): string {
  const t = typeof s === 'number' ? String(s) : s;
  return t.length >= w ? t : ' '.repeat(w - t.length) + t;
}

interface Row {
  name: string;
  nodes: number;
  ms: number;
  res: ScheduleResult;
  rulesOnly: number;
  clb: number;
}

function runCase(name: string, input: ScheduleInput, options: ScheduleInput['options'] = {}): Row {
  // warm-up (JIT) including a few local-search iterations, then the measured run
  schedulePlan({ ...input, options: { maxIterations: 20, timeBudgetMs: 60_000 } });
  const rulesOnly = schedulePlan({ ...input, options: { maxIterations: 0, timeBudgetMs: 60_000 } }).stats.makespanMinutes;
  const t = performance.now();
  const res = schedulePlan({ ...input, options });
  const ms = performance.now() - t;
  return { name, nodes: input.nodes.length, ms, res, rulesOnly, clb: continuousLB(input) };
}

function printTable(rows: Row[]): void {
  const head = ['instance', 'nodes', 'ms', 'iters', 'greedy', 'rules', 'improved', 'impr%', 'LB', 'ratio', 'cLB(work)'];
  const widths = [24, 6, 6, 6, 8, 8, 9, 6, 8, 6, 10];
  const line = (cells: (string | number)[]): string => cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[0]!) : pad(c, widths[i]!))).join(' ');
  console.log(line(head));
  console.log('-'.repeat(widths.reduce((a, b) => a + b + 1, 0)));
  for (const r of rows) {
    const s = r.res.stats;
    const impr = s.greedyMakespanMinutes > 0 ? (100 * (s.greedyMakespanMinutes - s.makespanMinutes)) / s.greedyMakespanMinutes : 0;
    console.log(
      line([
        r.name,
        r.nodes,
        r.ms.toFixed(0),
        s.iterations,
        s.greedyMakespanMinutes.toFixed(0),
        r.rulesOnly.toFixed(0),
        s.makespanMinutes.toFixed(0),
        impr.toFixed(1),
        s.lowerBoundMinutes.toFixed(0),
        (s.makespanMinutes / Math.max(1e-9, s.lowerBoundMinutes)).toFixed(3),
        r.clb.toFixed(0),
      ]),
    );
  }
}

function median(xs: number[]): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function main(): void {
  const t0 = performance.now();
  const big = plan1000(7, 'shifts');
  const big247 = plan1000(7, '24/7');

  // reference figure: validation + topological sort + lower bound + ONE greedy decode
  schedulePlan({ ...big, options: { improve: false } });
  const refs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    schedulePlan({ ...big, options: { improve: false } });
    refs.push(performance.now() - t);
  }
  const ref = median(refs);

  const instances: [string, ScheduleInput][] = [];
  for (const [n, m] of [
    [10, 5],
    [20, 10],
    [50, 10],
    [30, 15],
    [100, 10],
  ] as const) {
    instances.push([`FJSP ${n}x${m} (24/7)`, fjsp(n, m, 1000 + n * m)]);
  }
  instances.push(['plan 1000, shifts', big]);
  instances.push(['plan 1000, 24/7', big247]);
  const rows = instances.map(([name, input]) => runCase(name, input));
  const longRows = instances.map(([name, input]) => runCase(name, input, { maxIterations: 1500, timeBudgetMs: 8_000 }));

  console.log('Burkol MES scheduler benchmark');
  console.log(`node ${process.version}, now = ${new Date(NOW).toISOString()}, utcOffset ${UTC_OFFSET} min`);
  console.log(`reference: 1000-node plan, validation + topo sort + lower bound + one greedy decode (improve:false), median of 5 = ${ref.toFixed(1)} ms`);
  console.log('makespans in wall-clock minutes from now; greedy = LRP list + earliest finish; rules = best dispatching rule (no local search);');
  console.log('LB = calendar-aware bound in wall-clock minutes: earliest finish of every chain walked through the shift calendars,');
  console.log('     and on-shift worker capacity (minus bookings) / substation capacity vs. total shortest work; valid with shifts.');
  console.log('cLB = continuous bound in WORKING minutes (all calendars always-on): max(longest chain, total work / min(#workers, #subs)).');
  console.log('     With shifts cLB is not comparable with a wall-clock makespan; with 24/7 calendars LB and cLB coincide (up to bookings).');
  console.log('');
  console.log('default options (timeBudgetMs 1000, maxIterations = defaultMaxIterations(n)):');
  printTable(rows);
  console.log('');
  console.log('longer run (maxIterations 1500, timeBudgetMs 8000), to show how much is left on the table:');
  printTable(longRows);

  // determinism / iteration-bound runs on the big plan
  const fixed = { maxIterations: 60, timeBudgetMs: 30_000, seed: 42 };
  const a = schedulePlan({ ...big, options: fixed });
  const b = schedulePlan({ ...big, options: fixed });
  console.log('');
  console.log(
    `plan 1000 shifts with maxIterations=60 (budget 30 s): makespan ${a.stats.makespanMinutes.toFixed(0)} min, ` +
      `${a.stats.elapsedMs.toFixed(0)} ms; repeated run identical: ${JSON.stringify(a.assignments) === JSON.stringify(b.assignments)}`,
  );
  console.log(`total bench time ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();

/**
 * Public flexible job-shop instances (the plain-text format of
 * SchedulingLab/fjsp-instances, see README.md here) and their translation into
 * ONE Burkol plan: one station per machine with one substation, one
 * always-available worker per station (qualified for every operation, allowed
 * only at its station), each job a chain of nodes, candidates = the machines
 * that can do the operation with their own `timeMinutes`.
 */
import { readFileSync } from 'node:fs';
import type { ScheduleInput, SchedulerNode, SchedulerStation, SchedulerWorker, ShiftCalendar } from '../../src/scheduler/index.js';

export interface FjspInstance {
  name: string;
  machines: number;
  /** jobs[j][o] = the (machine, time) alternatives of operation o of job j */
  jobs: { machine: number; time: number }[][][];
}

export interface Known {
  best: number;
  lower: number;
}

/** Monday 2025-01-06 00:00 UTC: a fixed epoch, offset 0. */
export const FJSP_NOW = Date.UTC(2025, 0, 6);

const ALWAYS: ShiftCalendar = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };

export function parseFjsp(name: string, text: string): FjspInstance {
  const tok = text.trim().split(/\s+/).map(Number);
  let k = 0;
  const next = (what: string): number => {
    const x = tok[k++];
    if (x === undefined || !Number.isInteger(x) || x < 0) throw new Error(`${name}: bad ${what} at token ${k}`);
    return x;
  };
  const nJobs = next('job count');
  const machines = next('machine count');
  const jobs: FjspInstance['jobs'] = [];
  for (let j = 0; j < nJobs; j++) {
    const ops: FjspInstance['jobs'][number] = [];
    const nOps = next('operation count');
    for (let o = 0; o < nOps; o++) {
      const alts: { machine: number; time: number }[] = [];
      const nAlt = next('alternative count');
      for (let a = 0; a < nAlt; a++) {
        const machine = next('machine');
        const time = next('time');
        if (machine >= machines) throw new Error(`${name}: machine ${machine} out of range`);
        alts.push({ machine, time });
      }
      if (alts.length === 0) throw new Error(`${name}: job ${j + 1} operation ${o + 1} has no machine`);
      ops.push(alts);
    }
    jobs.push(ops);
  }
  if (k !== tok.length) throw new Error(`${name}: ${tok.length - k} trailing tokens`);
  return { name, machines, jobs };
}

export function readFjsp(set: string, name: string): FjspInstance {
  return parseFjsp(name, readFileSync(new URL(`./${set}/${name}.txt`, import.meta.url), 'utf8'));
}

export function readKnown(): Record<string, Record<string, Known>> {
  const raw = JSON.parse(readFileSync(new URL('./known.json', import.meta.url), 'utf8')) as Record<string, unknown>;
  const out: Record<string, Record<string, Known>> = {};
  for (const [k, v] of Object.entries(raw)) if (k !== 'source') out[k] = v as Record<string, Known>;
  return out;
}

/** The instance as one plan for schedulePlan (options left to the caller). */
export function fjspToInput(inst: FjspInstance): ScheduleInput {
  const stations: SchedulerStation[] = [];
  const workers: SchedulerWorker[] = [];
  for (let m = 0; m < inst.machines; m++) {
    stations.push({ id: `M${m}`, substations: [`M${m}-1`] });
    workers.push({ id: `W${m}`, operations: ['OP'], stations: [`M${m}`], calendar: ALWAYS });
  }
  const nodes: SchedulerNode[] = [];
  inst.jobs.forEach((ops, j) => {
    ops.forEach((alts, o) => {
      // a machine listed twice keeps its shortest time
      const best = new Map<number, number>();
      for (const a of alts) best.set(a.machine, Math.min(a.time, best.get(a.machine) ?? Infinity));
      // a zero time cannot be expressed (durations are >= 1 minute): reported by the caller
      nodes.push({
        id: `J${j + 1}-${o + 1}`,
        operationId: 'OP',
        quantity: 1,
        nominalTimeMinutes: Math.max(1, Math.min(...best.values())),
        efficiency: 1,
        predecessors: o > 0 ? [`J${j + 1}-${o}`] : [],
        candidates: [...best].map(([m, t]) => ({ stationId: `M${m}`, priority: 0, timeMinutes: Math.max(1, t) })),
      });
    });
  });
  return { now: FJSP_NOW, utcOffsetMinutes: 0, nodes, stations, workers, booked: [] };
}

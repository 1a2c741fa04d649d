/**
 * A realistic, deterministic past for a seed dataset (`npm run seed -- --history
 * <months>`): plans released over the period and run to completion on the
 * dataset's own stations, substations and qualified workers, inside their
 * shift calendars, one step at a time per worker and per substation.
 *
 * The simulation is pure (no database): it walks time forward plan by plan,
 * books each step on the candidate (worker, substation) pair that can start it
 * first, and then lets the floor deviate from the plan the way floors do:
 * starts a few minutes late, run times spread around the nominal time
 * (log-normal, slightly slower on average), pauses with reasons (breaks,
 * machine faults, missing material, quality holds), scrap with reasons,
 * problems reported and resolved. The release rate follows the floor: when the
 * last plan's lead time grows past a few working days, releases slow down, and
 * they speed up again when it shrinks, so the shop runs busy but not
 * hopelessly late, like a shop whose planner watches the order book.
 *
 * Material follows the ledger discipline of the live system: a reservation at
 * release for every stock input, consumption at the step's completion,
 * production of each output's good quantity, shipment of finished goods, and
 * purchase receipts whenever a raw material would run low. Every step draws
 * its operation's consumables too (assist and shielding gas, discs, oil,
 * pre-treatment, gaskets, labels, boxes). Lot-tracked sheets are bought as
 * lots (heat number, supplier, certificate) and consumed from them first in,
 * first out, one ledger row per lot drawn, as a live completion does; a cut
 * of such a sheet makes a lot of blanks (lot-tracked, origin: the step) whose
 * genealogy edges name the sheet lots it was cut from, and the next step of
 * the part consumes that lot.
 */
import { CompiledCalendar, durationMinutes, MINUTE_MS, type ShiftCalendar } from '../scheduler/index.js';
import { createRandom, type Random } from '../shared/random.js';
import { buildPlan } from './dataset.js';
import { detailMaterials, withReceipts } from './history-materials.js';
import type { HistoryInput, HistoryLedgerRow, HistoryPlan, HistoryResult, HistoryStep } from './history-types.js';

/** batch sizes of the past's orders: smaller than the demo plans', as a job shop's daily orders are */
const historyQuantities = [1, 1, 1, 2, 2, 3, 4, 5, 6, 8];
const scrapReasons = ['dimension out of tolerance', 'weld porosity', 'scratched surface', 'wrong bend angle', 'material defect', 'coating defect'];
const pauseKinds: { reason: string; weight: number; minutes: [number, number]; note: string }[] = [
  { reason: 'break', weight: 40, minutes: [10, 30], note: '' },
  { reason: 'machine_fault', weight: 25, minutes: [10, 120], note: 'machine stopped' },
  { reason: 'material_missing', weight: 15, minutes: [15, 90], note: 'waiting for material' },
  { reason: 'quality_problem', weight: 12, minutes: [10, 60], note: 'first-piece check failed' },
  { reason: 'other', weight: 8, minutes: [5, 45], note: 'called away' },
];
const problemKinds = [
  { category: 'machine', text: 'Spindle alarm, machine stopped', resolution: 'Maintenance reset the drive' },
  { category: 'material', text: 'Sheet thickness differs from the drawing', resolution: 'Replaced from the right batch' },
  { category: 'quality', text: 'Burr on cut edges', resolution: 'Nozzle changed, parts deburred' },
  { category: 'safety', text: 'Guard interlock not closing', resolution: 'Interlock adjusted' },
  { category: 'other', text: 'Drawing revision unclear', resolution: 'Planner confirmed revision B' },
] as const;

/** Approximately normal (Irwin–Hall of 6), mean 0, sd 1. */
function normal(rnd: Random): number {
  let s = 0;
  for (let i = 0; i < 6; i++) s += rnd.next();
  return (s - 3) * Math.SQRT2;
}

function weighted<T extends { weight: number }>(rnd: Random, items: readonly T[]): T {
  const total = items.reduce((s, x) => s + x.weight, 0);
  let r = rnd.next() * total;
  for (const x of items) if ((r -= x.weight) < 0) return x;
  return items[items.length - 1]!;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** A resource's busy intervals, sorted and disjoint; gaps between them can be booked later. */
class Busy {
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  /** first interval that ends after t */
  private after(t: number): number {
    let lo = 0;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.ends[mid]! <= t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
  /** the end of an interval overlapping [a, b), or null when it is free */
  conflict(a: number, b: number): number | null {
    const i = this.after(a);
    return i < this.starts.length && this.starts[i]! < b ? this.ends[i]! : null;
  }
  add(a: number, b: number): void {
    const i = this.after(a);
    this.starts.splice(i, 0, a);
    this.ends.splice(i, 0, b);
  }
}

export function simulateHistory(input: HistoryInput, onPlan?: (done: number, estimate: number) => void): HistoryResult {
  const { dataset, now, utcOffsetMinutes } = input;
  const rnd = createRandom(input.seed * 7919 + 17);
  const from = now - Math.round(input.months * 30.44) * 86_400_000;
  const horizonDays = Math.ceil((now - from) / 86_400_000) + 400;

  const calendars = new Map<string, ShiftCalendar>();
  for (const c of dataset.shiftCalendars) {
    const weekly: ShiftCalendar['weekly'] = Array.from({ length: 7 }, () => []);
    for (const w of dataset.shiftWindows) if (w.calendar_id === c.id) weekly[w.weekday]!.push({ start: w.start_minute, end: w.end_minute });
    calendars.set(c.id, { weekly });
  }
  const workerCalendar = new Map(
    dataset.workers.map((w) => [w.id, new CompiledCalendar(calendars.get(w.shift_calendar_id)!, utcOffsetMinutes, from, horizonDays)]),
  );
  const qualified = new Map<string, Set<string>>();
  for (const wo of dataset.workerOperations) qualified.set(wo.worker_id, (qualified.get(wo.worker_id) ?? new Set()).add(wo.operation_id));
  const workersAt = new Map<string, string[]>();
  for (const ws of dataset.workerStations) workersAt.set(ws.station_id, [...(workersAt.get(ws.station_id) ?? []), ws.worker_id]);
  const substationsOf = new Map<string, string[]>();
  for (const s of dataset.substations) substationsOf.set(s.station_id, [...(substationsOf.get(s.station_id) ?? []), s.id]);
  const stationsByOp = new Map<string, string[]>();
  for (const so of dataset.stationOperations) stationsByOp.set(so.operation_id, [...(stationsByOp.get(so.operation_id) ?? []), so.station_id]);

  const workerBusy = new Map(dataset.workers.map((w) => [w.id, new Busy()]));
  const substationBusy = new Map(dataset.substations.map((s) => [s.id, new Busy()]));
  const lotTracked = new Set(dataset.materials.filter((m) => m.lot_tracked).map((m) => m.code));
  const finished = new Set(dataset.materials.filter((m) => m.code.startsWith('FG-')).map((m) => m.code));
  /** earliest start >= t at which `minutes` of work fit on the worker's shifts with worker and substation both free */
  const slot = (cal: CompiledCalendar, worker: Busy, substation: Busy, t: number, minutes: number): [number, number] => {
    for (;;) {
      const start = cal.nextShiftStart(t);
      const end = cal.addWork(start, minutes * MINUTE_MS);
      const blocked = Math.max(worker.conflict(start, end) ?? -1, substation.conflict(start, end) ?? -1);
      if (blocked < 0) return [start, end];
      t = blocked;
    }
  };

  const plans: HistoryPlan[] = [];
  const ledger: HistoryLedgerRow[] = [];
  // the work of the floor in minutes per working day, to start the release rate near capacity
  const dailyCapacity = dataset.workers.length * 8 * 60;
  let gap = (8 * 60 * MINUTE_MS * 2) / Math.max(1, dailyCapacity / 400);
  const targetLead = 5.5 * 86_400_000;
  const estimate = Math.round((now - from) / gap);
  let releaseAt = from;
  let index = 0;

  while (releaseAt < now - 3 * 86_400_000) {
    const doc = buildPlan(rnd, index, stationsByOp, historyQuantities, true);
    detailMaterials(doc, rnd, lotTracked);
    const p = plans.length;
    /** good output of each node made so far (a made lot-tracked input consumes what its maker delivered) */
    const made = new Map<string, number>();
    const ledgerBefore = ledger.length;
    const ends = new Map<string, number>();
    const steps: HistoryStep[] = [];
    // reservations at release for inputs drawn from stock
    for (const n of doc.nodes) {
      for (const i of n.materialInputs) {
        if (i.fromNodeId !== undefined) continue;
        ledger.push({
          materialCode: i.materialCode,
          entryType: 'reservation',
          stockDelta: 0,
          reservedDelta: i.requiredQuantity,
          lot: null,
          plan: p,
          nodeId: n.nodeId,
          byStep: false,
          at: releaseAt,
          reason: 'reserved at release',
        });
      }
    }
    for (const n of doc.nodes) {
      const ready = Math.max(releaseAt, ...n.predecessors.map((id) => ends.get(id)!));
      // the floor: a few minutes late to start, run time around the nominal one, pauses
      const delay = Math.floor(rnd.next() * rnd.next() * 20);
      const factor = Math.exp(0.04 + 0.14 * normal(rnd));
      const pauseKindsHere = rnd.chance(0.22) ? (rnd.chance(0.2) ? [weighted(rnd, pauseKinds), weighted(rnd, pauseKinds)] : [weighted(rnd, pauseKinds)]) : [];
      const pauseMinutes = pauseKindsHere.map((k) => rnd.int(k.minutes[0], k.minutes[1]));
      const paused = pauseMinutes.reduce((a, b) => a + b, 0);
      let best: { workerId: string; stationId: string; substationId: string; start: number; end: number; minutes: number; worked: number } | undefined;
      for (const c of n.assignedStations) {
        const minutes = durationMinutes(c.time ?? n.nominalTime, n.quantity ?? doc.quantity, n.efficiency ?? 1);
        const worked = Math.max(1, round2(minutes * factor));
        const occupied = Math.max(minutes, delay + worked + paused);
        for (const workerId of workersAt.get(c.stationId) ?? []) {
          if (!qualified.get(workerId)?.has(n.operationId)) continue;
          const cal = workerCalendar.get(workerId)!;
          for (const substationId of substationsOf.get(c.stationId) ?? []) {
            const [start, end] = slot(cal, workerBusy.get(workerId)!, substationBusy.get(substationId)!, ready, occupied);
            if (!best || start < best.start) best = { workerId, stationId: c.stationId, substationId, start, end, minutes, worked };
          }
        }
      }
      if (!best) throw new Error(`history: no qualified worker for ${n.operationId}`);
      const cal = workerCalendar.get(best.workerId)!;
      const worked = best.worked;
      const plannedEnd = cal.addWork(best.start, best.minutes * MINUTE_MS);
      const actualStart = cal.addWork(best.start, delay * MINUTE_MS);
      const pauses: HistoryStep['pauses'] = [];
      let pausedSoFar = 0;
      pauseKindsHere.forEach((kind, k) => {
        const minutes = pauseMinutes[k]!;
        const startAt = cal.addWork(actualStart, ((worked * (k + rnd.next())) / pauseKindsHere.length + pausedSoFar) * MINUTE_MS);
        const endAt = cal.addWork(startAt, minutes * MINUTE_MS);
        pauses.push({ reason: kind.reason, note: kind.note, start: startAt, end: endAt });
        pausedSoFar += minutes;
      });
      const actualEnd = cal.addWork(actualStart, (worked + paused) * MINUTE_MS);
      const quantity = n.quantity ?? doc.quantity;
      const scrap = rnd.chance(0.07) ? Math.max(1, Math.round(quantity * (0.02 + rnd.next() * 0.1))) : 0;
      const problemKind = rnd.chance(0.02) ? rnd.pick(problemKinds) : undefined;
      const reportedAt = actualStart + Math.floor(((actualEnd - actualStart) * rnd.next()) / MINUTE_MS) * MINUTE_MS;
      steps.push({
        nodeId: n.nodeId,
        workerId: best.workerId,
        stationId: best.stationId,
        substationId: best.substationId,
        plannedStart: best.start,
        plannedEnd,
        workMinutes: best.minutes,
        actualStart,
        actualEnd,
        workedMinutes: worked,
        pausedMinutes: paused,
        good: quantity - scrap,
        scrap,
        scrapReason: scrap > 0 ? rnd.pick(scrapReasons) : null,
        pauses,
        problem: problemKind ? { ...problemKind, reportedAt, resolvedAt: reportedAt + rnd.int(10, 180) * MINUTE_MS, resolution: problemKind.resolution } : null,
      });
      ends.set(n.nodeId, actualEnd);
      workerBusy.get(best.workerId)!.add(best.start, best.end);
      substationBusy.get(best.substationId)!.add(best.start, best.end);
      // material at completion
      for (const i of n.materialInputs) {
        const fromStock = i.fromNodeId === undefined;
        // a made lot-tracked input (blanks): the operator books what its maker delivered, drawn from that step's lot
        const tracked = !fromStock && lotTracked.has(i.materialCode);
        const quantity = tracked ? (made.get(i.fromNodeId!) ?? 0) : i.requiredQuantity;
        if (quantity <= 0) continue;
        ledger.push({
          materialCode: i.materialCode,
          entryType: 'consumption',
          stockDelta: -quantity,
          reservedDelta: fromStock ? -i.requiredQuantity : 0,
          lot: null,
          ...(tracked ? { source: i.fromNodeId! } : {}),
          plan: p,
          nodeId: n.nodeId,
          byStep: true,
          at: actualEnd,
          reason: 'consumed',
        });
      }
      if (n.output && quantity - scrap > 0) {
        const good = Math.min(n.output.quantity, quantity - scrap);
        made.set(n.nodeId, good);
        ledger.push({
          materialCode: n.output.materialCode,
          entryType: 'production',
          stockDelta: good,
          reservedDelta: 0,
          lot: null,
          plan: p,
          nodeId: n.nodeId,
          byStep: true,
          at: actualEnd,
          reason: 'produced',
        });
        if (finished.has(n.output.materialCode)) {
          ledger.push({
            materialCode: n.output.materialCode,
            entryType: 'adjustment',
            stockDelta: -good,
            reservedDelta: 0,
            lot: null,
            plan: p,
            nodeId: null,
            byStep: false,
            at: Math.min(now, actualEnd + rnd.int(60, 48 * 60) * MINUTE_MS),
            reason: 'shipped to the customer',
          });
        }
      }
    }
    const completedAt = Math.max(...steps.map((s) => s.actualEnd));
    const lead = completedAt - releaseAt;
    if (completedAt <= now) {
      // most plans are promised with room; some are rushed
      const promised = lead * (0.7 + rnd.next() * 0.9) + rnd.int(0, 2) * 86_400_000;
      plans.push({
        doc,
        releasedAt: releaseAt,
        dueDate: releaseAt + Math.round(promised / 3_600_000) * 3_600_000,
        priority: weighted(rnd, [
          { p: 1, weight: 5 },
          { p: 2, weight: 15 },
          { p: 3, weight: 55 },
          { p: 4, weight: 15 },
          { p: 5, weight: 10 },
        ]).p,
        steps,
        startedAt: Math.min(...steps.map((s) => s.actualStart)),
        completedAt,
      });
    } else {
      // not finished by now: not part of the past; its ledger rows go with it (its bookings stay taken: harmless)
      ledger.length = ledgerBefore;
    }
    index++;
    onPlan?.(index, estimate);
    // release rate follows the floor
    gap *= lead > targetLead ? 1.08 : 0.97;
    releaseAt += Math.max(5 * MINUTE_MS, Math.round(gap * (0.5 + rnd.next())));
  }
  return { plans, ...withReceipts(ledger, input.stock, dataset, plans) };
}

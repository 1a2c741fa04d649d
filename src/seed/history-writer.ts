/**
 * Writes a simulated history (history.ts) in bulk: one transaction, set-based
 * statements of a few thousand rows each (jsonb_to_recordset), rows in the
 * shape the live system writes them, with their historic timestamps. Codes
 * (PPL-, WO-, WA-MMYY-N) are numbered per month of the event, continuing the
 * database's counters, which are moved past the last one drawn.
 */
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { insertPlanGraphs } from '../modules/plans/index.js';
import type { SeedSize } from './catalog.js';
import { buildDataset } from './dataset.js';
import { simulateHistory } from './history.js';
import type { HistoryResult } from './history-types.js';

export interface HistoryCounts {
  plans: number;
  steps: number;
  pauses: number;
  problems: number;
  ledgerRows: number;
  lots: number;
  lotParents: number;
}

const CHUNK = 4_000;
const iso = (t: number) => new Date(t).toISOString();
const period = (t: number) => {
  const d = new Date(t);
  return `${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCFullYear() % 100).padStart(2, '0')}`;
};

/**
 * Writes `rows` CHUNK at a time. After the 1st, 2nd, 4th, 8th … chunk it calls `restat` (an ANALYZE): the statement
 * triggers (0004's revision stamps, 0027's rollups) run queries in PL/pgSQL whose plans are made from the statistics, and in
 * one bulk transaction those said the fact tables were empty; a plan fit for an empty analytics_plan_steps read the whole
 * table through an index on another column for every chunk, so 24 months took ~10 minutes of one CPU instead of ~1.
 * Doubling intervals keep the statistics within 2x of the truth for a logarithmic number of ANALYZEs.
 */
async function chunked<T>(
  rows: T[],
  write: (chunk: T[]) => Promise<unknown>,
  progress?: (done: number) => void,
  restat?: () => Promise<unknown>,
): Promise<void> {
  for (let i = 0, n = 1; i < rows.length; i += CHUNK, n++) {
    await write(rows.slice(i, i + CHUNK));
    progress?.(Math.min(rows.length, i + CHUNK));
    if (restat && (n & (n - 1)) === 0) await restat();
  }
}

class Codes {
  private readonly last = new Map<string, number>();
  constructor(rows: { prefix: string; period: string; last_value: number }[]) {
    for (const r of rows) this.last.set(`${r.prefix}-${r.period}`, Number(r.last_value));
  }
  next(prefix: string, at: number): string {
    const key = `${prefix}-${period(at)}`;
    const value = (this.last.get(key) ?? 0) + 1;
    this.last.set(key, value);
    return `${key}-${value < 1000 ? String(value).padStart(3, '0') : String(value)}`;
  }
  rows() {
    return [...this.last].map(([key, last_value]) => ({ prefix: key.slice(0, key.indexOf('-')), period: key.slice(key.indexOf('-') + 1), last_value }));
  }
}

/** Current stock of every material, the start of the history's material balance. */
export async function materialStock(db: Db): Promise<Map<string, number>> {
  const rows = await db.selectFrom('mes.materials').select(['code', 'stock']).execute();
  return new Map(rows.map((r) => [r.code, Number(r.stock)]));
}

export async function writeHistory(db: Db, history: HistoryResult, onStep?: (what: string, done: number, total: number) => void): Promise<HistoryCounts> {
  return db.transaction().execute(async (trx) => {
    const counters = await sql<{ prefix: string; period: string; last_value: number }>`select prefix, period, last_value from mes.code_counters`.execute(trx);
    const codes = new Codes(counters.rows);
    const restat = () =>
      sql`analyze mes.production_plans, mes.production_plan_nodes, mes.worker_assignments, mes.material_ledger, mes.assignment_pauses,
                  mes.lots, mes.lot_parents, mes.analytics_steps, mes.analytics_pauses, mes.analytics_plans, mes.analytics_plan_steps`.execute(trx);
    const planIds = history.plans.map((p) => codes.next('PPL', p.releasedAt));

    const planRows = history.plans.map((p, i) => ({
      id: planIds[i],
      work_order_code: codes.next('WO', p.releasedAt - 86_400_000),
      name: p.doc.name,
      quantity: p.doc.quantity,
      note: p.doc.note ?? '',
      planned_start: iso(Math.min(...p.steps.map((s) => s.plannedStart))),
      planned_end: iso(Math.max(...p.steps.map((s) => s.plannedEnd))),
      released_at: iso(p.releasedAt),
      started_at: iso(p.startedAt),
      completed_at: iso(p.completedAt),
      created_at: iso(p.releasedAt - 3_600_000),
      due_date: iso(p.dueDate),
      priority: p.priority,
    }));
    await chunked(
      planRows,
      (chunk) =>
        sql`
        insert into mes.production_plans (id, work_order_code, name, quantity, note, status, planned_start, planned_end,
                                          released_at, started_at, completed_at, created_at, updated_at, created_by, due_date, priority)
        select id, work_order_code, name, quantity, note, 'completed', planned_start, planned_end,
               released_at, started_at, completed_at, created_at, completed_at, 'history', due_date, priority
          from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(id text, work_order_code text, name text, quantity numeric, note text,
               planned_start timestamptz, planned_end timestamptz, released_at timestamptz, started_at timestamptz, completed_at timestamptz,
               created_at timestamptz, due_date timestamptz, priority smallint)`.execute(trx),
      (done) => onStep?.('plans', done, planRows.length),
      restat,
    );

    const nodeIds = new Map<string, number>();
    for (let i = 0; i < history.plans.length; i += 1_000) {
      const graphs = history.plans
        .slice(i, i + 1_000)
        .map((p, k) => ({ planId: planIds[i + k]!, doc: { ...p.doc, workOrderCode: planRows[i + k]!.work_order_code } }));
      await insertPlanGraphs(trx, graphs);
      const rows = await sql<{ id: number; plan_id: string; node_id: string }>`
        select id, plan_id, node_id from mes.production_plan_nodes where plan_id = any(${graphs.map((g) => g.planId)}::text[])`.execute(trx);
      for (const r of rows.rows) nodeIds.set(`${r.plan_id}/${r.node_id}`, Number(r.id));
      onStep?.('graphs', Math.min(history.plans.length, i + 1_000), history.plans.length);
    }

    const stepIds = new Map<string, string>();
    const steps = history.plans.flatMap((p, i) =>
      p.steps.map((s) => {
        const id = codes.next('WA', p.releasedAt);
        stepIds.set(`${i}/${s.nodeId}`, id);
        return {
          id,
          plan_id: planIds[i],
          node_id: nodeIds.get(`${planIds[i]}/${s.nodeId}`),
          worker_id: s.workerId,
          station_id: s.stationId,
          substation_id: s.substationId,
          planned_start: iso(s.plannedStart),
          planned_end: iso(s.plannedEnd),
          work_minutes: s.workMinutes,
          actual_start: iso(s.actualStart),
          actual_end: iso(s.actualEnd),
          paused_minutes: s.pausedMinutes,
          worked_minutes: s.workedMinutes,
          good_quantity: s.good,
          scrap_quantity: s.scrap,
          scrap_reason: s.scrapReason,
          created_at: iso(p.releasedAt),
        };
      }),
    );
    await chunked(
      steps,
      (chunk) =>
        sql`
        insert into mes.worker_assignments (id, plan_id, node_id, worker_id, station_id, substation_id, status, planned_start, planned_end,
               work_minutes, actual_start, actual_end, paused_minutes, worked_minutes, good_quantity, scrap_quantity, scrap_reason,
               started_by, completed_by, created_at, updated_at)
        select id, plan_id, node_id, worker_id, station_id, substation_id, 'completed', planned_start, planned_end,
               work_minutes, actual_start, actual_end, paused_minutes, worked_minutes, good_quantity, scrap_quantity, scrap_reason,
               worker_id, worker_id, created_at, actual_end
          from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(id text, plan_id text, node_id bigint, worker_id text, station_id text,
               substation_id text, planned_start timestamptz, planned_end timestamptz, work_minutes numeric, actual_start timestamptz,
               actual_end timestamptz, paused_minutes numeric, worked_minutes numeric, good_quantity numeric, scrap_quantity numeric,
               scrap_reason text, created_at timestamptz)`.execute(trx),
      (done) => onStep?.('steps', done, steps.length),
      restat,
    );

    const pauses = history.plans.flatMap((p, i) =>
      p.steps.flatMap((s) =>
        s.pauses.map((x) => ({
          assignment_id: stepIds.get(`${i}/${s.nodeId}`),
          reason: x.reason,
          note: x.note,
          started_at: iso(x.start),
          ended_at: iso(x.end),
          by: s.workerId,
        })),
      ),
    );
    await chunked(
      pauses,
      (chunk) =>
        sql`
        insert into mes.assignment_pauses (assignment_id, reason, note, started_at, ended_at, started_by)
        select assignment_id, reason, note, started_at, ended_at, by
          from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(assignment_id text, reason text, note text, started_at timestamptz, ended_at timestamptz, by text)`.execute(
          trx,
        ),
      (done) => onStep?.('pauses', done, pauses.length),
      restat,
    );

    const problems = history.plans.flatMap((p, i) =>
      p.steps.flatMap((s) =>
        s.problem
          ? [
              {
                assignment_id: stepIds.get(`${i}/${s.nodeId}`),
                plan_id: planIds[i],
                category: s.problem.category,
                text: s.problem.text,
                reported_by: s.workerId,
                reported_at: iso(s.problem.reportedAt),
                resolved_at: iso(s.problem.resolvedAt),
                resolution: s.problem.resolution,
              },
            ]
          : [],
      ),
    );
    await chunked(
      problems,
      (chunk) =>
        sql`
        insert into mes.assignment_problems (assignment_id, plan_id, category, text, reported_by, reported_at, resolved_at, resolved_by, resolution)
        select assignment_id, plan_id, category, text, reported_by, reported_at, resolved_at, 'planner', resolution
          from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(assignment_id text, plan_id text, category text, text text,
               reported_by text, reported_at timestamptz, resolved_at timestamptz, resolution text)`.execute(trx),
      (done) => onStep?.('problems', done, problems.length),
      restat,
    );

    // lots before the ledger rows that move them (on hand starts at 0; the ledger's trigger keeps it)
    const lotCodes = history.lots.map((l) => codes.next('LOT', l.receivedAt));
    const lots = history.lots.map((l, i) => ({
      code: lotCodes[i],
      material_code: l.materialCode,
      heat_number: l.heatNumber,
      supplier: l.supplier,
      certificate: l.certificate,
      received_at: iso(l.receivedAt),
      origin: l.origin,
      origin_plan_id: l.plan === null ? null : planIds[l.plan],
      origin_node_id: l.nodeId,
      origin_assignment_id: l.plan === null ? null : stepIds.get(`${l.plan}/${l.nodeId}`),
      origin_worker_id: l.workerId,
      origin_substation_id: l.substationId,
      created_by: l.origin === 'receipt' ? 'purchasing' : l.workerId,
    }));
    await chunked(
      lots,
      (chunk) =>
        sql`
        insert into mes.lots (code, material_code, heat_number, supplier, certificate, received_at, origin, origin_plan_id, origin_node_id,
                              origin_assignment_id, origin_worker_id, origin_substation_id, created_by, created_at)
        select code, material_code, heat_number, supplier, certificate, received_at, origin, origin_plan_id, origin_node_id,
               origin_assignment_id, origin_worker_id, origin_substation_id, created_by, received_at
          from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(code text, material_code text, heat_number text, supplier text,
               certificate text, received_at timestamptz, origin text, origin_plan_id text, origin_node_id text, origin_assignment_id text,
               origin_worker_id text, origin_substation_id text, created_by text)`.execute(trx),
      (done) => onStep?.('lots', done, lots.length),
      restat,
    );
    const lotParents = history.lotParents.map((e) => ({ parent_lot: lotCodes[e.parent], child_lot: lotCodes[e.child], quantity: e.quantity }));
    await chunked(
      lotParents,
      (chunk) =>
        sql`
        insert into mes.lot_parents (parent_lot, child_lot, quantity)
        select parent_lot, child_lot, quantity from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(parent_lot text, child_lot text, quantity numeric)`.execute(
          trx,
        ),
      (done) => onStep?.('genealogy', done, lotParents.length),
      restat,
    );

    // the ledger in the order things happened (ids follow time, as on a live floor)
    const ledger = history.ledger
      .map((l, k) => ({ l, k }))
      .sort((a, b) => a.l.at - b.l.at || a.k - b.k)
      .map(({ l }) => ({
        material_code: l.materialCode,
        entry_type: l.entryType,
        stock_delta: l.stockDelta,
        reserved_delta: l.reservedDelta,
        plan_id: l.plan === null ? null : planIds[l.plan],
        node_id: l.plan === null || l.nodeId === null ? null : nodeIds.get(`${planIds[l.plan]}/${l.nodeId}`),
        assignment_id: l.plan !== null && l.byStep ? stepIds.get(`${l.plan}/${l.nodeId}`) : null,
        reason: l.entryType === 'consumption' || l.entryType === 'production' ? `${l.reason} by ${stepIds.get(`${l.plan}/${l.nodeId}`)}` : l.reason,
        actor: l.plan === null ? 'purchasing' : 'history',
        created_at: iso(l.at),
        lot_code: l.lot === null ? null : lotCodes[l.lot],
      }));
    await chunked(
      ledger,
      (chunk) =>
        sql`
        insert into mes.material_ledger (material_code, entry_type, stock_delta, reserved_delta, plan_id, node_id, assignment_id, reason, actor, created_at, lot_code)
        select material_code, entry_type, stock_delta, reserved_delta, plan_id, node_id, assignment_id, reason, actor, created_at, lot_code
          from jsonb_to_recordset(${JSON.stringify(chunk)}::jsonb) as x(material_code text, entry_type text, stock_delta numeric,
               reserved_delta numeric, plan_id text, node_id bigint, assignment_id text, reason text, actor text, created_at timestamptz,
               lot_code text)`.execute(trx),
      (done) => onStep?.('ledger', done, ledger.length),
      restat,
    );

    const counterRows = codes.rows();
    await sql`
      insert into mes.code_counters as c (prefix, period, last_value)
      select prefix, period, last_value from jsonb_to_recordset(${JSON.stringify(counterRows)}::jsonb) as x(prefix text, period text, last_value bigint)
      on conflict (prefix, period) do update set last_value = greatest(c.last_value, excluded.last_value)`.execute(trx);
    await restat();

    return {
      plans: planRows.length,
      steps: steps.length,
      pauses: pauses.length,
      problems: problems.length,
      ledgerRows: ledger.length,
      lots: lots.length,
      lotParents: lotParents.length,
    };
  });
}

export interface HistoryOptions {
  size: SeedSize;
  seed: number;
  months: number;
  /** epoch ms; the history ends here */
  now: number;
  utcOffsetMinutes: number;
  onStep?: (what: string, done: number, total: number) => void;
}

/** Simulates `months` of the dataset's past and writes it (history.ts, writeHistory). */
export async function seedHistory(db: Db, options: HistoryOptions): Promise<HistoryCounts> {
  const dataset = buildDataset(options.size, options.seed);
  const stock = await materialStock(db);
  const history = simulateHistory(
    { dataset, stock, months: options.months, seed: options.seed, now: options.now, utcOffsetMinutes: options.utcOffsetMinutes },
    (done, estimate) => {
      if (done % 500 === 0) options.onStep?.('simulate', done, Math.max(done, estimate));
    },
  );
  const counts = await writeHistory(db, history, options.onStep);
  // after a bulk load, as a DBA would: the reports read the analytics facts by index only (migration 0031), which needs the
  // visibility map that only a vacuum sets (autovacuum would, minutes later); vacuum cannot run inside the write's transaction
  await sql`vacuum (analyze) mes.analytics_steps, mes.analytics_pauses, mes.analytics_plans, mes.analytics_plan_steps`.execute(db);
  return counts;
}

/**
 * SQL of production plans. Plan graphs are written in bulk: every table gets
 * one INSERT ... SELECT FROM jsonb_to_recordset($1), whatever the number of
 * plans and nodes, and edges find their node ids by (plan_id, node_id) in SQL.
 */
import { type Kysely, sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';
import type { PlanDocument } from './plans.schema.js';

export interface NewPlan {
  doc: PlanDocument;
  createdBy: string | null;
}

/** Inserts plans with their graphs; returns the generated plan codes in input order. */
export async function insertPlans(trx: Transaction<DB> | Kysely<DB>, plans: NewPlan[]): Promise<string[]> {
  if (plans.length === 0) return [];
  const codes = await sql<{ id: string }>`
    select mes.generate_production_plan_code() as id from generate_series(1, ${plans.length}::int) g order by g`.execute(trx);
  const ids = codes.rows.map((r) => r.id);
  await insertPlanRows(trx, plans, ids);
  await insertPlanGraphs(trx, plans.map((p, i) => ({ planId: ids[i]!, doc: p.doc })));
  return ids;
}

async function insertPlanRows(trx: Transaction<DB> | Kysely<DB>, plans: NewPlan[], ids: string[]) {
  const rows = plans.map((p, i) => ({
    id: ids[i],
    work_order_code: p.doc.workOrderCode,
    name: p.doc.name,
    quantity: p.doc.quantity,
    note: p.doc.note ?? '',
    created_by: p.createdBy,
  }));
  await sql`
    insert into mes.production_plans (id, work_order_code, name, quantity, note, created_by)
    select id, work_order_code, name, quantity, note, created_by
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
        as x(id text, work_order_code text, name text, quantity numeric, note text, created_by text)`.execute(trx);
}

/** Writes nodes, edges, candidate stations and inputs of plans whose rows exist and whose graphs are empty. */
export async function insertPlanGraphs(trx: Transaction<DB> | Kysely<DB>, graphs: { planId: string; doc: PlanDocument }[]) {
  const nodes: unknown[] = [];
  const edges: unknown[] = [];
  const stations: unknown[] = [];
  const inputs: unknown[] = [];
  for (const { planId, doc } of graphs) {
    doc.nodes.forEach((n, sequence) => {
      nodes.push({
        plan_id: planId,
        node_id: n.nodeId,
        sequence,
        name: n.name,
        operation_id: n.operationId,
        quantity: n.quantity ?? doc.quantity,
        nominal_time: n.nominalTime,
        efficiency: n.efficiency ?? 1,
        output_material_code: n.output?.materialCode ?? null,
        output_quantity: n.output?.quantity ?? 0,
        position_x: n.position?.x ?? 0,
        position_y: n.position?.y ?? 0,
        note: n.note ?? '',
        pinned_station_id: n.pin?.stationId ?? null,
        pinned_substation_id: n.pin?.substationId ?? null,
        pinned_worker_id: n.pin?.workerId ?? null,
      });
      for (const p of n.predecessors) edges.push({ plan_id: planId, node_id: n.nodeId, predecessor: p });
      for (const s of n.assignedStations) {
        stations.push({ plan_id: planId, node_id: n.nodeId, station_id: s.stationId, priority: s.priority, time_minutes: s.time ?? null });
      }
      for (const m of n.materialInputs) {
        inputs.push({ plan_id: planId, node_id: n.nodeId, material_code: m.materialCode, required_quantity: m.requiredQuantity, from_node: m.fromNodeId ?? null });
      }
    });
  }
  await sql`
    insert into mes.production_plan_nodes (plan_id, node_id, sequence, name, operation_id, quantity, nominal_time, efficiency,
      output_material_code, output_quantity, position_x, position_y, note, pinned_station_id, pinned_substation_id, pinned_worker_id)
    select plan_id, node_id, sequence, name, operation_id, quantity, nominal_time, efficiency,
      output_material_code, output_quantity, position_x, position_y, note, pinned_station_id, pinned_substation_id, pinned_worker_id
      from jsonb_to_recordset(${JSON.stringify(nodes)}::jsonb) as x(plan_id text, node_id text, sequence int, name text,
        operation_id text, quantity numeric, nominal_time numeric, efficiency numeric, output_material_code text,
        output_quantity numeric, position_x float8, position_y float8, note text, pinned_station_id text,
        pinned_substation_id text, pinned_worker_id text)`.execute(trx);
  if (edges.length > 0) {
    await sql`
      insert into mes.node_predecessors (plan_id, node_id, predecessor_id)
      select e.plan_id, n.id, p.id
        from jsonb_to_recordset(${JSON.stringify(edges)}::jsonb) as e(plan_id text, node_id text, predecessor text)
        join mes.production_plan_nodes n on n.plan_id = e.plan_id and n.node_id = e.node_id
        join mes.production_plan_nodes p on p.plan_id = e.plan_id and p.node_id = e.predecessor`.execute(trx);
  }
  if (stations.length > 0) {
    await sql`
      insert into mes.node_stations (plan_id, node_id, station_id, priority, time_minutes)
      select s.plan_id, n.id, s.station_id, s.priority, s.time_minutes
        from jsonb_to_recordset(${JSON.stringify(stations)}::jsonb)
          as s(plan_id text, node_id text, station_id text, priority int, time_minutes numeric)
        join mes.production_plan_nodes n on n.plan_id = s.plan_id and n.node_id = s.node_id`.execute(trx);
  }
  if (inputs.length > 0) {
    await sql`
      insert into mes.node_material_inputs (plan_id, node_id, material_code, required_quantity, from_node_id)
      select i.plan_id, n.id, i.material_code, i.required_quantity, f.id
        from jsonb_to_recordset(${JSON.stringify(inputs)}::jsonb)
          as i(plan_id text, node_id text, material_code text, required_quantity numeric, from_node text)
        join mes.production_plan_nodes n on n.plan_id = i.plan_id and n.node_id = i.node_id
        left join mes.production_plan_nodes f on f.plan_id = i.plan_id and f.node_id = i.from_node`.execute(trx);
  }
}

/**
 * The whole plan in one SQL statement: the plan row and its nodes in order,
 * each with operation, candidate stations, material inputs, predecessors and
 * its open assignment. Returns undefined for an unknown plan.
 */
export async function findPlanDetail(db: Kysely<DB> | Transaction<DB>, planId: string): Promise<PlanDetailRow | undefined> {
  const result = await sql<{ plan: PlanDetailRow }>`
    select json_build_object(
      'id', p.id, 'workOrderCode', p.work_order_code, 'name', p.name, 'quantity', p.quantity,
      'status', p.status, 'version', p.version, 'note', p.note, 'allowShortage', p.allow_shortage,
      'shortages', p.shortages, 'plannedStart', p.planned_start, 'plannedEnd', p.planned_end,
      'releasedAt', p.released_at, 'startedAt', p.started_at, 'completedAt', p.completed_at,
      'cancelledAt', p.cancelled_at, 'createdBy', p.created_by, 'createdAt', p.created_at, 'updatedAt', p.updated_at,
      'nodes', coalesce((
        select json_agg(json_build_object(
          'nodeId', n.node_id, 'name', n.name, 'operationId', n.operation_id, 'operationName', o.name,
          'quantity', n.quantity, 'nominalTime', n.nominal_time, 'efficiency', n.efficiency,
          'output', case when n.output_material_code is null then null
                         else json_build_object('materialCode', n.output_material_code, 'quantity', n.output_quantity) end,
          'position', json_build_object('x', n.position_x, 'y', n.position_y),
          'note', n.note,
          'pin', case when coalesce(n.pinned_station_id, n.pinned_substation_id, n.pinned_worker_id) is null then null
                      else json_strip_nulls(json_build_object('stationId', n.pinned_station_id,
                             'substationId', n.pinned_substation_id, 'workerId', n.pinned_worker_id)) end,
          'predecessors', coalesce((
            select json_agg(pn.node_id order by pn.sequence)
              from mes.node_predecessors e join mes.production_plan_nodes pn on pn.id = e.predecessor_id
             where e.node_id = n.id), '[]'::json),
          'assignedStations', coalesce((
            select json_agg(json_strip_nulls(json_build_object('stationId', s.station_id, 'stationName', st.name,
                     'priority', s.priority, 'time', s.time_minutes)) order by s.priority, s.station_id)
              from mes.node_stations s join mes.stations st on st.id = s.station_id
             where s.node_id = n.id), '[]'::json),
          'materialInputs', coalesce((
            select json_agg(json_strip_nulls(json_build_object('materialCode', i.material_code, 'materialName', m.name,
                     'unit', m.unit, 'requiredQuantity', i.required_quantity, 'fromNodeId', fn.node_id)) order by i.material_code)
              from mes.node_material_inputs i join mes.materials m on m.code = i.material_code
              left join mes.production_plan_nodes fn on fn.id = i.from_node_id
             where i.node_id = n.id), '[]'::json),
          'assignment', (
            select json_build_object('id', a.id, 'status', a.status, 'workerId', a.worker_id, 'workerName', w.name,
                     'stationId', a.station_id, 'substationId', a.substation_id,
                     'plannedStart', a.planned_start, 'plannedEnd', a.planned_end, 'workMinutes', a.work_minutes,
                     'pinned', a.pinned, 'waitReason', a.wait_reason,
                     'actualStart', a.actual_start, 'actualEnd', a.actual_end, 'pausedMinutes', a.paused_minutes,
                     'workedMinutes', a.worked_minutes, 'goodQuantity', a.good_quantity, 'scrapQuantity', a.scrap_quantity)
              from mes.worker_assignments a join mes.workers w on w.id = a.worker_id
             where a.node_id = n.id and a.status <> 'cancelled')
        ) order by n.sequence)
          from mes.production_plan_nodes n join mes.operations o on o.id = n.operation_id
         where n.plan_id = p.id), '[]'::json)
    ) as plan
    from mes.production_plans p
    where p.id = ${planId}`.execute(db);
  return result.rows[0]?.plan;
}

export interface PlanDetailNode {
  nodeId: string;
  name: string;
  operationId: string;
  operationName: string;
  quantity: number;
  nominalTime: number;
  efficiency: number;
  output: { materialCode: string; quantity: number } | null;
  position: { x: number; y: number };
  note: string;
  pin: { stationId?: string; substationId?: string; workerId?: string } | null;
  predecessors: string[];
  assignedStations: { stationId: string; stationName: string; priority: number; time?: number }[];
  materialInputs: { materialCode: string; materialName: string; unit: string; requiredQuantity: number; fromNodeId?: string }[];
  assignment: Record<string, unknown> | null;
}

export interface PlanDetailRow {
  id: string;
  workOrderCode: string;
  name: string;
  quantity: number;
  status: string;
  version: number;
  note: string;
  nodes: PlanDetailNode[];
  [key: string]: unknown;
}

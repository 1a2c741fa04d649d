/**
 * SQL of yield carried forward: a plan's graph as the yield rules read it (with
 * each node's live assignment), the expected quantities and the planner's
 * decisions written back, and a step added to a released plan.
 */
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.js';
import { take } from '../../db/locks.js';
import type { YieldNode } from './yield.rules.js';

export interface YieldGraphNode extends YieldNode {
  nodeId: string;
  name: string;
  operationId: string;
  nominalTime: number;
  efficiency: number;
  extraKind: 'remake' | 'rework' | null;
  shortAcceptedAt: string | null;
  shortAcceptedBy: string | null;
  /** the node's assignment that is not cancelled, if any */
  assignment: {
    id: string;
    status: string;
    workerId: string;
    stationId: string;
    substationId: string;
    plannedStart: string;
    plannedEnd: string;
    workMinutes: number;
    pinned: boolean;
    /** minutes per unit at the assignment's station (its candidate time, else the nominal time) */
    timePerUnit: number;
    goodQuantity: number | null;
    scrapQuantity: number | null;
  } | null;
}

/** The plan's nodes in plan order, with edges, inputs, output and live assignment: one statement. */
export async function loadYieldGraph(db: Db, planId: string): Promise<YieldGraphNode[]> {
  const result = await sql<{ nodes: YieldGraphNode[] | null }>`
    with n as (select * from mes.production_plan_nodes where plan_id = ${planId}),
    preds as (
      select e.node_id, json_agg(e.predecessor_id order by e.predecessor_id) as list
        from mes.node_predecessors e where e.plan_id = ${planId} group by e.node_id
    ), inputs as (
      select i.node_id, json_agg(json_build_object('materialCode', i.material_code, 'requiredQuantity', i.required_quantity,
               'fromNodeId', i.from_node_id) order by i.material_code collate "C") as list
        from mes.node_material_inputs i where i.plan_id = ${planId} group by i.node_id
    ), asg as (
      select a.node_id, json_build_object('id', a.id, 'status', a.status, 'workerId', a.worker_id, 'stationId', a.station_id,
               'substationId', a.substation_id, 'plannedStart', a.planned_start, 'plannedEnd', a.planned_end,
               'workMinutes', a.work_minutes, 'pinned', a.pinned, 'timePerUnit', coalesce(s.time_minutes, n.nominal_time),
               'goodQuantity', a.good_quantity, 'scrapQuantity', a.scrap_quantity) as obj
        from mes.worker_assignments a join n on n.id = a.node_id
        left join mes.node_stations s on s.node_id = a.node_id and s.station_id = a.station_id
       where a.plan_id = ${planId} and a.status <> 'cancelled'
    )
    select json_agg(json_build_object(
      'id', n.id, 'nodeId', n.node_id, 'name', n.name, 'operationId', n.operation_id, 'quantity', n.quantity,
      'expected', n.expected_quantity, 'extraOf', n.extra_of, 'extraKind', n.extra_kind,
      'nominalTime', n.nominal_time, 'efficiency', n.efficiency,
      'shortAcceptedAt', n.short_accepted_at, 'shortAcceptedBy', n.short_accepted_by,
      'predecessors', coalesce(preds.list, '[]'::json), 'inputs', coalesce(inputs.list, '[]'::json),
      'output', case when n.output_material_code is null then null
                     else json_build_object('materialCode', n.output_material_code, 'quantity', n.output_quantity) end,
      'completedGood', case when asg.obj->>'status' = 'completed' then (asg.obj->>'goodQuantity')::numeric end,
      'assignment', asg.obj
    ) order by n.sequence) as nodes
      from n left join preds on preds.node_id = n.id left join inputs on inputs.node_id = n.id left join asg on asg.node_id = n.id`.execute(db);
  // ids inside json_agg come back as JSON numbers or strings: decode explicitly
  return (result.rows[0]?.nodes ?? []).map((n) => ({
    ...n,
    id: Number(n.id),
    extraOf: n.extraOf === null ? null : Number(n.extraOf),
    quantity: Number(n.quantity),
    expected: n.expected === null ? null : Number(n.expected),
    nominalTime: Number(n.nominalTime),
    efficiency: Number(n.efficiency),
    completedGood: n.completedGood === null ? null : Number(n.completedGood),
    predecessors: n.predecessors.map(Number),
    inputs: n.inputs.map((i) => ({ ...i, requiredQuantity: Number(i.requiredQuantity), fromNodeId: i.fromNodeId === null ? null : Number(i.fromNodeId) })),
    output: n.output ? { materialCode: n.output.materialCode, quantity: Number(n.output.quantity) } : null,
    assignment: n.assignment
      ? {
          ...n.assignment,
          workMinutes: Number(n.assignment.workMinutes),
          timePerUnit: Number(n.assignment.timePerUnit),
          goodQuantity: n.assignment.goodQuantity === null ? null : Number(n.assignment.goodQuantity),
          scrapQuantity: n.assignment.scrapQuantity === null ? null : Number(n.assignment.scrapQuantity),
        }
      : null,
  }));
}

/** Writes nodes' expected quantities (null = the planned quantity) in one statement; the check keeps them in [0, quantity]. */
export async function setExpectedQuantities(trx: Trx, planId: string, changes: { id: number; expected: number | null }[]): Promise<void> {
  if (changes.length === 0) return;
  await sql`
    update mes.production_plan_nodes n set expected_quantity = x.expected
      from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as x(id bigint, expected numeric)
     where n.id = x.id and n.plan_id = ${planId}`.execute(trx);
}

export async function markShortAccepted(trx: Trx, nodeDbId: number, actor: string, at: Date): Promise<void> {
  await trx.updateTable('mes.production_plan_nodes').set({ short_accepted_at: at, short_accepted_by: actor }).where('id', '=', nodeDbId).execute();
}

export interface ExtraNode {
  planId: string;
  copyOf: number;
  extraOf: number;
  kind: 'remake' | 'rework';
  nodeId: string;
  quantity: number;
  copyInputs: boolean;
}

/**
 * A copy of node `copyOf` as a new node of the same plan: operation, times, candidate stations and
 * predecessors as the original (a rework: the original itself); inputs scaled to the new quantity and drawn from stock (the original's
 * feeders already delivered to it); output scaled; every consumer of the original (edge or input) also
 * waits for the copy. Returns the new node's db id.
 */
export async function insertExtraNode(trx: Trx, x: ExtraNode): Promise<number> {
  const inserted = await sql<{ id: string }>`
    insert into mes.production_plan_nodes (plan_id, node_id, sequence, name, operation_id, quantity, nominal_time, efficiency,
      output_material_code, output_quantity, position_x, position_y, note, extra_of, extra_kind)
    select o.plan_id, ${x.nodeId}, (select max(sequence) + 1 from mes.production_plan_nodes where plan_id = o.plan_id), o.name, o.operation_id,
           ${x.quantity}, o.nominal_time, o.efficiency, o.output_material_code, round(o.output_quantity * ${x.quantity} / o.quantity, 3),
           o.position_x, o.position_y + 80, '', ${x.extraOf}, ${x.kind}
      from mes.production_plan_nodes o where o.id = ${x.copyOf} and o.plan_id = ${x.planId}
    returning id`.execute(trx);
  const id = Number(inserted.rows[0]!.id);
  await sql`
    insert into mes.node_stations (plan_id, node_id, station_id, priority, time_minutes)
    select plan_id, ${id}, station_id, priority, time_minutes from mes.node_stations where node_id = ${x.copyOf}`.execute(trx);
  // a remake makes the parts again, after what the original waited for; a rework reworks the original's parts, after it
  if (x.kind === 'remake') {
    await sql`
      insert into mes.node_predecessors (plan_id, node_id, predecessor_id)
      select plan_id, ${id}, predecessor_id from mes.node_predecessors where node_id = ${x.copyOf}`.execute(trx);
  } else {
    await trx.insertInto('mes.node_predecessors').values({ plan_id: x.planId, node_id: id, predecessor_id: x.copyOf }).execute();
  }
  await sql`
    insert into mes.node_predecessors (plan_id, node_id, predecessor_id)
    select distinct plan_id, node_id, ${id}::bigint from (
      select plan_id, node_id from mes.node_predecessors where predecessor_id = ${x.copyOf}
      union select plan_id, node_id from mes.node_material_inputs where from_node_id = ${x.copyOf}) c
     where c.node_id <> ${id}`.execute(trx);
  if (x.copyInputs) {
    await sql`
      insert into mes.node_material_inputs (plan_id, node_id, material_code, required_quantity, from_node_id)
      select i.plan_id, ${id}, i.material_code, greatest(round(i.required_quantity * ${x.quantity} / o.quantity, 3), 0.001), null
        from mes.node_material_inputs i join mes.production_plan_nodes o on o.id = i.node_id
       where i.node_id = ${x.copyOf}`.execute(trx);
  }
  return id;
}

/** The plan's row lock (lock order: after scheduling), with what a remake or a decision needs. */
export function lockPlanForYield(trx: Trx, planId: string) {
  take(trx, 'plan');
  return trx
    .selectFrom('mes.production_plans')
    .select(['id', 'status', 'allow_shortage as allowShortage', 'archived_at as archivedAt'])
    .where('id', '=', planId)
    .forUpdate()
    .executeTakeFirst();
}

/** Whether the plan exists and may reserve more than is available (read inside a transaction that already locked it). */
export function findPlanShortagePolicy(db: Db, planId: string) {
  return db.selectFrom('mes.production_plans').select(['id', 'allow_shortage as allowShortage']).where('id', '=', planId).executeTakeFirst();
}

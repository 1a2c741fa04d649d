/**
 * TEMPORARY ADAPTER (issue #17): the SQL that adds a rework step to a released
 * plan, until the plans module offers `addStepToReleasedPlan` (branch `yield`).
 * It writes plan tables the plans module owns — the one exception to the
 * owner rule, kept in this one file so the swap deletes it whole.
 */
import { sql } from 'kysely';
import type { Trx } from '../../db/database.js';

/**
 * Copies node `copyOf` of the plan as `<node>-RW<n>` for `quantity`: same
 * operation, time per unit, efficiency and candidate stations; no material
 * inputs or output; its one predecessor is the node it copies.
 */
export async function insertReworkNode(
  trx: Trx,
  r: { planId: string; copyOfNodeDbId: number; quantity: number; kind: 'remake' | 'rework' },
): Promise<{ nodeDbId: number; nodeId: string }> {
  const suffix = r.kind === 'rework' ? 'RW' : 'RM';
  const inserted = await sql<{ id: number; nodeId: string }>`
    insert into mes.production_plan_nodes (plan_id, node_id, sequence, name, operation_id, quantity, nominal_time, efficiency, note)
    select o.plan_id,
           left(o.node_id, 32) || '-' || ${suffix} ||
             (select count(*) + 1 from mes.production_plan_nodes x where x.plan_id = o.plan_id and x.node_id like left(o.node_id, 32) || '-' || ${suffix} || '%'),
           (select max(sequence) + 1 from mes.production_plan_nodes x where x.plan_id = o.plan_id),
           left(${r.kind === 'rework' ? 'Rework: ' : 'Remake: '} || o.name, 200), o.operation_id, ${r.quantity}, o.nominal_time, o.efficiency,
           ${r.kind} || ' of ' || o.node_id
      from mes.production_plan_nodes o
     where o.id = ${r.copyOfNodeDbId} and o.plan_id = ${r.planId}
    returning id, node_id as "nodeId"`.execute(trx);
  const node = inserted.rows[0]!;
  await sql`
    insert into mes.node_stations (plan_id, node_id, station_id, priority, time_minutes)
    select plan_id, ${node.id}, station_id, priority, time_minutes from mes.node_stations where node_id = ${r.copyOfNodeDbId}`.execute(trx);
  await sql`insert into mes.node_predecessors (plan_id, node_id, predecessor_id) values (${r.planId}, ${node.id}, ${r.copyOfNodeDbId})`.execute(trx);
  return { nodeDbId: Number(node.id), nodeId: node.nodeId };
}

/** Db ids of a plan's nodes by their node id. */
export async function planNodeDbIds(trx: Trx, planId: string): Promise<Map<string, number>> {
  const rows = await trx.selectFrom('mes.production_plan_nodes').select(['id', 'node_id']).where('plan_id', '=', planId).execute();
  return new Map(rows.map((r) => [r.node_id, Number(r.id)]));
}

/**
 * The invariants of DESIGN.md as SQL. Each check returns the offending rows
 * (empty = holds). Used by `npm run doctor`, by the tests and after the seed.
 */
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.js';

export interface IntegrityCheck {
  name: string;
  description: string;
  query: ReturnType<typeof sql>;
}

export const integrityChecks: IntegrityCheck[] = [
  {
    name: 'orphan_rows',
    description: 'every node, edge, candidate, input and assignment belongs to an existing plan and node',
    query: sql`
      select 'node' as kind, n.id::text as id from mes.production_plan_nodes n
        left join mes.production_plans p on p.id = n.plan_id where p.id is null
      union all
      select 'edge', e.node_id || '<-' || e.predecessor_id from mes.node_predecessors e
        left join mes.production_plan_nodes a on a.id = e.node_id and a.plan_id = e.plan_id
        left join mes.production_plan_nodes b on b.id = e.predecessor_id and b.plan_id = e.plan_id
       where a.id is null or b.id is null
      union all
      select 'node_station', s.node_id || '@' || s.station_id from mes.node_stations s
        left join mes.production_plan_nodes n on n.id = s.node_id and n.plan_id = s.plan_id where n.id is null
      union all
      select 'material_input', i.node_id || ':' || i.material_code from mes.node_material_inputs i
        left join mes.production_plan_nodes n on n.id = i.node_id and n.plan_id = i.plan_id where n.id is null
      union all
      select 'assignment', a.id from mes.worker_assignments a
        left join mes.production_plan_nodes n on n.id = a.node_id and n.plan_id = a.plan_id where n.id is null`,
  },
  {
    name: 'acyclic_graphs',
    description: "every plan's graph is acyclic",
    query: sql`
      -- reachable (node, ancestor) pairs; UNION deduplicates, so it ends even on a cycle
      with recursive reach(plan_id, start_id, node_id) as (
        select e.plan_id, e.node_id, e.predecessor_id from mes.node_predecessors e
        union
        select r.plan_id, r.start_id, e.predecessor_id
          from reach r join mes.node_predecessors e on e.node_id = r.node_id
      )
      select distinct r.plan_id as kind, n.node_id as id from reach r join mes.production_plan_nodes n on n.id = r.start_id where r.start_id = r.node_id`,
  },
  {
    name: 'ledger_matches_stock',
    description: 'for every material, stock and reserved equal the sums of its ledger',
    query: sql`
      select m.code as kind,
             'stock ' || m.stock || ' vs ledger ' || coalesce(l.stock, 0) ||
             ', reserved ' || m.reserved || ' vs ledger ' || coalesce(l.reserved, 0) as id
        from mes.materials m
        left join (select material_code, sum(stock_delta) as stock, sum(reserved_delta) as reserved
                     from mes.material_ledger group by material_code) l on l.material_code = m.code
       where m.stock <> coalesce(l.stock, 0) or m.reserved <> coalesce(l.reserved, 0)`,
  },
  {
    name: 'no_overlapping_bookings',
    description: 'no worker and no substation holds two active assignments that overlap in time',
    query: sql`
      select 'worker ' || a.worker_id as kind, a.id || ' overlaps ' || b.id as id
        from mes.worker_assignments a join mes.worker_assignments b
          on a.worker_id = b.worker_id and a.id < b.id
         and a.planned_start < b.planned_end and b.planned_start < a.planned_end
       where a.status in ('pending', 'ready', 'in_progress', 'paused') and b.status in ('pending', 'ready', 'in_progress', 'paused')
      union all
      select 'substation ' || a.substation_id, a.id || ' overlaps ' || b.id
        from mes.worker_assignments a join mes.worker_assignments b
          on a.substation_id = b.substation_id and a.id < b.id
         and a.planned_start < b.planned_end and b.planned_start < a.planned_end
       where a.status in ('pending', 'ready', 'in_progress', 'paused') and b.status in ('pending', 'ready', 'in_progress', 'paused')`,
  },
  {
    name: 'busy_workers_have_a_task',
    description: 'a worker marked busy or on break has exactly that task in progress or paused',
    query: sql`
      select w.id as kind, w.status || ' with task ' || coalesce(w.current_assignment_id, 'none') as id
        from mes.workers w
        left join mes.worker_assignments a on a.id = w.current_assignment_id
       where (w.status <> 'available' or w.current_assignment_id is not null)
         and (a.id is null or a.worker_id <> w.id or a.status not in ('in_progress', 'paused'))
      union all
      select a.worker_id, 'task ' || a.id || ' is ' || a.status || ' but the worker does not hold it'
        from mes.worker_assignments a join mes.workers w on w.id = a.worker_id
       where a.status in ('in_progress', 'paused') and w.current_assignment_id is distinct from a.id`,
  },
];

export interface IntegrityFailure {
  check: string;
  description: string;
  rows: { kind: string; id: string }[];
}

export async function runIntegrityChecks(db: Kysely<DB>): Promise<IntegrityFailure[]> {
  const failures: IntegrityFailure[] = [];
  for (const check of integrityChecks) {
    const result = await check.query.execute(db);
    const rows = result.rows as { kind: string; id: string }[];
    if (rows.length > 0) failures.push({ check: check.name, description: check.description, rows });
  }
  return failures;
}

/**
 * The invariants of DESIGN.md as SQL. Each check returns the offending rows
 * (empty = holds). Used by `npm run doctor`, by the tests and after the seed.
 */
import type { Db } from '../db/database.js';
import { sql } from 'kysely';
import { analyticsRollupsQuery } from './analytics-rollups.check.js';
import { planSummariesQuery } from './plan-summaries.check.js';

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
    name: 'lots_match_ledger',
    description: "every lot's on-hand equals the sum of its ledger rows and is not negative; a lot-tracked material's stock equals what its lots hold",
    query: sql`
      select 'lot ' || l.code as kind, 'on hand ' || l.on_hand || ' vs ledger ' || coalesce(g.stock, 0) as id
        from mes.lots l
        left join (select lot_code, sum(stock_delta) as stock from mes.material_ledger where lot_code is not null group by lot_code) g on g.lot_code = l.code
       where l.on_hand <> coalesce(g.stock, 0) or l.on_hand < 0
      union all
      select 'material ' || m.code, 'stock ' || m.stock || ' vs lots ' || coalesce(sum(l.on_hand), 0)
        from mes.materials m left join mes.lots l on l.material_code = m.code
       where m.lot_tracked
       group by m.code, m.stock having m.stock <> coalesce(sum(l.on_hand), 0)`,
  },
  {
    name: 'lot_tracked_moves_carry_lots',
    description:
      'every stock move of a lot-tracked material since its first lot carries a lot (the ledger trigger refuses others; rows from before tracking began are kept as they were)',
    query: sql`
      select 'ledger ' || g.id as kind, g.material_code || ' ' || g.entry_type || ' ' || g.stock_delta as id
        from mes.material_ledger g
        join mes.materials m on m.code = g.material_code and m.lot_tracked
        join (select material_code, min(id) as first_id from mes.material_ledger where lot_code is not null group by material_code) f
          on f.material_code = g.material_code
       where g.stock_delta <> 0 and g.lot_code is null and g.id > f.first_id`,
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
    name: 'successors_start_after_predecessors',
    description:
      'no not-started assignment is planned to start before an assignment of one of its predecessor nodes ends (a completed one ends at the earlier of its planned and actual end: a reschedule plans from the actual one)',
    query: sql`
      select 'assignment ' || a.id as kind,
             'starts ' || a.planned_start || ', before ' || p.id || ' (' || p.status || ') of a predecessor ends ' || p.planned_end as id
        from mes.worker_assignments a
        join mes.node_predecessors e on e.node_id = a.node_id
        join mes.worker_assignments p on p.node_id = e.predecessor_id and p.status <> 'cancelled'
       where a.status in ('pending', 'ready')
         and a.planned_start < case when p.status = 'completed' then least(p.planned_end, coalesce(p.actual_end, p.planned_end)) else p.planned_end end`,
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
  {
    name: 'busy_substations_have_a_task',
    description: 'a substation in use holds exactly its task in progress or paused',
    query: sql`
      select s.id as kind, s.status || ' with task ' || coalesce(s.current_assignment_id, 'none') as id
        from mes.substations s
        left join mes.worker_assignments a on a.id = s.current_assignment_id
       where s.current_assignment_id is not null
         and (a.id is null or a.substation_id <> s.id or a.status not in ('in_progress', 'paused'))
      union all
      select a.substation_id, 'task ' || a.id || ' is ' || a.status || ' but the substation does not hold it'
        from mes.worker_assignments a join mes.substations s on s.id = a.substation_id
       where a.status in ('in_progress', 'paused') and s.current_assignment_id is distinct from a.id`,
  },
  {
    name: 'assignments_match_their_plan',
    description: 'open assignments belong to released, in-production or paused plans; started ones to plans that have started',
    query: sql`
      select 'plan ' || p.id || ' (' || p.status || ')' as kind, 'assignment ' || a.id || ' is still ' || a.status as id
        from mes.worker_assignments a join mes.production_plans p on p.id = a.plan_id
       where a.status in ('pending', 'ready', 'in_progress', 'paused')
         and p.status not in ('released', 'in_production', 'paused')
      union all
      select 'plan ' || p.id || ' (' || p.status || ')', 'assignment ' || a.id || ' is ' || a.status
        from mes.worker_assignments a join mes.production_plans p on p.id = a.plan_id
       where a.status in ('in_progress', 'paused', 'completed')
         and p.status in ('draft', 'released')`,
  },
  {
    name: 'reservations_held_by_open_plans',
    description: "a material's reserved quantity is the sum of what released, in-production and paused plans still hold",
    query: sql`
      select m.code as kind,
             'reserved ' || m.reserved || ' vs held by open plans ' || coalesce(h.held, 0) as id
        from mes.materials m
        left join (select l.material_code, sum(l.reserved_delta) as held
                     from mes.material_ledger l join mes.production_plans p on p.id = l.plan_id
                    where p.status in ('released', 'in_production', 'paused')
                    group by l.material_code) h on h.material_code = m.code
       where m.reserved <> coalesce(h.held, 0)
      union all
      select l.material_code, 'plan ' || l.plan_id || ' node ' || l.node_id || ' holds ' || sum(l.reserved_delta)
        from mes.material_ledger l
       where l.plan_id is not null
       group by l.material_code, l.plan_id, l.node_id
      having sum(l.reserved_delta) < 0`,
  },
  {
    name: 'reservations_follow_expected_quantities',
    description:
      'a step not started yet holds no more of a stock input than its expected quantity needs (required × expected / quantity): scrap upstream gave the surplus back',
    query: sql`
      select l.material_code as kind, 'plan ' || n.plan_id || ' node ' || n.node_id || ' holds ' || sum(l.reserved_delta)
             || ', needs ' || round(i.required_quantity * coalesce(n.expected_quantity, n.quantity) / n.quantity, 3) as id
        from mes.material_ledger l
        join mes.production_plan_nodes n on n.id = l.node_id and n.plan_id = l.plan_id
        join mes.node_material_inputs i on i.node_id = n.id and i.material_code = l.material_code and i.from_node_id is null
       where exists (select 1 from mes.worker_assignments a where a.node_id = n.id and a.status in ('pending', 'ready'))
       group by l.material_code, n.plan_id, n.node_id, n.quantity, n.expected_quantity, i.required_quantity
      having sum(l.reserved_delta) > round(i.required_quantity * coalesce(n.expected_quantity, n.quantity) / n.quantity, 3) + 0.0005`,
  },
  {
    name: 'archived_plans_moved_out',
    description: 'an archived plan is finished, has its archive document and keeps no nodes or assignments in the hot tables',
    query: sql`
      select 'plan ' || p.id as kind, 'archived without an archive document' as id
        from mes.production_plans p left join mes.plan_archives a on a.plan_id = p.id
       where p.archived_at is not null and a.plan_id is null
      union all
      select 'plan ' || a.plan_id, 'has an archive document but is not marked archived'
        from mes.plan_archives a join mes.production_plans p on p.id = a.plan_id
       where p.archived_at is null
      union all
      select 'plan ' || p.id, count(*) || ' nodes still in the hot tables'
        from mes.production_plans p join mes.production_plan_nodes n on n.plan_id = p.id
       where p.archived_at is not null group by p.id
      union all
      select 'plan ' || p.id, count(*) || ' assignments still in the hot tables'
        from mes.production_plans p join mes.worker_assignments a on a.plan_id = p.id
       where p.archived_at is not null group by p.id`,
  },
  {
    name: 'ledger_references',
    description: 'a ledger row that names a node or assignment names one of its plan, live or archived',
    query: sql`
      select 'ledger ' || l.id as kind, 'node ' || l.node_id || ' of plan ' || coalesce(l.plan_id, '(none)') || ' does not exist' as id
        from mes.material_ledger l
        left join mes.production_plans p on p.id = l.plan_id
       where l.node_id is not null
         and (p.id is null or (p.archived_at is null
              and not exists (select 1 from mes.production_plan_nodes n where n.id = l.node_id and n.plan_id = l.plan_id)))
      union all
      select 'ledger ' || l.id, 'assignment ' || l.assignment_id || ' of plan ' || coalesce(l.plan_id, '(none)') || ' does not exist'
        from mes.material_ledger l
        left join mes.production_plans p on p.id = l.plan_id
       where l.assignment_id is not null
         and (p.id is null or (p.archived_at is null
              and not exists (select 1 from mes.worker_assignments a where a.id = l.assignment_id and a.plan_id = l.plan_id)))`,
  },
  {
    name: 'outbox_covers_changes',
    description: 'every plan released and every assignment created since the oldest kept event has its event in the outbox',
    query: sql`
      -- events older than the retention are pruned: look only at changes after the oldest kept event
      -- (assignments and their events share the transaction's now(); released_at comes from the
      -- application clock, hence a minute of margin for plans)
      with horizon as (select min(created_at) as since from mes.events)
      select 'plan ' || p.id as kind, 'released at ' || p.released_at || ' without a released event' as id
        from mes.production_plans p cross join horizon h
       where p.released_at > h.since + interval '1 minute'
         and not exists (select 1 from mes.events e where e.entity_type = 'plan' and e.entity_id = p.id and e.change = 'released')
      union all
      select 'assignment ' || a.id, 'created at ' || a.created_at || ' without an event'
        from mes.worker_assignments a cross join horizon h
       where a.created_at >= h.since
         and not exists (select 1 from mes.events e where e.entity_type = 'assignment' and e.entity_id = a.id)`,
  },
  {
    name: 'outbox_transactions_consistent',
    description: 'the events of one transaction share its timestamp, and none carries a transaction id from the future (it would never be delivered)',
    query: sql`
      select 'transaction ' || tx_id::text as kind, count(distinct created_at) || ' timestamps for ' || count(*) || ' events' as id
        from mes.events group by tx_id having count(distinct created_at) > 1
      union all
      select 'event ' || e.id, 'tx_id ' || e.tx_id::text || ' has not started yet'
        from mes.events e where e.tx_id >= pg_snapshot_xmax(pg_current_snapshot())`,
  },
  {
    name: 'inspection_results_of_their_step',
    description: "every inspection result is for a check of its assignment's operation, and an NCR is on its assignment's plan and node (0024)",
    query: sql`
      select 'inspection_result' as kind, r.id::text as id from mes.inspection_results r
        join mes.worker_assignments a on a.id = r.assignment_id
        join mes.production_plan_nodes n on n.id = a.node_id
        join mes.inspection_items i on i.id = r.item_id
       where i.operation_id <> n.operation_id
      union all
      select 'nonconformance', c.code from mes.nonconformances c
        join mes.worker_assignments a on a.id = c.assignment_id
       where a.plan_id <> c.plan_id or a.node_id <> c.node_id`,
  },
  {
    name: 'approved_rework_has_its_step',
    description: 'an approved rework non-conformance on an unfinished plan has its rework step (0024)',
    query: sql`
      select 'nonconformance' as kind, c.code as id from mes.nonconformances c
        join mes.production_plans p on p.id = c.plan_id
       where c.disposition = 'rework' and c.approved_at is not null and c.rework_node_id is null
         and p.status in ('released', 'in_production', 'paused')`,
  },
  {
    name: 'no_booking_in_maintenance',
    description:
      'no not-started booking (pending, ready) crosses a maintenance block of its substation (a running step may overrun into one: that is the floor, not the plan)',
    query: sql`
      select 'assignment ' || a.id as kind, 'crosses block ' || b.id::text || ' of ' || b.substation_id as id
        from mes.substation_blocks b
        join mes.worker_assignments a on a.substation_id = b.substation_id and a.status in ('pending', 'ready')
         and tstzrange(a.planned_start, a.planned_end, '[)') && tstzrange(b.starts_at, b.ends_at, '[)')`,
  },
  {
    name: 'bookings_on_their_station',
    description:
      "an open booking's substation belongs to its station (migration 0042), and its worker is allowed at that station and qualified for the step's operation (finished bookings are the record of what ran, and stay as they are)",
    query: sql`
      select 'assignment ' || a.id as kind, 'substation ' || a.substation_id || ' belongs to ' || s.station_id || ', not ' || a.station_id as id
        from mes.worker_assignments a join mes.substations s on s.id = a.substation_id
       where a.status in ('pending', 'ready', 'in_progress', 'paused') and s.station_id <> a.station_id
      union all
      select 'assignment ' || a.id, 'worker ' || a.worker_id || ' is not allowed at ' || a.station_id
        from mes.worker_assignments a
       where a.status in ('pending', 'ready', 'in_progress', 'paused')
         and not exists (select 1 from mes.worker_stations ws where ws.worker_id = a.worker_id and ws.station_id = a.station_id)
      union all
      select 'assignment ' || a.id, 'worker ' || a.worker_id || ' is not qualified for ' || n.operation_id
        from mes.worker_assignments a join mes.production_plan_nodes n on n.id = a.node_id
       where a.status in ('pending', 'ready', 'in_progress', 'paused')
         and not exists (select 1 from mes.worker_operations wo where wo.worker_id = a.worker_id and wo.operation_id = n.operation_id)`,
  },
  {
    name: 'analytics_rollups_match',
    description:
      'the analytics facts equal their recomputation from the hot tables (archived plans keep theirs) and the daily rollups equal the facts by local day (migration 0027)',
    query: analyticsRollupsQuery,
  },
  {
    name: 'plan_summaries_match',
    description:
      "each plan's kept list figures (node and completed counts, latest step end, open steps' planned ends, projected end, lateness, listed) equal their computation from its row, nodes and assignments (migration 0038)",
    query: planSummariesQuery,
  },
];

export interface IntegrityResult {
  check: string;
  description: string;
  rows: { kind: string; id: string }[];
}

/** Runs every check and returns each one's result, holding or not (the doctor's report). */
export async function runEachIntegrityCheck(db: Db): Promise<IntegrityResult[]> {
  const results: IntegrityResult[] = [];
  for (const check of integrityChecks) {
    const result = await check.query.execute(db);
    results.push({ check: check.name, description: check.description, rows: result.rows as { kind: string; id: string }[] });
  }
  return results;
}

export interface IntegrityFailure {
  check: string;
  description: string;
  rows: { kind: string; id: string }[];
}

export async function runIntegrityChecks(db: Db): Promise<IntegrityFailure[]> {
  return (await runEachIntegrityCheck(db)).filter((r) => r.rows.length > 0);
}

/**
 * SQL that writes plan documents: new plans with their graphs (one statement
 * whatever the number of plans and nodes, every table filled by an INSERT ...
 * SELECT FROM jsonb_to_recordset(...)), a draft's replacement and deletion,
 * and the master data documents are validated against (the catalog).
 */
import { type RawBuilder, sql } from 'kysely';
import { type Db, planBlind, PREPARED, type Trx } from '../../db/database.js';
import { planHeaderFields } from './plans.repository.js';
import type { CatalogNames, PlanCatalog, PlanReferences } from './plans.rules.js';
import { DEFAULT_PLAN_PRIORITY, type PlanDetail, type PlanDocument } from './plans.schema.js';

/** PlanDetail without its nodes: the plan row as the API shows it. */
export type PlanHeader = Omit<PlanDetail, 'nodes'>;

export interface InsertedPlan {
  id: string;
  /** the row as written, defaults and timestamps included */
  header: PlanHeader;
}

export interface NewPlan {
  doc: PlanDocument;
  createdBy: string | null;
  /**
   * An outbox event about the new plan (topic plans, entity the plan), written
   * by the same statement; see recordEvents for the columns.
   */
  event?: { change: string; payload: Record<string, unknown>; actor: string | null };
}

/**
 * Inserts plans with their graphs (and their events, if any) in one statement:
 * codes, plan rows, graph and outbox rows together, so a single plan is one
 * round trip and atomic without BEGIN/COMMIT. Returns the generated plan codes
 * and the rows as written, in input order.
 */
export async function insertPlans(db: Db, plans: NewPlan[], onlyAtCatalogStamp?: string): Promise<InsertedPlan[]> {
  if (plans.length === 0) return [];
  const rows = plans.map((p, i) => ({
    plan: i + 1,
    work_order_code: p.doc.workOrderCode,
    name: p.doc.name,
    quantity: p.doc.quantity,
    note: p.doc.note ?? '',
    due_date: p.doc.dueDate ?? null,
    priority: p.doc.priority ?? DEFAULT_PLAN_PRIORITY,
    created_by: p.createdBy,
  }));
  const events = plans.flatMap((p, i) => (p.event ? [{ plan: i + 1, change: p.event.change, payload: p.event.payload, actor: p.event.actor }] : []));
  // Codes are drawn in input order, once (the CTE is materialized). They are
  // drawn over the recordset rather than generate_series(1, n) so that the
  // estimates, hence the cost, do not depend on the parameters: the generic
  // plan then costs what a custom one does and the prepared statement keeps it.
  // with a catalog stamp: nothing is written (no code drawn either) unless
  // the catalog the plans were validated against is still the current one
  const current = onlyAtCatalogStamp === undefined ? sql`true` : sql`${catalogStampSql} = ${onlyAtCatalogStamp}`;
  const head = sql`plan_in as (
    select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
      as x(plan int, work_order_code text, name text, quantity numeric, note text, due_date timestamptz, priority smallint, created_by text)
     where ${current}
  ), plan_ids as materialized (
    select array(select mes.generate_production_plan_code() from plan_in order by plan) as ids
  ), plan_rows as (
    insert into mes.production_plans as p (id, work_order_code, name, quantity, note, due_date, priority, created_by)
    select (select ids from plan_ids)[x.plan], x.work_order_code, x.name, x.quantity, x.note, x.due_date, x.priority, x.created_by from plan_in x
    returning p.id, json_build_object(${planHeaderFields('p')}) as header
  )${
    // only with events: the statement trigger on mes.events notifies even when no row is inserted
    events.length === 0
      ? sql``
      : sql`, event_rows as (
    insert into mes.events (topic, entity_type, entity_id, change, plan_id, payload, actor)
    select 'plans', 'plan', (select ids from plan_ids)[x.plan], x.change, (select ids from plan_ids)[x.plan], x.payload, x.actor
      from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as x(plan int, change text, payload jsonb, actor text)
     where (select ids from plan_ids)[x.plan] is not null
    returning 1
  )`
  }`;
  const result = await insertGraphStatement<{ headers: Record<string, PlanHeader> | null }>(
    db,
    plans.map((p) => p.doc),
    head,
    sql`, (select json_object_agg(id, header) from plan_rows) as headers`,
  );
  // no ids: refused by the catalog stamp
  return result.ids.map((id) => ({ id, header: result.headers![id]! }));
}

/** Writes nodes, edges, candidate stations and inputs of plans whose graphs are empty. */
export async function insertPlanGraphs(db: Db, graphs: { planId: string; doc: PlanDocument }[]): Promise<void> {
  if (graphs.length === 0) return;
  const ids = graphs.map((g) => g.planId);
  await insertGraphStatement(
    db,
    graphs.map((g) => g.doc),
    sql`plan_ids as (select ${ids}::text[] as ids)`,
    sql``,
  );
}

/**
 * The one statement that writes plan graphs, shared by new plans and
 * replaced drafts. `head` declares the one-row CTE plan_ids(ids text[]):
 * the plan id of each document by its position in `docs`, which the JSON rows
 * carry as `plan` (1-based); it may add CTEs that write the plan rows. Plan
 * ids are looked up by subscript, not joined, so the planner's estimates of
 * the CTEs stay those of the recordsets and it keeps hash joins (a join on
 * a one-row CTE led it to nested loops over node_rows: quadratic). Nodes are
 * inserted in a CTE whose RETURNING rows give edges, candidates and inputs
 * their node ids, so no lookup touches the (large) nodes table; foreign keys
 * are checked at the end. Prepared: its generic plan is the custom one, and
 * planning costs more than a small plan's execution. Returns the plan ids in
 * `docs` order, with the columns `tail` adds to the final select.
 */
async function insertGraphStatement<T extends object = object>(
  db: Db,
  docs: PlanDocument[],
  head: RawBuilder<unknown>,
  tail: RawBuilder<unknown>,
): Promise<T & { ids: string[] }> {
  const nodes: unknown[] = [];
  const edges: unknown[] = [];
  const stations: unknown[] = [];
  const inputs: unknown[] = [];
  docs.forEach((doc, i) => {
    const plan = i + 1;
    doc.nodes.forEach((n, sequence) => {
      // undefined leaves the key out of the JSON: the recordset reads it as null
      nodes.push({
        plan,
        node_id: n.nodeId,
        sequence,
        name: n.name,
        operation_id: n.operationId,
        quantity: n.quantity ?? doc.quantity,
        nominal_time: n.nominalTime,
        efficiency: n.efficiency ?? 1,
        output_material_code: n.output?.materialCode,
        output_quantity: n.output?.quantity ?? 0,
        position_x: n.position?.x ?? 0,
        position_y: n.position?.y ?? 0,
        note: n.note ?? '',
        pinned_station_id: n.pin?.stationId,
        pinned_substation_id: n.pin?.substationId,
        pinned_worker_id: n.pin?.workerId,
      });
      for (const p of n.predecessors) edges.push({ plan, node_id: n.nodeId, predecessor: p });
      for (const s of n.assignedStations) {
        stations.push({ plan, node_id: n.nodeId, station_id: s.stationId, priority: s.priority, time_minutes: s.time });
      }
      for (const m of n.materialInputs) {
        inputs.push({ plan, node_id: n.nodeId, material_code: m.materialCode, required_quantity: m.requiredQuantity, from_node: m.fromNodeId });
      }
    });
  });
  const result = await sql<T & { ids: string[] }>`${sql.raw(PREPARED)}
    with ${head}, node_rows as (
      insert into mes.production_plan_nodes (plan_id, node_id, sequence, name, operation_id, quantity, nominal_time, efficiency,
        output_material_code, output_quantity, position_x, position_y, note, pinned_station_id, pinned_substation_id, pinned_worker_id)
      select (select ids from plan_ids)[x.plan], x.node_id, x.sequence, x.name, x.operation_id, x.quantity, x.nominal_time, x.efficiency,
        x.output_material_code, x.output_quantity, x.position_x, x.position_y, x.note, x.pinned_station_id, x.pinned_substation_id, x.pinned_worker_id
        from jsonb_to_recordset(${JSON.stringify(nodes)}::jsonb) as x(plan int, node_id text, sequence int, name text,
          operation_id text, quantity numeric, nominal_time numeric, efficiency numeric, output_material_code text,
          output_quantity numeric, position_x float8, position_y float8, note text, pinned_station_id text,
          pinned_substation_id text, pinned_worker_id text)
       where (select ids from plan_ids)[x.plan] is not null
      returning id, plan_id, node_id
    ), edge_rows as (
      insert into mes.node_predecessors (plan_id, node_id, predecessor_id)
      select n.plan_id, n.id, p.id
        from jsonb_to_recordset(${JSON.stringify(edges)}::jsonb) as e(plan int, node_id text, predecessor text)
        join node_rows n on n.plan_id = (select ids from plan_ids)[e.plan] and n.node_id = e.node_id
        join node_rows p on p.plan_id = n.plan_id and p.node_id = e.predecessor
      returning 1
    ), station_rows as (
      insert into mes.node_stations (plan_id, node_id, station_id, priority, time_minutes)
      select n.plan_id, n.id, s.station_id, s.priority, s.time_minutes
        from jsonb_to_recordset(${JSON.stringify(stations)}::jsonb)
          as s(plan int, node_id text, station_id text, priority int, time_minutes numeric)
        join node_rows n on n.plan_id = (select ids from plan_ids)[s.plan] and n.node_id = s.node_id
      returning 1
    ), input_rows as (
      insert into mes.node_material_inputs (plan_id, node_id, material_code, required_quantity, from_node_id)
      select n.plan_id, n.id, i.material_code, i.required_quantity, f.id
        from jsonb_to_recordset(${JSON.stringify(inputs)}::jsonb)
          as i(plan int, node_id text, material_code text, required_quantity numeric, from_node text)
        join node_rows n on n.plan_id = (select ids from plan_ids)[i.plan] and n.node_id = i.node_id
        left join node_rows f on f.plan_id = n.plan_id and f.node_id = i.from_node
      returning 1
    )
    select ids${tail} from plan_ids`.execute(db);
  return result.rows[0]!;
}

/** Replaces a draft's header and bumps its version; the graph is rewritten by the caller. */
export async function updatePlanHeader(trx: Trx, planId: string, doc: PlanDocument): Promise<number> {
  const row = await trx
    .updateTable('mes.production_plans')
    .set((eb) => ({
      work_order_code: doc.workOrderCode,
      name: doc.name,
      quantity: doc.quantity,
      note: doc.note ?? '',
      due_date: doc.dueDate ?? null,
      priority: doc.priority ?? DEFAULT_PLAN_PRIORITY,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', planId)
    .returning('version')
    .executeTakeFirstOrThrow();
  return row.version;
}

export async function deletePlanGraph(trx: Trx, planId: string): Promise<void> {
  // edges, candidates and inputs go with their nodes (on delete cascade)
  await trx.deleteFrom('mes.production_plan_nodes').where('plan_id', '=', planId).execute();
}

export async function deletePlan(trx: Trx, planId: string): Promise<void> {
  await trx.deleteFrom('mes.production_plans').where('id', '=', planId).execute();
}

export type NamedPlanCatalog = PlanCatalog & { names: CatalogNames };

/**
 * The master data a plan document refers to (or all of it), in one query
 * (prepared: it plans slower than it runs), with the names a new plan's detail
 * shows and the stamp of both (migrations 0004 and 0006) read in the same
 * snapshot.
 */
export async function loadPlanCatalog(db: Db, refs: PlanReferences | 'all'): Promise<NamedPlanCatalog & { stamp: string }> {
  type Named = { name: string };
  const among = (column: string, ids: (r: PlanReferences) => string[]) =>
    refs === 'all' ? sql`` : sql`and ${sql.ref(column)} = any(${planBlind(ids(refs), 'text[]')})`;
  const result = await sql<{
    c: {
      operations: Record<string, string> | null;
      stations: Record<string, Named & { operations: string[] }> | null;
      materials: Record<string, Named & { unit: string }> | null;
      substations: Record<string, string> | null;
      workers: Record<string, { operations: string[]; stations: string[] }> | null;
    };
    stamp: string;
  }>`${sql.raw(PREPARED)}
    select json_build_object(
      'operations', (select json_object_agg(id, name) from mes.operations where archived_at is null ${among('id', (r) => r.operations)}),
      'stations', (select json_object_agg(s.id, json_build_object('name', s.name,
                     'operations', coalesce((select json_agg(so.operation_id) from mes.station_operations so where so.station_id = s.id), '[]'::json)))
                     from mes.stations s where s.archived_at is null ${among('s.id', (r) => r.stations)}),
      'materials', (select json_object_agg(code, json_build_object('name', name, 'unit', unit))
                      from mes.materials where archived_at is null ${among('code', (r) => r.materials)}),
      'substations', (select json_object_agg(id, station_id) from mes.substations where archived_at is null ${among('id', (r) => r.substations)}),
      'workers', (select json_object_agg(w.id, json_build_object(
                    'operations', coalesce((select json_agg(operation_id) from mes.worker_operations where worker_id = w.id), '[]'::json),
                    'stations', coalesce((select json_agg(station_id) from mes.worker_stations where worker_id = w.id), '[]'::json)))
                    from mes.workers w where w.archived_at is null ${among('w.id', (r) => r.workers)})
    ) as c, ${catalogStampSql} as stamp`.execute(db);
  const { c, stamp } = result.rows[0]!;
  const operations = Object.entries(c.operations ?? {});
  const stations = Object.entries(c.stations ?? {});
  const materials = Object.entries(c.materials ?? {});
  return {
    operations: new Set(operations.map(([id]) => id)),
    stations: new Map(stations.map(([id, s]) => [id, new Set(s.operations)])),
    materials: new Set(materials.map(([code]) => code)),
    substations: new Map(Object.entries(c.substations ?? {})),
    workers: new Map(Object.entries(c.workers ?? {}).map(([id, w]) => [id, { operations: new Set(w.operations), stations: new Set(w.stations) }])),
    names: {
      operations: new Map(operations),
      stations: new Map(stations.map(([id, s]) => [id, s.name])),
      materials: new Map(materials.map(([code, m]) => [code, { name: m.name, unit: m.unit }])),
    },
    stamp,
  };
}

/** Names and validation rules of the catalog as one stamp (migrations 0004 and 0006). */
const catalogStampSql = sql<string>`(select c.revision::text || '.' || c.rules_revision::text from mes.catalog_revision c)`;

/**
 * SQL of inspection plans and results (this module owns mes.inspection_items
 * and mes.inspection_results). Items with results are retired, never changed;
 * a re-entered value supersedes the current one and stays as history.
 */
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.js';
import type { ItemSpec, StoredValue } from './quality.rules.js';
import type { InspectionItem, InspectionResult } from './quality.schema.js';

const itemColumns = [
  'i.id',
  'i.position',
  'i.kind',
  'i.label',
  'i.required_at as requiredAt',
  'i.nominal',
  'i.lower_tolerance as lowerTolerance',
  'i.upper_tolerance as upperTolerance',
  'i.unit',
  'i.samples',
] as const;

/**
 * The operation's inspection plan: its active items, in order. What the
 * traveler (`docs`) and the portal read; an operation without one has [].
 */
export async function inspectionPlanOf(db: Db, operationId: string): Promise<InspectionItem[]> {
  return (await itemsOfOperations(db, [operationId])).get(operationId)!;
}

function itemOf(r: {
  id: number;
  position: number;
  kind: InspectionItem['kind'];
  label: string;
  requiredAt: InspectionItem['requiredAt'];
  nominal: number | null;
  lowerTolerance: number | null;
  upperTolerance: number | null;
  unit: string | null;
  samples: number;
}): InspectionItem {
  const num = (v: number | null) => (v === null ? null : Number(v));
  return {
    ...r,
    id: Number(r.id),
    nominal: num(r.nominal),
    lowerTolerance: num(r.lowerTolerance),
    upperTolerance: num(r.upperTolerance),
  };
}

/** Items (also retired ones) by id: what results were recorded against. */
export async function itemsById(db: Db, ids: readonly number[]): Promise<Map<number, InspectionItem & { operationId: string; retired: boolean }>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('mes.inspection_items as i')
    .select([...itemColumns, 'i.operation_id as operationId', sql<boolean>`i.retired_at is not null`.as('retired')])
    .where('i.id', 'in', [...ids])
    .execute();
  return new Map(rows.map((r) => [Number(r.id), { ...itemOf(r), operationId: r.operationId, retired: r.retired }]));
}

export async function operationExists(db: Db, operationId: string): Promise<boolean> {
  return (await db.selectFrom('mes.operations').select('id').where('id', '=', operationId).executeTakeFirst()) !== undefined;
}

/** Serializes edits of one operation's inspection plan. */
export async function lockInspectionPlan(trx: Trx, operationId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`inspection-plan:${operationId}`}))`.execute(trx);
}

/** Ids among `ids` that rows of `table` refer to. */
async function itemsReferencedBy(trx: Trx, table: 'mes.inspection_results' | 'mes.nonconformance_items', ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await trx
    .selectFrom(table)
    .select('item_id')
    .distinct()
    .where('item_id', 'in', [...ids])
    .execute();
  return new Set(rows.map((r) => Number(r.item_id)));
}

/** Ids among `ids` that have at least one result. */
export function itemsWithResults(trx: Trx, ids: readonly number[]): Promise<Set<number>> {
  return itemsReferencedBy(trx, 'mes.inspection_results', ids);
}

export async function retireItems(trx: Trx, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .updateTable('mes.inspection_items')
    .set({ retired_at: at })
    .where('id', 'in', [...ids])
    .execute();
}

/** Deletes items nothing refers to (no result, no non-conformance). */
export async function deleteItems(trx: Trx, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await trx
    .deleteFrom('mes.inspection_items')
    .where('id', 'in', [...ids])
    .execute();
}

/** An item's spec as its columns (insert and update write the same ones). */
const specColumns = (spec: ItemSpec) => ({
  kind: spec.kind,
  label: spec.label,
  required_at: spec.requiredAt,
  nominal: spec.nominal,
  lower_tolerance: spec.lowerTolerance,
  upper_tolerance: spec.upperTolerance,
  unit: spec.unit,
  samples: spec.samples,
});

export async function updateItem(trx: Trx, id: number, position: number, spec: ItemSpec): Promise<void> {
  await trx
    .updateTable('mes.inspection_items')
    .set({
      position,
      ...specColumns(spec),
    })
    .where('id', '=', id)
    .execute();
}

export async function insertItem(trx: Trx, operationId: string, position: number, spec: ItemSpec): Promise<void> {
  await trx
    .insertInto('mes.inspection_items')
    .values({
      operation_id: operationId,
      position,
      ...specColumns(spec),
    })
    .execute();
}

/** Items referred to by a non-conformance: kept (retired) even without results. */
export function itemsInNonconformances(trx: Trx, ids: readonly number[]): Promise<Set<number>> {
  return itemsReferencedBy(trx, 'mes.nonconformance_items', ids);
}

// ---- results -------------------------------------------------------------------------

type ResultRow = {
  id: number;
  assignmentId: string;
  itemId: number;
  sample: number;
  kind: InspectionResult['kind'];
  valueNumber: number | null;
  valueBool: boolean | null;
  valueText: string | null;
  ok: boolean;
  recordedBy: string;
  recordedAt: Date;
  supersededAt: Date | null;
};

function resultOf(r: ResultRow): InspectionResult {
  return {
    id: Number(r.id),
    assignmentId: r.assignmentId,
    itemId: Number(r.itemId),
    sample: r.sample,
    kind: r.kind,
    value: r.valueNumber !== null ? Number(r.valueNumber) : r.valueBool !== null ? r.valueBool : (r.valueText ?? ''),
    ok: r.ok,
    recordedBy: r.recordedBy,
    recordedAt: r.recordedAt.toISOString(),
    supersededAt: r.supersededAt ? r.supersededAt.toISOString() : null,
  };
}

const resultColumns = [
  'r.id',
  'r.assignment_id as assignmentId',
  'r.item_id as itemId',
  'r.sample',
  'r.kind',
  'r.value_number as valueNumber',
  'r.value_bool as valueBool',
  'r.value_text as valueText',
  'r.ok',
  'r.recorded_by as recordedBy',
  'r.recorded_at as recordedAt',
  'r.superseded_at as supersededAt',
] as const;

/** Results of assignments: current ones, or all (history) when `history`; in item, sample and time order. */
export async function resultsOf(db: Db, assignmentIds: readonly string[], history = false): Promise<InspectionResult[]> {
  if (assignmentIds.length === 0) return [];
  let q = db
    .selectFrom('mes.inspection_results as r')
    .select(resultColumns)
    .where('r.assignment_id', 'in', [...assignmentIds]);
  if (!history) q = q.where('r.superseded_at', 'is', null);
  const rows = await q.orderBy('r.assignment_id').orderBy('r.item_id').orderBy('r.sample').orderBy('r.id').execute();
  return rows.map(resultOf);
}

/**
 * Records a value: the current one for (assignment, item, sample), if any, is
 * superseded by the new row. The assignment is locked by the caller, so no
 * two recordings of it race.
 */
export async function recordResult(
  trx: Trx,
  r: { assignmentId: string; itemId: number; kind: InspectionResult['kind']; sample: number; value: StoredValue; by: string; at: Date },
): Promise<number> {
  // the current row steps aside first (the partial unique index allows one current value per sample)
  const old = await trx
    .updateTable('mes.inspection_results')
    .set({ superseded_at: r.at })
    .where('assignment_id', '=', r.assignmentId)
    .where('item_id', '=', r.itemId)
    .where('sample', '=', r.sample)
    .where('superseded_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  const inserted = await trx
    .insertInto('mes.inspection_results')
    .values({
      assignment_id: r.assignmentId,
      item_id: r.itemId,
      kind: r.kind,
      sample: r.sample,
      value_number: r.value.number,
      value_bool: r.value.bool,
      value_text: r.value.text,
      ok: r.value.ok,
      recorded_by: r.by,
      recorded_at: r.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (old) await trx.updateTable('mes.inspection_results').set({ superseded_by: inserted.id }).where('id', '=', old.id).execute();
  return Number(inserted.id);
}

// ---- what the checks are about ---------------------------------------------------------

/** The assignment's step and operation, for reading its checks. */
export async function assignmentStep(db: Db, assignmentId: string) {
  return db
    .selectFrom('mes.worker_assignments as a')
    .innerJoin('mes.production_plan_nodes as n', 'n.id', 'a.node_id')
    .select([
      'a.id',
      'a.plan_id as planId',
      'a.worker_id as workerId',
      'a.status',
      'a.node_id as nodeDbId',
      'n.node_id as nodeId',
      'n.name as nodeName',
      'n.operation_id as operationId',
      'n.quantity as nodeQuantity',
    ])
    .where('a.id', '=', assignmentId)
    .executeTakeFirst();
}

/** The plan's steps that have (had) a live assignment, in plan order, with what the inspection report prints. */
export async function planSteps(db: Db, planId: string) {
  const result = await sql<{
    assignmentId: string;
    assignmentStatus: string;
    nodeId: string;
    nodeName: string;
    operationId: string;
    operationName: string;
    workerId: string;
    workerName: string;
  }>`
    select a.id as "assignmentId", a.status as "assignmentStatus", n.node_id as "nodeId", n.name as "nodeName",
           n.operation_id as "operationId", o.name as "operationName", a.worker_id as "workerId", w.name as "workerName"
      from mes.worker_assignments a
      join mes.production_plan_nodes n on n.id = a.node_id
      join mes.operations o on o.id = n.operation_id
      join mes.workers w on w.id = a.worker_id
     where a.plan_id = ${planId} and a.status <> 'cancelled'
     order by n.sequence, n.id`.execute(db);
  return result.rows;
}

export async function planHeader(db: Db, planId: string) {
  return db
    .selectFrom('mes.production_plans')
    .select(['id', 'name', 'work_order_code as workOrderCode', 'quantity', 'status'])
    .where('id', '=', planId)
    .executeTakeFirst();
}

/** Every item any of the assignments has results for, also retired ones, with the active items of their operations. */
export async function itemsOfOperations(db: Db, operationIds: readonly string[]): Promise<Map<string, InspectionItem[]>> {
  const out = new Map<string, InspectionItem[]>(operationIds.map((id) => [id, []]));
  if (operationIds.length === 0) return out;
  const rows = await db
    .selectFrom('mes.inspection_items as i')
    .select([...itemColumns, 'i.operation_id as operationId'])
    .where('i.operation_id', 'in', [...operationIds])
    .where('i.retired_at', 'is', null)
    .orderBy('i.position')
    .orderBy('i.id')
    .execute();
  for (const r of rows) out.get(r.operationId)!.push(itemOf(r));
  return out;
}

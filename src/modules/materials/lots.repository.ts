/**
 * SQL of lots and their genealogy. A lot's on_hand is never written here: a
 * ledger row carrying the lot is inserted and the statement trigger
 * mes.apply_lot_ledger moves it (CHECK on_hand >= 0 is the last guard).
 */
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.js';
import { take } from '../../db/locks.js';
import type { CandidateLot } from './lots.rules.js';
import type { Lot, LotEdge, LotInTree, LotUse } from './lots.schema.js';

type LotRow = Omit<Lot, 'receivedAt' | 'createdAt'> & { receivedAt: Date; createdAt: Date };
const iso = (d: Date | string) => (d instanceof Date ? d.toISOString() : new Date(d).toISOString());
const toLot = <T extends LotRow>(r: T) => ({ ...r, receivedAt: iso(r.receivedAt), createdAt: iso(r.createdAt) });

/** Columns of a lot as the API shows it; `l` is mes.lots. */
const lotColumns = sql`
  l.code, l.material_code as "materialCode", m.name as "materialName", m.unit, l.heat_number as "heatNumber", l.supplier, l.certificate,
  l.received_at as "receivedAt", l.status, l.blocked_reason as "blockedReason", l.on_hand as "onHand", l.origin,
  l.origin_plan_id as "planId", l.origin_node_id as "nodeId", n.name as "stepName", l.origin_assignment_id as "assignmentId",
  l.origin_worker_id as "workerId", w.name as "workerName", l.origin_substation_id as "substationId", l.created_by as "createdBy", l.created_at as "createdAt"`;
const lotJoins = sql`
  join mes.materials m on m.code = l.material_code
  left join mes.production_plan_nodes n on n.plan_id = l.origin_plan_id and n.node_id = l.origin_node_id
  left join mes.workers w on w.id = l.origin_worker_id`;

export async function findLot(db: Db, code: string): Promise<Lot | undefined> {
  const result = await sql<LotRow>`select ${lotColumns} from mes.lots l ${lotJoins} where l.code = ${code}`.execute(db);
  return result.rows[0] && toLot(result.rows[0]);
}

/** A material's lots in first-in-first-out order (received, then code); by default only those with something on hand. */
export async function listLotsOfMaterial(db: Db, materialCode: string, includeEmpty: boolean): Promise<Lot[]> {
  const result = await sql<LotRow>`
    select ${lotColumns} from mes.lots l ${lotJoins}
     where l.material_code = ${materialCode} ${includeEmpty ? sql`` : sql`and l.on_hand > 0`}
     order by l.received_at, l.code collate "C"`.execute(db);
  return result.rows.map(toLot);
}

/** Whether the material exists, is archived, is lot-tracked; locks its row (the lock a receipt needs before its ledger row). */
export async function lockMaterialForLot(trx: Trx, code: string) {
  take(trx, 'material');
  return trx
    .selectFrom('mes.materials')
    .select(['code', 'lot_tracked as lotTracked', 'archived_at as archivedAt'])
    .where('code', '=', code)
    .forUpdate()
    .executeTakeFirst();
}

export async function lotExists(db: Db, code: string): Promise<boolean> {
  return (await db.selectFrom('mes.lots').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

export interface NewLot {
  code?: string;
  materialCode: string;
  heatNumber?: string | null;
  supplier?: string | null;
  certificate?: string | null;
  receivedAt?: Date;
  origin: 'receipt' | 'output';
  planId?: string;
  nodeId?: string;
  assignmentId?: string;
  workerId?: string;
  substationId?: string;
  createdBy: string;
}

/** Inserts a lot with nothing on hand (its first ledger row brings the quantity); returns its code, generated in SQL when not given. */
export async function insertLot(trx: Db, lot: NewLot): Promise<string> {
  const row = await trx
    .insertInto('mes.lots')
    .values({
      ...(lot.code ? { code: lot.code } : {}),
      material_code: lot.materialCode,
      heat_number: lot.heatNumber ?? null,
      supplier: lot.supplier ?? null,
      certificate: lot.certificate ?? null,
      ...(lot.receivedAt ? { received_at: lot.receivedAt } : {}),
      origin: lot.origin,
      origin_plan_id: lot.planId ?? null,
      origin_node_id: lot.nodeId ?? null,
      origin_assignment_id: lot.assignmentId ?? null,
      origin_worker_id: lot.workerId ?? null,
      origin_substation_id: lot.substationId ?? null,
      created_by: lot.createdBy,
    })
    .returning('code')
    .executeTakeFirstOrThrow();
  return row.code;
}

/** A ledger row of a lot (receipt, adjustment); the triggers move the material's stock and the lot's on_hand. */
export async function insertLotLedgerEntry(
  trx: Db,
  e: { lotCode: string; materialCode: string; kind: 'receipt' | 'adjustment'; stockDelta: number; reason: string; actor: string },
): Promise<number> {
  const row = await trx
    .insertInto('mes.material_ledger')
    .values({ material_code: e.materialCode, lot_code: e.lotCode, entry_type: e.kind, stock_delta: e.stockDelta, reason: e.reason, actor: e.actor })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function lockLot(trx: Trx, code: string) {
  take(trx, 'lot');
  return trx.selectFrom('mes.lots').select(['code', 'status', 'material_code as materialCode']).where('code', '=', code).forUpdate().executeTakeFirst();
}

export async function setLotStatus(trx: Db, code: string, status: 'active' | 'blocked', reason: string | null): Promise<void> {
  await trx.updateTable('mes.lots').set({ status, blocked_reason: reason }).where('code', '=', code).execute();
}

/** Which of these materials are lot-tracked (their rows are locked by the caller). */
export async function lotTrackedAmong(db: Db, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db.selectFrom('mes.materials').select('code').where('code', 'in', codes).where('lot_tracked', '=', true).execute();
  return new Set(rows.map((r) => r.code));
}

/**
 * Locks, in code order, every lot of the materials that has something on hand
 * and every named lot; tells which are output lots of the feeding steps
 * (`fromNodeIds` of the plan), taken first.
 */
export async function lockCandidateLots(trx: Trx, materialCodes: string[], named: string[], planId: string, fromNodeIds: string[]): Promise<CandidateLot[]> {
  take(trx, 'lot');
  if (materialCodes.length === 0 && named.length === 0) return [];
  const result = await sql<CandidateLot>`
    select l.code, l.material_code as "materialCode", l.status, l.on_hand as "onHand", l.received_at as "receivedAt",
           coalesce(l.origin_plan_id = ${planId} and l.origin_node_id = any(${fromNodeIds}::text[]), false) as preferred
      from mes.lots l
     where (l.material_code = any(${materialCodes}::text[]) and l.on_hand > 0) or l.code = any(${named}::text[])
     order by l.code
       for update`.execute(trx);
  return result.rows.map((r) => ({ ...r, receivedAt: new Date(r.receivedAt) }));
}

/**
 * The lots consumed upstream of a node through inputs that are not
 * lot-tracked (a step whose output made no lot): the output lot of this node
 * descends from them too. Recursive over fromNode inputs.
 */
export async function lotsConsumedThroughUntrackedInputs(db: Db, planId: string, nodeDbId: number): Promise<{ lotCode: string; quantity: number }[]> {
  const result = await sql<{ lotCode: string; quantity: number }>`
    with recursive up(node_id) as (
      select i.from_node_id from mes.node_material_inputs i join mes.materials m on m.code = i.material_code
       where i.node_id = ${nodeDbId} and i.from_node_id is not null and not m.lot_tracked
      union
      select i.from_node_id from up join mes.node_material_inputs i on i.node_id = up.node_id
        join mes.materials m on m.code = i.material_code
       where i.from_node_id is not null and not m.lot_tracked
    )
    select l.lot_code as "lotCode", -sum(l.stock_delta) as quantity
      from mes.material_ledger l
     where l.plan_id = ${planId} and l.node_id in (select node_id from up) and l.entry_type = 'consumption' and l.lot_code is not null
     group by l.lot_code
    having -sum(l.stock_delta) > 0
     order by l.lot_code`.execute(db);
  return result.rows;
}

export async function insertLotParents(trx: Db, child: string, parents: { lotCode: string; quantity: number }[]): Promise<void> {
  if (parents.length === 0) return;
  await sql`
    insert into mes.lot_parents (parent_lot, child_lot, quantity)
    select x.lot_code, ${child}, sum(x.qty) from jsonb_to_recordset(${JSON.stringify(parents.map((p) => ({ lot_code: p.lotCode, qty: p.quantity })))}::jsonb)
        as x(lot_code text, qty numeric)
     where x.lot_code <> ${child}
     group by x.lot_code`.execute(trx);
}

/** The recall's statement: every lot of a heat (level 0) and every lot descended from one, each once at its nearest level. */
export function recallHeatQuery(heatNumber: string, depth: number) {
  return sql<LotRow & { level: number }>`
    with recursive walk(code, level) as (
      select code, 0 from mes.lots where heat_number = ${heatNumber}
      union
      select p.child_lot, w.level + 1 from walk w join mes.lot_parents p on p.parent_lot = w.code where w.level < ${depth}
    ), reached as (select code, min(level) as level from walk group by code)
    select ${lotColumns}, r.level from reached r join mes.lots l on l.code = r.code ${lotJoins}
     order by r.level, l.received_at, l.code collate "C"`;
}

export async function recallHeat(db: Db, heatNumber: string, depth: number): Promise<LotInTree[]> {
  const result = await recallHeatQuery(heatNumber, depth).execute(db);
  return result.rows.map(toLot);
}

/**
 * The genealogy's statements: the recursive walk once (the lots reached, each at its nearest level), then
 * the edges between those lots and their uses, by the codes the walk found. Exported for the bench's EXPLAIN.
 */
export function genealogyQueries(code: string, direction: 'up' | 'down', depth: number) {
  const step =
    direction === 'down'
      ? sql`select p.child_lot, w.level + 1 from walk w join mes.lot_parents p on p.parent_lot = w.code where w.level < ${depth}`
      : sql`select p.parent_lot, w.level + 1 from walk w join mes.lot_parents p on p.child_lot = w.code where w.level < ${depth}`;
  return {
    lots: sql<LotRow & { level: number }>`
      with recursive walk(code, level) as (select ${code}::text, 0 union ${step}),
      reached as (select code, min(level) as level from walk group by code)
      select ${lotColumns}, r.level from reached r join mes.lots l on l.code = r.code ${lotJoins}
       order by r.level, l.received_at, l.code collate "C"`,
    edges: (codes: string[]) => sql<Omit<LotEdge, 'at'> & { at: Date }>`
      select p.parent_lot as "parentLot", p.child_lot as "childLot", p.quantity,
             c.origin_plan_id as "planId", c.origin_node_id as "nodeId", n.name as "stepName", c.origin_assignment_id as "assignmentId",
             c.origin_worker_id as "workerId", wk.name as "workerName", c.origin_substation_id as "substationId", c.received_at as at
        from mes.lot_parents p
        join mes.lots c on c.code = p.child_lot
        left join mes.production_plan_nodes n on n.plan_id = c.origin_plan_id and n.node_id = c.origin_node_id
        left join mes.workers wk on wk.id = c.origin_worker_id
       where p.parent_lot = any(${codes}::text[]) and p.child_lot = any(${codes}::text[])
       order by p.parent_lot, p.child_lot`,
    uses: (codes: string[]) => sql<Omit<LotUse, 'at'> & { at: Date }>`
      select l.lot_code as "lotCode", -l.stock_delta as quantity, l.plan_id as "planId", n.node_id as "nodeId", n.name as "stepName",
             l.assignment_id as "assignmentId", a.worker_id as "workerId", wk.name as "workerName", a.substation_id as "substationId",
             l.actor, l.created_at as at
        from mes.material_ledger l
        left join mes.production_plan_nodes n on n.id = l.node_id
        left join mes.worker_assignments a on a.id = l.assignment_id
        left join mes.workers wk on wk.id = a.worker_id
       where l.lot_code = any(${codes}::text[]) and l.entry_type = 'consumption' and l.stock_delta < 0
       order by l.id`,
  };
}

/** The tree of a lot, up (parents) or down (children), to `depth` levels: lots, edges with the step that made each child, and where the lots were used. */
export async function genealogyOf(db: Db, code: string, direction: 'up' | 'down', depth: number) {
  const q = genealogyQueries(code, direction, depth);
  const lots = await q.lots.execute(db);
  const codes = lots.rows.map((l) => l.code);
  const edges = await q.edges(codes).execute(db);
  const uses = await q.uses(codes).execute(db);
  return {
    lots: lots.rows.map(toLot),
    edges: edges.rows.map((e) => ({ ...e, at: iso(e.at) })),
    uses: uses.rows.map((u) => ({ ...u, at: iso(u.at) })),
  };
}

/** The output lots a plan's steps made, in the order they were made. */
export async function lotsOfPlan(db: Db, planId: string): Promise<LotInTree[]> {
  const result = await sql<LotRow & { level: number }>`
    select ${lotColumns}, 0 as level from mes.lots l ${lotJoins}
     where l.origin_plan_id = ${planId} order by l.received_at, l.code collate "C"`.execute(db);
  return result.rows.map(toLot);
}

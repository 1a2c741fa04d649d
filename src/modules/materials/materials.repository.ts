/**
 * SQL of materials and their ledger. Stock and reserved are never written
 * here: a ledger row is inserted and the statement trigger
 * mes.apply_material_ledger moves the quantities.
 */
import type { Db, Trx } from '../../db/database.js';
import { sql } from 'kysely';
import type { LedgerEntryType } from '../../db/schema.js';
import { take } from '../../db/locks.js';
import type { PageOf } from '../../shared/pagination.js';
import type { LedgerEntry, Material, MaterialCreate, MaterialListQuery, MaterialUpdate, PlanMaterial } from './materials.schema.js';

const belowReorderPoint = sql<boolean>`m.stock - m.reserved < m.reorder_point`;

function selectMaterials(db: Db) {
  return db
    .selectFrom('mes.materials as m')
    .select([
      'm.code',
      'm.name',
      'm.unit',
      'm.stock',
      'm.reserved',
      sql<number>`m.stock - m.reserved`.as('available'),
      'm.reorder_point as reorderPoint',
      belowReorderPoint.as('belowReorderPoint'),
      'm.lot_tracked as lotTracked',
      'm.archived_at as archivedAt',
      'm.created_at as createdAt',
      'm.updated_at as updatedAt',
    ]);
}

type MaterialRow = Awaited<ReturnType<ReturnType<typeof selectMaterials>['executeTakeFirstOrThrow']>>;
const toMaterial = (r: MaterialRow): Material => ({
  ...r,
  archivedAt: r.archivedAt ? r.archivedAt.toISOString() : null,
  createdAt: r.createdAt.toISOString(),
  updatedAt: r.updatedAt.toISOString(),
});

export async function listMaterials(db: Db, query: MaterialListQuery & { limit: number; offset: number }): Promise<PageOf<Material>> {
  let q = selectMaterials(db).select(sql<number>`count(*) over ()::int`.as('total'));
  if (!query.includeArchived) q = q.where('m.archived_at', 'is', null);
  if (query.q) {
    const like = `%${query.q.replace(/[\\%_]/g, '\\$&')}%`;
    q = q.where((eb) => eb.or([eb('m.code', 'ilike', like), eb('m.name', 'ilike', like)]));
  }
  if (query.belowReorderPoint !== undefined) q = q.where(query.belowReorderPoint ? belowReorderPoint : sql<boolean>`not (${belowReorderPoint})`);
  // byte order: the same on every engine and database locale
  const rows = await q
    .orderBy(sql`m.code collate "C"`)
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  const total = rows[0]?.total ?? (query.offset > 0 ? (await listMaterials(db, { ...query, limit: 1, offset: 0 })).total : 0);
  return { items: rows.map(({ total: _t, ...r }) => toMaterial(r)), total, limit: query.limit, offset: query.offset };
}

export async function findMaterial(db: Db, code: string): Promise<Material | undefined> {
  const row = await selectMaterials(db).where('m.code', '=', code).executeTakeFirst();
  return row && toMaterial(row);
}

/**
 * Locks the material row and tells, in SQL, whether a stock change of
 * `stockDelta` would take the stock below zero.
 */
export async function lockMaterial(trx: Trx, code: string, stockDelta = 0) {
  take(trx, 'material');
  return trx
    .selectFrom('mes.materials')
    .select([
      'code',
      'unit',
      'stock',
      'reserved',
      'lot_tracked as lotTracked',
      'archived_at as archivedAt',
      sql<boolean>`stock + ${stockDelta}::numeric < 0`.as('wouldGoNegative'),
    ])
    .where('code', '=', code)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertMaterial(trx: Db, input: MaterialCreate): Promise<void> {
  await trx
    .insertInto('mes.materials')
    .values({ code: input.code, name: input.name, unit: input.unit, reorder_point: input.reorderPoint ?? 0, lot_tracked: input.lotTracked ?? false })
    .execute();
}

export async function updateMaterial(trx: Db, code: string, input: MaterialUpdate): Promise<boolean> {
  const result = await trx
    .updateTable('mes.materials')
    .set({
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.unit !== undefined ? { unit: input.unit } : {}),
      ...(input.reorderPoint !== undefined ? { reorder_point: input.reorderPoint } : {}),
      ...(input.lotTracked !== undefined ? { lot_tracked: input.lotTracked } : {}),
    })
    .where('code', '=', code)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface NewLedgerEntry {
  materialCode: string;
  kind: LedgerEntryType;
  stockDelta: number;
  reason: string;
  actor: string | null;
  lotCode?: string | null;
}

/** Appends a ledger row (the trigger applies it to the material); returns its id. */
export async function insertLedgerEntry(trx: Db, entry: NewLedgerEntry): Promise<number> {
  const row = await trx
    .insertInto('mes.material_ledger')
    .values({
      material_code: entry.materialCode,
      entry_type: entry.kind,
      stock_delta: entry.stockDelta,
      reason: entry.reason,
      actor: entry.actor,
      lot_code: entry.lotCode ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

function selectLedger(db: Db) {
  return db
    .selectFrom('mes.material_ledger as l')
    .leftJoin('mes.production_plan_nodes as n', 'n.id', 'l.node_id')
    .select([
      'l.id',
      'l.material_code as materialCode',
      'l.entry_type as kind',
      'l.stock_delta as stockDelta',
      'l.reserved_delta as reservedDelta',
      'l.plan_id as planId',
      'n.node_id as nodeId',
      'l.assignment_id as assignmentId',
      'l.reason',
      'l.actor',
      'l.lot_code as lotCode',
      'l.created_at as createdAt',
    ]);
}

type LedgerRow = Awaited<ReturnType<ReturnType<typeof selectLedger>['executeTakeFirstOrThrow']>>;
const toLedgerEntry = (r: LedgerRow): LedgerEntry => ({ ...r, createdAt: r.createdAt.toISOString() });

export async function findLedgerEntry(db: Db, id: number): Promise<LedgerEntry | undefined> {
  const row = await selectLedger(db).where('l.id', '=', id).executeTakeFirst();
  return row && toLedgerEntry(row);
}

/** The material's ledger, newest first. */
export async function listLedger(db: Db, code: string, page: { limit: number; offset: number }): Promise<PageOf<LedgerEntry>> {
  const rows = await selectLedger(db)
    .select(sql<number>`count(*) over ()::int`.as('total'))
    .where('l.material_code', '=', code)
    .orderBy('l.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const total = rows[0]?.total ?? (page.offset > 0 ? (await listLedger(db, code, { limit: 1, offset: 0 })).total : 0);
  return { items: rows.map(({ total: _t, ...r }) => toLedgerEntry(r)), total, limit: page.limit, offset: page.offset };
}

export async function archiveMaterial(trx: Db, code: string): Promise<void> {
  await trx.updateTable('mes.materials').set({ archived_at: new Date() }).where('code', '=', code).where('archived_at', 'is', null).execute();
}

/**
 * Per material a plan takes from stock: required (its stock inputs; of an
 * archived plan, from the archived document), and from the plan's ledger rows
 * reserved (what it holds now), consumed (stock taken by completions) and
 * returned (reservation given back unused: at a completion the part of the
 * held quantity above the actual one, at cancel the rest), with the shortage
 * the release recorded. One statement; undefined when the plan does not exist.
 */
export async function findPlanMaterials(db: Db, planId: string): Promise<PlanMaterial[] | undefined> {
  const result = await sql<{ items: PlanMaterial[] }>`
    with required as (
      select i.material_code as code, sum(i.required_quantity) as qty
        from mes.node_material_inputs i
       where i.plan_id = ${planId} and i.from_node_id is null
       group by i.material_code
      union all
      select x."materialCode", sum(x."requiredQuantity")
        from mes.plan_archives a
        cross join lateral jsonb_array_elements(a.document -> 'nodes') as n(node)
        cross join lateral jsonb_to_recordset(n.node -> 'materialInputs') as x("materialCode" text, "requiredQuantity" numeric, "fromNodeId" text)
       where a.plan_id = ${planId} and x."fromNodeId" is null
       group by x."materialCode"
    ), ledger as (
      select l.material_code as code,
             sum(l.reserved_delta) as reserved,
             coalesce(-sum(l.stock_delta) filter (where l.entry_type = 'consumption'), 0) as consumed,
             coalesce(sum(case when l.entry_type = 'reservation_release' then -l.reserved_delta
                               when l.entry_type = 'consumption' then greatest(l.stock_delta - l.reserved_delta, 0) end), 0) as returned,
             bool_or(l.entry_type = 'reservation') as was_reserved
        from mes.material_ledger l
       where l.plan_id = ${planId} and l.entry_type in ('reservation', 'reservation_release', 'consumption')
       group by l.material_code
    ), short as (
      select s."materialCode" as code, greatest(s.required - s.available, 0) as qty
        from mes.production_plans p
        cross join lateral jsonb_to_recordset(coalesce(p.shortages, '[]'::jsonb)) as s("materialCode" text, required numeric, available numeric)
       where p.id = ${planId}
    ), codes as (
      select code from required union select code from ledger where was_reserved
    )
    select coalesce((
      select json_agg(json_build_object(
               'materialCode', m.code, 'materialName', m.name, 'unit', m.unit,
               'required', coalesce(r.qty, 0), 'reserved', greatest(coalesce(l.reserved, 0), 0),
               'consumed', coalesce(l.consumed, 0), 'returned', coalesce(l.returned, 0), 'short', coalesce(s.qty, 0))
             order by m.code collate "C")
        from codes c
        join mes.materials m on m.code = c.code
        left join required r on r.code = c.code
        left join ledger l on l.code = c.code
        left join short s on s.code = c.code
    ), '[]'::json) as items
    from mes.production_plans p where p.id = ${planId}`.execute(db);
  return result.rows[0]?.items;
}

/** Stock of a material outside its lots, and what its lots hold (turning lot tracking on or off needs one of them to be 0). */
export async function stockOutsideLots(db: Db, code: string): Promise<{ outside: number; inLots: number }> {
  const result = await sql<{ outside: number; inLots: number }>`
    select m.stock - coalesce(sum(l.on_hand), 0) as outside, coalesce(sum(l.on_hand), 0) as "inLots"
      from mes.materials m left join mes.lots l on l.material_code = m.code
     where m.code = ${code} group by m.code, m.stock`.execute(db);
  return result.rows[0] ?? { outside: 0, inLots: 0 };
}

/** A lot of the material, locked (an adjustment of a lot-tracked material); undefined when there is none. */
export async function lockLotOf(trx: Trx, materialCode: string, lotCode: string) {
  take(trx, 'lot');
  return trx
    .selectFrom('mes.lots')
    .select(['code', 'on_hand as onHand', sql<boolean>`true`.as('found')])
    .where('code', '=', lotCode)
    .where('material_code', '=', materialCode)
    .forUpdate()
    .executeTakeFirst();
}

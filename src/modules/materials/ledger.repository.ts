/**
 * What plans do to stock, as ledger rows: reservations at release, their
 * release at cancel, consumption and production at completion. Material rows
 * are locked in code order before availability is read, so concurrent
 * releases queue instead of both seeing the same free stock (and never
 * deadlock on each other).
 */
import { sql } from 'kysely';
import type { Trx } from '../../db/database.js';
import { take } from '../../db/locks.js';
import type { MaterialNeed } from './materials.rules.js';

export async function lockMaterials(trx: Trx, codes: string[]) {
  take(trx, 'material');
  if (codes.length === 0) return new Map<string, { stock: number; reserved: number }>();
  const rows = await trx.selectFrom('mes.materials').select(['code', 'stock', 'reserved']).where('code', 'in', codes).orderBy('code').forUpdate().execute();
  return new Map(rows.map((r) => [r.code, { stock: r.stock, reserved: r.reserved }]));
}

export async function insertReservations(trx: Trx, planId: string, needs: MaterialNeed[], actor: string): Promise<void> {
  if (needs.length === 0) return;
  const rows = needs.map((n) => ({ material_code: n.materialCode, node_id: n.nodeId, qty: n.quantity }));
  await sql`
    insert into mes.material_ledger (material_code, entry_type, reserved_delta, plan_id, node_id, reason, actor)
    select material_code, 'reservation', qty, ${planId}, node_id, 'reserved at release', ${actor}
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(material_code text, node_id bigint, qty numeric)`.execute(trx);
}

/** Reservations still held by a plan (per node and material), optionally only for some nodes. */
export async function outstandingReservations(trx: Trx, planId: string, nodeIds?: number[]) {
  let q = trx
    .selectFrom('mes.material_ledger')
    .select(['node_id as nodeId', 'material_code as materialCode', sql<number>`sum(reserved_delta)`.as('reserved')])
    .where('plan_id', '=', planId)
    .groupBy(['node_id', 'material_code'])
    .having(sql`sum(reserved_delta)`, '>', 0);
  if (nodeIds) q = q.where('node_id', 'in', nodeIds.length > 0 ? nodeIds : [-1]);
  return q.execute();
}

/** Gives back everything a plan still holds (cancel). */
export async function releaseReservations(trx: Trx, planId: string, reason: string, actor: string): Promise<number> {
  const held = await outstandingReservations(trx, planId);
  if (held.length === 0) return 0;
  await lockMaterials(trx, [...new Set(held.map((h) => h.materialCode))]);
  const rows = held.map((h) => ({ material_code: h.materialCode, node_id: h.nodeId, qty: h.reserved }));
  await sql`
    insert into mes.material_ledger (material_code, entry_type, reserved_delta, plan_id, node_id, reason, actor)
    select material_code, 'reservation_release', -qty, ${planId}, node_id, ${reason}, ${actor}
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(material_code text, node_id bigint, qty numeric)`.execute(trx);
  return held.length;
}

/** The materials a plan's ledger rows moved (reserved, released, consumed or produced). */
export async function materialsInLedgerOf(trx: Trx, planId: string): Promise<string[]> {
  const rows = await trx.selectFrom('mes.material_ledger').select('material_code').distinct().where('plan_id', '=', planId).orderBy('material_code').execute();
  return rows.map((r) => r.material_code);
}

/**
 * The ledger rows of a completion, in one statement: per input a
 * 'consumption' row (stock −actual; for inputs reserved at release also
 * reserved −what the node still holds, so any difference returns to
 * availability) and, when there is output, one 'production' row. Rows that
 * would move nothing are left out.
 */
export async function insertCompletionLedger(
  trx: Trx,
  c: {
    planId: string;
    nodeDbId: number;
    assignmentId: string;
    actor: string;
    consumption: { materialCode: string; quantity: number; fromStock: boolean; lots?: { lotCode: string; quantity: number }[] }[];
    production: { materialCode: string; quantity: number; lotCode?: string } | null;
  },
) {
  // a consumption drawn from several lots is one row per lot; the first carries the reservation's release
  type Row = { material_code: string; entry_type: string; qty: number; from_stock: boolean; lot_code: string | null };
  const rows: Row[] = [
    ...c.consumption.flatMap((x): Row[] =>
      x.lots && x.lots.length > 0
        ? x.lots.map((l, i) => ({
            material_code: x.materialCode,
            entry_type: 'consumption',
            qty: -l.quantity,
            from_stock: x.fromStock && i === 0,
            lot_code: l.lotCode,
          }))
        : [{ material_code: x.materialCode, entry_type: 'consumption', qty: -x.quantity, from_stock: x.fromStock, lot_code: null }],
    ),
    ...(c.production && c.production.quantity > 0
      ? [
          {
            material_code: c.production.materialCode,
            entry_type: 'production',
            qty: c.production.quantity,
            from_stock: false,
            lot_code: c.production.lotCode ?? null,
          },
        ]
      : []),
  ];
  if (rows.length === 0) return [];
  const result = await sql<{ materialCode: string; entryType: string; stockDelta: number; reservedDelta: number }>`
    with held as (
      select material_code, sum(reserved_delta) as reserved from mes.material_ledger
       where plan_id = ${c.planId} and node_id = ${c.nodeDbId} group by material_code
    ), entries as (
      select x.material_code, x.entry_type, x.qty as stock_delta, x.lot_code,
             case when x.entry_type = 'consumption' and x.from_stock then -greatest(coalesce(h.reserved, 0), 0) else 0 end as reserved_delta
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(material_code text, entry_type text, qty numeric, from_stock boolean, lot_code text)
        left join held h on h.material_code = x.material_code
    )
    insert into mes.material_ledger (material_code, entry_type, stock_delta, reserved_delta, plan_id, node_id, assignment_id, reason, actor, lot_code)
    select material_code, entry_type, stock_delta, reserved_delta, ${c.planId}, ${c.nodeDbId}, ${c.assignmentId},
           case when entry_type = 'production' then 'produced by ' else 'consumed by ' end || ${c.assignmentId}, ${c.actor}, lot_code
      from entries where stock_delta <> 0 or reserved_delta <> 0
    returning material_code as "materialCode", entry_type as "entryType", stock_delta as "stockDelta", reserved_delta as "reservedDelta"`.execute(trx);
  return result.rows;
}

/**
 * Material reservations of plans, as ledger rows. Rows are locked in code
 * order before availability is read, so concurrent releases queue instead of
 * both seeing the same free stock (and never deadlock on each other).
 */
import { sql, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.js';

export interface MaterialNeed {
  nodeId: number;
  materialCode: string;
  quantity: number;
}

export interface Shortage {
  materialCode: string;
  required: number;
  available: number;
}

export async function lockMaterials(trx: Transaction<DB>, codes: string[]) {
  if (codes.length === 0) return new Map<string, { stock: number; reserved: number }>();
  const rows = await trx
    .selectFrom('mes.materials')
    .select(['code', 'stock', 'reserved'])
    .where('code', 'in', codes)
    .orderBy('code')
    .forUpdate()
    .execute();
  return new Map(rows.map((r) => [r.code, { stock: r.stock, reserved: r.reserved }]));
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** What would be short if the needs were reserved now (call after lockMaterials). */
export function shortagesOf(needs: MaterialNeed[], stock: Map<string, { stock: number; reserved: number }>): Shortage[] {
  const required = new Map<string, number>();
  for (const n of needs) required.set(n.materialCode, (required.get(n.materialCode) ?? 0) + n.quantity);
  const shortages: Shortage[] = [];
  for (const [code, qty] of [...required].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const s = stock.get(code) ?? { stock: 0, reserved: 0 };
    const available = round3(s.stock - s.reserved);
    if (qty > available + 1e-9) shortages.push({ materialCode: code, required: round3(qty), available: Math.max(0, available) });
  }
  return shortages;
}

export async function insertReservations(trx: Transaction<DB>, planId: string, needs: MaterialNeed[], actor: string): Promise<void> {
  if (needs.length === 0) return;
  const rows = needs.map((n) => ({ material_code: n.materialCode, node_id: n.nodeId, qty: n.quantity }));
  await sql`
    insert into mes.material_ledger (material_code, entry_type, reserved_delta, plan_id, node_id, reason, actor)
    select material_code, 'reservation', qty, ${planId}, node_id, 'reserved at release', ${actor}
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(material_code text, node_id bigint, qty numeric)`.execute(trx);
}

/** Reservations still held by a plan (per node and material), optionally only for some nodes. */
export async function outstandingReservations(trx: Transaction<DB>, planId: string, nodeIds?: number[]) {
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
export async function releaseReservations(trx: Transaction<DB>, planId: string, reason: string, actor: string): Promise<number> {
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

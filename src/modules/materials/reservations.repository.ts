/**
 * Reservations that follow a step's expected quantity (yield carried forward):
 * what each node of a plan holds, and the ledger rows that bring it to a new
 * target (a 'reservation' row to hold more, a 'reservation_release' row to
 * give the surplus back). Quantities move only through these rows; the
 * ledger's trigger applies them in SQL.
 */
import { sql } from 'kysely';
import type { Trx } from '../../db/database.js';

/** What the plan's nodes hold reserved, per node and material (held > 0 only). */
export async function heldReservations(trx: Trx, planId: string, nodeIds: number[]): Promise<{ nodeId: number; materialCode: string; held: number }[]> {
  if (nodeIds.length === 0) return [];
  const rows = await trx
    .selectFrom('mes.material_ledger')
    .select(['node_id as nodeId', 'material_code as materialCode', sql<number>`sum(reserved_delta)`.as('held')])
    .where('plan_id', '=', planId)
    .where('node_id', 'in', nodeIds)
    .groupBy(['node_id', 'material_code'])
    .having(sql`sum(reserved_delta)`, '>', 0)
    .execute();
  return rows.map((r) => ({ nodeId: Number(r.nodeId), materialCode: r.materialCode, held: Number(r.held) }));
}

/**
 * One ledger row per change: delta > 0 reserves more, delta < 0 releases. The caller has locked the
 * materials (lockMaterials) and checked availability. Returns the rows written.
 */
export async function insertReservationChanges(
  trx: Trx,
  planId: string,
  changes: { nodeId: number; materialCode: string; delta: number }[],
  reason: string,
  actor: string,
): Promise<{ materialCode: string; nodeId: number; reservedDelta: number }[]> {
  const rows = changes.filter((c) => c.delta !== 0).map((c) => ({ material_code: c.materialCode, node_id: c.nodeId, qty: c.delta }));
  if (rows.length === 0) return [];
  const result = await sql<{ materialCode: string; nodeId: string; reservedDelta: number }>`
    insert into mes.material_ledger (material_code, entry_type, reserved_delta, plan_id, node_id, reason, actor)
    select material_code, case when qty > 0 then 'reservation' else 'reservation_release' end, qty, ${planId}, node_id, ${reason}, ${actor}
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(material_code text, node_id bigint, qty numeric)
    returning material_code as "materialCode", node_id as "nodeId", reserved_delta as "reservedDelta"`.execute(trx);
  return result.rows.map((r) => ({ materialCode: r.materialCode, nodeId: Number(r.nodeId), reservedDelta: Number(r.reservedDelta) }));
}

/** SQL of non-conformance records (this module owns mes.nonconformances and mes.nonconformance_items). */
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.js';
import type { Disposition, Nonconformance } from './quality.schema.js';

export async function insertNonconformance(
  trx: Trx,
  n: {
    assignmentId: string;
    planId: string;
    nodeDbId: number;
    quantity: number;
    disposition: Disposition;
    note: string;
    itemIds: readonly number[];
    by: string;
    at: Date;
    approved: boolean;
  },
): Promise<string> {
  const row = await trx
    .insertInto('mes.nonconformances')
    .values({
      assignment_id: n.assignmentId,
      plan_id: n.planId,
      node_id: n.nodeDbId,
      quantity: n.quantity,
      disposition: n.disposition,
      note: n.note,
      created_by: n.by,
      created_at: n.at,
      approved_by: n.approved ? n.by : null,
      approved_at: n.approved ? n.at : null,
    })
    .returning(['id', 'code'])
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('mes.nonconformance_items')
    .values(n.itemIds.map((itemId) => ({ nonconformance_id: row.id, item_id: itemId })))
    .execute();
  return row.code;
}

/** The record's assignment and plan, unlocked: to lock the plan first. */
export function findNonconformanceOwner(db: Db, code: string) {
  return db
    .selectFrom('mes.nonconformances')
    .select([
      'id',
      'plan_id as planId',
      'assignment_id as assignmentId',
      'node_id as nodeDbId',
      'quantity',
      'disposition',
      'approved_at as approvedAt',
      'approved_by as approvedBy',
    ])
    .where('code', '=', code)
    .executeTakeFirst();
}

/** Approves a record not yet approved; false when another approval came first. */
export async function approveNonconformance(trx: Trx, code: string, by: string, at: Date): Promise<boolean> {
  const row = await trx
    .updateTable('mes.nonconformances')
    .set({ approved_by: by, approved_at: at })
    .where('code', '=', code)
    .where('approved_at', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function setReworkNode(trx: Trx, code: string, nodeDbId: number): Promise<void> {
  await trx.updateTable('mes.nonconformances').set({ rework_node_id: nodeDbId }).where('code', '=', code).execute();
}

/** Quantity of the assignment's approved use-as-is records: parts accepted though a check failed. */
export async function acceptedAsIs(db: Db, assignmentId: string): Promise<number> {
  const row = await db
    .selectFrom('mes.nonconformances')
    .select(sql<string>`coalesce(sum(quantity), 0)`.as('q'))
    .where('assignment_id', '=', assignmentId)
    .where('disposition', '=', 'use_as_is')
    .where('approved_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.q);
}

/** Records of a plan (or one by code), newest last, with their items and the rework step's node and assignment. */
export async function listNonconformances(db: Db, f: { planId?: string; code?: string }): Promise<Nonconformance[]> {
  const result = await sql<{
    code: string;
    assignmentId: string;
    planId: string;
    nodeId: string;
    nodeName: string;
    quantity: string | number;
    disposition: Disposition;
    note: string;
    items: { id: number; label: string }[];
    approvedBy: string | null;
    approvedAt: Date | null;
    createdBy: string;
    createdAt: Date;
    reworkNodeId: string | null;
    reworkAssignmentId: string | null;
  }>`
    select c.code, c.assignment_id as "assignmentId", c.plan_id as "planId", n.node_id as "nodeId", n.name as "nodeName",
           c.quantity, c.disposition, c.note, c.approved_by as "approvedBy", c.approved_at as "approvedAt",
           c.created_by as "createdBy", c.created_at as "createdAt", rn.node_id as "reworkNodeId",
           (select ra.id from mes.worker_assignments ra where ra.node_id = c.rework_node_id and ra.status <> 'cancelled' limit 1) as "reworkAssignmentId",
           coalesce((select json_agg(json_build_object('id', i.id, 'label', i.label) order by i.position, i.id)
                       from mes.nonconformance_items ci join mes.inspection_items i on i.id = ci.item_id
                      where ci.nonconformance_id = c.id), '[]'::json) as items
      from mes.nonconformances c
      join mes.production_plan_nodes n on n.id = c.node_id
      left join mes.production_plan_nodes rn on rn.id = c.rework_node_id
     where (${f.planId ?? null}::text is null or c.plan_id = ${f.planId ?? null})
       and (${f.code ?? null}::text is null or c.code = ${f.code ?? null})
     order by c.id`.execute(db);
  return result.rows.map((r) => ({
    ...r,
    quantity: Number(r.quantity),
    // ids inside json_agg come back as JSON numbers, labels as text
    items: r.items.map((i) => ({ id: Number(i.id), label: i.label })),
    approvedAt: r.approvedAt ? new Date(r.approvedAt).toISOString() : null,
    createdAt: new Date(r.createdAt).toISOString(),
  }));
}

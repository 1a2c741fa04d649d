/** SQL of documents (mes.documents, migration 0025). */
import { sql } from 'kysely';
import type { Db, Trx } from '../../db/database.js';
import type { DocumentContentType, DocumentOwnerKind } from './documents.schema.js';

export interface Owner {
  kind: DocumentOwnerKind;
  operationId: string | null;
  planId: string | null;
  nodeKey: string | null;
}

export interface DocumentRow {
  id: number;
  ownerKind: DocumentOwnerKind;
  operationId: string | null;
  planId: string | null;
  nodeKey: string | null;
  name: string;
  version: number;
  contentType: DocumentContentType;
  size: number;
  sha256: string;
  uploadedBy: string;
  uploadedAt: Date;
}

const columns = [
  'd.id',
  'd.owner_kind as ownerKind',
  'd.operation_id as operationId',
  'd.plan_id as planId',
  'd.node_key as nodeKey',
  'd.name',
  'd.version',
  'd.content_type as contentType',
  'd.size',
  'd.sha256',
  'd.uploaded_by as uploadedBy',
  'd.uploaded_at as uploadedAt',
] as const;

const ownerIdOf = (owner: Owner) =>
  owner.kind === 'operation' ? owner.operationId! : owner.kind === 'plan' ? owner.planId! : `${owner.planId}/${owner.nodeKey}`;

/**
 * Stores the next version of `name` for the owner: the version is computed in the inserting statement, and
 * uploads of the same owner and name are serialized by an advisory lock for the transaction (taken alone: the
 * upload's transaction locks nothing else), so two at once become n+1 and n+2 instead of a conflict.
 */
export async function insertVersion(
  trx: Trx,
  owner: Owner,
  file: { name: string; contentType: DocumentContentType; content: Buffer; sha256: string; uploadedBy: string },
): Promise<DocumentRow> {
  const ownerId = ownerIdOf(owner);
  await sql`select pg_advisory_xact_lock(hashtext(${`burkol-mes:document:${owner.kind}:${ownerId}:${file.name}`}))`.execute(trx);
  const { id } = await trx
    .insertInto('mes.documents')
    .columns(['owner_kind', 'operation_id', 'plan_id', 'node_key', 'name', 'version', 'content_type', 'size', 'sha256', 'content', 'uploaded_by'])
    .expression(
      trx.selectNoFrom([
        sql.lit(owner.kind).as('owner_kind'),
        sql.val(owner.operationId).as('operation_id'),
        sql.val(owner.planId).as('plan_id'),
        sql.val(owner.nodeKey).as('node_key'),
        sql.val(file.name).as('name'),
        sql<number>`coalesce((select max(x.version) from mes.documents x where x.owner_kind = ${owner.kind} and x.owner_id = ${ownerId} and x.name = ${file.name}), 0) + 1`.as(
          'version',
        ),
        sql.val(file.contentType).as('content_type'),
        sql.val(file.content.length).as('size'),
        sql.val(file.sha256).as('sha256'),
        sql.val(file.content).as('content'),
        sql.val(file.uploadedBy).as('uploaded_by'),
      ]),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  return (await findDocument(trx, Number(id)))!;
}

export async function findDocument(db: Db, id: number): Promise<DocumentRow | undefined> {
  return db.selectFrom('mes.documents as d').select(columns).where('d.id', '=', id).executeTakeFirst();
}

export async function readContent(db: Db, id: number): Promise<Buffer | undefined> {
  const row = await db.selectFrom('mes.documents').select('content').where('id', '=', id).executeTakeFirst();
  return row?.content;
}

/** Every version of the owner's documents, by name, newest version first. */
export async function listVersions(db: Db, owner: Owner): Promise<DocumentRow[]> {
  return db
    .selectFrom('mes.documents as d')
    .select(columns)
    .where('d.owner_kind', '=', owner.kind)
    .where('d.owner_id', '=', ownerIdOf(owner))
    .orderBy('d.name')
    .orderBy('d.version', 'desc')
    .execute();
}

/** The documents shown next to a step: its own (plan_node), its plan's and its operation's, every version. */
export async function listForAssignment(db: Db, step: { planId: string; nodeKey: string; operationId: string }): Promise<DocumentRow[]> {
  return db
    .selectFrom('mes.documents as d')
    .select(columns)
    .where((eb) =>
      eb.or([
        eb.and([eb('d.owner_kind', '=', 'operation'), eb('d.operation_id', '=', step.operationId)]),
        eb.and([eb('d.owner_kind', '=', 'plan'), eb('d.plan_id', '=', step.planId)]),
        eb.and([eb('d.owner_kind', '=', 'plan_node'), eb('d.plan_id', '=', step.planId), eb('d.node_key', '=', step.nodeKey)]),
      ]),
    )
    .orderBy('d.name')
    .orderBy('d.version', 'desc')
    .execute();
}

/** The step of an assignment: its plan, node key, operation and worker. */
export async function findStep(db: Db, assignmentId: string) {
  return db
    .selectFrom('mes.worker_assignments as wa')
    .innerJoin('mes.production_plan_nodes as n', (join) => join.onRef('n.plan_id', '=', 'wa.plan_id').onRef('n.id', '=', 'wa.node_id'))
    .select(['wa.id', 'wa.plan_id as planId', 'n.node_id as nodeKey', 'n.operation_id as operationId', 'wa.worker_id as workerId'])
    .where('wa.id', '=', assignmentId)
    .executeTakeFirst();
}

/** Whether the worker has a step (any status) that the document belongs to: its operation, its plan, or the step itself. */
export async function workerMayRead(db: Db, document: DocumentRow, workerId: string): Promise<boolean> {
  let q = db
    .selectFrom('mes.worker_assignments as wa')
    .innerJoin('mes.production_plan_nodes as n', (join) => join.onRef('n.plan_id', '=', 'wa.plan_id').onRef('n.id', '=', 'wa.node_id'))
    .select(sql<number>`1`.as('one'))
    .where('wa.worker_id', '=', workerId);
  if (document.ownerKind === 'operation') q = q.where('n.operation_id', '=', document.operationId!);
  else q = q.where('wa.plan_id', '=', document.planId!);
  if (document.ownerKind === 'plan_node') q = q.where('n.node_id', '=', document.nodeKey!);
  return (await q.limit(1).executeTakeFirst()) !== undefined;
}

export async function operationExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('mes.operations').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function planExists(db: Db, id: string): Promise<boolean> {
  return (await db.selectFrom('mes.production_plans').select('id').where('id', '=', id).executeTakeFirst()) !== undefined;
}

export async function planNodeExists(db: Db, planId: string, nodeKey: string): Promise<boolean> {
  return (
    (await db.selectFrom('mes.production_plan_nodes').select('id').where('plan_id', '=', planId).where('node_id', '=', nodeKey).executeTakeFirst()) !==
    undefined
  );
}

/** Deletes one version, or every version of its name; returns how many rows went. */
export async function deleteDocument(trx: Trx, document: DocumentRow, allVersions: boolean): Promise<number> {
  let q = trx.deleteFrom('mes.documents');
  if (allVersions) {
    q = q
      .where('owner_kind', '=', document.ownerKind)
      .where('owner_id', '=', ownerIdOf({ kind: document.ownerKind, operationId: document.operationId, planId: document.planId, nodeKey: document.nodeKey }))
      .where('name', '=', document.name);
  } else {
    q = q.where('id', '=', document.id);
  }
  const result = await q.executeTakeFirst();
  return Number(result.numDeletedRows);
}

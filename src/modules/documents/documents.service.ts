/**
 * Documents' use cases: upload a version (type read from the content, size
 * bounded, nothing stored on refusal), list an owner's documents, the
 * documents of a step for the portal, download (operators: documents of their
 * own steps only), delete a version or every version of a name.
 */
import { createHash } from 'node:crypto';
import type { Db } from '../../db/database.js';
import { DomainError, m, notFound } from '../../shared/errors.js';
import type { SessionUser } from '../auth/index.js';
import * as repo from './documents.repository.js';
import type { DocumentRow, Owner } from './documents.repository.js';
import { classifyDocument } from './documents.rules.js';
import type { Document, DocumentEntry, DocumentList, StepDocuments } from './documents.schema.js';

export type { Owner } from './documents.repository.js';

const toDocument = (row: DocumentRow): Document => ({
  id: row.id,
  version: row.version,
  contentType: row.contentType,
  size: row.size,
  sha256: row.sha256,
  uploadedBy: row.uploadedBy,
  uploadedAt: row.uploadedAt.toISOString(),
  ownerKind: row.ownerKind,
  operationId: row.operationId,
  planId: row.planId,
  nodeId: row.nodeKey,
  name: row.name,
  url: `/api/mes/documents/${row.id}`,
});

/** Rows ordered by name, newest version first → one entry per name: the latest, with the older versions. */
function entriesOf(rows: DocumentRow[]): DocumentEntry[] {
  const entries: DocumentEntry[] = [];
  for (const row of rows) {
    const last = entries.at(-1);
    if (last && last.name === row.name) {
      const { id, version, contentType, size, sha256, uploadedBy, uploadedAt } = toDocument(row);
      last.olderVersions.push({ id, version, contentType, size, sha256, uploadedBy, uploadedAt });
    } else {
      entries.push({ ...toDocument(row), olderVersions: [] });
    }
  }
  return entries;
}

async function assertOwnerExists(db: Db, owner: Owner): Promise<void> {
  if (owner.kind === 'operation') {
    if (!(await repo.operationExists(db, owner.operationId!))) throw notFound('operation', owner.operationId!);
  } else if (!(await repo.planExists(db, owner.planId!))) {
    throw notFound('plan', owner.planId!);
  } else if (owner.kind === 'plan_node' && !(await repo.planNodeExists(db, owner.planId!, owner.nodeKey!))) {
    throw notFound('plan_step', `${owner.planId}/${owner.nodeKey}`);
  }
}

export async function uploadDocument(db: Db, owner: Owner, name: string, content: Buffer, uploadedBy: string): Promise<Document> {
  await assertOwnerExists(db, owner);
  const verdict = await classifyDocument(name, content);
  if (!verdict.ok) throw new DomainError(verdict.status === 415 ? 'unsupported_type' : 'rule_violated', verdict.message, { field: 'body' });
  const sha256 = createHash('sha256').update(content).digest('hex');
  const row = await db.transaction().execute((trx) => repo.insertVersion(trx, owner, { name, contentType: verdict.contentType, content, sha256, uploadedBy }));
  return toDocument(row);
}

export async function listDocuments(db: Db, owner: Owner): Promise<DocumentList> {
  await assertOwnerExists(db, owner);
  return { items: entriesOf(await repo.listVersions(db, owner)) };
}

const ownStepOnly = (user: SessionUser, workerId: string) => user.role !== 'operator' || user.workerId === workerId;

export async function stepDocuments(db: Db, assignmentId: string, user: SessionUser): Promise<StepDocuments> {
  const step = await repo.findStep(db, assignmentId);
  if (!step) throw notFound('assignment', assignmentId);
  if (!ownStepOnly(user, step.workerId)) {
    throw new DomainError('forbidden', m('assignment.belongs_to_worker', { assignmentId, workerId: step.workerId }));
  }
  const rows = await repo.listForAssignment(db, step);
  return {
    assignmentId,
    step: entriesOf(rows.filter((r) => r.ownerKind === 'plan_node')),
    plan: entriesOf(rows.filter((r) => r.ownerKind === 'plan')),
    operation: entriesOf(rows.filter((r) => r.ownerKind === 'operation')),
  };
}

/** One version with its bytes; an operator only of a document of one of their steps (else as if it did not exist). */
export async function readDocument(db: Db, id: number, user: SessionUser): Promise<{ document: Document; content: Buffer }> {
  const row = await repo.findDocument(db, id);
  if (!row) throw notFound('document', String(id));
  if (user.role === 'operator' && (!user.workerId || !(await repo.workerMayRead(db, row, user.workerId)))) throw notFound('document', String(id));
  const content = await repo.readContent(db, id);
  if (!content) throw notFound('document', String(id));
  return { document: toDocument(row), content };
}

/** Deletes this version, or with `allVersions` every version of its name; the others stay. */
export async function deleteDocument(db: Db, id: number, allVersions: boolean): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const row = await repo.findDocument(trx, id);
    if (!row) throw notFound('document', String(id));
    await repo.deleteDocument(trx, row, allVersions);
  });
}

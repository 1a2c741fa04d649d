/** Use cases of production plan documents: list and read, create, replace a draft, delete, export, import. */
import DataLoader from 'dataloader';
import type { Db } from '../../db/database.js';
import { DomainError, m, notFound, summaryOf } from '../../shared/errors.js';
import { recordEvents } from '../realtime/index.js';
import type { KeptCatalog, PlanCatalogCache } from './catalog-cache.js';
import type { PlanListCache, SnapshotChecker } from './list-cache.js';
import * as documents from './plan-documents.repository.js';
import * as listRepo from './plan-list.repository.js';
import { decodeCursor, encodeCursor, listOrderOf } from './plan-list.rules.js';
import * as repo from './plans.repository.js';
import { allowedPlanActions, detailOfNewPlan, documentOf, isEditable, referencesOf, validatePlanDocument } from './plans.rules.js';
import type { PlanDetail, PlanDocument, PlanListQuery, PlanStatus } from './plans.schema.js';

/**
 * Refuses a document that breaks a rule; returns the catalog it was checked
 * against. A document being saved is the request body (fields `body/…`); a
 * stored plan checked again at release is named as such (fields `nodes/…`).
 */
export async function assertValid(db: Db, doc: PlanDocument, stored?: { planId: string }) {
  const catalog = await documents.loadPlanCatalog(db, referencesOf(doc));
  const problems = validatePlanDocument(doc, catalog).map((p) => (stored ? p : { ...p, field: `body/${p.field}` }));
  if (problems.length > 0) {
    const first = problems[0]!;
    const message = summaryOf(problems);
    throw new DomainError('rule_violated', stored ? m('plan.no_longer_valid', { planId: stored.planId, problem: message }) : message, {
      field: first.field,
      errors: problems,
    });
  }
  return catalog;
}

/** A page of the plans list with its items as JSON text, already in PlanSummary's shape (see PlanPage); and what keeping it needs (list-cache.ts). */
export interface PlanPageText {
  itemsJson: string;
  nextCursor: string | null;
  total?: number;
  limit: number;
  offset: number;
  snapshot: string;
  validUntil: number | null;
}

/**
 * Plans newest first (or in the asked order), one page of them, with their
 * progress (see PlanListQuery): after the cursor when one is given, else from
 * the offset; the number of matching plans only when asked for.
 */
export async function listPlans(db: Db, query: PlanListQuery): Promise<PlanPageText> {
  const order = listOrderOf(query);
  const limit = query.limit ?? 50;
  const offset = query.offset ?? 0;
  if (query.cursor !== undefined && offset > 0) {
    throw new DomainError('bad_request', m('plan.list_cursor_with_offset'), { field: 'querystring/offset' });
  }
  const cursor = query.cursor === undefined ? undefined : decodeCursor(query.cursor, order);
  const filter = {
    status: query.status,
    workOrderCode: query.workOrderCode,
    q: query.q,
    from: query.from,
    to: query.to,
    archived: query.archived,
    late: query.late,
  };
  const page = await listRepo.listPlanPage(db, filter, { ...order, limit, offset, cursor });
  const nextCursor = page.more && page.lastId !== null ? encodeCursor({ ...order, key: order.sort === 'code' ? null : page.lastKey, id: page.lastId }) : null;
  // the count is read after the page, so it sees at least what the page saw: the page's snapshot is the one to keep it under
  const total = query.count ? { total: await listRepo.countPlans(db, filter) } : {};
  return { itemsJson: page.items, nextCursor, ...total, limit, offset, snapshot: page.snapshot, validUntil: page.validUntil };
}

/** What a list request is kept under: every field that changes the answer, in one order whatever the URL's. */
function listKey(q: PlanListQuery): string {
  return JSON.stringify([
    q.status ?? null,
    q.workOrderCode ?? null,
    q.q ?? null,
    q.from ?? null,
    q.to ?? null,
    q.archived ?? false,
    q.late ?? null,
    q.sort ?? null,
    q.direction ?? null,
    q.limit ?? 50,
    q.cursor ?? null,
    q.offset ?? 0,
    q.count ?? false,
  ]);
}

/**
 * The list page's JSON body: the kept one while nothing it shows changed (one
 * shared check query, see list-cache.ts), else read (once for the requests
 * that missed it together), sent and kept.
 */
export async function listPlansBody(db: Db, query: PlanListQuery, pages?: PlanListCache): Promise<string> {
  if (!pages?.enabled) return planPageBody(await listPlans(db, query));
  const key = listKey(query);
  const kept = await pages.lookup(key);
  if (kept !== undefined) return kept;
  // the requests that missed this page together share one read (see readShared)
  return pages.readShared(key, async () => {
    const page = await listPlans(db, query);
    const body = planPageBody(page);
    pages.set(key, { body, snapshot: page.snapshot, validUntil: page.validUntil });
    return body;
  });
}

/** The check of kept list pages' snapshots (see list-cache.ts), against this database. */
export function listSnapshotChecker(db: Db): SnapshotChecker {
  return (snapshots) => listRepo.checkListSnapshots(db, snapshots);
}

/** The JSON body of a list page (PlanPage): the items as PostgreSQL wrote them, the rest around them. */
export function planPageBody(page: PlanPageText): string {
  const total = page.total === undefined ? '' : `"total":${page.total},`;
  return `{"items":${page.itemsJson},"nextCursor":${JSON.stringify(page.nextCursor)},${total}"limit":${page.limit},"offset":${page.offset}}`;
}

/**
 * Reads the current revision of plans' details (what a kept copy must match),
 * one plan per call; the calls of requests that arrive together go to the
 * database as one query. It is sent after they arrived, so each request still
 * sees every change committed before it was sent.
 */
export function planRevisionReader(db: Db): (planId: string) => Promise<string> {
  const revisions = new DataLoader<string, string | undefined>(
    async (ids) => {
      const found = await repo.findPlanRevisions(db, [...new Set(ids)]);
      return ids.map((id) => found.get(id));
    },
    { cache: false, maxBatchSize: 500, batchScheduleFn: (send) => setImmediate(send) },
  );
  return async (planId) => {
    const revision = await revisions.load(planId);
    if (revision === undefined) throw notFound('plan', planId);
    return revision;
  };
}

/** The plan's detail and the revision it was read at. */
export async function getRevisedPlanDetail(db: Db, planId: string): Promise<{ plan: PlanDetail; revision: string }> {
  const found = await repo.findRevisedPlanDetail(db, planId);
  if (!found) throw notFound('plan', planId);
  return found;
}

export async function getPlanDetail(db: Db, planId: string) {
  const plan = await repo.findPlanDetail(db, planId);
  if (!plan) throw notFound('plan', planId);
  return plan;
}

/**
 * Validates, then writes the plan, its graph and its 'created' event in one
 * statement (atomic without BEGIN/COMMIT) and returns the new plan's detail,
 * built from the document, the catalog's names and the row as written rather
 * than read back (for 1,000 nodes that was a sixth of the time).
 *
 * With a kept catalog (`catalogs`) that is one round trip: the insert itself
 * refuses to write if the catalog changed since it was kept. Otherwise, and
 * whenever the kept copy refuses the document or turns out stale, the
 * document's references are read first (two round trips). That read is
 * outside a transaction: under READ COMMITTED a read inside one would hold
 * nothing either, and foreign keys still refuse the insert if a referenced
 * record is deleted in between.
 */
export async function createPlan(db: Db, doc: PlanDocument, actor: string, catalogs?: PlanCatalogCache): Promise<PlanDetail> {
  const plan: documents.NewPlan = { doc, createdBy: actor, event: { change: 'created', payload: { status: 'draft', nodes: doc.nodes.length }, actor } };
  let refusedByKept: KeptCatalog | undefined;
  if (catalogs?.enabled) {
    const kept = await catalogs.get(() => documents.loadPlanCatalog(db, 'all'));
    if (validatePlanDocument(doc, kept).length === 0) {
      const [written] = await documents.insertPlans(db, [plan], kept.stamp);
      if (written) return detailOfNewPlan(doc, written.header, kept.names);
      catalogs.drop(kept);
    } else {
      refusedByKept = kept;
    }
  }
  const catalog = await assertValid(db, doc);
  // the kept copy refused what the database accepts: it was stale
  if (refusedByKept) catalogs?.drop(refusedByKept);
  const [written] = await documents.insertPlans(db, [plan]);
  return detailOfNewPlan(doc, written!.header, catalog.names);
}

export function notEditable(planId: string, status: PlanStatus) {
  return new DomainError('invalid_transition', m('plan.not_draft', { planId, status }), {
    currentStatus: status,
    allowedActions: allowedPlanActions(status),
  });
}

export async function replaceDraft(db: Db, planId: string, doc: PlanDocument, expectedVersion: number, actor: string): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const plan = await repo.lockPlan(trx, planId);
    if (!plan) throw notFound('plan', planId);
    if (!isEditable(plan.status)) throw notEditable(planId, plan.status);
    await assertValid(trx, doc);
    if (plan.version !== expectedVersion) {
      throw new DomainError('conflict', m('plan.version_conflict', { planId, expected: expectedVersion, current: plan.version }), {
        currentVersion: plan.version,
      });
    }
    await documents.deletePlanGraph(trx, planId);
    const version = await documents.updatePlanHeader(trx, planId, doc);
    await documents.insertPlanGraphs(trx, [{ planId, doc }]);
    await recordEvents(
      trx,
      [{ topic: 'plans', entityType: 'plan', entityId: planId, planId, change: 'updated', payload: { status: 'draft', version, nodes: doc.nodes.length } }],
      actor,
    );
    return version;
  });
}

export async function deleteDraft(db: Db, planId: string, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const plan = await repo.lockPlan(trx, planId);
    if (!plan) throw notFound('plan', planId);
    if (!isEditable(plan.status)) throw notEditable(planId, plan.status);
    await documents.deletePlan(trx, planId);
    await recordEvents(trx, [{ topic: 'plans', entityType: 'plan', entityId: planId, planId, change: 'deleted' }], actor);
  });
}

/** The plan as the document POST takes: a plan round-trips through export and import. */
export async function exportPlan(db: Db, planId: string): Promise<PlanDocument> {
  return documentOf(await getPlanDetail(db, planId));
}

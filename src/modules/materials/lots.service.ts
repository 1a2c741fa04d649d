/** Use cases of lots: receive, block, unblock, read, recall a heat, walk the genealogy. One function, one transaction. */
import type { Db } from '../../db/database.js';
import { DomainError, m, notFound } from '../../shared/errors.js';
import { recordEvents } from '../realtime/index.js';
import * as repo from './lots.repository.js';
import { findMaterial } from './materials.repository.js';
import type { Genealogy, Lot, LotBlock, LotList, LotReceipt, LotRecall } from './lots.schema.js';

const hasAtMost3Decimals = (x: number) => Math.abs(Math.round(x * 1000) / 1000 - x) < 1e-9;

export async function getLot(db: Db, code: string): Promise<Lot> {
  const lot = await repo.findLot(db, code);
  if (!lot) throw notFound('lot', code);
  return lot;
}

export async function listMaterialLots(db: Db, materialCode: string, includeEmpty: boolean): Promise<LotList> {
  if (!(await findMaterial(db, materialCode))) throw notFound('material', materialCode);
  return { items: await repo.listLotsOfMaterial(db, materialCode, includeEmpty) };
}

/**
 * A receipt of a lot-tracked material: the lot (code generated in SQL unless
 * given) and its receipt ledger row, which moves the material's stock and the
 * lot's on-hand through the triggers.
 */
export async function receiveLot(db: Db, materialCode: string, input: LotReceipt, actor: string): Promise<Lot> {
  if (!hasAtMost3Decimals(input.quantity)) {
    throw new DomainError('rule_violated', m('field.more_than_3_decimals', { name: 'quantity' }), { field: 'body/quantity' });
  }
  return db.transaction().execute(async (trx) => {
    const material = await repo.lockMaterialForLot(trx, materialCode);
    if (!material) throw notFound('material', materialCode);
    if (material.archivedAt) throw new DomainError('conflict', m('material.archived', { code: materialCode }));
    if (!material.lotTracked) throw new DomainError('rule_violated', m('lot.material_not_tracked', { code: materialCode }), { field: 'params/code' });
    if (input.lotCode && (await repo.lotExists(trx, input.lotCode))) {
      throw new DomainError('conflict', m('lot.exists', { lotCode: input.lotCode }), { field: 'body/lotCode' });
    }
    const code = await repo.insertLot(trx, {
      ...(input.lotCode ? { code: input.lotCode } : {}),
      materialCode,
      heatNumber: input.heatNumber ?? null,
      supplier: input.supplier ?? null,
      certificate: input.certificate ?? null,
      ...(input.receivedAt ? { receivedAt: new Date(input.receivedAt) } : {}),
      origin: 'receipt',
      createdBy: actor,
    });
    await repo.insertLotLedgerEntry(trx, { lotCode: code, materialCode, kind: 'receipt', stockDelta: input.quantity, reason: `lot ${code} received`, actor });
    await recordEvents(
      trx,
      [
        {
          topic: 'materials',
          entityType: 'lot',
          entityId: code,
          change: 'received',
          payload: { materialCode, quantity: input.quantity, heatNumber: input.heatNumber ?? null },
        },
      ],
      actor,
    );
    return (await repo.findLot(trx, code))!;
  });
}

/** Quarantine: a blocked lot is never consumed (FIFO skips it, a named one is refused) until unblocked. */
export async function setLotBlocked(db: Db, code: string, block: LotBlock | null, actor: string): Promise<Lot> {
  return db.transaction().execute(async (trx) => {
    const lot = await repo.lockLot(trx, code);
    if (!lot) throw notFound('lot', code);
    const want = block ? 'blocked' : 'active';
    if (lot.status === want)
      throw new DomainError('invalid_transition', m(block ? 'lot.already_blocked' : 'lot.not_blocked', { lotCode: code }), { currentStatus: lot.status });
    await repo.setLotStatus(trx, code, want, block ? block.reason : null);
    await recordEvents(
      trx,
      [
        {
          topic: 'materials',
          entityType: 'lot',
          entityId: code,
          change: block ? 'blocked' : 'unblocked',
          payload: { materialCode: lot.materialCode, ...(block ? { reason: block.reason } : {}) },
        },
      ],
      actor,
    );
    return (await repo.findLot(trx, code))!;
  });
}

/** The recall (every lot of a heat and made from it) or a plan's output lots; one of the two must be asked. */
export async function findLots(db: Db, q: { heatNumber?: string; planId?: string; depth?: number }): Promise<LotRecall> {
  if (q.heatNumber !== undefined && q.planId !== undefined) throw new DomainError('bad_request', m('lot.one_filter'), { field: 'querystring/planId' });
  if (q.heatNumber !== undefined) return { heatNumber: q.heatNumber, planId: null, items: await repo.recallHeat(db, q.heatNumber, q.depth ?? 20) };
  if (q.planId !== undefined) return { heatNumber: null, planId: q.planId, items: await repo.lotsOfPlan(db, q.planId) };
  throw new DomainError('bad_request', m('lot.one_filter'), { field: 'querystring/heatNumber' });
}

export async function genealogy(db: Db, code: string, direction: 'up' | 'down', depth: number): Promise<Genealogy> {
  const root = await repo.findLot(db, code);
  if (!root) throw notFound('lot', code);
  return { root, direction, depth, ...(await repo.genealogyOf(db, code, direction, depth)) };
}

/** Use cases of materials: one function, one transaction. Quantities move only through ledger rows. */
import type { Db } from '../../db/database.js';
import { recordEvents } from '../realtime/index.js';
import { DomainError, m, notFound } from '../../shared/errors.js';
import type { PageOf } from '../../shared/pagination.js';
import { unfinishedPlansReferencing } from '../plans/index.js';
import * as repo from './materials.repository.js';
import type { AdjustmentResult, LedgerEntry, Material, MaterialCreate, MaterialUpdate, PlanMaterials, StockAdjustment } from './materials.schema.js';

/** Reads that need nothing but the query. */
export { listMaterials } from './materials.repository.js';

export async function getMaterial(db: Db, code: string): Promise<Material> {
  const material = await repo.findMaterial(db, code);
  if (!material) throw notFound('material', code);
  return material;
}

export async function listLedger(db: Db, code: string, page: { limit: number; offset: number }): Promise<PageOf<LedgerEntry>> {
  if (!(await repo.findMaterial(db, code))) throw notFound('material', code);
  return repo.listLedger(db, code, page);
}

export async function getPlanMaterials(db: Db, planId: string): Promise<PlanMaterials> {
  const items = await repo.findPlanMaterials(db, planId);
  if (!items) throw notFound('plan', planId);
  return { planId, items };
}

export async function createMaterial(db: Db, input: MaterialCreate, actor: string): Promise<Material> {
  return db.transaction().execute(async (trx) => {
    if (await repo.findMaterial(trx, input.code)) throw new DomainError('conflict', m('material.exists', { code: input.code }), { field: 'body/code' });
    if (input.lotTracked && (input.openingStock ?? 0) > 0) {
      throw new DomainError('rule_violated', m('lot.opening_stock_tracked', { code: input.code }), { field: 'body/openingStock' });
    }
    await repo.insertMaterial(trx, input);
    const opening = input.openingStock ?? 0;
    if (opening > 0) await repo.insertLedgerEntry(trx, { materialCode: input.code, kind: 'opening', stockDelta: opening, reason: 'opening stock', actor });
    await recordEvents(
      trx,
      [{ topic: 'materials', entityType: 'material', entityId: input.code, change: 'created', payload: { name: input.name, openingStock: opening } }],
      actor,
    );
    return (await repo.findMaterial(trx, input.code))!;
  });
}

export async function updateMaterial(db: Db, code: string, input: MaterialUpdate, actor: string): Promise<Material> {
  return db.transaction().execute(async (trx) => {
    if (input.lotTracked !== undefined) {
      const material = await repo.lockMaterial(trx, code);
      if (!material) throw notFound('material', code);
      const { outside, inLots } = await repo.stockOutsideLots(trx, code);
      if (input.lotTracked && !material.lotTracked && outside !== 0) {
        throw new DomainError('conflict', m('lot.track_stock_outside', { code, outside, unit: material.unit }), { field: 'body/lotTracked' });
      }
      if (!input.lotTracked && material.lotTracked && inLots !== 0) {
        throw new DomainError('conflict', m('lot.untrack_stock_in_lots', { code, inLots, unit: material.unit }), { field: 'body/lotTracked' });
      }
    }
    if (!(await repo.updateMaterial(trx, code, input))) throw notFound('material', code);
    await recordEvents(trx, [{ topic: 'materials', entityType: 'material', entityId: code, change: 'updated', payload: { ...input } }], actor);
    return (await repo.findMaterial(trx, code))!;
  });
}

/** Archives a material no unfinished plan uses and nothing reserves; archiving twice changes nothing. */
export async function archiveMaterial(db: Db, code: string, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const material = await repo.lockMaterial(trx, code);
    if (!material) throw notFound('material', code);
    if (material.archivedAt) return;
    const plans = await unfinishedPlansReferencing(trx, { materialCode: code });
    if (plans.length > 0) {
      throw new DomainError('conflict', m('material.used_by_plans', { code, plans: plans.join(', ') }), { dependents: plans });
    }
    if (material.reserved > 0) {
      throw new DomainError('conflict', m('material.has_reserved', { code, reserved: material.reserved, unit: material.unit }), {
        reserved: material.reserved,
      });
    }
    await repo.archiveMaterial(trx, code);
    await recordEvents(trx, [{ topic: 'materials', entityType: 'material', entityId: code, change: 'archived' }], actor);
  });
}

/**
 * Posts a receipt or an adjustment as a ledger row. The material row is locked
 * first, so concurrent adjustments queue and none takes the stock below zero;
 * the table's check constraint is the last guard.
 */
export async function adjustStock(db: Db, code: string, input: StockAdjustment, actor: string): Promise<AdjustmentResult> {
  const kind = input.kind ?? 'adjustment';
  if (kind === 'receipt' && input.quantity < 0) {
    throw new DomainError('rule_violated', m('material.receipt_positive'), {
      field: 'body/quantity',
    });
  }
  return db.transaction().execute(async (trx) => {
    const material = await repo.lockMaterial(trx, code, input.quantity);
    if (!material) throw notFound('material', code);
    if (material.archivedAt) throw new DomainError('conflict', m('material.archived', { code }));
    if (material.lotTracked !== (input.lotCode !== undefined)) {
      throw new DomainError('rule_violated', m(material.lotTracked ? 'lot.adjustment_needs_lot' : 'lot.material_not_tracked', { code }), {
        field: 'body/lotCode',
      });
    }
    if (input.lotCode !== undefined) {
      const lot = await repo.lockLotOf(trx, code, input.lotCode);
      if (!lot) throw new DomainError('rule_violated', m('lot.not_of_material', { lotCode: input.lotCode, code }), { field: 'body/lotCode' });
      if (lot.onHand + input.quantity < -1e-9) {
        throw new DomainError('conflict', m('lot.more_than_on_hand', { lotCode: input.lotCode, quantity: -input.quantity, onHand: lot.onHand }), {
          field: 'body/quantity',
        });
      }
    }
    if (material.wouldGoNegative) {
      const required = -input.quantity;
      throw new DomainError('conflict', m('material.adjustment_short', { code, required, stock: material.stock, unit: material.unit }), {
        field: 'body/quantity',
        materialCode: code,
        required,
        available: material.stock,
      });
    }
    const id = await repo.insertLedgerEntry(trx, {
      materialCode: code,
      kind,
      stockDelta: input.quantity,
      reason: input.reason,
      actor,
      lotCode: input.lotCode ?? null,
    });
    const updated = (await repo.findMaterial(trx, code))!;
    await recordEvents(
      trx,
      [
        {
          topic: 'materials',
          entityType: 'material',
          entityId: code,
          change: 'adjusted',
          payload: { entryId: id, kind, quantity: input.quantity, stock: updated.stock },
        },
      ],
      actor,
    );
    return { entry: (await repo.findLedgerEntry(trx, id))!, material: updated };
  });
}

/**
 * Maintenance blocks of a substation: add (refused over a running or paused
 * step; the not-started bookings it overlaps are moved out of it in the same
 * transaction), list, delete.
 */
import type { Db, Trx } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import { formatLocal } from '../../scheduler/index.js';
import { DomainError, m, notFound } from '../../shared/errors.js';
import { recordEvents } from '../realtime/index.js';
import * as repo from './blocks.repository.js';
import type { SubstationBlock, SubstationBlockCreate, SubstationBlockCreated, SubstationBlockQuery } from './blocks.schema.js';
import { findSubstation } from './stations.repository.js';

export interface BlockOptions {
  actor: string;
  now: Date;
  utcOffsetMinutes: number;
  budgetMs: number;
}

/**
 * Moves the not-started bookings of these plans out of a new block, inside the
 * caller's transaction, with its events; returns how many moved. Given by the
 * composition root (src/app.ts): today the floor's reschedule of those plans.
 */
export type BlockRepair = (trx: Trx, planIds: string[], opts: BlockOptions) => Promise<number>;

async function existingSubstation(db: Db, substationId: string) {
  const substation = await findSubstation(db, substationId);
  if (!substation || substation.archivedAt) throw notFound('substation', substationId);
  return substation;
}

export async function listSubstationBlocks(db: Db, substationId: string, query: SubstationBlockQuery): Promise<SubstationBlock[]> {
  await existingSubstation(db, substationId);
  return repo.listBlocks(db, substationId, {
    ...(query.from ? { from: new Date(query.from) } : {}),
    ...(query.to ? { to: new Date(query.to) } : {}),
  });
}

export async function createSubstationBlock(
  db: Db,
  substationId: string,
  input: SubstationBlockCreate,
  opts: BlockOptions & { repair: BlockRepair },
): Promise<SubstationBlockCreated> {
  const start = new Date(input.start);
  const end = new Date(input.end);
  const at = (d: Date) => formatLocal(d.getTime(), opts.utcOffsetMinutes, true);
  if (!(end.getTime() > start.getTime())) {
    throw new DomainError('rule_violated', m('block.end_not_after_start', { start: at(start), end: at(end) }), { field: 'body/end' });
  }
  return db.transaction().execute(async (trx) => {
    // nothing books this substation meanwhile (release, move, reschedule take the same lock)
    await lockScheduling(trx);
    const substation = await existingSubstation(trx, substationId);
    const refuse = (b: { id: string; status: string }) => {
      const running = b.status === 'in_progress' || b.status === 'paused';
      const msg = running ? m('block.over_running', { substationId, assignmentId: b.id, status: b.status }) : m('block.over_kept', { assignmentId: b.id });
      return new DomainError('conflict', msg, { field: 'body/start', conflictingAssignmentId: b.id });
    };
    const under = await repo.bookingsUnder(trx, substationId, start, end, opts.now);
    const running = under.find((b) => b.status === 'in_progress' || b.status === 'paused');
    if (running) throw refuse(running);
    const block = await repo.insertBlock(trx, { substationId, start, end, reason: input.reason, createdBy: opts.actor });
    // the repair locks the plans (the scheduling lock comes first, so their locks cannot be taken here before it)
    const moved = under.length > 0 ? await opts.repair(trx, [...new Set(under.map((b) => b.planId))].sort(), opts) : 0;
    // checked again with the plans locked: a step started meanwhile, or what the reschedule keeps (a future pin, the
    // steps before one), may still cross the block; then the transaction rolls back and nothing is written
    const kept = await repo.bookingsUnder(trx, substationId, start, end, opts.now);
    if (kept.length > 0) throw refuse(kept[0]!);
    await recordEvents(
      trx,
      [
        {
          topic: 'stations',
          entityType: 'substation',
          entityId: substationId,
          stationId: substation.stationId,
          change: 'blocked',
          payload: { blockId: block.id, start: block.start, end: block.end, reason: block.reason, moved },
        },
      ],
      opts.actor,
    );
    return { ...block, moved };
  });
}

export async function deleteSubstationBlock(db: Db, substationId: string, blockId: string, actor: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const substation = await existingSubstation(trx, substationId);
    if (!(await repo.deleteBlock(trx, substationId, blockId))) throw notFound('block', blockId);
    await recordEvents(
      trx,
      [{ topic: 'stations', entityType: 'substation', entityId: substationId, stationId: substation.stationId, change: 'unblocked', payload: { blockId } }],
      actor,
    );
  });
}

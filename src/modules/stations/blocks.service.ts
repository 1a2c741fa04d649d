/**
 * Maintenance blocks of a substation: add (refused over a running, paused or
 * pinned step; the not-started bookings it overlaps are moved out of it by the
 * living schedule's repair, in the same transaction), list, delete.
 */
import type { Db, Trx } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import { formatLocal } from '../../scheduler/index.js';
import { DomainError, m, notFound } from '../../shared/errors.js';
import { recordEvents } from '../realtime/index.js';
import { repairBookings } from '../scheduling/index.js';
import * as repo from './blocks.repository.js';
import type { SubstationBlock, SubstationBlockCreate, SubstationBlockCreated, SubstationBlockQuery } from './blocks.schema.js';
import { findSubstation } from './stations.repository.js';

export interface BlockOptions {
  actor: string;
  now: Date;
  utcOffsetMinutes: number;
}

async function existingSubstation(db: Db | Trx, substationId: string) {
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

export async function createSubstationBlock(db: Db, substationId: string, input: SubstationBlockCreate, opts: BlockOptions): Promise<SubstationBlockCreated> {
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
    const refuse = (b: { id: string; status: string; pinned: boolean }) => {
      const running = b.status === 'in_progress' || b.status === 'paused';
      const msg = running
        ? m('block.over_running', { substationId, assignmentId: b.id, status: b.status })
        : b.pinned
          ? m('block.over_pinned', { assignmentId: b.id })
          : m('block.no_room', { assignmentId: b.id });
      return new DomainError('conflict', msg, { field: 'body/start', conflictingAssignmentId: b.id });
    };
    // a started step holds the machine, and a pinned one is the planner's word: the repair moves neither
    const under = await repo.bookingsUnder(trx, substationId, start, end, opts.now);
    const held = under.find((b) => b.status === 'in_progress' || b.status === 'paused') ?? under.find((b) => b.pinned);
    if (held) throw refuse(held);
    const block = await repo.insertBlock(trx, { substationId, start, end, reason: input.reason, createdBy: opts.actor });
    // the living schedule's repair (the one that follows start and finish): what the block overlaps moves right as
    // little as needed, and what that pushes follows, on every resource and plan it reaches; started and pinned
    // bookings stay; the worker whose task moved is told
    const repair =
      under.length > 0
        ? await repairBookings(trx, {
            now: opts.now,
            utcOffsetMinutes: opts.utcOffsetMinutes,
            actor: opts.actor,
            cause: 'block',
            substationIds: [substationId],
          })
        : undefined;
    const moved = repair?.moved.length ?? 0;
    // checked again after the repair: a booking with no room left within the calendars' horizon stays where it was,
    // and then the transaction rolls back and nothing is written
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
        ...(repair?.events ?? []),
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

/**
 * The lock order, as code. Every write path that takes more than one kind of
 * lock takes them in this order, so no two transactions wait for each other
 * in a circle (a deadlock PostgreSQL would break by failing one of them):
 *
 *   idempotency key (advisory) → scheduling (advisory) → plan → assignment →
 *   problem → worker → shift calendar → station → substation → materials →
 *   lots (in code order, after their materials: a completion locks the
 *   materials it consumes, then the candidate lots, so FIFO reads balances
 *   no other completion is changing)
 *
 * Each repository function that locks rows calls `take(trx, kind)` first. A
 * transaction that then asks for a kind ranked before one it already holds is
 * a programming error: it throws at once, in every test that runs the path,
 * instead of deadlocking now and then in production. Locks of the same kind
 * may be taken again (several materials, another assignment of the plan).
 */
import { sql } from 'kysely';
import type { Trx } from './database.js';

export const lockOrder = [
  'idempotency-key',
  'scheduling',
  'plan',
  'assignment',
  'problem',
  'worker',
  'shift-calendar',
  'station',
  'substation',
  'material',
  'lot',
] as const;
export type LockKind = (typeof lockOrder)[number];

const rank = new Map<LockKind, number>(lockOrder.map((kind, i) => [kind, i]));
/** The highest-ranked lock each open transaction holds (a transaction object lives as long as its transaction). */
const held = new WeakMap<Trx, LockKind>();

export class LockOrderError extends Error {
  override name = 'LockOrderError';
}

/** Records that `trx` is about to lock rows of `kind`; throws if that breaks the lock order. */
export function take(trx: Trx, kind: LockKind): void {
  const top = held.get(trx);
  if (top !== undefined && rank.get(kind)! < rank.get(top)!) {
    throw new LockOrderError(`lock order broken: a ${kind} lock was asked for after a ${top} lock (order: ${lockOrder.join(' → ')})`);
  }
  if (top === undefined || rank.get(kind)! > rank.get(top)!) held.set(trx, kind);
}

/**
 * Serializes everything that books workers and substations (release, resume,
 * reschedule, a planner's move), so two of them never plan into the same gap.
 * Taken first, before any row lock.
 */
export async function lockScheduling(trx: Trx): Promise<void> {
  take(trx, 'scheduling');
  await sql`select pg_advisory_xact_lock(hashtext('burkol-mes:scheduling'))`.execute(trx);
}

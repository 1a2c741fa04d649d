/**
 * Where an assignment's checks stand, and the two guards the floor actions
 * call: start waits for the required-at-start items (recorded and ok),
 * completion for the required-at-completion ones (recorded), and failed
 * samples keep the affected parts out of the good quantity unless an
 * approved use-as-is record accepts them.
 */
import type { Db, Trx } from '../../db/database.js';
import { DomainError, m } from '../../shared/errors.js';
import * as repo from './inspection.repository.js';
import { acceptedAsIs } from './nonconformance.repository.js';
import { affectedQuantity, completionBlockers, type ItemState, itemStates, maxGoodQuantity, startBlockers } from './quality.rules.js';
import type { AssignmentInspection, InspectionItem, InspectionResult } from './quality.schema.js';

export interface InspectionState extends AssignmentInspection {
  states: ItemState[];
}

/** The checks of an assignment's step, its current results and what they allow. */
export async function inspectionStateOf(
  db: Db,
  step: { id: string; operationId: string; nodeQuantity: number },
  items?: InspectionItem[],
  results?: InspectionResult[],
): Promise<InspectionState> {
  const plan = items ?? (await repo.inspectionPlanOf(db, step.operationId));
  const current = results ?? (await repo.resultsOf(db, [step.id]));
  const states = itemStates(plan, current);
  const affected = affectedQuantity(states);
  const accepted = affected > 0 ? await acceptedAsIs(db, step.id) : 0;
  return {
    assignmentId: step.id,
    operationId: step.operationId,
    items: states.map((s) => ({
      item: plan.find((i) => i.id === s.item.id)!,
      results: current.filter((r) => r.itemId === s.item.id),
      missingSamples: s.missingSamples,
      failedSamples: s.failedSamples,
    })),
    startReady: startBlockers(states).length === 0,
    completionReady: completionBlockers(states).length === 0,
    affectedQuantity: affected,
    acceptedAsIs: accepted,
    maxGoodQuantity: maxGoodQuantity(Number(step.nodeQuantity), affected, accepted),
    states,
  };
}

const blockerList = (blockers: ItemState[]) =>
  blockers.map((b) => ({ itemId: b.item.id, label: b.item.label, missingSamples: b.missingSamples, failedSamples: b.failedSamples }));

/** Called by start (inside its transaction): 409 naming the required-at-start items not recorded or not ok. */
export async function requireStartChecks(trx: Trx, assignmentId: string): Promise<void> {
  const step = await repo.assignmentStep(trx, assignmentId);
  if (!step) return;
  const state = await inspectionStateOf(trx, step);
  const blockers = startBlockers(state.states);
  if (blockers.length === 0) return;
  throw new DomainError('conflict', m('inspection.start_blocked', { assignmentId, items: blockers.map((b) => b.item.label).join(', ') }), {
    missingChecks: blockerList(blockers),
  });
}

/**
 * Called by complete (inside its transaction, before anything is written):
 * 409 while required-at-completion items lack results, or when the good
 * quantity includes parts that failed a check and are not accepted as they are.
 */
export async function requireCompletionChecks(trx: Trx, c: { assignmentId: string; goodQuantity: number }): Promise<void> {
  const step = await repo.assignmentStep(trx, c.assignmentId);
  if (!step) return;
  const state = await inspectionStateOf(trx, step);
  const blockers = completionBlockers(state.states);
  if (blockers.length > 0) {
    throw new DomainError(
      'conflict',
      m('inspection.completion_blocked', { assignmentId: c.assignmentId, items: blockers.map((b) => b.item.label).join(', ') }),
      { missingChecks: blockerList(blockers) },
    );
  }
  if (c.goodQuantity > state.maxGoodQuantity) {
    const failed = state.states.filter((s) => s.failedSamples.length > 0);
    throw new DomainError(
      'conflict',
      m('inspection.failed_blocks_good', {
        assignmentId: c.assignmentId,
        goodQuantity: c.goodQuantity,
        maxGood: state.maxGoodQuantity,
        affected: state.affectedQuantity,
        items: failed.map((s) => s.item.label).join(', '),
      }),
      { field: 'body/goodQuantity', maxGoodQuantity: state.maxGoodQuantity, affectedQuantity: state.affectedQuantity, failedChecks: blockerList(failed) },
    );
  }
}

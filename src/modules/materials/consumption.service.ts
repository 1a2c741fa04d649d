/**
 * Lots at completion: what a completing step takes from which lot, and the
 * output lot it makes. Runs inside the completion's transaction (called by
 * assignments' completeAssignment after it has locked the materials), so it
 * opens none of its own.
 *
 * - Lot-tracked inputs are drawn from the lots the operator named
 *   (`body.lots`), the rest first-in-first-out (lots.rules.ts); blocked lots
 *   are never drawn. A named lot that is unknown, blocked, of another material
 *   or holds less than named refuses the completion (4xx naming
 *   body/lots/i/…), and the caller's savepoint rolls everything back.
 * - A step whose output material is lot-tracked makes an output lot (its
 *   production ledger row brings the quantity) whose parents are the lots it
 *   consumed and the lots consumed upstream through untracked intermediate
 *   outputs; plan, step, worker, substation and time are recorded on it.
 */
import type { Trx } from '../../db/database.js';
import { DomainError, summaryOf } from '../../shared/errors.js';
import * as repo from './lots.repository.js';
import { type ChosenLot, drawLots, type LotDraw } from './lots.rules.js';

export interface CompletionConsumption {
  materialCode: string;
  quantity: number;
  fromStock: boolean;
  /** the lots it is drawn from (lot-tracked materials) */
  lots?: LotDraw[];
}

export interface CompletionLots {
  consumption: CompletionConsumption[];
  production: { materialCode: string; quantity: number; lotCode?: string } | null;
  /** the output lot made, if any */
  outputLot: string | null;
}

export async function takeCompletionLots(
  trx: Trx,
  c: {
    planId: string;
    nodeDbId: number;
    nodeId: string;
    assignmentId: string;
    workerId: string;
    substationId: string;
    actor: string;
    now: Date;
    inputs: readonly { materialCode: string; fromNodeId: string | null }[];
    consumption: readonly { materialCode: string; quantity: number; fromStock: boolean }[];
    production: { materialCode: string; quantity: number } | null;
    chosen: readonly ChosenLot[] | undefined;
  },
): Promise<CompletionLots> {
  const chosen = c.chosen ?? [];
  const codes = [...new Set([...c.consumption.map((x) => x.materialCode), ...(c.production ? [c.production.materialCode] : [])])];
  const tracked = await repo.lotTrackedAmong(trx, codes);
  if (tracked.size === 0 && chosen.length === 0) {
    return { consumption: [...c.consumption], production: c.production, outputLot: null };
  }
  const needs = c.consumption.filter((x) => tracked.has(x.materialCode) && x.quantity > 0).map((x) => ({ materialCode: x.materialCode, quantity: x.quantity }));
  const fromNodeIds = c.inputs.filter((i) => i.fromNodeId !== null && tracked.has(i.materialCode)).map((i) => i.fromNodeId!);
  const candidates = await repo.lockCandidateLots(
    trx,
    needs.map((n) => n.materialCode),
    chosen.map((x) => x.lotCode),
    c.planId,
    fromNodeIds,
  );
  const { draws, problems } = drawLots(needs, chosen, new Map(candidates.map((l) => [l.code, l])));
  if (problems.length > 0) {
    const first = problems[0]!;
    throw new DomainError(first.kind, summaryOf(problems), {
      ...(first.field ? { field: first.field } : {}),
      errors: problems.map(({ kind: _k, ...p }) => p),
    });
  }
  const consumption = c.consumption.map((x) => (draws.has(x.materialCode) ? { ...x, lots: draws.get(x.materialCode)! } : { ...x }));

  let outputLot: string | null = null;
  let production: CompletionLots['production'] = c.production;
  if (c.production && c.production.quantity > 0 && tracked.has(c.production.materialCode)) {
    outputLot = await repo.insertLot(trx, {
      materialCode: c.production.materialCode,
      receivedAt: c.now,
      origin: 'output',
      planId: c.planId,
      nodeId: c.nodeId,
      assignmentId: c.assignmentId,
      workerId: c.workerId,
      substationId: c.substationId,
      createdBy: c.actor,
    });
    production = { ...c.production, lotCode: outputLot };
    const parents = [...[...draws.values()].flat(), ...(await repo.lotsConsumedThroughUntrackedInputs(trx, c.planId, c.nodeDbId))];
    await repo.insertLotParents(trx, outputLot, parents);
  }
  return { consumption, production, outputLot };
}

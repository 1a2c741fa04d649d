/**
 * Yield carried forward (issue #15, item 3): expected quantities follow what
 * the feeders delivered, reservations and not-started bookings follow the
 * expected quantities, and the planner sees the shortfall and decides
 * (accept short, or a remake step: extra-steps.service.ts).
 *
 * `applyExpectedQuantities` runs inside a caller's transaction that holds the
 * plan's lock (a completion, a remake): it recomputes the whole plan's
 * expected quantities (yield.rules.ts), writes the ones that changed, moves
 * reservations of not-started steps to their new targets through ledger rows
 * and, when asked, resizes their bookings in shift time.
 */
import type { Db, Trx } from '../../db/database.js';
import { durationMinutes } from '../../scheduler/index.js';
import { DomainError, m, notFound } from '../../shared/errors.js';
import { heldReservations, insertReservationChanges, lockMaterials, type Shortage, shortagesOf } from '../materials/index.js';
import {
  findPlanShortagePolicy,
  loadYieldGraph,
  lockPlanForYield,
  markShortAccepted,
  setExpectedQuantities,
  type YieldGraphNode,
  yieldRules,
} from '../plans/index.js';
import { type OutboxEvent, recordEvents } from '../realtime/index.js';
import { resizeBookings } from '../scheduling/index.js';
import type { ShortfallView } from './yield.schema.js';

const { computeExpected, expectedOf, familyOf, missingQuantity, reservationTarget, round3, storedExpected, workQuantity } = yieldRules;

/** not started: booked and waiting, or just added and not booked yet (a remake before its scheduling) */
const notStarted = (n: YieldGraphNode) => n.assignment === null || n.assignment.status === 'pending' || n.assignment.status === 'ready';

export interface ApplyOptions {
  actor: string;
  utcOffsetMinutes: number;
  /** the plan's allow_shortage: more may be reserved than is available */
  allowShortage: boolean;
  /** a reservation that cannot be covered: refuse (409 naming the material, a remake) or reserve what is available (a completion, which must not fail for it) */
  onShort: 'refuse' | 'partial';
  /** resize the not-started bookings of the steps whose expected quantity changed (a remake reschedules them instead) */
  resize: boolean;
  reason: string;
}

export interface ApplyOutcome {
  events: OutboxEvent[];
  /** nodes whose expected quantity changed, by node id */
  changed: { nodeId: string; from: number; to: number }[];
  /** bookings that would have to grow but are blocked (left for the schedule's repair) */
  blocked: string[];
  /** reservations left short (the plan allows shortage, or a completion reserved what there was) */
  shortages: Shortage[];
}

export async function applyExpectedQuantities(trx: Trx, planId: string, opts: ApplyOptions): Promise<ApplyOutcome> {
  const graph = await loadYieldGraph(trx, planId);
  const expected = computeExpected(graph);
  const changedNodes = graph.filter((n) => {
    const next = storedExpected(n.quantity, expected.get(n.id)!);
    return next === null ? n.expected !== null : n.expected === null || Math.abs(n.expected - next) >= 5e-4;
  });
  await setExpectedQuantities(
    trx,
    planId,
    changedNodes.map((n) => ({ id: n.id, expected: storedExpected(n.quantity, expected.get(n.id)!) })),
  );
  const events: OutboxEvent[] = changedNodes.map((n) => ({
    topic: 'plans',
    entityType: 'plan_node',
    entityId: `${planId}/${n.nodeId}`,
    change: 'expected_quantity_changed',
    planId,
    payload: { nodeId: n.nodeId, quantity: n.quantity, expectedQuantity: expected.get(n.id)!, from: expectedOf(n) },
  }));

  // reservations of not-started steps follow their expected quantity (stock inputs only: the others come from a feeder)
  const open = graph.filter(notStarted);
  const held = new Map(
    (
      await heldReservations(
        trx,
        planId,
        open.map((n) => n.id),
      )
    ).map((h) => [`${h.nodeId}:${h.materialCode}`, h.held]),
  );
  const deltas = open.flatMap((n) =>
    n.inputs
      .filter((i) => i.fromNodeId === null)
      .map((i) => {
        const target = reservationTarget(i.requiredQuantity, n.quantity, expected.get(n.id)!);
        return { nodeId: n.id, materialCode: i.materialCode, delta: round3(target - (held.get(`${n.id}:${i.materialCode}`) ?? 0)) };
      })
      .filter((d) => d.delta !== 0),
  );
  let shortages: Shortage[] = [];
  if (deltas.length > 0) {
    const stock = await lockMaterials(trx, [...new Set(deltas.map((d) => d.materialCode))].sort());
    // releases first: what one step gives back another may take
    const free = new Map([...stock].map(([code, s]) => [code, round3(Number(s.stock) - Number(s.reserved))]));
    for (const d of deltas) if (d.delta < 0) free.set(d.materialCode, round3(free.get(d.materialCode)! - d.delta));
    const more = deltas.filter((d) => d.delta > 0);
    shortages = shortagesOf(
      more.map((d) => ({ nodeId: d.nodeId, materialCode: d.materialCode, quantity: d.delta })),
      new Map([...free].map(([code, available]) => [code, { stock: available, reserved: 0 }])),
    );
    if (shortages.length > 0 && !opts.allowShortage) {
      if (opts.onShort === 'refuse') {
        throw new DomainError(
          'conflict',
          m('yield.reserve_short', {
            planId,
            shortages: shortages.map((s) => m('plan.shortage', { materialCode: s.materialCode, required: s.required, available: s.available })),
          }),
          { shortages },
        );
      }
      // a completion reserves what is there and leaves the rest short
      for (const d of more) {
        const available = Math.max(0, free.get(d.materialCode)!);
        const take = round3(Math.min(d.delta, available));
        free.set(d.materialCode, round3(available - take));
        d.delta = take;
      }
    }
    const written = await insertReservationChanges(trx, planId, deltas, opts.reason, opts.actor);
    for (const code of new Set(written.map((w) => w.materialCode))) {
      const net = round3(written.filter((w) => w.materialCode === code).reduce((s, w) => s + w.reservedDelta, 0));
      events.push({
        topic: 'materials',
        entityType: 'material',
        entityId: code,
        change: net >= 0 ? 'reserved' : 'reservation_released',
        planId,
        payload: { reservedDelta: net },
      });
    }
  }

  const blocked: string[] = [];
  if (opts.resize) {
    const items = changedNodes
      .filter((n) => n.assignment !== null && notStarted(n) && expected.get(n.id)! > 0)
      .map((n) => {
        const a = n.assignment!;
        return {
          assignmentId: a.id,
          nodeDbId: n.id,
          workerId: a.workerId,
          substationId: a.substationId,
          plannedStart: new Date(a.plannedStart),
          plannedEnd: new Date(a.plannedEnd),
          workMinutes: a.workMinutes,
          newWorkMinutes: durationMinutes(a.timePerUnit, workQuantity({ quantity: n.quantity, expectedQuantity: expected.get(n.id)! }), n.efficiency),
        };
      });
    const { resized, blocked: stuck } = await resizeBookings(trx, items, opts.utcOffsetMinutes);
    blocked.push(...stuck.map((b) => b.assignmentId));
    const byId = new Map(open.filter((n) => n.assignment !== null).map((n) => [n.assignment!.id, n]));
    for (const r of resized) {
      const n = byId.get(r.assignmentId)!;
      events.push({
        topic: 'assignments',
        entityType: 'assignment',
        entityId: r.assignmentId,
        change: 'resized',
        planId,
        workerId: n.assignment!.workerId,
        stationId: n.assignment!.stationId,
        payload: {
          nodeId: n.nodeId,
          status: n.assignment!.status,
          plannedStart: new Date(r.start).toISOString(),
          plannedEnd: new Date(r.end).toISOString(),
          workMinutes: r.workMinutes,
          from: { plannedEnd: new Date(r.from.end).toISOString(), workMinutes: r.from.workMinutes },
          expectedQuantity: expected.get(n.id)!,
        },
      });
    }
    for (const workerId of new Set(resized.map((r) => byId.get(r.assignmentId)!.assignment!.workerId))) {
      events.push({ topic: 'workers', entityType: 'worker', entityId: workerId, change: 'schedule_changed', workerId, planId, payload: { planId } });
    }
  }
  return {
    events,
    changed: changedNodes.map((n) => ({ nodeId: n.nodeId, from: expectedOf(n), to: expected.get(n.id)! })),
    blocked,
    shortages,
  };
}

/**
 * Called by a completion, in its transaction, after its ledger rows: the consumers of the completed step
 * get their expected quantity from what it delivered (cascading downstream), their reservations and
 * not-started bookings follow. Returns the events for the completion's batch.
 */
export async function carryYieldForward(
  trx: Trx,
  c: { planId: string; actor: string; utcOffsetMinutes: number; allowShortage?: boolean },
): Promise<OutboxEvent[]> {
  // the completion holds the plan's lock already: read, do not lock again (lock order)
  const allowShortage = c.allowShortage ?? (await findPlanShortagePolicy(trx, c.planId))?.allowShortage ?? false;
  const outcome = await applyExpectedQuantities(trx, c.planId, {
    actor: c.actor,
    utcOffsetMinutes: c.utcOffsetMinutes,
    allowShortage,
    onShort: 'partial',
    resize: true,
    reason: 'expected quantity changed',
  });
  return outcome.events;
}

// ---- the planner's view and decision -------------------------------------------------

export function shortfallOf(planId: string, graph: YieldGraphNode[]): ShortfallView {
  const byId = new Map(graph.map((n) => [n.id, n]));
  const steps = graph.map((n) => ({
    nodeId: n.nodeId,
    name: n.name,
    kind: n.extraKind ?? ('step' as const),
    extraOf: n.extraOf !== null ? (byId.get(n.extraOf)?.nodeId ?? null) : null,
    status: (n.assignment?.status ?? null) as ShortfallView['steps'][number]['status'],
    planned: n.quantity,
    expected: expectedOf(n),
    completedGood: n.completedGood,
    scrap: n.completedGood !== null ? (n.assignment?.scrapQuantity ?? 0) : null,
    missing: n.extraOf === null ? missingQuantity(graph, n.id) : 0,
    shortAccepted: n.shortAcceptedAt ? { at: new Date(n.shortAcceptedAt).toISOString(), by: n.shortAcceptedBy ?? '' } : null,
    extras: graph.filter((x) => x.extraOf === n.id).map((x) => x.nodeId),
  }));
  const outputs = new Map<string, { planned: number; expected: number; completed: number }>();
  for (const n of graph) {
    if (!n.output || n.quantity <= 0) continue;
    const o = outputs.get(n.output.materialCode) ?? { planned: 0, expected: 0, completed: 0 };
    const perUnit = n.output.quantity / n.quantity;
    if (n.extraOf === null) o.planned += n.output.quantity;
    o.expected += perUnit * (n.completedGood ?? expectedOf(n));
    o.completed += perUnit * (n.completedGood ?? 0);
    outputs.set(n.output.materialCode, o);
  }
  return {
    planId,
    steps,
    outputs: [...outputs]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([materialCode, o]) => ({ materialCode, planned: round3(o.planned), expected: round3(o.expected), completed: round3(o.completed) })),
  };
}

export async function getShortfall(db: Db, planId: string): Promise<ShortfallView> {
  if (!(await findPlanShortagePolicy(db, planId))) throw notFound('plan', planId);
  return shortfallOf(planId, await loadYieldGraph(db, planId));
}

/** Locks the plan and checks it is released or in production (409 otherwise); returns it. */
export async function lockWorkingPlan(trx: Trx, planId: string) {
  const plan = await lockPlanForYield(trx, planId);
  if (!plan) throw notFound('plan', planId);
  if (plan.status !== 'released' && plan.status !== 'in_production') {
    throw new DomainError('invalid_transition', m('yield.plan_not_working', { planId, status: plan.status }), { currentStatus: plan.status });
  }
  return plan;
}

/** The node of the plan, completed (409 otherwise: there is nothing short yet). */
export function completedNode(graph: YieldGraphNode[], planId: string, nodeId: string): YieldGraphNode {
  const node = graph.find((n) => n.nodeId === nodeId);
  if (!node) throw new DomainError('not_found', m('yield.node_not_found', { planId, nodeId }), { field: 'params/nodeId' });
  if (node.completedGood === null) {
    throw new DomainError('conflict', m('yield.not_completed', { nodeId, status: node.assignment?.status ?? 'none' }), {
      currentStatus: node.assignment?.status ?? null,
    });
  }
  return node;
}

/**
 * "Accept short": the planner records that the step's family delivers less than it was expected to and
 * nothing will be remade; downstream keeps the lower expected quantity. 409 when nothing is short.
 */
export async function acceptShort(db: Db, planId: string, nodeId: string, opts: { actor: string; now: Date }): Promise<ShortfallView> {
  return db.transaction().execute(async (trx) => {
    await lockWorkingPlan(trx, planId);
    const graph = await loadYieldGraph(trx, planId);
    const node = completedNode(graph, planId, nodeId);
    const root = byFamily(graph, node);
    const missing = missingQuantity(graph, root.id);
    if (missing <= 0) throw new DomainError('conflict', m('yield.nothing_short', { nodeId: root.nodeId }), {});
    await markShortAccepted(trx, root.id, opts.actor, opts.now);
    await recordEvents(
      trx,
      [
        {
          topic: 'plans',
          entityType: 'plan_node',
          entityId: `${planId}/${root.nodeId}`,
          change: 'short_accepted',
          planId,
          payload: { nodeId: root.nodeId, missing, expectedQuantity: expectedOf(root) },
        },
      ],
      opts.actor,
    );
    return shortfallOf(planId, await loadYieldGraph(trx, planId));
  });
}

/** The original step of a node's family. */
export function byFamily(graph: YieldGraphNode[], node: YieldGraphNode): YieldGraphNode {
  return graph.find((n) => n.id === familyOf(node)) ?? node;
}

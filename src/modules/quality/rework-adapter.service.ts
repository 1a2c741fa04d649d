/**
 * TEMPORARY ADAPTER (issue #17): "add a step to a released plan and schedule
 * it now", with the signature the plans module will offer
 * (`addStepToReleasedPlan`, branch `yield`). Until that lands this copies the
 * step and books it with the existing scheduleNodes: the plan's other open
 * work keeps its bookings (passed as fixed busy time, so nothing else moves),
 * and the new step is placed after the step it copies. When `yield` is merged,
 * import addStepToReleasedPlan from '../plans/index.js' in
 * nonconformance.service.ts and delete both rework-adapter files.
 */
import type { Trx } from '../../db/database.js';
import { type OutboxEvent, recordEvents } from '../realtime/index.js';
import { insertAssignments, listPlanAssignments } from '../assignments/index.js';
import { findPlanDetail } from '../plans/index.js';
import { type FixedNode, scheduleNodes } from '../scheduling/index.js';
import { insertReworkNode, planNodeDbIds } from './rework-adapter.repository.js';

export interface AddStep {
  planId: string;
  /** the plan's node id (e.g. N3) of the step copied */
  copyOfNodeId: string;
  quantity: number;
  kind: 'remake' | 'rework';
  actor: string;
  now: Date;
}

export interface SchedulingSettings {
  utcOffsetMinutes: number;
  budgetMs: number;
}

/**
 * Adds the step and books it. The caller holds the scheduling lock and the
 * plan lock (src/db/locks.ts); the plan's assignments are locked here.
 */
export async function addStepToReleasedPlan(
  trx: Trx,
  step: AddStep,
  settings: SchedulingSettings,
): Promise<{ nodeDbId: number; nodeId: string; assignmentId: string }> {
  const before = await planNodeDbIds(trx, step.planId);
  const node = await insertReworkNode(trx, { planId: step.planId, copyOfNodeDbId: before.get(step.copyOfNodeId)!, quantity: step.quantity, kind: step.kind });
  const dbIds = await planNodeDbIds(trx, step.planId);
  const nodeIdOf = new Map([...dbIds].map(([nodeId, id]) => [id, nodeId]));
  const plan = (await findPlanDetail(trx, step.planId))!;
  const current = await listPlanAssignments(trx, step.planId, ['pending', 'ready', 'in_progress', 'paused', 'completed']);
  const fixed = new Map<string, FixedNode>();
  const completed = new Set<string>();
  const now = step.now.getTime();
  for (const a of current) {
    const nodeId = nodeIdOf.get(a.nodeId)!;
    if (a.status === 'completed') {
      completed.add(nodeId);
      fixed.set(nodeId, { end: (a.actualEnd ?? a.plannedEnd).getTime() });
    } else {
      // every other open booking of the plan stays where it is and is busy time for the new step
      const end = Math.max(a.plannedEnd.getTime(), now);
      fixed.set(nodeId, {
        end,
        busy: { workerId: a.workerId, substationId: a.substationId, start: a.plannedStart.getTime(), end: a.plannedEnd.getTime(), label: a.id },
      });
    }
  }
  const { rows } = await scheduleNodes(trx, {
    plan,
    nodes: new Set([node.nodeId]),
    fixed,
    completed,
    dbIds,
    now: step.now,
    utcOffsetMinutes: settings.utcOffsetMinutes,
    budgetMs: settings.budgetMs,
  });
  const [assignmentId] = await insertAssignments(trx, step.planId, rows);
  const row = rows[0]!;
  const events: OutboxEvent[] = [
    {
      topic: 'assignments',
      entityType: 'assignment',
      entityId: assignmentId!,
      change: 'created',
      planId: step.planId,
      workerId: row.workerId,
      stationId: row.stationId,
      payload: {
        status: row.status,
        nodeId: node.nodeId,
        substationId: row.substationId,
        plannedStart: new Date(row.start).toISOString(),
        plannedEnd: new Date(row.end).toISOString(),
        kind: step.kind,
        copyOf: step.copyOfNodeId,
      },
    },
    {
      topic: 'workers',
      entityType: 'worker',
      entityId: row.workerId,
      change: 'schedule_changed',
      workerId: row.workerId,
      planId: step.planId,
      payload: { planId: step.planId },
    },
  ];
  await recordEvents(trx, events, step.actor);
  return { ...node, assignmentId: assignmentId! };
}

/**
 * A planner moves one not-yet-started assignment to another worker, station,
 * substation or start time. The move is validated like the scheduler would
 * (qualified, allowed, candidate station, a usable substation of it, not in the
 * past, inside the worker's shift, after the predecessors and before the
 * successors, no overlap) and pins the assignment: reschedules keep its
 * worker, station and substation, and do not start it earlier than set here.
 */
import type { Db } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import { addWorkingMinutes, durationMinutes, formatLocal, isOnShift } from '../../scheduler/index.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { recordAlerts } from '../alerts/index.js';
import { findAssignmentOwner, moveAssignment } from '../assignments/index.js';
import { lockPlan } from '../plans/index.js';
import { recordEvents } from '../realtime/index.js';
import type { MoveBody } from './scheduling.schema.js';
import { findAssignmentForPin, findFirstSuccessor, findOverlap, findSubstationForPin, findWorkerForPin } from './scheduling.repository.js';

export async function pinAssignment(db: Db, assignmentId: string, input: MoveBody, opts: { actor: string; now: Date; utcOffsetMinutes: number }) {
  return db.transaction().execute(async (trx) => {
    await lockScheduling(trx);
    // the plan before its assignment, like every other write path (lock order; the plan's revision stamp)
    const owner = await findAssignmentOwner(trx, assignmentId);
    if (owner) await lockPlan(trx, owner.planId);
    const a = await findAssignmentForPin(trx, assignmentId);
    if (!a) throw notFound('assignment', assignmentId);
    if (a.status !== 'pending' && a.status !== 'ready') {
      throw new DomainError('invalid_transition', `assignment ${assignmentId} is ${a.status}; only work that has not started can be moved`, {
        currentStatus: a.status,
      });
    }
    if (!['released', 'in_production', 'paused'].includes(a.planStatus)) {
      throw new DomainError('invalid_transition', `plan ${a.planId} is ${a.planStatus}; its assignments cannot be moved`, { currentStatus: a.planStatus });
    }
    const rule = (field: string, message: string) => new DomainError('rule_violated', message, { field: `body/${field}` });
    const at = (ms: number) => formatLocal(ms, opts.utcOffsetMinutes, true);
    const chosenSub = input.substationId !== undefined ? await findSubstationForPin(trx, input.substationId) : undefined;
    if (input.substationId !== undefined && !chosenSub) throw rule('substationId', `substation ${input.substationId} does not exist`);
    const stationId = input.stationId ?? chosenSub?.stationId ?? a.stationId;
    const candidate = (a.candidates ?? []).find((c) => c.stationId === stationId);
    if (!candidate) throw rule('stationId', `station ${stationId} is not a candidate of node ${a.nodeId}`);
    const substationId = input.substationId ?? (stationId === a.stationId ? a.substationId : undefined);
    if (!substationId) throw rule('substationId', `choose a substation of ${stationId}`);
    const substation = chosenSub ?? (await findSubstationForPin(trx, substationId));
    if (!substation) throw rule('substationId', `substation ${substationId} does not exist`);
    if (substation.stationId !== stationId) throw rule('substationId', `substation ${substationId} does not belong to station ${stationId}`);
    if (substation.archived) throw rule('substationId', `substation ${substationId} is archived`);
    if (substation.status === 'maintenance') throw rule('substationId', `substation ${substationId} is under maintenance`);
    const workerId = input.workerId ?? a.workerId;
    const worker = await findWorkerForPin(trx, workerId);
    if (!worker) throw rule('workerId', `worker ${workerId} does not exist`);
    if (!worker.operations.has(a.operationId)) throw rule('workerId', `worker ${workerId} is not qualified for ${a.operationId}`);
    if (!worker.stations.has(stationId)) throw rule('workerId', `worker ${workerId} is not allowed at ${stationId}`);

    const start = input.plannedStart ? Date.parse(input.plannedStart) : a.plannedStart.getTime();
    if (start < opts.now.getTime()) {
      throw rule('plannedStart', `node ${a.nodeId} would start at ${at(start)}, which has passed; choose a start from ${at(opts.now.getTime())} on`);
    }
    if (a.predecessorsEnd && start < Date.parse(a.predecessorsEnd)) {
      throw rule('plannedStart', `node ${a.nodeId} cannot start before its predecessors end at ${at(Date.parse(a.predecessorsEnd))}`);
    }
    if (!isOnShift(worker.calendar, opts.utcOffsetMinutes, start)) {
      throw rule('plannedStart', `worker ${workerId} is not on shift at ${at(start)}`);
    }
    const minutes = durationMinutes(candidate.time ?? a.nominalTime, a.quantity, a.efficiency);
    const end = addWorkingMinutes(worker.calendar, opts.utcOffsetMinutes, start, minutes);
    const successor = await findFirstSuccessor(trx, a.nodeDbId);
    if (successor && end > successor.plannedStart.getTime()) {
      throw rule(
        'plannedStart',
        `node ${a.nodeId} would end at ${at(end)}, after its successor ${successor.nodeId} (${successor.id}) starts at ${at(successor.plannedStart.getTime())}; move ${successor.nodeId} first or reschedule the plan`,
      );
    }
    const clash = await findOverlap(trx, assignmentId, workerId, substationId, new Date(start), new Date(end));
    if (clash) {
      const who = clash.workerId === workerId ? `worker ${workerId}` : `substation ${substationId}`;
      throw new DomainError('conflict', `${who} is booked by ${clash.id} from ${at(clash.plannedStart.getTime())} to ${at(clash.plannedEnd.getTime())}`, {
        conflictingAssignmentId: clash.id,
      });
    }
    await moveAssignment(trx, assignmentId, { workerId, stationId, substationId, start: new Date(start), end: new Date(end), workMinutes: minutes });
    const payload = {
      nodeId: a.nodeId,
      workerId,
      stationId,
      substationId,
      plannedStart: new Date(start).toISOString(),
      plannedEnd: new Date(end).toISOString(),
      pinned: true,
    };
    await recordEvents(
      trx,
      [
        { topic: 'assignments', entityType: 'assignment', entityId: assignmentId, change: 'pinned', planId: a.planId, workerId, stationId, payload },
        ...[...new Set([a.workerId, workerId])].map((w) => ({
          topic: 'workers' as const,
          entityType: 'worker',
          entityId: w,
          change: 'schedule_changed',
          workerId: w,
          planId: a.planId,
        })),
      ],
      opts.actor,
    );
    // the worker who had it learns it was taken away or moved (a new worker sees it in the queue)
    const refs = { planId: a.planId, assignmentId };
    const moved = start !== a.plannedStart.getTime() || substationId !== a.substationId;
    if (workerId !== a.workerId) {
      await recordAlerts(
        trx,
        [
          {
            kind: 'task_withdrawn',
            to: { workerId: a.workerId },
            ...refs,
            params: { ...refs, nodeId: a.nodeId, nodeName: null, reason: 'moved', toWorkerId: workerId },
          },
        ],
        opts.actor,
      );
    } else if (moved) {
      await recordAlerts(
        trx,
        [
          {
            kind: 'task_moved',
            to: { workerId },
            ...refs,
            params: { ...refs, nodeId: a.nodeId, nodeName: null, substationId, plannedStart: payload.plannedStart, plannedEnd: payload.plannedEnd },
          },
        ],
        opts.actor,
      );
    }
    return { id: assignmentId, planId: a.planId, ...payload, workMinutes: minutes };
  });
}

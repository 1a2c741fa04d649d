/**
 * A planner moves one not-yet-started assignment to another worker, station,
 * substation or start time. The move is validated like the scheduler would
 * (qualified, allowed, candidate station, inside the worker's shift, after the
 * predecessors, no overlap) and pins the assignment: reschedules keep its
 * worker, station and substation, and do not start it earlier than set here.
 */
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.js';
import { recordEvents } from '../../realtime/outbox.js';
import { addWorkingMinutes, durationMinutes, isOnShift } from '../../scheduler/index.js';
import { formatLocal } from '../../scheduler/calendar.js';
import { DomainError, notFound } from '../../shared/errors.js';
import { findAssignmentOwner } from '../assignments/assignments.repository.js';
import { lockScheduling } from './plan-scheduling.js';
import { lockPlan } from './plans.repository.js';
import { findAssignmentForPin, findOverlap, findWorkerForPin } from './schedule.repository.js';

export interface PinInput {
  workerId?: string | undefined;
  stationId?: string | undefined;
  substationId?: string | undefined;
  plannedStart?: string | undefined;
}

export async function pinAssignment(db: Kysely<DB>, assignmentId: string, input: PinInput, opts: { actor: string; utcOffsetMinutes: number }) {
  return db.transaction().execute(async (trx) => {
    await lockScheduling(trx);
    // the plan before its assignment, like every other write path (lock order; the plan's revision stamp)
    const owner = await findAssignmentOwner(trx, assignmentId);
    if (owner) await lockPlan(trx, owner.planId);
    const a = await findAssignmentForPin(trx, assignmentId);
    if (!a) throw notFound('assignment', assignmentId);
    if (a.status !== 'pending' && a.status !== 'ready') {
      throw new DomainError('invalid_transition', `assignment ${assignmentId} is ${a.status}; only work that has not started can be moved`, { currentStatus: a.status });
    }
    if (!['released', 'in_production', 'paused'].includes(a.planStatus)) {
      throw new DomainError('invalid_transition', `plan ${a.planId} is ${a.planStatus}; its assignments cannot be moved`, { currentStatus: a.planStatus });
    }
    const rule = (field: string, message: string) => new DomainError('rule_violated', message, { field: `body/${field}` });
    const stationId = input.stationId ?? (input.substationId ? input.substationId.replace(/-\d+$/, '') : a.stationId);
    const candidate = (a.candidates ?? []).find((c) => c.stationId === stationId);
    if (!candidate) throw rule('stationId', `station ${stationId} is not a candidate of node ${a.nodeId}`);
    const substationId = input.substationId ?? (stationId === a.stationId ? a.substationId : undefined);
    if (!substationId) throw rule('substationId', `choose a substation of ${stationId}`);
    if (!substationId.startsWith(`${stationId}-`)) throw rule('substationId', `substation ${substationId} does not belong to station ${stationId}`);
    const workerId = input.workerId ?? a.workerId;
    const worker = await findWorkerForPin(trx, workerId);
    if (!worker) throw rule('workerId', `worker ${workerId} does not exist`);
    if (!worker.operations.has(a.operationId)) throw rule('workerId', `worker ${workerId} is not qualified for ${a.operationId}`);
    if (!worker.stations.has(stationId)) throw rule('workerId', `worker ${workerId} is not allowed at ${stationId}`);

    const start = input.plannedStart ? Date.parse(input.plannedStart) : a.plannedStart.getTime();
    if (!isOnShift(worker.calendar, opts.utcOffsetMinutes, start)) {
      throw rule('plannedStart', `worker ${workerId} is not on shift at ${formatLocal(start, opts.utcOffsetMinutes, true)}`);
    }
    if (a.predecessorsEnd && start < Date.parse(a.predecessorsEnd)) {
      throw rule('plannedStart', `node ${a.nodeId} cannot start before its predecessors end at ${formatLocal(Date.parse(a.predecessorsEnd), opts.utcOffsetMinutes, true)}`);
    }
    const minutes = durationMinutes(candidate.time ?? a.nominalTime, a.quantity, a.efficiency);
    const end = addWorkingMinutes(worker.calendar, opts.utcOffsetMinutes, start, minutes);
    const clash = await findOverlap(trx, assignmentId, workerId, substationId, new Date(start), new Date(end));
    if (clash) {
      const who = clash.workerId === workerId ? `worker ${workerId}` : `substation ${substationId}`;
      throw new DomainError(
        'conflict',
        `${who} is booked by ${clash.id} from ${formatLocal(clash.plannedStart.getTime(), opts.utcOffsetMinutes, true)} to ${formatLocal(clash.plannedEnd.getTime(), opts.utcOffsetMinutes, true)}`,
        { conflictingAssignmentId: clash.id },
      );
    }
    await trx
      .updateTable('mes.worker_assignments')
      .set((eb) => ({
        worker_id: workerId,
        station_id: stationId,
        substation_id: substationId,
        planned_start: new Date(start),
        planned_end: new Date(end),
        work_minutes: minutes,
        pinned: true,
        wait_reason: null,
        version: eb('version', '+', 1),
      }))
      .where('id', '=', assignmentId)
      .execute();
    const payload = { nodeId: a.nodeId, workerId, stationId, substationId, plannedStart: new Date(start).toISOString(), plannedEnd: new Date(end).toISOString(), pinned: true };
    await recordEvents(
      trx,
      [
        { topic: 'assignments', entityType: 'assignment', entityId: assignmentId, change: 'pinned', planId: a.planId, workerId, stationId, payload },
        ...[...new Set([a.workerId, workerId])].map((w) => ({ topic: 'workers' as const, entityType: 'worker', entityId: w, change: 'schedule_changed', workerId: w, planId: a.planId })),
      ],
      opts.actor,
    );
    return { id: assignmentId, planId: a.planId, ...payload, workMinutes: minutes };
  });
}

/**
 * A planner moves one not-yet-started assignment to another worker, station,
 * substation or start time. The move is validated like the scheduler would
 * (qualified, allowed, candidate station, a usable substation of it, not in the
 * past, inside the worker's shift, after the predecessors, no overlap) and
 * pins the assignment; successors it now overlaps or ends after are repaired
 * (pushed right), and the answer names them: reschedules keep its
 * worker, station and substation, and do not start it earlier than set here.
 */
import type { Db } from '../../db/database.js';
import { lockScheduling } from '../../db/locks.js';
import { durationMinutes, formatLocal } from '../../scheduler/index.js';
import { DomainError, m, type Message, notFound } from '../../shared/errors.js';
import { recordAlerts } from '../alerts/index.js';
import { findAssignmentOwner, moveAssignment } from '../assignments/index.js';
import { lockPlan } from '../plans/index.js';
import { recordEvents } from '../realtime/index.js';
import { moveEnd } from './availability.service.js';
import type { MoveBody } from './scheduling.schema.js';
import { openSuccessorIds } from './repair.repository.js';
import { repairBookings } from './repair.service.js';
import { findAssignmentForPin, findOverlap, findSubstationForPin, findWorkerForPin } from './scheduling.repository.js';

export async function pinAssignment(db: Db, assignmentId: string, input: MoveBody, opts: { actor: string; now: Date; utcOffsetMinutes: number }) {
  return db.transaction().execute(async (trx) => {
    await lockScheduling(trx);
    // the plan before its assignment, like every other write path (lock order; the plan's revision stamp)
    const owner = await findAssignmentOwner(trx, assignmentId);
    if (owner) await lockPlan(trx, owner.planId);
    const a = await findAssignmentForPin(trx, assignmentId);
    if (!a) throw notFound('assignment', assignmentId);
    if (a.status !== 'pending' && a.status !== 'ready') {
      throw new DomainError('invalid_transition', m('move.started', { assignmentId, status: a.status }), {
        currentStatus: a.status,
      });
    }
    if (!['released', 'in_production', 'paused'].includes(a.planStatus)) {
      throw new DomainError('invalid_transition', m('move.plan_status', { planId: a.planId, status: a.planStatus }), { currentStatus: a.planStatus });
    }
    const rule = (field: string, message: Message) => new DomainError('rule_violated', message, { field: `body/${field}` });
    const at = (ms: number) => formatLocal(ms, opts.utcOffsetMinutes, true);
    const chosenSub = input.substationId !== undefined ? await findSubstationForPin(trx, input.substationId) : undefined;
    if (input.substationId !== undefined && !chosenSub) throw rule('substationId', m('not_found.substation', { id: input.substationId }));
    const stationId = input.stationId ?? chosenSub?.stationId ?? a.stationId;
    const candidate = (a.candidates ?? []).find((c) => c.stationId === stationId);
    if (!candidate) throw rule('stationId', m('move.not_a_candidate', { stationId, nodeId: a.nodeId }));
    const substationId = input.substationId ?? (stationId === a.stationId ? a.substationId : undefined);
    if (!substationId) throw rule('substationId', m('move.choose_substation', { stationId }));
    const substation = chosenSub ?? (await findSubstationForPin(trx, substationId));
    if (!substation) throw rule('substationId', m('not_found.substation', { id: substationId }));
    if (substation.stationId !== stationId) throw rule('substationId', m('move.substation_of_other_station', { substationId, stationId }));
    if (substation.archived) throw rule('substationId', m('substation.archived', { substationId }));
    if (substation.status === 'maintenance') throw rule('substationId', m('substation.under_maintenance', { substationId }));
    const workerId = input.workerId ?? a.workerId;
    const worker = await findWorkerForPin(trx, workerId);
    if (!worker) throw rule('workerId', m('not_found.worker', { id: workerId }));
    if (!worker.operations.has(a.operationId)) throw rule('workerId', m('worker.not_qualified', { workerId, operationId: a.operationId }));
    if (!worker.stations.has(stationId)) throw rule('workerId', m('worker.not_allowed_at', { workerId, stationId }));

    const start = input.plannedStart ? Date.parse(input.plannedStart) : a.plannedStart.getTime();
    if (start < opts.now.getTime()) {
      throw rule('plannedStart', m('move.start_passed', { nodeId: a.nodeId, start: at(start), now: at(opts.now.getTime()) }));
    }
    if (a.predecessorsEnd && start < Date.parse(a.predecessorsEnd)) {
      throw rule('plannedStart', m('move.before_predecessors', { nodeId: a.nodeId, end: at(Date.parse(a.predecessorsEnd)) }));
    }
    const minutes = durationMinutes(candidate.time ?? a.nominalTime, a.quantity, a.efficiency);
    // on the worker's shift and the substation's availability, outside its maintenance blocks (availability.service.ts)
    const substationField = input.substationId !== undefined ? 'body/substationId' : 'body/plannedStart';
    const end = await moveEnd(trx, {
      workerId,
      workerCalendar: worker.calendar,
      substationId,
      substationField,
      start,
      minutes,
      utcOffsetMinutes: opts.utcOffsetMinutes,
    });
    const clash = await findOverlap(trx, assignmentId, workerId, substationId, new Date(start), new Date(end));
    if (clash) {
      const who = clash.workerId === workerId ? m('worker.named', { workerId }) : m('substation.named', { substationId });
      throw new DomainError('conflict', m('move.booked', { who, by: clash.id, from: at(clash.plannedStart.getTime()), to: at(clash.plannedEnd.getTime()) }), {
        conflictingAssignmentId: clash.id,
      });
    }
    await moveAssignment(trx, assignmentId, { workerId, stationId, substationId, start: new Date(start), end: new Date(end), workMinutes: minutes });
    // successors it now overlaps or ends after are pushed right (and what they push in turn), in the same transaction and event batch
    const repair = await repairBookings(trx, {
      now: opts.now,
      utcOffsetMinutes: opts.utcOffsetMinutes,
      actor: opts.actor,
      cause: 'move',
      workerIds: [workerId],
      substationIds: [substationId],
      ids: await openSuccessorIds(trx, assignmentId),
    });
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
        ...repair.events,
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
    const movedSuccessors = repair.moved.map((b) => ({
      id: b.id,
      nodeId: b.nodeId,
      workerId: b.workerId,
      substationId: b.substationId,
      from: b.from,
      plannedStart: b.plannedStart,
      plannedEnd: b.plannedEnd,
    }));
    return { id: assignmentId, planId: a.planId, ...payload, workMinutes: minutes, moved: movedSuccessors };
  });
}

/**
 * Resizes not-started bookings whose step's work changed (yield carried
 * forward): the booking keeps its start, worker and substation and ends when
 * the new work minutes are done in the worker's shift time. A shorter booking
 * cannot overlap anything, so it is always written. A longer one is written
 * only when it stays clear of the worker's and substation's other bookings
 * and of its successors' starts; otherwise it is left as it was and returned
 * as `blocked` (the schedule's repair, or a reschedule, moves it).
 */
import type { Trx } from '../../db/database.js';
import { addWorkingMinutes } from '../../scheduler/index.js';
import { setBookingEnds } from '../assignments/index.js';
import { findFirstSuccessor, findOverlap, findWorkerForPin } from './scheduling.repository.js';

export interface BookingResize {
  assignmentId: string;
  nodeDbId: number;
  workerId: string;
  substationId: string;
  plannedStart: Date;
  plannedEnd: Date;
  workMinutes: number;
  newWorkMinutes: number;
}

export interface ResizedBooking {
  assignmentId: string;
  start: number;
  end: number;
  workMinutes: number;
  from: { end: number; workMinutes: number };
}

export async function resizeBookings(
  trx: Trx,
  items: BookingResize[],
  utcOffsetMinutes: number,
): Promise<{ resized: ResizedBooking[]; blocked: BookingResize[] }> {
  const resized: ResizedBooking[] = [];
  const blocked: BookingResize[] = [];
  const calendars = new Map<string, Awaited<ReturnType<typeof findWorkerForPin>>>();
  for (const b of items) {
    if (b.newWorkMinutes === b.workMinutes) continue;
    if (!calendars.has(b.workerId)) calendars.set(b.workerId, await findWorkerForPin(trx, b.workerId));
    const worker = calendars.get(b.workerId);
    if (!worker) {
      blocked.push(b);
      continue;
    }
    const start = b.plannedStart.getTime();
    const end = addWorkingMinutes(worker.calendar, utcOffsetMinutes, start, b.newWorkMinutes);
    if (end > b.plannedEnd.getTime()) {
      const clash = await findOverlap(trx, b.assignmentId, b.workerId, b.substationId, new Date(start), new Date(end));
      const successor = await findFirstSuccessor(trx, b.nodeDbId);
      if (clash || (successor && end > successor.plannedStart.getTime())) {
        blocked.push(b);
        continue;
      }
    }
    resized.push({
      assignmentId: b.assignmentId,
      start,
      end,
      workMinutes: b.newWorkMinutes,
      from: { end: b.plannedEnd.getTime(), workMinutes: b.workMinutes },
    });
  }
  await setBookingEnds(
    trx,
    resized.map((r) => ({ id: r.assignmentId, end: r.end, workMinutes: r.workMinutes })),
  );
  return { resized, blocked };
}

/** What the scheduling module offers the rest of the app: scheduling a plan's nodes, a planner's move, the Gantt views, the scheduler thread. */
export {
  type FixedNode,
  type FloorOutcome,
  type FloorPart,
  type PinnedNode,
  type SchedulablePlan,
  type ScheduleOutcome,
  type ScheduleRequest,
  scheduleFloor,
  scheduleNodes,
} from './scheduling.service.js';
export { pinAssignment } from './pins.service.js';
export { type BookingResize, type ResizedBooking, resizeBookings } from './resize.service.js';
export { MoveBody, MoveResult } from './scheduling.schema.js';
export { planGantt, workerGantt } from './gantt.service.js';
export { PlanGantt, WorkerGantt, WorkerGanttQuery } from './gantt.schema.js';
export { warmSchedulerThread } from './scheduler-thread.js';
export { bookCompletion, bookPause, bookResume, bookStart, extendOverrunning, liveContext, type LiveContext, startHolds } from './live-booking.service.js';
export { type MovedBooking, repairBookings, type RepairOutcome, type RepairRequest } from './repair.service.js';

/**
 * What the replan module offers the rest of the app: the one core that re-plans a released plan's steps
 * (cancel the not-started bookings in scope, schedule, write the bookings, move the projected end), used by
 * plans' reschedule and resume and by yield's added steps (remake, rework), and the booking events they share.
 * A module of its own because it uses plans, scheduling and assignments, and each of those indexes is used by
 * the others (plans' index cannot offer it without a cycle).
 */
export {
  assignmentEvents,
  bookingEvent,
  type BookingOfNode,
  cancelledEvent,
  type LiveAssignment,
  lockLiveAssignments,
  type ReplanOutcome,
  type ReplanRequest,
  type ReplanScope,
  replanSteps,
} from './replan.service.js';

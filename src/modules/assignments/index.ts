/** What the assignments module offers the rest of the app: the rows plans are scheduled into, and their moves. */
export {
  cancelAssignments,
  endOpenPauses,
  findAssignmentOwner,
  insertAssignments,
  insertAssignmentsOfPlans,
  listAssignmentsOfPlans,
  listPlanAssignments,
  moveAssignment,
  type NewAssignment,
  rebookAssignments,
} from './assignments.repository.js';
/** What quality checks need to act on an assignment like the other floor actions: the locks, who may act, the Idempotency-Key store. */
export { lockAssignment } from './assignments.repository.js';
export { actingAs, mayRead } from './assignments.rules.js';
export { findStoredResponse, lockIdempotencyKey, pruneExpiredKeys, requestHash, storeResponse } from './idempotency.repository.js';
export { setBookingEnds } from './resize.repository.js';

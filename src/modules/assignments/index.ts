/** What the assignments module offers the rest of the app: the rows plans are scheduled into, and their moves. */
export {
  cancelAssignments,
  endOpenPauses,
  findAssignmentOwner,
  insertAssignments,
  listPlanAssignments,
  moveAssignment,
  type NewAssignment,
} from './assignments.repository.js';
export { setBookingEnds } from './resize.repository.js';

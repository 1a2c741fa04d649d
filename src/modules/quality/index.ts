/**
 * What the quality module offers the rest of the app: an operation's
 * inspection plan (the traveler lists it), and the guards start and complete
 * call inside their transactions.
 */
export { inspectionPlanOf } from './inspection.repository.js';
export { requireCompletionChecks, requireStartChecks } from './inspection-state.service.js';

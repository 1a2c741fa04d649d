/**
 * What the yield module offers the rest of the app: carrying a completion's yield forward (expected quantities,
 * reservations, not-started bookings), and adding a step (remake, rework) to a released plan, scheduled at once.
 * A module of its own because it uses both plans and scheduling, and scheduling already depends on plans.
 */
export { addStepToReleasedPlan, type ExtraStepOutcome, type ExtraStepRequest } from './extra-steps.service.js';
export { applyExpectedQuantities, carryYieldForward, lockWorkingPlan } from './yield.service.js';

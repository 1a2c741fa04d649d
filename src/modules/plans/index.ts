/** What the plans module offers the rest of the app: plans' rows and rules, what refers to master data, archiving, the per-process caches. */
export { insertPlanGraphs, insertPlans } from './plan-documents.repository.js';
export { findPlanDetail, lockPlan, movePlan, nodeDbIds, type PlanReference, setPlannedEnd, unfinishedPlansReferencing } from './plans.repository.js';
export { nextPlanStatus } from './plans.rules.js';
export { type PlanDetail, type PlanDocument, PlanParams, type PlanStatus } from './plans.schema.js';
export { archiveAllFinished } from './archive.service.js';
export { PlanCatalogCache } from './catalog-cache.js';
export { PlanDetailCache } from './detail-cache.js';
export { PlanListCache } from './list-cache.js';
export { listSnapshotChecker } from './plans.service.js';
export {
  findPlanShortagePolicy,
  insertExtraNode,
  loadYieldGraph,
  lockPlanForYield,
  markShortAccepted,
  setExpectedQuantities,
  type YieldGraphNode,
} from './yield.repository.js';
export * as yieldRules from './yield.rules.js';

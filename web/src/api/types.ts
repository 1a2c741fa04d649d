/**
 * The API's shapes, taken from the server's schemas (types only: nothing of
 * the server is bundled). Where the server defines a schema without a type
 * alias, Static<typeof …> derives it.
 */
import type { Static } from 'typebox';
import type {
  AssignmentSummary as AssignmentSummarySchema,
  ActionResult,
  AssignmentStatus,
  PauseReason,
  ProblemCategory,
  ProblemView,
  WorkerTask,
  WorkerTasks,
} from '../../../src/modules/assignments/assignments.schema.js';
import type { SessionUser } from '../../../src/modules/auth/auth.schema.js';
import type { PortalAccessResult, SessionView, UserCreate, UserUpdate, UserView, UserWithSecret } from '../../../src/modules/auth/users.schema.js';
import type { LedgerEntry, Material, PlanMaterial, PlanMaterials } from '../../../src/modules/materials/materials.schema.js';
import type { Operation } from '../../../src/modules/operations/operations.schema.js';
import type {
  PlanDetail,
  PlanDocument,
  PlanNode,
  PlanSortKey,
  PlanStatus,
  PlanSummary as PlanSummarySchema,
  TransitionResult as TransitionResultSchema,
  WaitingFor,
} from '../../../src/modules/plans/plans.schema.js';
import type { GanttBar, GanttBlock, PlanGantt } from '../../../src/modules/scheduling/gantt.schema.js';
import type { MoveResult as MoveResultSchema } from '../../../src/modules/scheduling/scheduling.schema.js';
import type { SubstationBlock } from '../../../src/modules/stations/blocks.schema.js';
import type { RemakeResult, ShortfallView } from '../../../src/modules/yield/yield.schema.js';
import type { Station } from '../../../src/modules/stations/stations.schema.js';
import type { ShiftCalendar, ShiftCalendarReplace, Worker } from '../../../src/modules/workers/workers.schema.js';

export type { RemakeResult, ShortfallView };

export type {
  ActionResult,
  AssignmentStatus,
  GanttBar,
  GanttBlock,
  LedgerEntry,
  Material,
  Operation,
  PauseReason,
  PlanDetail,
  PlanDocument,
  PlanGantt,
  PlanMaterial,
  PlanMaterials,
  PlanNode,
  PlanSortKey,
  PlanStatus,
  PortalAccessResult,
  ProblemCategory,
  ProblemView,
  SessionUser,
  SessionView,
  ShiftCalendar,
  ShiftCalendarReplace,
  Station,
  SubstationBlock,
  UserCreate,
  UserUpdate,
  UserView,
  UserWithSecret,
  Worker,
  WorkerTask,
  WorkerTasks,
};
export type PlanSummary = Static<typeof PlanSummarySchema>;
export type AssignmentSummary = Static<typeof AssignmentSummarySchema>;
export type TransitionResult = Static<typeof TransitionResultSchema>;
export type MoveResult = Static<typeof MoveResultSchema>;
/** A predecessor a step waits for, with its assignment (the portal's task and the plan detail's nodes carry a list). */
export type { WaitingFor };
export type PlanDetailNode = PlanDetail['nodes'][number];

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

/** The plans list's page: by cursor (keyset), the total only when asked for with count=true. */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
  total?: number;
  limit: number;
  offset: number;
}

/** The JSON of every SSE message. */
export type { StreamEvent } from '../../../src/modules/realtime/realtime.schema.js';

/** RFC 9457 problem document, as every error response carries. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  field?: string;
  errors?: { field?: string; message: string }[];
  [key: string]: unknown;
}

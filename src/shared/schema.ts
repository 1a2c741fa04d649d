/**
 * TypeBox pieces every area's API shapes are built from, defined once: the
 * status enums (whose TypeScript types the table types in db/schema.ts use
 * too), the master-data codes, and the date and nullable scalars.
 */
import { Type } from 'typebox';

// ---- statuses and reasons ------------------------------------------------------

export const planStatuses = ['draft', 'released', 'in_production', 'paused', 'completed', 'cancelled'] as const;
export const PlanStatus = Type.Enum(planStatuses);
export type PlanStatus = (typeof planStatuses)[number];

/** Plans that still hold or may still hold work and material: master data they use cannot be archived. */
export const unfinishedPlanStatuses = ['draft', 'released', 'in_production', 'paused'] as const satisfies readonly PlanStatus[];

export const assignmentStatuses = ['pending', 'ready', 'in_progress', 'paused', 'completed', 'cancelled'] as const;
export const AssignmentStatus = Type.Enum(assignmentStatuses);
export type AssignmentStatus = (typeof assignmentStatuses)[number];

/** Assignments that still book their worker and substation. */
export const openAssignmentStatuses = ['pending', 'ready', 'in_progress', 'paused'] as const satisfies readonly AssignmentStatus[];

export const pauseReasons = ['break', 'material_missing', 'machine_fault', 'quality_problem', 'other'] as const;
export const PauseReason = Type.Enum(pauseReasons);
export type PauseReason = (typeof pauseReasons)[number];

export const problemCategories = ['material', 'machine', 'quality', 'safety', 'other'] as const;
export const ProblemCategory = Type.Enum(problemCategories);
export type ProblemCategory = (typeof problemCategories)[number];

export const substationStatuses = ['available', 'in_use', 'maintenance'] as const;
export const SubstationStatus = Type.Enum(substationStatuses);
export type SubstationStatus = (typeof substationStatuses)[number];

/** A worker's status as stored; the API also reports `off_shift`, from the shift calendar. */
export const storedWorkerStatuses = ['available', 'busy', 'on_break'] as const;
export type StoredWorkerStatus = (typeof storedWorkerStatuses)[number];

/** The topics of the events outbox and its streams. */
export const eventTopics = ['plans', 'assignments', 'workers', 'stations', 'materials', 'master', 'alerts'] as const;
export type EventTopic = (typeof eventTopics)[number];

/** What an alert is about (mes.alerts.kind); the UI words each from its params. */
export const alertKinds = ['problem_reported', 'problem_resolved', 'release_blocked', 'plan_late', 'task_withdrawn', 'task_moved'] as const;
export const AlertKind = Type.Enum(alertKinds);
export type AlertKind = (typeof alertKinds)[number];

// ---- codes -------------------------------------------------------------------------

const Code = (pattern: string, description: string) => Type.String({ pattern, maxLength: 50, description });
export const OperationId = Code('^OP-[0-9]{3,}$', 'operation code, e.g. OP-001');
export const StationId = Code('^ST-[0-9]{3,}$', 'station code, e.g. ST-001');
export const SubstationId = Code('^ST-[0-9]{3,}-[0-9]{2,}$', 'substation code, e.g. ST-001-01');
export const WorkerId = Code('^W-[0-9]{3,}$', 'worker code, e.g. W-001');
export const MaterialCode = Code('^[A-Z0-9][A-Z0-9._-]{1,49}$', 'material code, e.g. SHEET-S235-2');

// ---- scalars -----------------------------------------------------------------------

/**
 * A positive amount kept at 3 decimals (numeric(…,3) columns checked > 0):
 * below 0.001 it would round to 0 and break the check, so it is refused here,
 * naming the field, instead of by the database.
 */
export const PositiveAmount = (maximum: number, options: { description?: string } = {}) => Type.Number({ minimum: 0.001, maximum, ...options });

/** A row id of a bigint identity column: an integer JavaScript and PostgreSQL agree on. */
export const RowId = (options: { description?: string } = {}) => Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, ...options });

export const DateTime = Type.String({ format: 'date-time' });
export const NullableDateTime = Type.Union([DateTime, Type.Null()]);
export const NullableNumber = Type.Union([Type.Number(), Type.Null()]);
export const NullableString = Type.Union([Type.String(), Type.Null()]);

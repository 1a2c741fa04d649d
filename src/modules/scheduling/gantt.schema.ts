/**
 * Shapes of the Gantt views: one bar per assignment, grouped by station and
 * substation or by worker. A bar carries its live booking (plannedStart..End)
 * as the worked segments (split by the worker's shifts, the substation's
 * availability and its maintenance blocks), the planner's booking when the live
 * one left it (baseline), and the actual run; the plan view adds the plan's due
 * date, the maintenance blocks of its substations and the server's now.
 */
import { type Static, Type } from 'typebox';
import { DateTime, NullableDateTime } from '../../shared/schema.js';
import { WaitReasons } from '../../shared/wait-reasons.js';

export const GanttSegment = Type.Object({ start: DateTime, end: DateTime });
export type GanttSegment = Static<typeof GanttSegment>;

/** One bar as the repository reads it (no segments yet). */
export const GanttBarRow = Type.Object({
  assignmentId: Type.String(),
  planId: Type.String(),
  nodeId: Type.String(),
  name: Type.String(),
  operationId: Type.String(),
  status: Type.String(),
  workerId: Type.String(),
  workerName: Type.String(),
  stationId: Type.String(),
  stationName: Type.String(),
  substationId: Type.String(),
  substationName: Type.String(),
  plannedStart: DateTime,
  plannedEnd: DateTime,
  actualStart: NullableDateTime,
  actualEnd: NullableDateTime,
  pinned: Type.Boolean(),
  waitReason: WaitReasons,
  /** The planner's booking once the live one left it (a started step, a repair); null while they agree. */
  baselineStart: NullableDateTime,
  baselineEnd: NullableDateTime,
});
export type GanttBarRow = Static<typeof GanttBarRow>;

export const GanttBar = Type.Object({
  ...GanttBarRow.properties,
  /** The live booking's worked parts, in order: where the worker's shift, the substation's availability or a block splits it, a gap. */
  segments: Type.Array(GanttSegment),
});
export type GanttBar = Static<typeof GanttBar>;

export const GanttBlock = Type.Object({ id: Type.String(), substationId: Type.String(), start: DateTime, end: DateTime, reason: Type.String() });
export type GanttBlock = Static<typeof GanttBlock>;

export const PlanGantt = Type.Object({
  planId: Type.String(),
  /** The server's clock when it answered (the now-line). */
  now: DateTime,
  dueDate: NullableDateTime,
  /** Maintenance blocks of the plan's substations that overlap the bars' span. */
  blocks: Type.Array(GanttBlock),
  stations: Type.Array(
    Type.Object({
      stationId: Type.String(),
      stationName: Type.String(),
      substations: Type.Array(Type.Object({ substationId: Type.String(), substationName: Type.String(), bars: Type.Array(GanttBar) })),
    }),
  ),
  workers: Type.Array(Type.Object({ workerId: Type.String(), workerName: Type.String(), bars: Type.Array(GanttBar) })),
});
export type PlanGantt = Static<typeof PlanGantt>;

export const WorkerGantt = Type.Object({ workerId: Type.String(), from: DateTime, to: DateTime, bars: Type.Array(GanttBar) });
export type WorkerGantt = Static<typeof WorkerGantt>;

export const WorkerGanttQuery = Type.Object({ from: Type.Optional(DateTime), to: Type.Optional(DateTime) }, { additionalProperties: false });

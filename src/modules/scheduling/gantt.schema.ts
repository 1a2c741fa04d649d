/** Shapes of the Gantt views: one bar per assignment, grouped by station and substation or by worker. */
import { type Static, Type } from 'typebox';
import { DateTime, NullableDateTime } from '../../shared/schema.js';
import { WaitReasons } from '../../shared/wait-reasons.js';

export const GanttBar = Type.Object({
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
});
export type GanttBar = Static<typeof GanttBar>;

export const PlanGantt = Type.Object({
  planId: Type.String(),
  stations: Type.Array(
    Type.Object({
      stationId: Type.String(),
      stationName: Type.String(),
      substations: Type.Array(Type.Object({ substationId: Type.String(), substationName: Type.String(), bars: Type.Array(GanttBar) })),
    }),
  ),
  workers: Type.Array(Type.Object({ workerId: Type.String(), workerName: Type.String(), bars: Type.Array(GanttBar) })),
  /** maintenance blocks of the plan's substations that overlap its bars (GET /substations/{id}/blocks) */
  blocks: Type.Array(Type.Object({ blockId: Type.String(), substationId: Type.String(), start: DateTime, end: DateTime, reason: Type.String() })),
});
export type PlanGantt = Static<typeof PlanGantt>;

export const WorkerGantt = Type.Object({ workerId: Type.String(), from: DateTime, to: DateTime, bars: Type.Array(GanttBar) });
export type WorkerGantt = Static<typeof WorkerGantt>;

export const WorkerGanttQuery = Type.Object({ from: Type.Optional(DateTime), to: Type.Optional(DateTime) }, { additionalProperties: false });

/** Shapes of a planner's move of one assignment (PUT /worker-assignments/:id). */
import { type Static, Type } from 'typebox';
import { DateTime, StationId, SubstationId, WorkerId } from '../../shared/schema.js';

export const MoveBody = Type.Object(
  { workerId: Type.Optional(WorkerId), stationId: Type.Optional(StationId), substationId: Type.Optional(SubstationId), plannedStart: Type.Optional(DateTime) },
  { additionalProperties: false, minProperties: 1 },
);
export type MoveBody = Static<typeof MoveBody>;

export const MoveResult = Type.Object({
  id: Type.String(),
  planId: Type.String(),
  nodeId: Type.String(),
  workerId: Type.String(),
  stationId: Type.String(),
  substationId: Type.String(),
  plannedStart: DateTime,
  plannedEnd: DateTime,
  workMinutes: Type.Number(),
  pinned: Type.Boolean(),
  /** bookings the move pushed (its successors and what they pushed), with their old and new times */
  moved: Type.Array(
    Type.Object({
      id: Type.String(),
      nodeId: Type.String(),
      workerId: Type.String(),
      substationId: Type.String(),
      from: Type.Object({ plannedStart: DateTime, plannedEnd: DateTime }),
      plannedStart: DateTime,
      plannedEnd: DateTime,
    }),
  ),
});

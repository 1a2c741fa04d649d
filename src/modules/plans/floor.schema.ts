/** Shapes of the floor's reschedule (POST /api/mes/schedule/reschedule). */
import { type Static, Type } from 'typebox';
import { NullableDateTime } from '../../shared/schema.js';

export const FloorRescheduleBody = Type.Object(
  {
    planIds: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 50, description: 'plan code, e.g. PPL-1126-001' }), {
        minItems: 1,
        maxItems: 500,
        description: 'plans to reschedule together (released, in production or paused); default: every released or in-production plan',
      }),
    ),
  },
  { additionalProperties: false },
);
export type FloorRescheduleBody = Static<typeof FloorRescheduleBody>;

export const FloorRescheduleQuery = Type.Object(
  { dryRun: Type.Optional(Type.Boolean({ default: false, description: 'compute and compare only: nothing is written' })) },
  { additionalProperties: false },
);

export const FloorSummary = Type.Object({
  totalTardinessMinutes: Type.Number({ description: 'sum over the plans of the minutes past their due date' }),
  weightedTardiness: Type.Number({ description: 'the same, each plan weighted by its priority: 2^(3 - priority)' }),
  latePlans: Type.Integer(),
  makespanEnd: NullableDateTime,
});
export type FloorSummary = Static<typeof FloorSummary>;

const PlanProjection = Type.Object({
  projectedEnd: NullableDateTime,
  latenessMinutes: Type.Number({ description: 'minutes past the due date, 0 when on time or without one' }),
});

export const FloorRescheduleResult = Type.Object({
  dryRun: Type.Boolean(),
  accepted: Type.Boolean({ description: 'the new schedule is at least as good (weighted tardiness, then makespan) as the current one' }),
  applied: Type.Boolean({ description: 'the new schedule was written (not a dry run, accepted, and something moved)' }),
  before: FloorSummary,
  after: FloorSummary,
  plans: Type.Array(
    Type.Object({
      id: Type.String(),
      code: Type.String(),
      name: Type.String(),
      dueDate: NullableDateTime,
      priority: Type.Integer({ minimum: 1, maximum: 5 }),
      before: PlanProjection,
      after: PlanProjection,
      moved: Type.Integer({ description: 'not-started steps that get another worker, station, substation or time' }),
    }),
  ),
  moved: Type.Integer(),
});
export type FloorRescheduleResult = Static<typeof FloorRescheduleResult>;

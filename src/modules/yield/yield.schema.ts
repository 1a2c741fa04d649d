/** The shortfall view and the planner's decisions on a short step (yield carried forward), defined once. */
import { type Static, Type } from 'typebox';
import { AssignmentStatus, DateTime } from '../../shared/schema.js';
import { Shortage } from '../materials/materials.schema.js';
import { NodeId, PlanParams } from '../plans/plans.schema.js';

export const PlanNodeParams = Type.Object({ ...PlanParams.properties, nodeId: NodeId });

export const ShortfallStep = Type.Object({
  nodeId: Type.String(),
  name: Type.String(),
  kind: Type.Enum(['step', 'remake', 'rework'], {
    description: "'step' from the plan document; 'remake' or 'rework' added to the released plan for `extraOf`",
  }),
  extraOf: Type.Union([Type.String(), Type.Null()], { description: 'the step a remake or rework was added for' }),
  status: Type.Union([AssignmentStatus, Type.Null()]),
  planned: Type.Number({ description: 'the quantity in the plan' }),
  expected: Type.Number({ description: 'the good quantity its feeders can now deliver for (completed steps: as it was at completion)' }),
  completedGood: Type.Union([Type.Number(), Type.Null()]),
  scrap: Type.Union([Type.Number(), Type.Null()]),
  missing: Type.Number({
    description: 'of a completed step: what it and its remakes have not delivered and will not (expected − good − open remakes); 0 otherwise',
  }),
  shortAccepted: Type.Union([Type.Object({ at: DateTime, by: Type.String() }), Type.Null()]),
  extras: Type.Array(Type.String(), { description: 'remake and rework steps added for it' }),
});

export const ShortfallOutput = Type.Object({
  materialCode: Type.String(),
  planned: Type.Number(),
  expected: Type.Number({ description: 'completed steps: produced; the others: at their expected quantity' }),
  completed: Type.Number(),
});

export const ShortfallView = Type.Object({
  planId: Type.String(),
  steps: Type.Array(ShortfallStep),
  outputs: Type.Array(ShortfallOutput),
});
export type ShortfallView = Static<typeof ShortfallView>;

export const RemakeBody = Type.Object(
  {
    quantity: Type.Optional(
      Type.Number({
        maximum: 1e9,
        description: 'pieces to remake, more than 0; default: what the step is missing (at most 3 decimals, at most its planned quantity)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RemakeBody = Static<typeof RemakeBody>;

export const RemakeResult = Type.Object({
  nodeId: Type.String({ description: 'the new step' }),
  quantity: Type.Number(),
  assignmentId: Type.String(),
  plannedStart: DateTime,
  plannedEnd: DateTime,
  shortages: Type.Array(Shortage, { description: 'reservations left short (only with the plan allowing shortage)' }),
  shortfall: ShortfallView,
});
export type RemakeResult = Static<typeof RemakeResult>;

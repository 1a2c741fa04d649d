/**
 * Alerts as the API shows them, defined once. An alert says what happened
 * with a kind and structured params (ids, codes, figures, who and when); the
 * UI words it in the reader's language. Params per kind:
 *
 * - problem_reported (to planners): problemId, assignmentId, planId, nodeId, nodeName, workerId, category, text, reportedBy
 * - problem_resolved (to the operator who reported it, else to the worker): problemId, assignmentId, planId, nodeId, nodeName,
 *   category, resolvedBy (username), resolvedByName, resolvedAt, resolution
 * - release_blocked (to planners): a plan released with allowShortage, its steps waiting for material: planId, planName,
 *   shortages [{ materialCode, required, available }] (a refused release writes nothing: the planner who asked has the 409)
 * - plan_late (to planners): planId, planName, dueDate, plannedEnd
 * - task_withdrawn (to the worker who had it): assignmentId, planId, nodeId, nodeName, reason (rescheduled | plan_cancelled | moved), toWorkerId
 * - task_moved (to its worker): assignmentId, planId, nodeId, nodeName, plannedStart, plannedEnd, substationId
 */
import { type Static, Type } from 'typebox';
import { PageQuery } from '../../shared/pagination.js';
import { AlertKind, DateTime, NullableDateTime, NullableString, RowId } from '../../shared/schema.js';

export const alertAudiences = ['planners', 'worker', 'user'] as const;
export type AlertAudience = (typeof alertAudiences)[number];

export const AlertView = Type.Object({
  id: Type.Integer(),
  kind: AlertKind,
  audience: Type.Enum(alertAudiences, { description: 'planners: every planner and admin; worker: whoever signs in as workerId; user: that account only' }),
  workerId: NullableString,
  userId: Type.Union([Type.Integer(), Type.Null()]),
  planId: NullableString,
  assignmentId: NullableString,
  problemId: Type.Union([Type.Integer(), Type.Null()]),
  params: Type.Record(Type.String(), Type.Unknown(), { description: 'what the UI words the alert with; see the kinds' }),
  actor: NullableString,
  createdAt: DateTime,
  acknowledgedAt: Type.Union([NullableDateTime], { description: 'when the signed-in user acknowledged it; null while not' }),
});
export type AlertView = Static<typeof AlertView>;

export const AlertListQuery = Type.Object(
  {
    unacknowledged: Type.Optional(Type.Boolean({ description: 'only alerts the signed-in user has not acknowledged' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);
export type AlertListQuery = Static<typeof AlertListQuery>;

export const AlertParams = Type.Object({ id: RowId({ description: 'alert id' }) }, { additionalProperties: false });

export const AckAllBody = Type.Object(
  { upTo: Type.Optional(RowId({ description: 'acknowledge only alerts up to this id (what the user has seen); all when absent' })) },
  { additionalProperties: false },
);

export const AckAllResult = Type.Object({ acknowledged: Type.Integer({ description: 'alerts newly acknowledged' }) });

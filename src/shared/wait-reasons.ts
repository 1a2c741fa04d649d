/**
 * Why an assignment starts later than its predecessors allow (issue #20):
 * structured reasons the scheduler returns and worker_assignments stores
 * (jsonb, migration 0013), worded by the client in its own language — no
 * English text to parse. Times are ISO 8601 strings.
 *
 * - not_before: the node may not start before `until`;
 * - shift: the worker's shift starts at `until`;
 * - worker_busy / substation_busy: busy until `until` with `by` (a node of
 *   the same plan, or an assignment of another plan);
 * - cancelled: why a booking was cancelled (the plan was rescheduled or cancelled);
 * - text: a reason stored as text before migration 0013.
 */
import { type Static, Type } from 'typebox';

const Until = Type.String({ format: 'date-time', description: 'until when (ISO 8601)' });

export const WaitBlocker = Type.Object(
  {
    nodeId: Type.Optional(Type.String({ description: 'a node of the same plan' })),
    assignmentId: Type.Optional(Type.String({ description: 'an assignment of another plan (or a booking kept from before a reschedule)' })),
    blockId: Type.Optional(Type.String({ description: 'a maintenance block of the substation (GET /substations/{id}/blocks)' })),
  },
  { description: 'what held the node back; empty when unknown' },
);
export type WaitBlocker = Static<typeof WaitBlocker>;

export const WaitReason = Type.Union([
  Type.Object({ kind: Type.Literal('not_before'), until: Until }),
  Type.Object({ kind: Type.Literal('shift'), workerId: Type.String(), until: Until }),
  Type.Object({ kind: Type.Literal('worker_busy'), workerId: Type.String(), until: Until, by: WaitBlocker }),
  Type.Object({ kind: Type.Literal('substation_busy'), substationId: Type.String(), until: Until, by: WaitBlocker }),
  Type.Object({ kind: Type.Literal('cancelled'), cause: Type.Union([Type.Literal('rescheduled'), Type.Literal('plan_cancelled')]) }),
  Type.Object({ kind: Type.Literal('text'), text: Type.String() }),
]);
export type WaitReason = Static<typeof WaitReason>;

/** The reasons in order (a worker busy, then the shift after), or null when the assignment does not wait. */
export const WaitReasons = Type.Union([Type.Array(WaitReason), Type.Null()], {
  description: 'why it starts later than its predecessors allow, as data for the client to word (null: it does not wait)',
});
export type WaitReasons = Static<typeof WaitReasons>;

export type CancelCause = Extract<WaitReason, { kind: 'cancelled' }>['cause'];

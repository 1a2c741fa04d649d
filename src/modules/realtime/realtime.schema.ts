/**
 * Shapes of the event streams, defined once: the stream query, the JSON each
 * SSE message carries, and the settings of the realtime module.
 */
import { type Static, Type } from 'typebox';
import { eventTopics } from '../../shared/schema.js';

export { eventTopics };

const topicList = `(${eventTopics.join('|')})`;

const Code = (pattern: string, description: string) => Type.Optional(Type.String({ pattern, maxLength: 50, description }));

/** Filters every stream route accepts; `/stream` also takes `topics`. */
export const StreamFilterQuery = {
  planId: Code('^[A-Za-z0-9_.-]{1,50}$', 'only events of this plan, e.g. PPL-0125-001'),
  workerId: Code('^W-[0-9]{3,}$', 'only events of this worker, e.g. W-001'),
  stationId: Code('^ST-[0-9]{3,}$', 'only events of this station, e.g. ST-001'),
  lastEventId: Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,18}$',
      description: 'resume after this event id (for clients that cannot send the Last-Event-ID header; the header wins)',
    }),
  ),
};

export const TopicStreamQuery = Type.Object(StreamFilterQuery, { additionalProperties: false });

export const StreamQuery = Type.Object(
  {
    topics: Type.Optional(
      Type.String({
        pattern: `^${topicList}(,${topicList})*$`,
        description: `comma-separated topics (${eventTopics.join(', ')}); all when absent`,
      }),
    ),
    ...StreamFilterQuery,
  },
  { additionalProperties: false },
);
export type StreamQuery = Static<typeof StreamQuery>;

/** The JSON in the `data:` line of every topic message. */
export const StreamEvent = Type.Object({
  id: Type.Integer({ description: 'event id, also sent as the SSE `id:`' }),
  topic: Type.Enum(eventTopics),
  entityType: Type.String(),
  entityId: Type.String(),
  change: Type.String({ description: 'created, updated, archived, released, started, ...' }),
  planId: Type.Union([Type.String(), Type.Null()]),
  workerId: Type.Union([Type.String(), Type.Null()]),
  stationId: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Record(Type.String(), Type.Unknown()),
  actor: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type StreamEvent = Static<typeof StreamEvent>;

/** The JSON of a `reset` message: the client's position is gone, reload and carry on live. */
export interface ResetNotice {
  reason: 'expired' | 'unknown';
  lastEventId: string;
  /** Oldest event still kept, or null when the outbox is empty. */
  oldestEventId: number | null;
}

/** Why a stream's session ended: the `reason` of its last message, `event: session_ended`. */
export const sessionEndReasons = [
  'logout',
  'disabled',
  'credentials_changed',
  'role_changed',
  'worker_archived',
  'user_deleted',
  'expired',
  'revoked',
] as const;
export type SessionEndReason = (typeof sessionEndReasons)[number];

/** The JSON of a `session_ended` message, the last of a stream whose session has ended. */
export const SessionEndedNotice = Type.Object({
  reason: Type.Enum(sessionEndReasons, {
    description:
      'logout: signed out; disabled: the account was disabled; credentials_changed: its password or PIN changed; role_changed: its role or worker changed; worker_archived: its worker was archived; user_deleted; expired: the session reached its end; revoked: the session was deleted otherwise',
  }),
});
export type SessionEndedNotice = Static<typeof SessionEndedNotice>;

export interface RealtimeSettings {
  /** A comment line every this many ms keeps proxies and clients from timing out. */
  heartbeatMs: number;
  /** `retry:` hint: how long a client waits before it reconnects. */
  retryMs: number;
  /** Safety net: read the outbox this often even without a NOTIFY. */
  pollMs: number;
  /** A client whose unsent bytes exceed this is disconnected (slow consumer). */
  maxBufferedBytes: number;
  /** Live events held for a client while its replay runs; past this it is disconnected. */
  maxPendingEvents: number;
  /** Rows per query when replaying missed events to a reconnecting client. */
  replayPageSize: number;
  /** Rows per query when the listener reads new events. */
  readBatchSize: number;
  /** After a fan-out of D ms the listener reads again no sooner than fanoutRest × D ms later (0 = at once). */
  fanoutRest: number;
  /** How often events older than the retention are pruned. */
  pruneIntervalMs: number;
  /** Rows deleted per statement when pruning. */
  pruneBatchSize: number;
  /** Reconnect backoff of the listening connection: first delay and ceiling. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** application_name of the listening connection, visible in pg_stat_activity. */
  listenerApplicationName: string;
}

export const defaultRealtimeSettings: RealtimeSettings = {
  heartbeatMs: 15_000,
  retryMs: 2_000,
  pollMs: 1_500,
  maxBufferedBytes: 1024 * 1024,
  maxPendingEvents: 20_000,
  replayPageSize: 1_000,
  readBatchSize: 1_000,
  fanoutRest: 1,
  pruneIntervalMs: 10 * 60_000,
  pruneBatchSize: 5_000,
  reconnectMinMs: 100,
  reconnectMaxMs: 10_000,
  listenerApplicationName: 'burkol-mes-listener',
};

/** What the realtime module offers the rest of the app: the events outbox every change writes to, and the per-process service. */
export { recordEvents, type OutboxEvent } from './outbox.repository.js';
export { pruneEvents } from './events.repository.js';
export { Realtime, type RealtimeStats } from './realtime.service.js';
export { defaultRealtimeSettings, type RealtimeSettings, type StreamEvent } from './realtime.schema.js';

/** What the realtime module offers the rest of the app. */
export { recordEvents, type OutboxEvent } from './outbox.js';
export { pruneEvents } from './events.repository.js';
export { realtimeRoutes, realtimeOf } from './realtime.routes.js';
export type { Realtime, RealtimeStats } from './realtime.js';
export { defaultRealtimeSettings, type RealtimeSettings, type StreamEvent } from './realtime.schema.js';

/**
 * Who sees which events, as pure rules. The same filter runs in two places:
 * here in JavaScript for live fan-out, and as SQL in events.repository for
 * replay; a test feeds both the same events and compares.
 *
 * Operators see a narrow slice, kept simple on purpose:
 * - `plans` events (plan-level: released, paused, completed, ...), all plans;
 * - `workers` and `assignments` events whose worker_id is their own worker;
 * - `alerts` events whose worker_id is their own worker (an alert to them,
 *   to their worker, or to their user, which carries their worker id);
 * - nothing of stations, materials and master data.
 * Planners and admins see everything. Query filters narrow further; they
 * never widen an operator's slice (asking for another worker's id simply
 * yields no worker or assignment events).
 */
import type { EventTopic } from '../../shared/schema.js';
import type { SessionUser } from '../auth/auth.schema.js';
import { eventTopics } from './realtime.schema.js';

export interface EventFilter {
  /** Only these topics; undefined = every topic. */
  topics?: readonly EventTopic[] | undefined;
  planId?: string | undefined;
  workerId?: string | undefined;
  stationId?: string | undefined;
  /** Set for operators: the worker whose events they may see (null: none). */
  operatorWorkerId?: string | null | undefined;
}

/** The fields of an event a filter looks at. */
export interface FilterableEvent {
  topic: EventTopic;
  planId: string | null;
  workerId: string | null;
  stationId: string | null;
}

export const operatorTopics: readonly EventTopic[] = ['plans', 'workers', 'assignments', 'alerts'];

export function parseTopics(raw: string | undefined): EventTopic[] | undefined {
  if (raw === undefined) return undefined;
  const wanted = new Set(raw.split(','));
  return eventTopics.filter((t) => wanted.has(t));
}

export function filterFor(
  user: Pick<SessionUser, 'role' | 'workerId'>,
  query: { topics?: readonly EventTopic[] | undefined; planId?: string | undefined; workerId?: string | undefined; stationId?: string | undefined },
): EventFilter {
  return {
    topics: query.topics,
    planId: query.planId,
    workerId: query.workerId,
    stationId: query.stationId,
    operatorWorkerId: user.role === 'operator' ? user.workerId : undefined,
  };
}

export function matchesFilter(event: FilterableEvent, filter: EventFilter): boolean {
  if (filter.topics && !filter.topics.includes(event.topic)) return false;
  if (filter.planId !== undefined && event.planId !== filter.planId) return false;
  if (filter.workerId !== undefined && event.workerId !== filter.workerId) return false;
  if (filter.stationId !== undefined && event.stationId !== filter.stationId) return false;
  if (filter.operatorWorkerId !== undefined) {
    if (event.topic === 'plans') return true;
    if (event.topic === 'workers' || event.topic === 'assignments' || event.topic === 'alerts') {
      return filter.operatorWorkerId !== null && event.workerId === filter.operatorWorkerId;
    }
    return false;
  }
  return true;
}

/**
 * Live updates: one EventSource per signed-in tab on /api/mes/stream. Every
 * event invalidates the queries of the resources it touches; invalidations
 * are batched so that a release of a 100-step plan triggers one refetch per
 * resource, not one per event.
 */
import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState } from 'react';
import { assignmentKeys } from './assignments';
import { authKeys } from './auth';
import { apiBase } from './client';
import { calendarKeys, materialKeys, operationKeys, stationKeys, workerKeys } from './masterData';
import { planKeys } from './plans';
import { problemKeys } from './problems';
import { userKeys } from './users';
import type { StreamEvent } from './types';

export type LiveState = 'connecting' | 'live' | 'offline';

const touches: Record<StreamEvent['topic'], QueryKey[]> = {
  // release reserves and cancel gives back: a plan's material figures move with its status
  plans: [planKeys.all, assignmentKeys.all],
  // problem_reported and problem_resolved come on this topic too
  assignments: [planKeys.lists(), planKeys.details(), planKeys.schedules(), assignmentKeys.all, stationKeys.all, workerKeys.all, problemKeys.all],
  // shift calendars are changed on the workers topic
  workers: [workerKeys.all, assignmentKeys.tasks(), calendarKeys.all],
  stations: [stationKeys.all],
  materials: [materialKeys.all, planKeys.materials()],
  // user accounts are master data too (admins only get their lists)
  master: [operationKeys.all, stationKeys.all, workerKeys.lists(), materialKeys.lists(), calendarKeys.all, userKeys.all],
};

/** Every cached answer but the session: after a gap or a reset. */
const everything: QueryKey[] = [
  planKeys.all,
  assignmentKeys.all,
  problemKeys.all,
  operationKeys.all,
  stationKeys.all,
  workerKeys.all,
  materialKeys.all,
  calendarKeys.all,
];

export const LiveContext = createContext<{ state: LiveState; lastEventAt: number | null }>({ state: 'connecting', lastEventAt: null });
export const useLive = () => useContext(LiveContext);

export function useLiveStream(topics: StreamEvent['topic'][] | null): { state: LiveState; lastEventAt: number | null } {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  const [lastEventAt, setLastEventAt] = useState<number | null>(null);
  const key = topics?.join(',') ?? '';

  useEffect(() => {
    if (!key) return;
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    // keys by their JSON: one invalidation per key however many events name it
    const pending = new Map<string, QueryKey>();
    let everOpened = false;

    const flush = () => {
      flushTimer = undefined;
      // a key under another pending key (plans.list under plans) is refreshed by that one already
      const keys = [...pending.values()];
      const covered = (k: QueryKey) => keys.some((p) => p !== k && p.length < k.length && p.every((part, i) => part === k[i]));
      for (const queryKey of keys) if (!covered(queryKey)) void queryClient.invalidateQueries({ queryKey });
      pending.clear();
    };
    const invalidate = (keys: readonly QueryKey[]) => {
      for (const k of keys) pending.set(JSON.stringify(k), k);
      flushTimer ??= setTimeout(flush, 150);
    };

    const connect = () => {
      setState('connecting');
      source = new EventSource(`${apiBase}/stream?topics=${key}`);
      source.onopen = () => {
        setState('live');
        // after a gap the server replays what was missed; a first connect or a
        // reconnect may still have raced a change, so refresh once
        if (everOpened) invalidate(everything);
        everOpened = true;
      };
      const onEvent = (message: MessageEvent<string>) => {
        try {
          const event = JSON.parse(message.data) as StreamEvent;
          invalidate(touches[event.topic] ?? everything);
          setLastEventAt(Date.now());
        } catch {
          /* a frame we do not understand: ignore */
        }
      };
      for (const topic of key.split(',')) source.addEventListener(topic, onEvent);
      source.addEventListener('reset', () => invalidate(everything));
      // the server ended the session (sign-out elsewhere, disabled, new PIN…): the login page appears at once
      source.addEventListener('session_ended', () => {
        stopped = true;
        source?.close();
        queryClient.setQueryData(authKeys.me, null);
      });
      source.onerror = () => {
        if (stopped) return;
        setState(navigator.onLine ? 'connecting' : 'offline');
        if (source?.readyState === EventSource.CLOSED) {
          // the server refused (signed out, restarting): check the session and retry later
          void queryClient.invalidateQueries({ queryKey: authKeys.me });
          retryTimer = setTimeout(connect, 5_000);
        }
      };
    };
    connect();
    const onOffline = () => setState('offline');
    window.addEventListener('offline', onOffline);
    return () => {
      stopped = true;
      window.removeEventListener('offline', onOffline);
      clearTimeout(retryTimer);
      clearTimeout(flushTimer);
      source?.close();
    };
  }, [key, queryClient]);

  return { state, lastEventAt };
}

/**
 * Live updates: one EventSource per signed-in tab on /api/mes/stream. Every
 * event invalidates the queries of the resources it touches; invalidations
 * are batched so that a release of a 100-step plan triggers one refetch per
 * resource, not one per event.
 */
import { type QueryKey, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState } from 'react';
import { alertFeed, alertKeys } from './alerts';
import { analyticsKeys } from './analytics';
import { assignmentKeys } from './assignments';
import { authKeys } from './auth';
import { apiBase } from './client';
import { calendarKeys, materialKeys, operationKeys, stationKeys, workerKeys } from './masterData';
import { planKeys } from './plans';
import { problemKeys } from './problems';
import { userKeys } from './users';
import type { StreamEvent } from './types';

/**
 * The state of the event stream, as the badge shows it:
 * connecting (first connection) → live → offline (the device lost the network, or the stream broke) →
 * catching up (reconnected: the server replays what was missed from the Last-Event-ID and every cached answer is
 * fetched again) → live. Driven by the EventSource's open/error/messages and the browser's online/offline events;
 * it returns to live by itself. (It used to stay "offline" after the network came back when the stream had never
 * broken: nothing but a new `open` ever set it live again.)
 */
export type LiveState = 'connecting' | 'live' | 'offline' | 'catching_up';

const touches: Record<StreamEvent['topic'], QueryKey[]> = {
  // release reserves and cancel gives back: a plan's material figures move with its status
  plans: [planKeys.all, assignmentKeys.all],
  // problem_reported and problem_resolved come on this topic too
  // and today's OEE on the board (not the analytics pages' reports: their periods are mostly past, and heavy)
  assignments: [
    planKeys.lists(),
    planKeys.details(),
    planKeys.schedules(),
    assignmentKeys.all,
    stationKeys.all,
    workerKeys.all,
    problemKeys.all,
    analyticsKeys.today(),
  ],
  // shift calendars are changed on the workers topic
  workers: [workerKeys.all, assignmentKeys.tasks(), calendarKeys.all],
  stations: [stationKeys.all],
  materials: [materialKeys.all, planKeys.materials()],
  // user accounts are master data too (admins only get their lists)
  master: [operationKeys.all, stationKeys.all, workerKeys.lists(), materialKeys.lists(), calendarKeys.all, userKeys.all],
  alerts: [alertKeys.all],
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
  alertKeys.all,
  analyticsKeys.today(),
];

export const LiveContext = createContext<{ state: LiveState; lastEventAt: number | null }>({ state: 'connecting', lastEventAt: null });
export const useLive = () => useContext(LiveContext);

/** How long after an error the stream is opened again when the browser gave up on it (it retries by itself otherwise). */
const reopenMs = 2_000;

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
    /** The last event id seen: a new EventSource resumes from it (?lastEventId=), so the server replays the gap. */
    let lastEventId: string | null = null;
    let current: LiveState = 'connecting';
    const moveTo = (next: LiveState) => {
      current = next;
      setState(next);
    };

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

    /** After a gap: the replay is under way; live again once every cached answer has been fetched again. */
    const catchUp = () => {
      moveTo('catching_up');
      const opened = source;
      void Promise.all(everything.map((queryKey) => queryClient.invalidateQueries({ queryKey }))).finally(() => {
        if (!stopped && source === opened && current === 'catching_up') moveTo('live');
      });
    };

    const close = () => {
      clearTimeout(retryTimer);
      retryTimer = undefined;
      source?.close();
      source = null;
    };

    const connect = () => {
      close();
      if (!everOpened) moveTo('connecting');
      const resume = lastEventId ? `&lastEventId=${encodeURIComponent(lastEventId)}` : '';
      const opened = new EventSource(`${apiBase}/stream?topics=${key}${resume}`);
      source = opened;
      opened.onopen = () => {
        if (source !== opened) return;
        // a first connect may have raced a change too, but nothing was cached before it
        if (everOpened) catchUp();
        else moveTo('live');
        everOpened = true;
      };
      const onEvent = (message: MessageEvent<string>) => {
        if (message.lastEventId) lastEventId = message.lastEventId;
        // events arriving are proof enough that the stream works
        if (current === 'offline' || current === 'connecting') moveTo('live');
        try {
          const event = JSON.parse(message.data) as StreamEvent;
          invalidate(touches[event.topic] ?? everything);
          alertFeed.publish(event);
          setLastEventAt(Date.now());
        } catch {
          /* a frame we do not understand: ignore */
        }
      };
      for (const topic of key.split(',')) opened.addEventListener(topic, onEvent);
      opened.addEventListener('reset', (message: MessageEvent<string>) => {
        if (message.lastEventId) lastEventId = message.lastEventId;
        invalidate(everything);
      });
      // the server ended the session (sign-out elsewhere, disabled, new PIN…): the login page appears at once
      opened.addEventListener('session_ended', () => {
        stopped = true;
        close();
        queryClient.setQueryData(authKeys.me, null);
      });
      opened.onerror = () => {
        if (stopped || source !== opened) return;
        moveTo(navigator.onLine ? 'connecting' : 'offline');
        if (opened.readyState === EventSource.CLOSED) {
          // the server refused (signed out, restarting): check the session and open again later
          void queryClient.invalidateQueries({ queryKey: authKeys.me });
          retryTimer = setTimeout(connect, reopenMs);
        }
      };
    };
    connect();
    // the browser knows before the stream does: a dead connection can look open for minutes
    const onOffline = () => {
      close();
      moveTo('offline');
    };
    // back: open a new stream at once (it resumes after the last event seen) instead of waiting for a retry
    const onOnline = () => {
      if (!stopped) connect();
    };
    window.addEventListener('offline', onOffline);
    window.addEventListener('online', onOnline);
    return () => {
      stopped = true;
      window.removeEventListener('offline', onOffline);
      window.removeEventListener('online', onOnline);
      clearTimeout(flushTimer);
      close();
    };
  }, [key, queryClient]);

  return { state, lastEventAt };
}

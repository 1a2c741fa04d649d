/**
 * Live updates: one EventSource per signed-in tab on /api/mes/stream. Every
 * event invalidates the queries of the resources it touches; invalidations
 * are batched so that a release of a 100-step plan triggers one refetch per
 * resource, not one per event.
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState } from 'react';
import { apiBase } from './client';
import { type ResourceName, resource } from './queries';
import type { StreamEvent } from './types';

export type LiveState = 'connecting' | 'live' | 'offline';

const touches: Record<StreamEvent['topic'], ResourceName[]> = {
  // release reserves and cancel gives back: a plan's material figures move with its status
  plans: ['plans', 'plan', 'schedule', 'tasks', 'assignments', 'planMaterials'],
  // problem_reported and problem_resolved come on this topic too
  assignments: ['plans', 'plan', 'schedule', 'assignments', 'tasks', 'stations', 'workers', 'problems'],
  // shift calendars are changed on the workers topic
  workers: ['workers', 'tasks', 'calendars'],
  stations: ['stations'],
  materials: ['materials', 'ledger', 'planMaterials'],
  master: ['operations', 'stations', 'workers', 'materials', 'calendars'],
};

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
    const pending = new Set<ResourceName>();
    let everOpened = false;

    const flush = () => {
      flushTimer = undefined;
      for (const name of pending) void queryClient.invalidateQueries({ queryKey: resource[name] });
      pending.clear();
    };
    const invalidate = (names: readonly ResourceName[]) => {
      for (const n of names) pending.add(n);
      flushTimer ??= setTimeout(flush, 150);
    };
    const everything = Object.keys(resource).filter((k) => k !== 'me') as ResourceName[];

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
      source.onerror = () => {
        if (stopped) return;
        setState(navigator.onLine ? 'connecting' : 'offline');
        if (source?.readyState === EventSource.CLOSED) {
          // the server refused (signed out, restarting): check the session and retry later
          void queryClient.invalidateQueries({ queryKey: resource.me });
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

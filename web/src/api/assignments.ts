/**
 * Worker assignments: the lists (board, plan page), a worker's tasks
 * (portal), and the shop-floor actions on one assignment.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, NetworkError, api, describeError, newIdempotencyKey, type Query } from './client';
import type { ActionResult, AssignmentSummary, Page, WorkerTasks } from './types';

export const assignmentKeys = {
  all: ['assignments'] as const,
  lists: () => [...assignmentKeys.all, 'list'] as const,
  list: (query: Query) => [...assignmentKeys.lists(), query] as const,
  /** A worker's tasks (GET /workers/:id/tasks): assignments seen from the portal. */
  tasks: () => [...assignmentKeys.all, 'tasks'] as const,
  tasksOf: (workerId: string) => [...assignmentKeys.tasks(), workerId] as const,
};

export function useAssignments(query: Query, enabled = true) {
  return useQuery({
    queryKey: assignmentKeys.list(query),
    queryFn: () => api.get<Page<AssignmentSummary>>('/worker-assignments', query),
    placeholderData: keepPreviousData,
    enabled,
  });
}

export function useWorkerTasks(workerId: string) {
  return useQuery({
    queryKey: assignmentKeys.tasksOf(workerId),
    queryFn: () => api.get<WorkerTasks>(`/workers/${encodeURIComponent(workerId)}/tasks`),
    // the stream keeps it fresh; the interval is a safety net for missed events
    refetchInterval: 60_000,
  });
}

/*
 * Shop-floor actions with exactly-once effect over a flaky network: every tap
 * gets an Idempotency-Key. A tap made without network, or whose request got no
 * answer, joins a queue shown on the tablet (queued → sending → done, or
 * refused with the server's reason); the queue is kept on the device (a reload
 * keeps it) and sent in order, once, as soon as the network is back, each tap
 * under its own key, so the server acts once even if an earlier request did
 * arrive (it answers a repeated key with the stored response).
 */

export type ShopFloorAction = 'start' | 'pause' | 'resume' | 'complete' | 'report-problem';

export type TapState = 'queued' | 'sending' | 'done' | 'refused';

export interface QueuedTap {
  signature: string;
  key: string;
  action: ShopFloorAction;
  assignmentId: string;
  body: unknown;
  state: TapState;
  /** Why the server refused it. */
  reason?: string;
  at: number;
}

export interface ActionState {
  pending: ShopFloorAction | null;
  /** The server refused the last action sent at once (problem detail inside). */
  refused: ApiError | null;
  lastDone: { action: ShopFloorAction; at: number } | null;
  /** Taps waiting for the network, being sent, or sent from the queue with their outcome. */
  queue: QueuedTap[];
}

const queueKey = (workerId: string) => `burkol.portal.queue.${workerId}`;

function loadQueue(workerId: string): QueuedTap[] {
  try {
    const stored = JSON.parse(localStorage.getItem(queueKey(workerId)) ?? '[]') as QueuedTap[];
    // a tap that was being sent when the page went away may have arrived: sending it again under its key is safe
    return stored.map((tap) => (tap.state === 'sending' ? { ...tap, state: 'queued' } : tap));
  } catch {
    return [];
  }
}

function saveQueue(workerId: string, queue: QueuedTap[]): void {
  try {
    const open = queue.filter((tap) => tap.state === 'queued' || tap.state === 'sending');
    if (open.length === 0) localStorage.removeItem(queueKey(workerId));
    else localStorage.setItem(queueKey(workerId), JSON.stringify(open));
  } catch {
    // private mode: the queue lasts for this page only
  }
}

const sendTap = (tap: Pick<QueuedTap, 'action' | 'assignmentId' | 'body' | 'key'>) =>
  api.post<ActionResult>(`/worker-assignments/${encodeURIComponent(tap.assignmentId)}/${tap.action}`, tap.body, {
    headers: { 'idempotency-key': tap.key },
    timeoutMs: 15_000,
  });

/** While taps wait and the device says it is online, try again this often (the `online` event can come before the network works). */
const drainRetryMs = 5_000;

export function useShopFloorAction(workerId: string) {
  const queryClient = useQueryClient();
  const refreshTasks = useCallback(() => void queryClient.invalidateQueries({ queryKey: assignmentKeys.tasksOf(workerId) }), [queryClient, workerId]);
  const mutation = useMutation({
    mutationFn: sendTap,
    onSuccess: refreshTasks,
    // a conflict or a refused input means the task moved on: show what it is now
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 422)) refreshTasks();
    },
  });
  const [queue, setQueueState] = useState<QueuedTap[]>(() => loadQueue(workerId));
  const queueRef = useRef(queue);
  const setQueue = useCallback(
    (update: (q: QueuedTap[]) => QueuedTap[]) => {
      queueRef.current = update(queueRef.current);
      saveQueue(workerId, queueRef.current);
      setQueueState(queueRef.current);
    },
    [workerId],
  );
  const [lastDone, setLastDone] = useState<ActionState['lastDone']>(null);
  // one request at a time, also for two taps before the next render
  const busy = useRef(false);
  const draining = useRef(false);

  const patchTap = useCallback((key: string, patch: Partial<QueuedTap>) => setQueue((q) => q.map((t) => (t.key === key ? { ...t, ...patch } : t))), [setQueue]);

  /** Sends the queued taps in order, each once; stops at the first that gets no answer (it stays queued). */
  const drain = useCallback(async () => {
    if (draining.current || !navigator.onLine) return;
    draining.current = true;
    try {
      for (;;) {
        const next = queueRef.current.find((t) => t.state === 'queued');
        if (!next) break;
        patchTap(next.key, { state: 'sending' });
        try {
          await sendTap(next);
          patchTap(next.key, { state: 'done' });
          refreshTasks();
        } catch (error) {
          if (error instanceof ApiError) {
            patchTap(next.key, { state: 'refused', reason: describeError(error).detail });
            refreshTasks();
          } else {
            patchTap(next.key, { state: 'queued' });
            break;
          }
        }
      }
    } finally {
      draining.current = false;
    }
  }, [patchTap, refreshTasks]);

  const enqueue = useCallback(
    (tap: Omit<QueuedTap, 'state' | 'at'>) => setQueue((q) => [...q.filter((t) => t.key !== tap.key), { ...tap, state: 'queued', at: Date.now() }]),
    [setQueue],
  );

  const { mutateAsync } = mutation;
  const perform = useCallback(
    async (action: ShopFloorAction, assignmentId: string, body?: unknown): Promise<boolean> => {
      const signature = `${action}:${assignmentId}:${JSON.stringify(body ?? null)}`;
      // the same tap again while it waits: it is already in the queue
      if (queueRef.current.some((t) => t.signature === signature && (t.state === 'queued' || t.state === 'sending'))) return true;
      const tap = { signature, key: newIdempotencyKey(), action, assignmentId, body: body ?? {} };
      if (!navigator.onLine || queueRef.current.some((t) => t.state === 'queued' || t.state === 'sending')) {
        // offline, or earlier taps still wait: this one goes after them, in order
        enqueue(tap);
        void drain();
        return true;
      }
      if (busy.current) return false;
      busy.current = true;
      try {
        await mutateAsync(tap);
        setLastDone({ action, at: Date.now() });
        return true;
      } catch (error) {
        if (error instanceof ApiError) return false;
        // no answer: it may or may not have arrived; queued under the same key, it is done once either way
        enqueue(tap);
        if (!(error instanceof NetworkError)) console.error(error);
        return true;
      } finally {
        busy.current = false;
      }
    },
    [mutateAsync, enqueue, drain],
  );

  // back online: send what waits; while something waits, try again now and then
  const waiting = queue.some((t) => t.state === 'queued');
  useEffect(() => {
    const onOnline = () => void drain();
    window.addEventListener('online', onOnline);
    const timer = waiting ? setInterval(() => void drain(), drainRetryMs) : undefined;
    if (waiting) void drain();
    return () => {
      window.removeEventListener('online', onOnline);
      clearInterval(timer);
    };
  }, [drain, waiting]);

  // the "done" confirmation fades after a few seconds; so do taps the queue sent well
  useEffect(() => {
    if (!lastDone) return;
    const timer = setTimeout(() => setLastDone(null), 6_000);
    return () => clearTimeout(timer);
  }, [lastDone]);
  const sentWell = queue.some((t) => t.state === 'done');
  useEffect(() => {
    if (!sentWell) return;
    const timer = setTimeout(() => setQueue((q) => q.filter((t) => t.state !== 'done')), 15_000);
    return () => clearTimeout(timer);
  }, [sentWell, setQueue]);

  const { reset } = mutation;
  const dismiss = useCallback(() => {
    // forgets the refusal (a request under way has none, and keeps its state)
    if (!busy.current) reset();
  }, [reset]);
  const removeTap = useCallback((key: string) => setQueue((q) => q.filter((t) => t.key !== key || t.state === 'sending')), [setQueue]);

  const state: ActionState = {
    pending: mutation.isPending ? mutation.variables.action : null,
    refused: mutation.error instanceof ApiError ? mutation.error : null,
    lastDone,
    queue,
  };
  return { state, perform, dismiss, sendQueued: drain, removeTap };
}

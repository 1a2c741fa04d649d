/**
 * Worker assignments: the lists (board, plan page), a worker's tasks
 * (portal), and the shop-floor actions on one assignment.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, NetworkError, api, newIdempotencyKey, type Query } from './client';
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
 * gets an Idempotency-Key; when the request fails without an answer, the same
 * tap (same action, same task, same input) is retried with the same key, so
 * the server acts once even if the first request did arrive.
 */

export type ShopFloorAction = 'start' | 'pause' | 'resume' | 'complete' | 'report-problem';

interface Attempt {
  signature: string;
  key: string;
  action: ShopFloorAction;
  assignmentId: string;
  body: unknown;
}

export interface ActionState {
  pending: ShopFloorAction | null;
  /** The last attempt got no answer: `retry` sends it again with the same key. */
  unsent: Attempt | null;
  /** The server refused the last action (problem detail inside). */
  refused: ApiError | null;
  lastDone: { action: ShopFloorAction; at: number } | null;
}

export function useShopFloorAction(workerId: string) {
  const queryClient = useQueryClient();
  const refreshTasks = () => void queryClient.invalidateQueries({ queryKey: assignmentKeys.tasksOf(workerId) });
  const mutation = useMutation({
    mutationFn: (attempt: Attempt) =>
      api.post<ActionResult>(`/worker-assignments/${encodeURIComponent(attempt.assignmentId)}/${attempt.action}`, attempt.body, {
        headers: { 'idempotency-key': attempt.key },
        timeoutMs: 15_000,
      }),
    onSuccess: refreshTasks,
    // a conflict or a refused input means the task moved on: show what it is now
    onError: (error) => {
      if (error instanceof ApiError && (error.status === 409 || error.status === 422)) refreshTasks();
    },
  });
  // the attempt without an answer stays (through a retry's own wait) until an answer replaces it
  const [unsent, setUnsent] = useState<Attempt | null>(null);
  const unsentRef = useRef<Attempt | null>(null);
  const [lastDone, setLastDone] = useState<ActionState['lastDone']>(null);
  // one request at a time, also for two taps before the next render
  const busy = useRef(false);
  const keepUnsent = useCallback((attempt: Attempt | null) => {
    unsentRef.current = attempt;
    setUnsent(attempt);
  }, []);

  const { mutateAsync, reset } = mutation;
  const send = useCallback(
    async (attempt: Attempt): Promise<boolean> => {
      if (busy.current) return false;
      busy.current = true;
      try {
        await mutateAsync(attempt);
        keepUnsent(null);
        setLastDone({ action: attempt.action, at: Date.now() });
        return true;
      } catch (error) {
        if (error instanceof ApiError) {
          keepUnsent(null);
          return false;
        }
        // no answer: keep the attempt and its key for a retry
        keepUnsent(attempt);
        if (!(error instanceof NetworkError)) console.error(error);
        return false;
      } finally {
        busy.current = false;
      }
    },
    [mutateAsync, keepUnsent],
  );

  const perform = useCallback(
    (action: ShopFloorAction, assignmentId: string, body?: unknown) => {
      const signature = `${action}:${assignmentId}:${JSON.stringify(body ?? null)}`;
      const previous = unsentRef.current;
      const key = previous && previous.signature === signature ? previous.key : newIdempotencyKey();
      return send({ signature, key, action, assignmentId, body: body ?? {} });
    },
    [send],
  );

  // the "done" confirmation fades after a few seconds
  useEffect(() => {
    if (!lastDone) return;
    const timer = setTimeout(() => setLastDone(null), 6_000);
    return () => clearTimeout(timer);
  }, [lastDone]);

  const retry = useCallback(() => (unsentRef.current ? send(unsentRef.current) : Promise.resolve(false)), [send]);
  const dismiss = useCallback(() => {
    keepUnsent(null);
    // forgets the refusal (a request under way has none, and keeps its state)
    if (!busy.current) reset();
  }, [keepUnsent, reset]);

  const state: ActionState = {
    pending: mutation.isPending ? mutation.variables.action : null,
    unsent,
    refused: mutation.error instanceof ApiError ? mutation.error : null,
    lastDone,
  };
  return { state, perform, retry, dismiss };
}

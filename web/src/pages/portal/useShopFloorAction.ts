/**
 * Shop-floor actions with exactly-once effect over a flaky network: every tap
 * gets an Idempotency-Key; when the request fails without an answer, the same
 * tap (same action, same task, same input) is retried with the same key, so
 * the server acts once even if the first request did arrive.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, NetworkError, api, newIdempotencyKey } from '../../api/client';
import { resource } from '../../api/queries';
import type { ActionResult } from '../../api/types';

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
  const [state, setState] = useState<ActionState>({ pending: null, unsent: null, refused: null, lastDone: null });
  const unsentRef = useRef<Attempt | null>(null);
  const busy = useRef(false);

  const send = useCallback(
    async (attempt: Attempt): Promise<boolean> => {
      if (busy.current) return false;
      busy.current = true;
      setState((s) => ({ ...s, pending: attempt.action, refused: null }));
      try {
        await api.post<ActionResult>(`/worker-assignments/${encodeURIComponent(attempt.assignmentId)}/${attempt.action}`, attempt.body, {
          headers: { 'idempotency-key': attempt.key },
          timeoutMs: 15_000,
        });
        unsentRef.current = null;
        setState({ pending: null, unsent: null, refused: null, lastDone: { action: attempt.action, at: Date.now() } });
        void queryClient.invalidateQueries({ queryKey: [...resource.tasks, workerId] });
        return true;
      } catch (error) {
        if (error instanceof ApiError) {
          unsentRef.current = null;
          setState((s) => ({ ...s, pending: null, unsent: null, refused: error }));
          if (error.status === 409 || error.status === 422) void queryClient.invalidateQueries({ queryKey: [...resource.tasks, workerId] });
          return false;
        }
        // no answer: keep the attempt and its key for a retry
        unsentRef.current = attempt;
        setState((s) => ({ ...s, pending: null, unsent: attempt, refused: null }));
        if (!(error instanceof NetworkError)) console.error(error);
        return false;
      } finally {
        busy.current = false;
      }
    },
    [queryClient, workerId],
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
    if (!state.lastDone) return;
    const timer = setTimeout(() => setState((s) => ({ ...s, lastDone: null })), 6_000);
    return () => clearTimeout(timer);
  }, [state.lastDone]);

  const retry = useCallback(() => (unsentRef.current ? send(unsentRef.current) : Promise.resolve(false)), [send]);
  const dismiss = useCallback(() => {
    unsentRef.current = null;
    setState((s) => ({ ...s, unsent: null, refused: null }));
  }, []);

  return { state, perform, retry, dismiss };
}

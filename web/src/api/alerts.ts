/**
 * The signed-in user's alerts (addressed to the planners, their worker or their account), acknowledging them,
 * and the live feed of new ones: the event stream (live.ts) hands each alert event to `alertFeed`, and the
 * header's toasts and the portal's banner listen to it.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Static } from 'typebox';
import { isAddressedTo } from '../../../src/modules/alerts/alerts.rules.js';
import type { AlertView } from '../../../src/modules/alerts/alerts.schema.js';
import { api } from './client';
import type { Page, SessionUser, StreamEvent } from './types';

export type Alert = Static<typeof AlertView>;

export const alertKeys = {
  all: ['alerts'] as const,
  unacknowledged: () => [...alertKeys.all, 'unacknowledged'] as const,
};

/** My alerts not acknowledged yet, newest first. */
export function useUnacknowledgedAlerts(enabled = true) {
  return useQuery({
    queryKey: alertKeys.unacknowledged(),
    queryFn: () => api.get<Page<Alert>>('/alerts', { unacknowledged: true, limit: 100 }),
    enabled,
  });
}

export function useAcknowledgeAlert() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => api.post<Alert>(`/alerts/${id}/ack`, {}),
    onMutate: (id) => {
      // gone from the list at once; the server keeps it acknowledged (a reload does not bring it back)
      queryClient.setQueryData<Page<Alert>>(alertKeys.unacknowledged(), (page) =>
        page ? { ...page, items: page.items.filter((a) => a.id !== id), total: Math.max(0, page.total - 1) } : page,
      );
    },
    onSettled: () => void queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

export function useAcknowledgeAll() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (upTo: number | undefined) => api.post<{ acknowledged: number }>('/alerts/ack-all', upTo ? { upTo } : {}),
    onSettled: () => void queryClient.invalidateQueries({ queryKey: alertKeys.all }),
  });
}

/** Whether an alert is for this user (planners' streams carry every alert event; operators' only their own): the server's rule. */
export const isMine = (alert: Alert, user: Pick<SessionUser, 'id' | 'role' | 'workerId'>): boolean => isAddressedTo(alert, user);

type Listener = (alert: Alert) => void;
const listeners = new Set<Listener>();

/** New alerts as the event stream delivers them (live, not from a reload). */
export const alertFeed = {
  subscribe(listener: Listener): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  publish(event: StreamEvent): void {
    if (event.topic !== 'alerts' || event.change !== 'created') return;
    const alert = (event.payload as { alert?: Alert }).alert;
    if (alert) for (const l of listeners) l(alert);
  },
};

/** Alerts already toasted on this device: a reload or a second tab does not toast them again. */
const toastedKey = 'burkol.alerts.toasted';
export function markToasted(id: number): boolean {
  try {
    const seen = JSON.parse(localStorage.getItem(toastedKey) ?? '[]') as number[];
    if (seen.includes(id)) return false;
    localStorage.setItem(toastedKey, JSON.stringify([...seen, id].slice(-200)));
    return true;
  } catch {
    return true;
  }
}

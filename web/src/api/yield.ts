/**
 * Yield carried forward: a plan's shortfall (per step and per output: planned,
 * expected, completed) and the planner's two decisions on a short step.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { assignmentKeys } from './assignments';
import { api } from './client';
import { planKeys } from './plans';
import type { RemakeResult, ShortfallView } from './types';

/** Under planKeys.all: the 'plans' events (expected quantities changed, a step added, short accepted) refresh it. */
export const shortfallKey = (planId: string) => [...planKeys.all, 'shortfall', planId] as const;

const nodePath = (planId: string, nodeId: string) => `/production-plans/${encodeURIComponent(planId)}/nodes/${encodeURIComponent(nodeId)}`;

export function useShortfall(planId: string, enabled = true) {
  return useQuery({
    queryKey: shortfallKey(planId),
    queryFn: () => api.get<ShortfallView>(`/production-plans/${encodeURIComponent(planId)}/shortfall`),
    enabled,
  });
}

function useRefresh(planId: string) {
  const queryClient = useQueryClient();
  return () => {
    for (const key of [planKeys.detail(planId), planKeys.schedules(), planKeys.materials(), assignmentKeys.lists()])
      void queryClient.invalidateQueries({ queryKey: key });
  };
}

export function useAcceptShort(planId: string) {
  const queryClient = useQueryClient();
  const refresh = useRefresh(planId);
  return useMutation({
    mutationFn: (nodeId: string) => api.post<ShortfallView>(`${nodePath(planId, nodeId)}/accept-short`),
    onSuccess: (view) => {
      queryClient.setQueryData(shortfallKey(planId), view);
      refresh();
    },
  });
}

export function useRemake(planId: string, { onSuccess }: { onSuccess?: (result: RemakeResult) => void } = {}) {
  const queryClient = useQueryClient();
  const refresh = useRefresh(planId);
  return useMutation({
    mutationFn: ({ nodeId, quantity }: { nodeId: string; quantity?: number | undefined }) =>
      api.post<RemakeResult>(`${nodePath(planId, nodeId)}/remake`, quantity === undefined ? {} : { quantity }),
    onSuccess: (result) => {
      queryClient.setQueryData(shortfallKey(planId), result.shortfall);
      refresh();
      onSuccess?.(result);
    },
  });
}

/** What operators reported from the shop floor (planners and admins only), and resolving it. */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Query } from './client';
import type { Page, ProblemView } from './types';

export const problemKeys = {
  all: ['problems'] as const,
  lists: () => [...problemKeys.all, 'list'] as const,
  list: (query: Query) => [...problemKeys.lists(), query] as const,
};

/** Newest first. */
export function useProblems(query: Query, enabled = true) {
  return useQuery({
    queryKey: problemKeys.list(query),
    queryFn: () => api.get<Page<ProblemView>>('/problems', query),
    placeholderData: keepPreviousData,
    enabled,
  });
}

/** Marks a problem resolved, with an optional note of what was done. */
export function useResolveProblem(problemId: number, { onSuccess }: { onSuccess?: (problem: ProblemView) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (resolution: string) => api.post<ProblemView>(`/problems/${problemId}/resolve`, resolution ? { resolution } : {}),
    onSuccess: (problem) => {
      void queryClient.invalidateQueries({ queryKey: problemKeys.all });
      onSuccess?.(problem);
    },
  });
}

/** The floor's reschedule: every released or in-production plan rescheduled together by due date and priority (dry run first). */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FloorRescheduleResult } from '../../../src/modules/plans/floor.schema.js';
import { assignmentKeys } from './assignments';
import { api } from './client';
import { planKeys } from './plans';

export type { FloorRescheduleResult };

/** POST /schedule/reschedule; `dryRun` compares only. After a real run the plans, schedules and task lists are fetched again. */
export function useFloorReschedule() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ dryRun, planIds }: { dryRun: boolean; planIds?: string[] }) =>
      api.post<FloorRescheduleResult>('/schedule/reschedule', planIds ? { planIds } : {}, { query: { dryRun } }),
    onSuccess: (result) => {
      if (!result.applied) return;
      for (const key of [planKeys.all, assignmentKeys.lists()]) void queryClient.invalidateQueries({ queryKey: key });
    },
  });
}

/**
 * Production plans: the list, one plan, its schedule (Gantt) and material
 * figures; saving a draft, lifecycle transitions, archive and duplicate.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { assignmentKeys } from './assignments';
import { api, type Query } from './client';
import type { CursorPage, MoveResult, PlanDetail, PlanDocument, PlanGantt, PlanMaterials, PlanSummary, TransitionResult } from './types';

export const planKeys = {
  all: ['plans'] as const,
  lists: () => [...planKeys.all, 'list'] as const,
  list: (query: Query) => [...planKeys.lists(), query] as const,
  details: () => [...planKeys.all, 'detail'] as const,
  detail: (id: string | undefined) => [...planKeys.details(), id] as const,
  schedules: () => [...planKeys.all, 'schedule'] as const,
  schedule: (id: string) => [...planKeys.schedules(), id] as const,
  materials: () => [...planKeys.all, 'materials'] as const,
  materialsOf: (id: string) => [...planKeys.materials(), id] as const,
};

const planPath = (id: string) => `/production-plans/${encodeURIComponent(id)}`;

export function usePlans(query: Query) {
  return useQuery({
    queryKey: planKeys.list(query),
    queryFn: () => api.get<CursorPage<PlanSummary>>('/production-plans', query),
    placeholderData: keepPreviousData,
  });
}

export function usePlan(id: string | undefined) {
  return useQuery({ queryKey: planKeys.detail(id), queryFn: () => api.get<PlanDetail>(planPath(id!)), enabled: !!id });
}

export function useSchedule(id: string, enabled = true) {
  return useQuery({ queryKey: planKeys.schedule(id), queryFn: () => api.get<PlanGantt>(`${planPath(id)}/schedule`), enabled });
}

/** Per material of a plan: required, reserved, consumed, returned, short (kept fresh by 'materials' and 'plans' events). */
export function usePlanMaterials(id: string) {
  return useQuery({ queryKey: planKeys.materialsOf(id), queryFn: () => api.get<PlanMaterials>(`${planPath(id)}/materials`) });
}

interface Callbacks<T> {
  onSuccess?: (data: T) => void;
}

/** Saves a draft: a new plan with POST, a saved one with PUT against the version it was loaded at (If-Match). */
export function useSavePlan({ onSuccess }: Callbacks<PlanDetail> = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ saved, document }: { saved: { id: string; version: number } | null; document: PlanDocument }) =>
      saved
        ? api.put<PlanDetail>(planPath(saved.id), document, { headers: { 'if-match': `"${saved.version}"` } })
        : api.post<PlanDetail>('/production-plans', document),
    onSuccess: (plan) => {
      queryClient.setQueryData(planKeys.detail(plan.id), plan);
      void queryClient.invalidateQueries({ queryKey: planKeys.lists() });
      onSuccess?.(plan);
    },
  });
}

export type LifecycleAction = 'release' | 'pause' | 'resume' | 'cancel' | 'reschedule';

/** Release (optionally despite shortages), pause, resume, cancel or reschedule a plan. */
export function usePlanTransition(planId: string, action: LifecycleAction, { onSuccess }: Callbacks<TransitionResult> = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ allowShortage }: { allowShortage: boolean }) =>
      api.post<TransitionResult>(`${planPath(planId)}/${action}`, action === 'release' ? { allowShortage } : undefined),
    onSuccess: (result) => {
      queryClient.setQueryData(planKeys.detail(planId), result.plan);
      for (const key of [planKeys.lists(), planKeys.schedules(), assignmentKeys.lists()]) void queryClient.invalidateQueries({ queryKey: key });
      onSuccess?.(result);
    },
  });
}

export function useArchivePlan(planId: string, { onSuccess }: Callbacks<PlanDetail> = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<PlanDetail>(`${planPath(planId)}/archive`),
    onSuccess: (archived) => {
      queryClient.setQueryData(planKeys.detail(planId), archived);
      void queryClient.invalidateQueries({ queryKey: planKeys.lists() });
      onSuccess?.(archived);
    },
  });
}

/** Duplicate = export, then import as a new draft named "… (copy)". */
export function useDuplicatePlan(planId: string, { onSuccess }: Callbacks<PlanDetail> = {}) {
  return useMutation({
    mutationFn: async () => {
      const doc = await api.get<PlanDocument>(`${planPath(planId)}/export`);
      const name = `${doc.name} (copy)`.slice(0, 200);
      return api.post<PlanDetail>('/production-plans/import', { ...doc, name });
    },
    onSuccess: (copy) => onSuccess?.(copy),
  });
}

export interface MoveRequest {
  assignmentId: string;
  plannedStart: string;
  workerId?: string;
  substationId?: string;
}

/**
 * A planner's move of one not-yet-started assignment (PUT /worker-assignments/:id): a new start, worker or
 * substation. The schedule is fetched again before the promise settles, so the caller can drop its preview
 * once the server's state is on screen (successors the server moved included).
 */
export function useMoveAssignment(planId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ assignmentId, ...body }: MoveRequest) => api.put<MoveResult>(`/worker-assignments/${encodeURIComponent(assignmentId)}`, body),
    onSuccess: async () => {
      void queryClient.invalidateQueries({ queryKey: planKeys.detail(planId) });
      void queryClient.invalidateQueries({ queryKey: assignmentKeys.lists() });
      await queryClient.invalidateQueries({ queryKey: planKeys.schedule(planId) });
    },
  });
}

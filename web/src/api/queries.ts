/**
 * Read models through TanStack Query. Keys start with the resource name, so
 * the live stream can invalidate a whole resource with one prefix
 * (see live.ts).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ApiError, api, type Query } from './client';
import type {
  AssignmentSummary,
  LedgerEntry,
  Material,
  Operation,
  Page,
  PlanDetail,
  PlanMaterials,
  PlanSchedule,
  PlanSummary,
  ProblemView,
  SessionUser,
  ShiftCalendar,
  Station,
  Worker,
  WorkerTasks,
} from './types';

export const resource = {
  me: ['me'],
  plans: ['plans'],
  plan: ['plan'],
  schedule: ['schedule'],
  assignments: ['assignments'],
  tasks: ['tasks'],
  workers: ['workers'],
  stations: ['stations'],
  operations: ['operations'],
  materials: ['materials'],
  ledger: ['ledger'],
  planMaterials: ['plan-materials'],
  calendars: ['shift-calendars'],
  problems: ['problems'],
} as const;

export type ResourceName = keyof typeof resource;

export function useMe() {
  return useQuery({
    queryKey: resource.me,
    queryFn: async (): Promise<SessionUser | null> => {
      try {
        return await api.get<SessionUser>('/auth/me');
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: Number.POSITIVE_INFINITY,
    retry: 2,
  });
}

const useList = <T,>(name: ResourceName, path: string, query: Query = {}, enabled = true) =>
  useQuery({ queryKey: [...resource[name], query], queryFn: () => api.get<Page<T>>(path, query), placeholderData: keepPreviousData, enabled });

export const usePlans = (query: Query) => useList<PlanSummary>('plans', '/production-plans', query);
export const useOperations = (query: Query = { limit: 500 }) => useList<Operation>('operations', '/operations', query);
export const useStations = (query: Query = { limit: 500 }) => useList<Station>('stations', '/stations', query);
export const useWorkers = (query: Query = { limit: 500 }) => useList<Worker>('workers', '/workers', query);
export const useMaterials = (query: Query = { limit: 500 }) => useList<Material>('materials', '/materials', query);
export const useCalendars = (query: Query = { limit: 500 }) => useList<ShiftCalendar>('calendars', '/shift-calendars', query);
export const useAssignments = (query: Query, enabled = true) => useList<AssignmentSummary>('assignments', '/worker-assignments', query, enabled);
/** What operators reported (planners and admins only), newest first. */
export const useProblems = (query: Query, enabled = true) => useList<ProblemView>('problems', '/problems', query, enabled);

export function usePlan(id: string | undefined) {
  return useQuery({ queryKey: [...resource.plan, id], queryFn: () => api.get<PlanDetail>(`/production-plans/${encodeURIComponent(id!)}`), enabled: !!id });
}

export function useSchedule(id: string, enabled = true) {
  return useQuery({ queryKey: [...resource.schedule, id], queryFn: () => api.get<PlanSchedule>(`/production-plans/${encodeURIComponent(id)}/schedule`), enabled });
}

/** Per material of a plan: required, reserved, consumed, returned, short (kept fresh by 'materials' and 'plans' events). */
export function usePlanMaterials(id: string) {
  return useQuery({ queryKey: [...resource.planMaterials, id], queryFn: () => api.get<PlanMaterials>(`/production-plans/${encodeURIComponent(id)}/materials`) });
}

export function useLedger(code: string | undefined) {
  return useQuery({
    queryKey: [...resource.ledger, code],
    queryFn: () => api.get<Page<LedgerEntry>>(`/materials/${encodeURIComponent(code!)}/ledger`, { limit: 50 }),
    enabled: !!code,
  });
}

export function useWorkerTasks(workerId: string) {
  return useQuery({
    queryKey: [...resource.tasks, workerId],
    queryFn: () => api.get<WorkerTasks>(`/workers/${encodeURIComponent(workerId)}/tasks`),
    // the stream keeps it fresh; the interval is a safety net for missed events
    refetchInterval: 60_000,
  });
}

/** Inspection plans, check results and non-conformances (issue #17, item 3). */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type {
  AssignmentInspection,
  InspectionItemInput,
  InspectionPlan,
  Nonconformance,
  NonconformanceBody,
  PlanInspection,
  ResultInput,
} from '../../../src/modules/quality/quality.schema.js';
import { apiBase, api } from './client';

export type { AssignmentInspection, InspectionItemInput, InspectionPlan, Nonconformance, PlanInspection, ResultInput };
export type InspectionItem = InspectionPlan['items'][number];

export const qualityKeys = {
  all: ['quality'] as const,
  plan: (operationId: string) => [...qualityKeys.all, 'operation', operationId] as const,
  assignment: (assignmentId: string) => [...qualityKeys.all, 'assignment', assignmentId] as const,
  planResults: (planId: string) => [...qualityKeys.all, 'plan', planId] as const,
  planNcrs: (planId: string) => [...qualityKeys.all, 'ncrs', planId] as const,
};

export function useInspectionPlan(operationId: string | undefined) {
  return useQuery({
    queryKey: qualityKeys.plan(operationId ?? ''),
    queryFn: () => api.get<InspectionPlan>(`/operations/${operationId}/inspection-plan`),
    enabled: operationId !== undefined,
  });
}

export function useSaveInspectionPlan(operationId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (items: InspectionItemInput[]) => api.put<InspectionPlan>(`/operations/${operationId}/inspection-plan`, { items }),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: qualityKeys.all }),
  });
}

export function useAssignmentInspection(assignmentId: string | undefined) {
  return useQuery({
    queryKey: qualityKeys.assignment(assignmentId ?? ''),
    queryFn: () => api.get<AssignmentInspection>(`/worker-assignments/${assignmentId}/inspection-results`),
    enabled: assignmentId !== undefined,
  });
}

/** Records values; the answer is the step's checks as they stand now. */
export function useRecordResults(assignmentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (results: ResultInput[]) =>
      api.post<AssignmentInspection>(
        `/worker-assignments/${assignmentId}/inspection-results`,
        { results },
        { headers: { 'idempotency-key': crypto.randomUUID() } },
      ),
    onSuccess: (state) => queryClient.setQueryData(qualityKeys.assignment(assignmentId), state),
  });
}

export function usePlanInspection(planId: string) {
  return useQuery({ queryKey: qualityKeys.planResults(planId), queryFn: () => api.get<PlanInspection>(`/production-plans/${planId}/inspection-results`) });
}

export function usePlanNonconformances(planId: string) {
  return useQuery({
    queryKey: qualityKeys.planNcrs(planId),
    queryFn: () => api.get<{ items: Nonconformance[] }>(`/production-plans/${planId}/nonconformances`),
  });
}

export function useOpenNonconformance(assignmentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NonconformanceBody) => api.post<Nonconformance>(`/worker-assignments/${assignmentId}/nonconformances`, body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: qualityKeys.all }),
  });
}

export function useApproveNonconformance() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (code: string) => api.post<Nonconformance>(`/nonconformances/${code}/approve`),
    onSuccess: () => void queryClient.invalidateQueries(),
  });
}

/** Where the plan's CSV inspection report downloads from (the session cookie authorizes it). */
export const inspectionReportUrl = (planId: string) => `${apiBase}/production-plans/${planId}/inspection-report.csv`;

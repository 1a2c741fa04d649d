/** Lots: a material's lots, receipts, quarantine, a lot and its genealogy, the heat recall, a plan's output lots. */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Genealogy, Lot, LotList, LotReceipt, LotRecall } from '../../../src/modules/materials/lots.schema.js';
import { api } from './client';
import { materialKeys } from './masterData';

export type { Genealogy, Lot, LotEdge, LotInTree, LotUse } from '../../../src/modules/materials/lots.schema.js';

export const lotKeys = {
  all: ['lots'] as const,
  ofMaterial: (code: string) => ['lots', 'material', code] as const,
  one: (code: string) => ['lots', 'one', code] as const,
  genealogy: (code: string, direction: 'up' | 'down') => ['lots', 'genealogy', code, direction] as const,
  recall: (heat: string) => ['lots', 'recall', heat] as const,
  ofPlan: (planId: string) => ['lots', 'plan', planId] as const,
};

const enc = encodeURIComponent;

export const useMaterialLots = (code: string, includeEmpty: boolean) =>
  useQuery({ queryKey: [...lotKeys.ofMaterial(code), includeEmpty], queryFn: () => api.get<LotList>(`/materials/${enc(code)}/lots`, { includeEmpty }) });

export const useLot = (code: string) => useQuery({ queryKey: lotKeys.one(code), queryFn: () => api.get<Lot>(`/lots/${enc(code)}`) });

export const useGenealogy = (code: string, direction: 'up' | 'down') =>
  useQuery({ queryKey: lotKeys.genealogy(code, direction), queryFn: () => api.get<Genealogy>(`/lots/${enc(code)}/genealogy`, { direction, depth: 20 }) });

export const useHeatRecall = (heat: string) =>
  useQuery({ queryKey: lotKeys.recall(heat), queryFn: () => api.get<LotRecall>('/lots', { heatNumber: heat }), enabled: heat.length > 0 });

export const usePlanLots = (planId: string) => useQuery({ queryKey: lotKeys.ofPlan(planId), queryFn: () => api.get<LotRecall>('/lots', { planId }) });

function useInvalidateLots() {
  const queryClient = useQueryClient();
  return () => {
    void queryClient.invalidateQueries({ queryKey: lotKeys.all });
    void queryClient.invalidateQueries({ queryKey: materialKeys.all });
  };
}

export function useReceiveLot(materialCode: string, onSuccess?: (lot: Lot) => void) {
  const invalidate = useInvalidateLots();
  return useMutation({
    mutationFn: (body: LotReceipt) => api.post<Lot>(`/materials/${enc(materialCode)}/lots`, body),
    onSuccess: (lot) => {
      onSuccess?.(lot);
      invalidate();
    },
  });
}

export function useBlockLot() {
  const invalidate = useInvalidateLots();
  return useMutation({
    mutationFn: ({ code, reason }: { code: string; reason: string | null }) =>
      reason === null ? api.post<Lot>(`/lots/${enc(code)}/unblock`, {}) : api.post<Lot>(`/lots/${enc(code)}/block`, { reason }),
    onSuccess: invalidate,
  });
}

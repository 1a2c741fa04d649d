/**
 * Master data: operations, stations (with substations), workers, materials
 * (with stock bookings and the ledger) and shift calendars.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, type Query } from './client';
import type { LedgerEntry, Material, Operation, Page, ShiftCalendar, ShiftCalendarReplace, Station, SubstationBlock, Worker } from './types';

const listKeys = <R extends string>(root: R) => ({
  all: [root] as const,
  lists: () => [root, 'list'] as const,
  list: (query: Query) => [root, 'list', query] as const,
});

export const operationKeys = listKeys('operations');
export const stationKeys = listKeys('stations');
export const workerKeys = listKeys('workers');
export const calendarKeys = listKeys('shift-calendars');
export const materialKeys = {
  ...listKeys('materials'),
  ledgers: () => ['materials', 'ledger'] as const,
  ledger: (code: string | undefined) => ['materials', 'ledger', code] as const,
};

/** The resources edited by the generic master-data form: their API path and keys. */
const editable = {
  operations: { path: '/operations', keys: operationKeys },
  stations: { path: '/stations', keys: stationKeys },
  workers: { path: '/workers', keys: workerKeys },
  materials: { path: '/materials', keys: materialKeys },
} as const;
export type MasterNoun = keyof typeof editable;

const useList = <T>(keys: { list: (q: Query) => readonly unknown[] }, path: string, query: Query) =>
  useQuery({ queryKey: keys.list(query), queryFn: () => api.get<Page<T>>(path, query), placeholderData: keepPreviousData });

export const useOperations = (query: Query = { limit: 500 }) => useList<Operation>(operationKeys, '/operations', query);
export const useStations = (query: Query = { limit: 500 }) => useList<Station>(stationKeys, '/stations', query);
export const useWorkers = (query: Query = { limit: 500 }) => useList<Worker>(workerKeys, '/workers', query);
export const useMaterials = (query: Query = { limit: 500 }) => useList<Material>(materialKeys, '/materials', query);
export const useCalendars = (query: Query = { limit: 500 }) => useList<ShiftCalendar>(calendarKeys, '/shift-calendars', query);

export function useLedger(code: string | undefined) {
  return useQuery({
    queryKey: materialKeys.ledger(code),
    queryFn: () => api.get<Page<LedgerEntry>>(`/materials/${encodeURIComponent(code!)}/ledger`, { limit: 50 }),
    enabled: !!code,
  });
}

interface Callbacks {
  onSuccess?: () => void;
}

/** Creates (POST, no id) or changes (PATCH) a row of an editable resource. */
export function useSaveMasterRow(noun: MasterNoun, { onSuccess }: Callbacks = {}) {
  const queryClient = useQueryClient();
  const { path, keys } = editable[noun];
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: unknown }) => (id ? api.patch(`${path}/${encodeURIComponent(id)}`, body) : api.post(path, body)),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.lists() });
      onSuccess?.();
    },
  });
}

/** Archives a row of an editable resource (DELETE). */
export function useArchiveMasterRow(noun: MasterNoun, { onSuccess }: Callbacks = {}) {
  const queryClient = useQueryClient();
  const { path, keys } = editable[noun];
  return useMutation({
    mutationFn: (id: string) => api.delete(`${path}/${encodeURIComponent(id)}`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.lists() });
      onSuccess?.();
    },
  });
}

export type SubstationChange =
  | { kind: 'add'; stationId: string; name: string }
  | { kind: 'status'; id: string; status: 'available' | 'maintenance' }
  | { kind: 'calendar'; id: string; calendarId: string | null }
  | { kind: 'archive'; id: string };

/** Adds a substation to a station, puts one in or out of maintenance, or archives it. */
export function useChangeSubstation({ onSuccess }: { onSuccess?: (change: SubstationChange) => void } = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (op: SubstationChange) => {
      if (op.kind === 'add') return api.post('/substations', { stationId: op.stationId, name: op.name });
      if (op.kind === 'status') return api.patch(`/substations/${op.id}`, { status: op.status });
      if (op.kind === 'calendar') return api.patch(`/substations/${op.id}`, { availabilityCalendarId: op.calendarId });
      return api.delete(`/substations/${op.id}`);
    },
    onSuccess: (_r, op) => {
      onSuccess?.(op);
      void queryClient.invalidateQueries({ queryKey: stationKeys.all });
    },
  });
}

/** Books a receipt or an adjustment on a material's stock. */
export function useBookStock(code: string, { onSuccess }: Callbacks = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (booking: { kind: 'receipt' | 'adjustment'; quantity: number; reason: string }) =>
      api.post(`/materials/${encodeURIComponent(code)}/adjustments`, booking),
    onSuccess: () => {
      onSuccess?.();
      void queryClient.invalidateQueries({ queryKey: materialKeys.all });
    },
  });
}

/** Creates a shift calendar (POST with its new id) or replaces one (PUT of the whole calendar). */
export function useSaveCalendar({ onSuccess }: Callbacks = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (save: { create: string; body: ShiftCalendarReplace } | { replace: string; body: ShiftCalendarReplace }) =>
      'create' in save
        ? api.post('/shift-calendars', { id: save.create, ...save.body })
        : api.put(`/shift-calendars/${encodeURIComponent(save.replace)}`, save.body),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: calendarKeys.all });
      // a worker's embedded calendar changes with it
      void queryClient.invalidateQueries({ queryKey: workerKeys.all });
      onSuccess?.();
    },
  });
}

/** Deletes a shift calendar (refused while an active worker uses it). */
export function useDeleteCalendar({ onSuccess }: Callbacks = {}) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.delete(`/shift-calendars/${encodeURIComponent(id)}`),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: calendarKeys.all });
      onSuccess?.();
    },
  });
}

export const blockKeys = { of: (substationId: string) => ['substation-blocks', substationId] as const };

/** A substation's maintenance blocks that have not ended. */
export const useSubstationBlocks = (substationId: string) =>
  useQuery({
    queryKey: blockKeys.of(substationId),
    queryFn: () => api.get<SubstationBlock[]>(`/substations/${encodeURIComponent(substationId)}/blocks`, { from: new Date().toISOString() }),
  });

/** Adds a maintenance block (the bookings it overlaps move out of it) or removes one. */
export function useChangeBlock(substationId: string, { onSuccess }: Callbacks = {}) {
  const queryClient = useQueryClient();
  const path = `/substations/${encodeURIComponent(substationId)}/blocks`;
  return useMutation({
    mutationFn: (op: { kind: 'add'; start: string; end: string; reason: string } | { kind: 'delete'; blockId: string }) =>
      op.kind === 'add' ? api.post(path, { start: op.start, end: op.end, reason: op.reason }) : api.delete(`${path}/${op.blockId}`),
    onSuccess: () => {
      onSuccess?.();
      void queryClient.invalidateQueries({ queryKey: blockKeys.of(substationId) });
    },
  });
}

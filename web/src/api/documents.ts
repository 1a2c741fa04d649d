/**
 * Documents (drawings, instructions, CAD files) of operations, plans and plan
 * steps: lists, the documents beside a portal task, upload and delete.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Document, DocumentEntry, DocumentList, DocumentVersion, StepDocuments } from '../../../src/modules/documents/documents.schema.js';
import { currentLocale, t } from '../i18n';
import { ApiError, NetworkError, api, apiBase } from './client';
import type { Problem } from './types';

export type { Document, DocumentEntry, DocumentList, DocumentVersion, StepDocuments };

/** Where an owner's documents are listed and uploaded. */
export type DocumentOwner =
  { kind: 'operation'; operationId: string } | { kind: 'plan'; planId: string } | { kind: 'plan_node'; planId: string; nodeId: string };

export function ownerPath(owner: DocumentOwner): string {
  if (owner.kind === 'operation') return `/operations/${encodeURIComponent(owner.operationId)}/documents`;
  if (owner.kind === 'plan') return `/production-plans/${encodeURIComponent(owner.planId)}/documents`;
  return `/production-plans/${encodeURIComponent(owner.planId)}/nodes/${encodeURIComponent(owner.nodeId)}/documents`;
}

export const documentKeys = {
  all: ['documents'] as const,
  owner: (path: string) => [...documentKeys.all, 'owner', path] as const,
  step: (assignmentId: string) => [...documentKeys.all, 'step', assignmentId] as const,
};

export function useOwnerDocuments(owner: DocumentOwner | null) {
  const path = owner ? ownerPath(owner) : '';
  return useQuery({ queryKey: documentKeys.owner(path), queryFn: () => api.get<DocumentList>(path), enabled: owner !== null });
}

export function useStepDocuments(assignmentId: string | undefined) {
  return useQuery({
    queryKey: documentKeys.step(assignmentId ?? ''),
    queryFn: () => api.get<StepDocuments>(`/worker-assignments/${encodeURIComponent(assignmentId!)}/documents`),
    enabled: assignmentId !== undefined,
  });
}

/** Sends the file itself as the body (the server reads its type from the content). */
export async function uploadDocument(owner: DocumentOwner, file: File): Promise<Document> {
  let response: Response;
  try {
    response = await fetch(`${apiBase}${ownerPath(owner)}?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { accept: 'application/json', 'accept-language': currentLocale(), 'content-type': 'application/octet-stream' },
      body: file,
      credentials: 'same-origin',
    });
  } catch {
    throw new NetworkError(t('errors.unreachable'));
  }
  const data = (await response.json().catch(() => undefined)) as unknown;
  if (!response.ok) {
    const problem: Problem =
      data && typeof data === 'object' ? (data as Problem) : { title: response.statusText, status: response.status, detail: response.statusText };
    throw new ApiError(response.status, problem);
  }
  return data as Document;
}

export function useUploadDocument(owner: DocumentOwner) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (file: File) => uploadDocument(owner, file),
    onSuccess: () => client.invalidateQueries({ queryKey: documentKeys.all }),
  });
}

export function useDeleteDocument() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, allVersions }: { id: number; allVersions: boolean }) => api.delete(`/documents/${id}${allVersions ? '?allVersions=true' : ''}`),
    onSuccess: () => client.invalidateQueries({ queryKey: documentKeys.all }),
  });
}

/** PDF and images are shown; DXF and STEP are downloads. */
export const isShown = (contentType: string) => contentType === 'application/pdf' || (contentType.startsWith('image/') && contentType !== 'image/vnd.dxf');

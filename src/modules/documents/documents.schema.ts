/** Documents attached to operations, plans and plan steps (migration 0025): shapes of the API. */
import { type Static, Type } from 'typebox';
import { DateTime, OperationId, RowId } from '../../shared/schema.js';

export const documentOwnerKinds = ['operation', 'plan', 'plan_node'] as const;
export const DocumentOwnerKind = Type.Enum(documentOwnerKinds);
export type DocumentOwnerKind = (typeof documentOwnerKinds)[number];

/** The types a document may have, as detected from its content; the last two are served as downloads, not shown. */
export const documentContentTypes = ['application/pdf', 'image/png', 'image/jpeg', 'image/webp', 'image/vnd.dxf', 'model/step'] as const;
export const DocumentContentType = Type.Enum(documentContentTypes);
export type DocumentContentType = (typeof documentContentTypes)[number];

/** A file name as shown and offered on download: no path separators or control characters. */
export const DocumentName = Type.String({
  minLength: 1,
  maxLength: 200,
  pattern: '^[^/\\\\\\u0000-\\u001f\\u007f]+$',
  description: 'the file name, e.g. bracket-rev-b.pdf (a new upload of the same name is its next version)',
});

export const DocumentVersion = Type.Object({
  id: RowId(),
  version: Type.Integer({ minimum: 1 }),
  contentType: DocumentContentType,
  size: Type.Integer({ minimum: 1, description: 'bytes' }),
  sha256: Type.String(),
  uploadedBy: Type.String(),
  uploadedAt: DateTime,
});
export type DocumentVersion = Static<typeof DocumentVersion>;

export const Document = Type.Object({
  ...DocumentVersion.properties,
  ownerKind: DocumentOwnerKind,
  operationId: Type.Union([Type.String(), Type.Null()]),
  planId: Type.Union([Type.String(), Type.Null()]),
  nodeId: Type.Union([Type.String(), Type.Null()], { description: "the step's node id within its plan (plan_node documents)" }),
  name: Type.String(),
  url: Type.String({ description: 'where the content is downloaded' }),
});
export type Document = Static<typeof Document>;

/** The latest version of one name, with the older versions (newest first), each still readable. */
export const DocumentEntry = Type.Object({
  ...Document.properties,
  olderVersions: Type.Array(DocumentVersion),
});
export type DocumentEntry = Static<typeof DocumentEntry>;

export const DocumentList = Type.Object({ items: Type.Array(DocumentEntry) });
export type DocumentList = Static<typeof DocumentList>;

/** The documents an operator sees next to a step: the step's own, its plan's and its operation's. */
export const StepDocuments = Type.Object({
  assignmentId: Type.String(),
  step: Type.Array(DocumentEntry),
  plan: Type.Array(DocumentEntry),
  operation: Type.Array(DocumentEntry),
});
export type StepDocuments = Static<typeof StepDocuments>;

export const DocumentUploadQuery = Type.Object({ name: DocumentName }, { additionalProperties: false });
export const OperationDocumentsParams = Type.Object({ id: OperationId });
export const PlanDocumentsParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 40 }) });
export const NodeDocumentsParams = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 40 }),
  nodeId: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }),
});
export const DocumentParams = Type.Object({ id: RowId() });
export const AssignmentDocumentsParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 40 }) });
export const DocumentDeleteQuery = Type.Object(
  { allVersions: Type.Optional(Type.Boolean({ description: 'delete every version of this name, not only this one' })) },
  { additionalProperties: false },
);

/** Documents attached to operations, plans and plan steps. */
import type { ColumnType, Generated } from 'kysely';
import type { DocumentContentType, DocumentOwnerKind } from '../../modules/documents/documents.schema.js';
import type { CreatedAt } from './columns.js';

/** 0025: one version of a document attached to an operation, a plan or a plan's step. */
export interface DocumentTable {
  id: Generated<number>;
  owner_kind: DocumentOwnerKind;
  operation_id: string | null;
  plan_id: string | null;
  node_key: string | null;
  owner_id: ColumnType<string, never, never>;
  name: string;
  version: number;
  content_type: DocumentContentType;
  size: number;
  sha256: string;
  content: Buffer;
  uploaded_by: string;
  uploaded_at: CreatedAt;
}

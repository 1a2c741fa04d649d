/** Quality: inspection items and results, non-conformances (0024). */
import type { Generated } from 'kysely';
import type { CreatedAt, Timestamp } from './columns.js';

export type InspectionKind = 'pass_fail' | 'measurement' | 'text' | 'photo';

/** An operation's check item (0024); retired instead of changed once it has results. */
export interface InspectionItemTable {
  id: Generated<number>;
  operation_id: string;
  position: number;
  kind: InspectionKind;
  label: string;
  required_at: 'start' | 'completion';
  nominal: number | null;
  lower_tolerance: number | null;
  upper_tolerance: number | null;
  unit: string | null;
  samples: Generated<number>;
  retired_at: Timestamp | null;
  created_at: CreatedAt;
}

/** One recorded value (0024); a re-entry is a new row and supersedes the old one. */
export interface InspectionResultTable {
  id: Generated<number>;
  assignment_id: string;
  item_id: number;
  kind: InspectionKind;
  sample: number;
  value_number: number | null;
  value_bool: boolean | null;
  value_text: string | null;
  ok: boolean;
  recorded_by: string;
  recorded_at: Timestamp;
  superseded_at: Timestamp | null;
  superseded_by: number | null;
}

export type Disposition = 'scrap' | 'rework' | 'use_as_is';

/** A non-conformance record (0024). */
export interface NonconformanceTable {
  id: Generated<number>;
  code: Generated<string>;
  assignment_id: string;
  plan_id: string;
  node_id: number;
  quantity: number;
  disposition: Disposition;
  note: Generated<string>;
  approved_by: string | null;
  approved_at: Timestamp | null;
  created_by: string;
  created_at: CreatedAt;
  rework_node_id: number | null;
}

export interface NonconformanceItemTable {
  nonconformance_id: number;
  item_id: number;
}

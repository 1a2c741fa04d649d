/**
 * The migration history, in order. Listed statically (rather than read from
 * the folder) so the same list runs under tsx, from dist/ and inside tests.
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';
import * as m0002 from './0002_shop_floor.js';
import * as m0003 from './0003_plan_archive.js';
import * as m0004 from './0004_read_revisions.js';
import * as m0005 from './0005_revision_stamps_by_index.js';
import * as m0006 from './0006_plan_rules_revision.js';
import * as m0007 from './0007_action_records.js';
import * as m0008 from './0008_session_ends_and_lockout.js';
import * as m0009 from './0009_user_last_login.js';
import * as m0010 from './0010_due_dates.js';
import * as m0011 from './0011_user_locale.js';
import * as m0012 from './0012_alerts.js';
import * as m0013 from './0013_structured_wait_reasons.js';
import * as m0014 from './0014_booking_indexes.js';
import * as m0016 from './0016_operation_nominal_time.js';
import * as m0017 from './0017_living_schedule.js';
import * as m0019 from './0019_yield_carried_forward.js';
import * as m0023 from './0023_lots.js';
import * as m0024 from './0024_inspection.js';
import * as m0025 from './0025_documents.js';
import * as m0026 from './0026_analytics_indexes.js';
import * as m0027 from './0027_analytics_rollups.js';
import * as m0029 from './0029_plan_list_indexes.js';
import * as m0030 from './0030_rollups_skip_moves.js';
import * as m0031 from './0031_analytics_pva_index.js';
import * as m0033 from './0033_plan_list_stamps.js';
import * as m0035 from './0035_booking_keys.js';
import * as m0036 from './0036_repair_write_guards.js';
import * as m0038 from './0038_plan_summaries.js';
import * as m0039 from './0039_booking_boxes.js';
import * as m0040 from './0040_assignments_autovacuum.js';
import * as m0041 from './0041_booking_keys_checked.js';
import * as m0042 from './0042_substation_of_station.js';
import * as m0043 from './0043_busy_pairs.js';
import * as m0044 from './0044_worker_queue.js';

export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
  '0002_shop_floor': m0002,
  '0003_plan_archive': m0003,
  '0004_read_revisions': m0004,
  '0005_revision_stamps_by_index': m0005,
  '0006_plan_rules_revision': m0006,
  '0007_action_records': m0007,
  '0008_session_ends_and_lockout': m0008,
  '0009_user_last_login': m0009,
  '0010_due_dates': m0010,
  '0011_user_locale': m0011,
  '0012_alerts': m0012,
  '0013_structured_wait_reasons': m0013,
  '0014_booking_indexes': m0014,
  '0016_operation_nominal_time': m0016,
  '0017_living_schedule': m0017,
  '0019_yield_carried_forward': m0019,
  '0023_lots': m0023,
  '0024_inspection': m0024,
  '0025_documents': m0025,
  '0026_analytics_indexes': m0026,
  '0027_analytics_rollups': m0027,
  '0029_plan_list_indexes': m0029,
  '0030_rollups_skip_moves': m0030,
  '0031_analytics_pva_index': m0031,
  '0033_plan_list_stamps': m0033,
  '0035_booking_keys': m0035,
  '0036_repair_write_guards': m0036,
  '0038_plan_summaries': m0038,
  '0039_booking_boxes': m0039,
  '0040_assignments_autovacuum': m0040,
  '0041_booking_keys_checked': m0041,
  '0042_substation_of_station': m0042,
  '0043_busy_pairs': m0043,
  '0044_worker_queue': m0044,
};

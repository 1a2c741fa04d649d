/**
 * 0036 — two per-statement costs of a repair's write made cheaper, nothing
 * they guarantee given up (issue #15's repair: figures in BENCHMARKS.md).
 *
 * - The analytics update trigger of 0030 grouped every old and new row of the
 *   statement by the fact columns to find a changed row of a started booking:
 *   2–4 ms of a repair that moves 1,000 bookings none of which has started. It
 *   now first looks for a row that runs, ran or is done on either side, and
 *   returns when there is none (the grouped test could not pass without one);
 *   otherwise it runs the grouped test as before.
 * - The touch trigger of worker_assignments (0001) ran its plpgsql function
 *   for every updated row. It now runs only when the new row's updated_at is
 *   not already now(): a statement that sets updated_at = now() itself (the
 *   repair's write) skips the call, and every other statement gets the
 *   trigger as before, so after any update updated_at is still the
 *   transaction's time.
 */
import { type Kysely } from 'kysely';
import { assignmentFacts, runStatements } from './0027_analytics_rollups.js';
import { assignmentColumns, changed, hasFacts } from './0030_rollups_skip_moves.js';

const analyticsUpdated = (guard: string) => `
  create or replace function mes.analytics_assignments_updated() returns trigger language plpgsql as $$
  begin
    ${guard}if not ${changed(assignmentColumns, hasFacts)} then return null; end if;${assignmentFacts}
  end $$;`;

const touch = (when: string) => `
  drop trigger worker_assignments_touch on mes.worker_assignments;
  create trigger worker_assignments_touch before update on mes.worker_assignments
    for each row ${when}execute function mes.touch_updated_at();`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `${analyticsUpdated(
      `if not exists (select 1 from new_rows where ${hasFacts}) and not exists (select 1 from old_rows where ${hasFacts}) then return null; end if;\n    `,
    )}${touch('when (new.updated_at is distinct from now()) ')}`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(db, `${analyticsUpdated('')}${touch('')}`);
}

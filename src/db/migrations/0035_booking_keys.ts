/**
 * 0035 — the exclusion constraints against double booking compare integer
 * keys of the worker and the substation instead of their text ids (issue #15's
 * repair, #16's reschedule: figures in BENCHMARKS.md).
 *
 * Moving 1,000 bookings writes 1,000 new entries into each of the two GiST
 * indexes and checks each constraint once per row; with btree_gist's text
 * keys that was about 80 µs of every row's ~110 µs (the heap and nine btrees
 * are the rest). The same update over integer keys took about 30 % less in a
 * side-by-side run on a copy of the table (the text keys' union and penalty
 * compare strings; integers are arithmetic). Nothing else changes: the same
 * rows (open bookings), the same names, still DEFERRABLE INITIALLY IMMEDIATE.
 *
 * - mes.workers.booking_key, mes.substations.booking_key: an identity,
 *   unique, never updated (GENERATED ALWAYS);
 * - mes.worker_assignments.worker_key / substation_key: not null, set from
 *   worker_id / substation_id by a row trigger on every insert and on every
 *   update that names either id or either key, so they cannot drift from the
 *   ids whatever a statement writes (a statement that sets a key to anything
 *   gets the id's key);
 * - the application keeps writing and reading the text ids; only the
 *   constraints look at the keys.
 */
import { type Kysely } from 'kysely';
import { runStatements } from './0027_analytics_rollups.js';

const open = `status in ('pending', 'ready', 'in_progress', 'paused')`;

/** The two exclusion constraints over (resource key or id =, tstzrange &&), replacing the ones of the same names (0039 goes back to these). */
export const exclusions = (worker: string, substation: string) => `
  alter table mes.worker_assignments
    drop constraint worker_assignments_worker_no_overlap,
    drop constraint worker_assignments_substation_no_overlap,
    add constraint worker_assignments_worker_no_overlap exclude using gist (
      ${worker} with =, tstzrange(planned_start, planned_end, '[)') with &&) where (${open}) deferrable initially immediate,
    add constraint worker_assignments_substation_no_overlap exclude using gist (
      ${substation} with =, tstzrange(planned_start, planned_end, '[)') with &&) where (${open}) deferrable initially immediate;`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table mes.workers add column booking_key integer generated always as identity;
    alter table mes.workers add constraint workers_booking_key_unique unique (booking_key);
    alter table mes.substations add column booking_key integer generated always as identity;
    alter table mes.substations add constraint substations_booking_key_unique unique (booking_key);
    alter table mes.worker_assignments add column worker_key integer, add column substation_key integer;

    create function mes.booking_keys() returns trigger language plpgsql as $$
    begin
      new.worker_key := (select w.booking_key from mes.workers w where w.id = new.worker_id);
      new.substation_key := (select s.booking_key from mes.substations s where s.id = new.substation_id);
      -- an unknown id is the foreign key's violation, as before the keys (not a null key's)
      if new.worker_key is null then
        raise foreign_key_violation using message = format('worker %s does not exist', new.worker_id), constraint = 'worker_assignments_worker_id_fkey',
          table = 'worker_assignments', schema = 'mes';
      end if;
      if new.substation_key is null then
        raise foreign_key_violation using message = format('substation %s does not exist', new.substation_id),
          constraint = 'worker_assignments_substation_id_fkey', table = 'worker_assignments', schema = 'mes';
      end if;
      return new;
    end $$;

    -- filled without the row triggers: the keys are no change of the booking (no updated_at, version or revision stamp)
    alter table mes.worker_assignments disable trigger user;
    update mes.worker_assignments a set worker_key = w.booking_key, substation_key = s.booking_key
      from mes.workers w, mes.substations s where w.id = a.worker_id and s.id = a.substation_id;
    alter table mes.worker_assignments enable trigger user;
    alter table mes.worker_assignments alter column worker_key set not null, alter column substation_key set not null;

    create trigger worker_assignments_booking_keys before insert or update of worker_id, substation_id, worker_key, substation_key
      on mes.worker_assignments for each row execute function mes.booking_keys();
    ${exclusions('worker_key', 'substation_key')}`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    ${exclusions('worker_id', 'substation_id')}
    drop trigger worker_assignments_booking_keys on mes.worker_assignments;
    drop function mes.booking_keys();
    alter table mes.worker_assignments drop column worker_key, drop column substation_key;
    alter table mes.substations drop column booking_key;
    alter table mes.workers drop column booking_key;`,
  );
}

/**
 * 0041 — a move that names the booking keys along with the ids is checked by
 * the foreign keys instead of having its keys looked up again by 0035's row
 * trigger (issue #16's floor reschedule; figures in BENCHMARKS.md).
 *
 * 0035 set worker_key and substation_key from the ids in a plpgsql trigger on
 * every insert and on every update naming an id or a key: two lookups a row.
 * The floor's reschedule of 200 plans × 20 steps moves ~4,000 bookings in one
 * statement, most to another worker and substation, and the trigger was its
 * largest single part after the heap and the indexes (3,999 calls, 125 ms of
 * a 770 ms update in EXPLAIN ANALYZE on a loaded machine).
 *
 * Now the keys cannot drift from the ids because the foreign keys compare
 * them: worker_assignments (worker_id, worker_key) references workers
 * (id, booking_key), and the same for the substation, under the names of the
 * single-column foreign keys they replace (so the error mapping and the
 * messages are unchanged). Every insert and every update that changes either
 * column is checked, as the id alone was: the same number of checks, one
 * index probe each.
 *
 * - an insert still gets its keys from its ids (the trigger, as before:
 *   writers name ids only);
 * - an update that moves a booking to another worker or substation without
 *   naming the new key gets it from the trigger (every writer but the floor's
 *   rebooking);
 * - an update that names the new key with the new id (the rebooking joins
 *   them) is only checked: a wrong key is the foreign key's violation;
 * - an update of a key alone is checked the same way (0035 set it back from
 *   the id instead; either way no booking can hide from the exclusion
 *   constraints behind another resource's key).
 *
 * An unknown id is still the foreign key's violation under the same name.
 * booking_key is GENERATED ALWAYS (0035), so the referenced pair never changes.
 */
import { type Kysely } from 'kysely';
import { runStatements } from './0027_analytics_rollups.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table mes.workers add constraint workers_id_booking_key_unique unique (id, booking_key);
    alter table mes.substations add constraint substations_id_booking_key_unique unique (id, booking_key);
    alter table mes.worker_assignments
      drop constraint worker_assignments_worker_id_fkey,
      drop constraint worker_assignments_substation_id_fkey,
      add constraint worker_assignments_worker_id_fkey foreign key (worker_id, worker_key) references mes.workers (id, booking_key),
      add constraint worker_assignments_substation_id_fkey foreign key (substation_id, substation_key) references mes.substations (id, booking_key);
    drop trigger worker_assignments_booking_keys on mes.worker_assignments;
    create trigger worker_assignments_booking_keys before insert on mes.worker_assignments
      for each row execute function mes.booking_keys();
    create trigger worker_assignments_booking_keys_moved before update of worker_id, substation_id on mes.worker_assignments
      for each row when ((new.worker_id is distinct from old.worker_id and new.worker_key is not distinct from old.worker_key)
                      or (new.substation_id is distinct from old.substation_id and new.substation_key is not distinct from old.substation_key))
      execute function mes.booking_keys();`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    drop trigger worker_assignments_booking_keys_moved on mes.worker_assignments;
    drop trigger worker_assignments_booking_keys on mes.worker_assignments;
    create trigger worker_assignments_booking_keys before insert or update of worker_id, substation_id, worker_key, substation_key
      on mes.worker_assignments for each row execute function mes.booking_keys();
    alter table mes.worker_assignments
      drop constraint worker_assignments_worker_id_fkey,
      drop constraint worker_assignments_substation_id_fkey,
      add constraint worker_assignments_worker_id_fkey foreign key (worker_id) references mes.workers (id),
      add constraint worker_assignments_substation_id_fkey foreign key (substation_id) references mes.substations (id);
    alter table mes.substations drop constraint substations_id_booking_key_unique;
    alter table mes.workers drop constraint workers_id_booking_key_unique;`,
  );
}

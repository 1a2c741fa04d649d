/**
 * 0042 — a booking's substation belongs to its station.
 *
 * The scheduler's decoder lost the worker-substation pairs it had listed for a
 * step when its scratch arrays grew past 64 pairs, and the lost ones read as
 * the model's first worker and first substation: a step of station B could be
 * booked on a substation of station A with a worker allowed only there (20 of
 * 100,220 bookings on the release bench's floor). The decoder is fixed; this
 * makes the substation half of that impossible in the database, at no extra
 * cost: 0041's foreign key (substation_id, substation_key) → substations
 * (id, booking_key) now also compares the station, so each insert, and each
 * update that moves a booking, is still one index probe.
 *
 * Bookings written before the fix may break it. The constraint is added NOT
 * VALID (checked for every row written from now on) and validated when no
 * existing row breaks it; otherwise it stays unvalidated, and `npm run doctor`
 * names the open ones (check `bookings_on_their_station`; rescheduling their
 * plans books them again, and finished ones are the record of what ran).
 * Whether the worker is allowed at the station and qualified for the step
 * cannot be a foreign key (history keeps bookings whose worker later left the
 * station); the app refuses such changes while open bookings need them, and
 * the same doctor check names open bookings that break it.
 */
import { type Kysely } from 'kysely';
import { runStatements } from './0027_analytics_rollups.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table mes.substations add constraint substations_id_booking_key_station_unique unique (id, booking_key, station_id);
    alter table mes.worker_assignments
      drop constraint worker_assignments_substation_id_fkey,
      add constraint worker_assignments_substation_id_fkey foreign key (substation_id, substation_key, station_id)
        references mes.substations (id, booking_key, station_id) not valid;
    do $$
    begin
      if not exists (select 1 from mes.worker_assignments a join mes.substations s on s.id = a.substation_id where s.station_id <> a.station_id) then
        alter table mes.worker_assignments validate constraint worker_assignments_substation_id_fkey;
      end if;
    end $$;`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    alter table mes.worker_assignments
      drop constraint worker_assignments_substation_id_fkey,
      add constraint worker_assignments_substation_id_fkey foreign key (substation_id, substation_key) references mes.substations (id, booking_key);
    alter table mes.substations drop constraint substations_id_booking_key_station_unique;`,
  );
}

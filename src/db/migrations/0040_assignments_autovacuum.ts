/**
 * 0040 — mes.worker_assignments is vacuumed after 1,000 + 1 % of its rows
 * died, not PostgreSQL's default 50 + 20 % (issue #15's repair; figures in
 * BENCHMARKS.md, "Bookings as boxes").
 *
 * Every booking a repair moves leaves its old version behind, in the heap and
 * in each of the table's eleven indexes: a repair of a whole 1,000-step plan
 * leaves 1,000. The next repair of that plan reads and checks the same index
 * ranges, and each dead version it meets costs a heap visit until a vacuum
 * removes it; in bench:repair, repairs piling up without one made the database's
 * share of a repair grow by a third within 35 runs. With the default settings a
 * table of two years of history (~300,000 assignments) waits for 60,000 dead
 * rows; with these, ~4,000: a few whole-plan repairs, or an hour of a busy
 * floor's starts and completions. A vacuum of a table that is mostly
 * all-visible reads only the pages that changed (the visibility map), and
 * PostgreSQL skips the index passes when few rows died.
 *
 * PGlite has no autovacuum: the settings are stored and do nothing there.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.worker_assignments set (autovacuum_vacuum_threshold = 1000, autovacuum_vacuum_scale_factor = 0.01)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.worker_assignments reset (autovacuum_vacuum_threshold, autovacuum_vacuum_scale_factor)`.execute(db);
}

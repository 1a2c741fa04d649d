/**
 * 0016 — an operation's usual time per unit (issue #20, the designer's paper cuts).
 *
 * - mes.operations.default_nominal_time: minutes per unit a new step of the
 *   operation starts with in the designer, so a step is not invalid ("nominal
 *   time is required") the moment it is placed. Optional: an operation whose
 *   times vary too much to have a default leaves it null and the planner types
 *   the time, as before. Plans copy the time into their nodes; changing the
 *   default later changes no plan.
 *
 * Numbered 0016: 0010–0015 are being written on other branches at the same time.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.operations add column default_nominal_time numeric(10,3)
    constraint operations_default_nominal_time_positive check (default_nominal_time > 0)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table mes.operations drop column default_nominal_time`.execute(db);
}

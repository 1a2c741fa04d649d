/**
 * 0013 — wait reasons as data (issue #20): mes.worker_assignments.wait_reason
 * was English text built by the scheduler ("waiting for W1 (busy with N2 until
 * 07:20)") that a Turkish screen could only show as it was. It becomes a jsonb
 * array of reasons (`{kind: 'shift', workerId, until}`, …; src/shared/wait-reasons.ts)
 * that each client words in its own language.
 *
 * - Existing text: the two cancellation notes ('rescheduled', 'plan cancelled')
 *   become `{kind: 'cancelled', cause}`; any other text is kept as
 *   `{kind: 'text', text}` (its times cannot be recovered reliably).
 * - Archived plans keep their assignments in a jsonb document (0003): a
 *   `waitReason` string there is converted the same way, so an archived plan
 *   reads like a live one.
 * - Down turns each reason back into one line of text (English, as before).
 */
import { type Kysely, sql } from 'kysely';

/** SQL of the jsonb array for a text reason `t` (null stays null). */
const fromText = (t: string) => `
  case when ${t} is null then null
       when ${t} = 'rescheduled' then '[{"kind":"cancelled","cause":"rescheduled"}]'::jsonb
       when ${t} = 'plan cancelled' then '[{"kind":"cancelled","cause":"plan_cancelled"}]'::jsonb
       else jsonb_build_array(jsonb_build_object('kind', 'text', 'text', ${t})) end`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`alter table mes.worker_assignments alter column wait_reason type jsonb using ${fromText('wait_reason')}`).execute(db);
  await sql`
    alter table mes.worker_assignments add constraint worker_assignments_wait_reason_check
      check (wait_reason is null or jsonb_typeof(wait_reason) = 'array')`.execute(db);
  await sql
    .raw(
      `update mes.plan_archives x
          set document = jsonb_set(x.document, '{nodes}', (
                select jsonb_agg(case when jsonb_typeof(n->'assignment'->'waitReason') = 'string'
                                      then jsonb_set(n, '{assignment,waitReason}', ${fromText(`(n->'assignment'->>'waitReason')`)})
                                      else n end order by i)
                  from jsonb_array_elements(x.document->'nodes') with ordinality as e(n, i)))
        where exists (select 1 from jsonb_array_elements(x.document->'nodes') n where jsonb_typeof(n->'assignment'->'waitReason') = 'string')`,
    )
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  // one line of text per reason list; a function because ALTER … USING takes no subquery
  await sql`
    create function mes.wait_reason_text_0013(reasons jsonb) returns text language sql immutable as $$
      select string_agg(case r->>'kind'
                          when 'text' then r->>'text'
                          when 'cancelled' then case r->>'cause' when 'plan_cancelled' then 'plan cancelled' else 'rescheduled' end
                          when 'not_before' then 'not before ' || (r->>'until')
                          when 'shift' then 'waiting for shift of ' || (r->>'workerId') || ' (starts ' || (r->>'until') || ')'
                          when 'worker_busy' then 'waiting for ' || (r->>'workerId') || ' (busy with '
                               || coalesce(r->'by'->>'nodeId', r->'by'->>'assignmentId', 'another plan') || ' until ' || (r->>'until') || ')'
                          when 'substation_busy' then 'substation ' || (r->>'substationId') || ' busy until ' || (r->>'until')
                               || ' (' || coalesce(r->'by'->>'nodeId', r->'by'->>'assignmentId', 'another plan') || ')'
                          else r::text end, '; ' order by i)
        from jsonb_array_elements(case when jsonb_typeof(reasons) = 'array' then reasons else '[]'::jsonb end) with ordinality as e(r, i)
    $$`.execute(db);
  await sql`
    update mes.plan_archives x
       set document = jsonb_set(x.document, '{nodes}', (
             select jsonb_agg(case when jsonb_typeof(n->'assignment'->'waitReason') = 'array'
                                   then jsonb_set(n, '{assignment,waitReason}', to_jsonb(mes.wait_reason_text_0013(n->'assignment'->'waitReason')))
                                   else n end order by i)
               from jsonb_array_elements(x.document->'nodes') with ordinality as e(n, i)))
     where exists (select 1 from jsonb_array_elements(x.document->'nodes') n where jsonb_typeof(n->'assignment'->'waitReason') = 'array')`.execute(db);
  await sql`alter table mes.worker_assignments drop constraint worker_assignments_wait_reason_check`.execute(db);
  await sql`alter table mes.worker_assignments alter column wait_reason type text using mes.wait_reason_text_0013(wait_reason)`.execute(db);
  await sql`drop function mes.wait_reason_text_0013(jsonb)`.execute(db);
}

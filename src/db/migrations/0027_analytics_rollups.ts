/**
 * 0027 — analytics rollups kept in the same transactions as the shop-floor
 * actions (issue #18 item 4; measured and chosen in docs/ANALYTICS.md "Speed").
 *
 * On 24 months of history the analytics reads looked every completed step's
 * plan node up (200,000 index probes for a 400-day plant-wide OEE: 1.4–2 s),
 * and delivery summed each plan's last steps in a correlated subquery (0.3–1 s
 * at any scope). Archiving a plan deleted its nodes and so dropped it out of the
 * analytics. Two layers, both filled by statement-level triggers with
 * transition tables, so a completion, a pause end, a plan completion and the
 * history generator's bulk inserts all keep them in their own transaction:
 *
 * - facts, one row per completed step (mes.analytics_steps), per ended pause
 *   (mes.analytics_pauses) and per completed plan (mes.analytics_plans with
 *   mes.analytics_plan_steps, the (station, substation, operation, worker) its
 *   steps ran on): the columns the reports need, the node's operation, nominal
 *   time and efficiency copied in, so no read joins the plan graph. They are
 *   never deleted with their base rows: archiving a plan keeps its analytics.
 *   Exact: medians and percentiles are taken over these rows.
 * - daily rollups by plant-local day (mes.analytics_settings holds the offset
 *   they were bucketed with): per substation (OEE), per worker (utilisation),
 *   per station and reason (downtime), per station, operation and reason (scrap).
 *   Kept from the facts by delta triggers (−old +new); rows that fall to zero
 *   go. A period's whole local days are read from them, its ragged edges from
 *   the facts.
 *
 * The migration fills both from the rows already there (bucketed at offset 0;
 * the app re-buckets on start when MES_UTC_OFFSET_MINUTES differs).
 */
import { type Kysely, sql } from 'kysely';

/** The local date of a timestamptz at the rollups' offset `off` (an int variable of the trigger functions). */
const localDay = (ts: string) => `((${ts} at time zone 'UTC') + make_interval(mins => off))::date`;

interface Daily {
  table: string;
  /** the fact table the rollup is kept from */
  from: 'analytics_steps' | 'analytics_pauses';
  keys: [string, string][]; // [rollup column, fact expression]
  sums: [string, string][]; // [rollup column, fact expression]
  where?: string;
}

const dailies: Daily[] = [
  {
    table: 'analytics_daily_substations',
    from: 'analytics_steps',
    keys: [
      ['day', localDay('f.ended_at')],
      ['station_id', 'f.station_id'],
      ['substation_id', 'f.substation_id'],
    ],
    sums: [
      ['run_minutes', 'f.run_minutes'],
      ['ideal_minutes', 'f.ideal_minutes'],
      ['good', 'f.good'],
      ['scrap', 'f.scrap'],
    ],
  },
  {
    table: 'analytics_daily_workers',
    from: 'analytics_steps',
    keys: [
      ['day', localDay('f.ended_at')],
      ['worker_id', 'f.worker_id'],
    ],
    sums: [['worked_minutes', 'f.run_minutes']],
  },
  {
    table: 'analytics_daily_scrap',
    from: 'analytics_steps',
    keys: [
      ['day', localDay('f.ended_at')],
      ['station_id', 'f.station_id'],
      ['operation_id', 'f.operation_id'],
      ['reason', "coalesce(nullif(f.scrap_reason, ''), 'unspecified')"],
    ],
    sums: [['scrap', 'f.scrap']],
    where: 'f.scrap > 0',
  },
  {
    table: 'analytics_daily_pauses',
    from: 'analytics_pauses',
    keys: [
      ['day', localDay('f.started_at')],
      ['station_id', 'f.station_id'],
      ['reason', 'f.reason'],
    ],
    sums: [['minutes', 'f.minutes']],
  },
];

/** The SELECT of a rollup's rows from the facts in `source` (alias f), `sign` 1 or -1. */
function dailySelect(d: Daily, source: string, sign: 1 | -1): string {
  return `select ${d.keys.map(([c, e]) => `${e} as ${c}`).join(', ')}, ${d.sums.map(([c, e]) => `${sign} * ${e} as ${c}`).join(', ')}, ${sign} as n
            from ${source} f ${d.where ? `where ${d.where}` : ''}`;
}

/** Adds the rows of `select` (columns: keys, sums, n) into the rollup, dropping rows whose count falls to zero. */
function dailyUpsert(d: Daily, select: string): string {
  const keys = d.keys.map(([c]) => c).join(', ');
  const sums = d.sums.map(([c]) => c);
  return `insert into mes.${d.table} as d (${keys}, ${sums.join(', ')}, n)
            select ${keys}, ${sums.map((c) => `sum(${c})`).join(', ')}, sum(n) from (${select}) x group by ${keys}
          on conflict (${keys}) do update set ${[...sums, 'n'].map((c) => `${c} = d.${c} + excluded.${c}`).join(', ')};
          delete from mes.${d.table} where n = 0;`;
}

const tables = String.raw`
  create table mes.analytics_settings (
    only_row boolean primary key default true check (only_row),
    utc_offset_minutes integer not null default 0 check (utc_offset_minutes between -840 and 840)
  );
  insert into mes.analytics_settings default values;

  create table mes.analytics_steps (
    assignment_id text primary key,
    plan_id text not null references mes.production_plans (id),
    node_id bigint not null,
    operation_id text not null references mes.operations (id),
    station_id text not null references mes.stations (id),
    substation_id text not null references mes.substations (id),
    worker_id text not null references mes.workers (id),
    ended_at timestamptz not null,
    run_minutes numeric not null check (run_minutes >= 0),
    ideal_minutes numeric not null check (ideal_minutes >= 0),
    good numeric not null check (good >= 0),
    scrap numeric not null check (scrap >= 0),
    scrap_reason text,
    work_minutes numeric not null,
    worked_minutes numeric,
    efficiency numeric not null check (efficiency > 0),
    is_last boolean not null,
    -- planned vs actual's medians order by these (percentile_cont takes double precision): computed once, at completion
    nominal_per_unit double precision not null,
    actual_per_unit double precision,
    suggested_per_unit double precision,
    check ((actual_per_unit is null) = (worked_minutes is null or good + scrap = 0))
  );
  create index analytics_steps_by_end on mes.analytics_steps (ended_at);
  create index analytics_steps_station_by_end on mes.analytics_steps (station_id, ended_at);
  create index analytics_steps_substation_by_end on mes.analytics_steps (substation_id, ended_at);
  create index analytics_steps_operation_by_end on mes.analytics_steps (operation_id, ended_at);
  create index analytics_steps_worker_by_end on mes.analytics_steps (worker_id, ended_at);
  create index analytics_steps_plan on mes.analytics_steps (plan_id);
  create index analytics_steps_node on mes.analytics_steps (node_id);

  create table mes.analytics_pauses (
    pause_id bigint primary key,
    assignment_id text not null,
    plan_id text not null references mes.production_plans (id),
    operation_id text not null references mes.operations (id),
    station_id text not null references mes.stations (id),
    substation_id text not null references mes.substations (id),
    worker_id text not null references mes.workers (id),
    reason text not null,
    started_at timestamptz not null,
    minutes numeric not null check (minutes >= 0)
  );
  create index analytics_pauses_by_start on mes.analytics_pauses (started_at);
  create index analytics_pauses_station_by_start on mes.analytics_pauses (station_id, started_at);
  create index analytics_pauses_assignment on mes.analytics_pauses (assignment_id);

  create table mes.analytics_plans (
    plan_id text primary key references mes.production_plans (id),
    completed_at timestamptz not null,
    released_at timestamptz,
    due_date timestamptz,
    quantity numeric not null,
    good_units numeric not null check (good_units >= 0)
  );
  create index analytics_plans_by_completion on mes.analytics_plans (completed_at);
  create table mes.analytics_plan_steps (
    plan_id text not null references mes.analytics_plans (plan_id) on delete cascade,
    station_id text not null,
    substation_id text not null,
    operation_id text not null,
    worker_id text not null,
    primary key (plan_id, station_id, substation_id, operation_id, worker_id)
  );
  create index analytics_plan_steps_station on mes.analytics_plan_steps (station_id, plan_id);
  create index analytics_plan_steps_substation on mes.analytics_plan_steps (substation_id, plan_id);
  create index analytics_plan_steps_operation on mes.analytics_plan_steps (operation_id, plan_id);
  create index analytics_plan_steps_worker on mes.analytics_plan_steps (worker_id, plan_id);

  create table mes.analytics_daily_substations (
    day date not null, station_id text not null, substation_id text not null references mes.substations (id),
    run_minutes numeric not null, ideal_minutes numeric not null, good numeric not null, scrap numeric not null,
    n integer not null check (n >= 0),
    primary key (day, station_id, substation_id)
  );
  create index analytics_daily_substations_station on mes.analytics_daily_substations (station_id, day);
  create table mes.analytics_daily_workers (
    day date not null, worker_id text not null references mes.workers (id),
    worked_minutes numeric not null, n integer not null check (n >= 0),
    primary key (day, worker_id)
  );
  create table mes.analytics_daily_scrap (
    day date not null, station_id text not null, operation_id text not null, reason text not null,
    scrap numeric not null, n integer not null check (n >= 0),
    primary key (day, station_id, operation_id, reason)
  );
  create index analytics_daily_scrap_station on mes.analytics_daily_scrap (station_id, day);
  create table mes.analytics_daily_pauses (
    day date not null, station_id text not null, reason text not null,
    minutes numeric not null, n integer not null check (n >= 0),
    primary key (day, station_id, reason)
  );
  create index analytics_daily_pauses_station on mes.analytics_daily_pauses (station_id, day);
  ${dailies.map((d) => `create index ${d.table}_emptied on mes.${d.table} (n) where n = 0;`).join('\n')}
`;

/** The step facts of the assignments in `source` (alias a) that are completed. */
const stepFactsOf = (source: string) => `
  select a.id, a.plan_id, a.node_id, pn.operation_id, a.station_id, a.substation_id, a.worker_id, a.actual_end,
         coalesce(a.worked_minutes, 0),
         coalesce(ns.time_minutes, pn.nominal_time) * (coalesce(a.good_quantity, 0) + coalesce(a.scrap_quantity, 0)) / pn.efficiency,
         coalesce(a.good_quantity, 0), coalesce(a.scrap_quantity, 0), a.scrap_reason, a.work_minutes, a.worked_minutes,
         pn.efficiency,
         not exists (select 1 from mes.node_predecessors np where np.plan_id = a.plan_id and np.predecessor_id = a.node_id),
         coalesce(ns.time_minutes, pn.nominal_time)::float8,
         (a.worked_minutes / nullif(coalesce(a.good_quantity, 0) + coalesce(a.scrap_quantity, 0), 0))::float8,
         (a.worked_minutes * pn.efficiency / nullif(coalesce(a.good_quantity, 0) + coalesce(a.scrap_quantity, 0), 0))::float8
    from ${source} a
    join mes.production_plan_nodes pn on pn.id = a.node_id
    left join mes.node_stations ns on ns.node_id = a.node_id and ns.station_id = a.station_id
   where a.status = 'completed'`;
const stepColumns = `assignment_id, plan_id, node_id, operation_id, station_id, substation_id, worker_id, ended_at, run_minutes, ideal_minutes,
  good, scrap, scrap_reason, work_minutes, worked_minutes, efficiency, is_last, nominal_per_unit, actual_per_unit, suggested_per_unit`;
const stepUpdate = stepColumns
  .split(',')
  .map((c) => c.trim())
  .filter((c) => c !== 'assignment_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

/** The pause facts of the pauses in `source` (alias p) that have ended. */
const pauseFactsOf = (source: string) => `
  select p.id, p.assignment_id, a.plan_id, pn.operation_id, a.station_id, a.substation_id, a.worker_id, p.reason, p.started_at,
         extract(epoch from (p.ended_at - p.started_at)) / 60
    from ${source} p
    join mes.worker_assignments a on a.id = p.assignment_id
    join mes.production_plan_nodes pn on pn.id = a.node_id
   where p.ended_at is not null`;
const pauseColumns = 'pause_id, assignment_id, plan_id, operation_id, station_id, substation_id, worker_id, reason, started_at, minutes';
const pauseUpdate = pauseColumns
  .split(', ')
  .filter((c) => c !== 'pause_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

/** What the assignment triggers do with their `new_rows` (also 0030's, which first skips a statement that changed no fact). */
export const assignmentFacts = `
    insert into mes.analytics_steps as f (${stepColumns}) ${stepFactsOf('new_rows')}
    on conflict (assignment_id) do update set ${stepUpdate};
    delete from mes.analytics_steps f using new_rows a where f.assignment_id = a.id and a.status <> 'completed';
    if tg_op = 'UPDATE' then
      update mes.analytics_pauses f set station_id = a.station_id, substation_id = a.substation_id, worker_id = a.worker_id
        from new_rows a where f.assignment_id = a.id
         and (f.station_id, f.substation_id, f.worker_id) is distinct from (a.station_id, a.substation_id, a.worker_id);
    end if;
    perform mes.analytics_refresh_plans(array(select distinct plan_id from new_rows));
    return null;
`;

const functions = `
  -- the plan facts of the given (completed, not archived) plans, from their steps' facts and their assignments
  create function mes.analytics_refresh_plans(ids text[]) returns void language plpgsql as $$
  begin
    delete from mes.analytics_plans f using mes.production_plans p
     where f.plan_id = p.id and p.id = any(ids) and p.archived_at is null and (p.status <> 'completed' or p.completed_at is null);
    insert into mes.analytics_plans as f (plan_id, completed_at, released_at, due_date, quantity, good_units)
      select p.id, p.completed_at, p.released_at, p.due_date, p.quantity,
             coalesce((select sum(s.good) from mes.analytics_steps s where s.plan_id = p.id and s.is_last), 0)
        from mes.production_plans p
       where p.id = any(ids) and p.archived_at is null and p.status = 'completed' and p.completed_at is not null
    on conflict (plan_id) do update set completed_at = excluded.completed_at, released_at = excluded.released_at,
      due_date = excluded.due_date, quantity = excluded.quantity, good_units = excluded.good_units;
    delete from mes.analytics_plan_steps s using mes.production_plans p
     where s.plan_id = p.id and p.id = any(ids) and p.archived_at is null;
    insert into mes.analytics_plan_steps (plan_id, station_id, substation_id, operation_id, worker_id)
      select distinct a.plan_id, a.station_id, a.substation_id, pn.operation_id, a.worker_id
        from mes.worker_assignments a
        join mes.production_plan_nodes pn on pn.id = a.node_id
        join mes.analytics_plans f on f.plan_id = a.plan_id
       where a.plan_id = any(ids);
  end $$;

  -- worker_assignments → step facts (a completion, a correction, a move, but not a delete: archiving keeps them), pause facts follow their step
  create function mes.analytics_assignments_changed() returns trigger language plpgsql as $$
  begin${assignmentFacts}
  end $$;

  -- assignment_pauses → pause facts (a pause that ends, but not a delete: archiving keeps them)
  create function mes.analytics_pauses_changed() returns trigger language plpgsql as $$
  begin
    insert into mes.analytics_pauses as f (${pauseColumns}) ${pauseFactsOf('new_rows')}
    on conflict (pause_id) do update set ${pauseUpdate};
    delete from mes.analytics_pauses f using new_rows p where f.pause_id = p.id and p.ended_at is null;
    return null;
  end $$;

  -- production_plans → plan facts (a plan completes, archiving only stamps archived_at and keeps them)
  create function mes.analytics_plans_changed() returns trigger language plpgsql as $$
  begin
    perform mes.analytics_refresh_plans(array(select id from new_rows where archived_at is null));
    return null;
  end $$;

  -- node_predecessors → a step that gains a successor (a rework step) is no longer a last step
  create function mes.analytics_edges_added() returns trigger language plpgsql as $$
  begin
    update mes.analytics_steps f set is_last = false from new_rows e where f.node_id = e.predecessor_id and f.is_last;
    perform mes.analytics_refresh_plans(array(select distinct plan_id from new_rows));
    return null;
  end $$;

  ${(['analytics_steps', 'analytics_pauses'] as const)
    .map((from) => {
      const ds = dailies.filter((d) => d.from === from);
      const body = (op: 'INSERT' | 'UPDATE' | 'DELETE') =>
        ds
          .map((d) =>
            dailyUpsert(
              d,
              [...(op !== 'DELETE' ? [dailySelect(d, 'new_rows', 1)] : []), ...(op !== 'INSERT' ? [dailySelect(d, 'old_rows', -1)] : [])].join(' union all '),
            ),
          )
          .join('\n');
      return `
  -- ${from} → its daily rollups, −old +new
  create function mes.${from}_roll() returns trigger language plpgsql as $$
  declare off integer := (select utc_offset_minutes from mes.analytics_settings);
  begin
    if tg_op = 'INSERT' then ${body('INSERT')}
    elsif tg_op = 'UPDATE' then ${body('UPDATE')}
    else ${body('DELETE')}
    end if;
    return null;
  end $$;`;
    })
    .join('\n')}

  -- every daily rollup again from the facts, at the offset of mes.analytics_settings
  create function mes.analytics_rebuild_daily() returns void language plpgsql as $$
  declare off integer := (select utc_offset_minutes from mes.analytics_settings);
  begin
    ${dailies.map((d) => `delete from mes.${d.table};\n${dailyUpsert(d, dailySelect(d, `mes.${d.from}`, 1))}`).join('\n')}
  end $$;
`;

const triggers = `
  create trigger analytics_assignments_inserted after insert on mes.worker_assignments referencing new table as new_rows
    for each statement execute function mes.analytics_assignments_changed();
  create trigger analytics_assignments_updated after update on mes.worker_assignments referencing new table as new_rows
    for each statement execute function mes.analytics_assignments_changed();
  create trigger analytics_pauses_inserted after insert on mes.assignment_pauses referencing new table as new_rows
    for each statement execute function mes.analytics_pauses_changed();
  create trigger analytics_pauses_updated after update on mes.assignment_pauses referencing new table as new_rows
    for each statement execute function mes.analytics_pauses_changed();
  create trigger analytics_plans_inserted after insert on mes.production_plans referencing new table as new_rows
    for each statement execute function mes.analytics_plans_changed();
  create trigger analytics_plans_updated after update on mes.production_plans referencing new table as new_rows
    for each statement execute function mes.analytics_plans_changed();
  create trigger analytics_edges_inserted after insert on mes.node_predecessors referencing new table as new_rows
    for each statement execute function mes.analytics_edges_added();
  ${(['analytics_steps', 'analytics_pauses'] as const)
    .map(
      (t) => `
  create trigger ${t}_rolled_in after insert on mes.${t} referencing new table as new_rows for each statement execute function mes.${t}_roll();
  create trigger ${t}_rolled_over after update on mes.${t} referencing old table as old_rows new table as new_rows for each statement execute function mes.${t}_roll();
  create trigger ${t}_rolled_out after delete on mes.${t} referencing old table as old_rows for each statement execute function mes.${t}_roll();`,
    )
    .join('\n')}
`;

/** Fills the facts from the base rows (the daily rollups follow by their triggers). */
export const backfill = `
  insert into mes.analytics_steps (${stepColumns}) ${stepFactsOf('mes.worker_assignments')};
  insert into mes.analytics_pauses (${pauseColumns}) ${pauseFactsOf('mes.assignment_pauses')};
  select mes.analytics_refresh_plans(array(select id from mes.production_plans where status = 'completed' and archived_at is null));
  analyze mes.analytics_steps, mes.analytics_pauses, mes.analytics_plans, mes.analytics_plan_steps, mes.analytics_daily_substations,
    mes.analytics_daily_workers, mes.analytics_daily_scrap, mes.analytics_daily_pauses;
`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const part of [tables, functions, triggers, backfill]) await runStatements(db, part);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runStatements(
    db,
    `
    drop trigger analytics_assignments_inserted on mes.worker_assignments;
    drop trigger analytics_assignments_updated on mes.worker_assignments;
    drop trigger analytics_pauses_inserted on mes.assignment_pauses;
    drop trigger analytics_pauses_updated on mes.assignment_pauses;
    drop trigger analytics_plans_inserted on mes.production_plans;
    drop trigger analytics_plans_updated on mes.production_plans;
    drop trigger analytics_edges_inserted on mes.node_predecessors;
    drop table mes.analytics_daily_pauses, mes.analytics_daily_scrap, mes.analytics_daily_workers, mes.analytics_daily_substations,
      mes.analytics_plan_steps, mes.analytics_plans, mes.analytics_pauses, mes.analytics_steps, mes.analytics_settings;
    drop function mes.analytics_rebuild_daily(), mes.analytics_steps_roll(), mes.analytics_pauses_roll(), mes.analytics_edges_added(),
      mes.analytics_plans_changed(), mes.analytics_pauses_changed(), mes.analytics_assignments_changed(), mes.analytics_refresh_plans(text[]);`,
  );
}

/** Runs a script one statement at a time (PGlite's extended protocol takes one per query); semicolons inside $$ bodies do not split. */
export async function runStatements(db: Kysely<unknown>, script: string): Promise<void> {
  const parts = script.split('$$');
  let statement = '';
  for (let i = 0; i < parts.length; i++) {
    if (i % 2 === 1) {
      statement += `$$${parts[i]}$$`;
      continue;
    }
    const pieces = parts[i]!.split(';');
    for (let j = 0; j < pieces.length; j++) {
      statement += pieces[j];
      if (j < pieces.length - 1) {
        if (statement.trim()) await sql.raw(statement).execute(db);
        statement = '';
      }
    }
  }
  if (statement.trim()) await sql.raw(statement).execute(db);
}

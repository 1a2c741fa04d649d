/**
 * 0001 — the `mes` schema: master data, plans as graphs, assignments,
 * material ledger, events outbox, code counters, users.
 *
 * Why it looks like this:
 * - codes (OP-001, ST-001, ST-001-01, W-001, PPL-MMYY-NNN, WA-MMYY-NNN) are the
 *   primary keys people and integrators use, so they are the keys here too;
 *   plan nodes get a surrogate bigint id because their `N1`-style ids are only
 *   unique inside one plan;
 * - edges, candidates and inputs carry plan_id and reference nodes through
 *   composite keys, so an edge can never leave its plan;
 * - stock and reserved quantities are moved only by ledger rows: a statement
 *   trigger applies the ledger's deltas in SQL, and a check keeps stock >= 0;
 * - exclusion constraints (btree_gist) forbid two active assignments of one
 *   worker or one substation overlapping in time;
 * - the outbox fires one NOTIFY per transaction: identical notifications are
 *   folded by PostgreSQL at commit, and the payload is empty.
 */
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists btree_gist`.execute(db);
  await sql`create schema mes`.execute(db);

  await sql`
    create function mes.touch_updated_at() returns trigger language plpgsql as $$
    begin
      new.updated_at := now();
      return new;
    end $$
  `.execute(db);

  // ---- master data -------------------------------------------------------
  await sql`
    create table mes.operations (
      id text primary key check (id ~ '^OP-[0-9]{3,}$'),
      name text not null check (length(name) between 1 and 200),
      description text not null default '' check (length(description) <= 2000),
      default_efficiency numeric(6,3) not null default 1 check (default_efficiency > 0 and default_efficiency <= 5),
      archived_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table mes.stations (
      id text primary key check (id ~ '^ST-[0-9]{3,}$'),
      name text not null check (length(name) between 1 and 200),
      description text not null default '' check (length(description) <= 2000),
      location text not null default '' check (length(location) <= 200),
      archived_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table mes.station_operations (
      station_id text not null references mes.stations (id) on delete cascade,
      operation_id text not null references mes.operations (id),
      primary key (station_id, operation_id)
    )`.execute(db);
  await sql`create index station_operations_operation_idx on mes.station_operations (operation_id)`.execute(db);

  await sql`
    create table mes.substations (
      id text primary key check (id ~ '^ST-[0-9]{3,}-[0-9]{2,}$'),
      station_id text not null references mes.stations (id) on delete cascade,
      name text not null check (length(name) between 1 and 200),
      status text not null default 'available' check (status in ('available', 'in_use', 'maintenance')),
      current_assignment_id text,
      archived_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((status = 'in_use') = (current_assignment_id is not null))
    )`.execute(db);
  await sql`create index substations_station_idx on mes.substations (station_id)`.execute(db);

  await sql`
    create table mes.shift_calendars (
      id text primary key check (length(id) between 1 and 50),
      name text not null check (length(name) between 1 and 200),
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table mes.shift_calendar_windows (
      calendar_id text not null references mes.shift_calendars (id) on delete cascade,
      weekday smallint not null check (weekday between 0 and 6),
      start_minute smallint not null check (start_minute between 0 and 1439),
      end_minute smallint not null check (end_minute between 1 and 1440),
      check (start_minute < end_minute),
      primary key (calendar_id, weekday, start_minute)
    )`.execute(db);

  // An exception replaces one date's windows; a row with null minutes is a day off.
  await sql`
    create table mes.shift_calendar_exceptions (
      calendar_id text not null references mes.shift_calendars (id) on delete cascade,
      date date not null,
      start_minute smallint check (start_minute between 0 and 1439),
      end_minute smallint check (end_minute between 1 and 1440),
      note text not null default '',
      check ((start_minute is null and end_minute is null) or (start_minute < end_minute)),
      unique nulls not distinct (calendar_id, date, start_minute)
    )`.execute(db);

  await sql`
    create table mes.workers (
      id text primary key check (id ~ '^W-[0-9]{3,}$'),
      name text not null check (length(name) between 1 and 200),
      email text check (email is null or length(email) <= 320),
      shift_calendar_id text references mes.shift_calendars (id),
      status text not null default 'available' check (status in ('available', 'busy', 'on_break')),
      current_plan_id text,
      current_node_id bigint,
      current_assignment_id text,
      archived_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((current_assignment_id is null) = (current_plan_id is null)),
      check (status = 'available' or current_assignment_id is not null)
    )`.execute(db);

  await sql`
    create table mes.worker_stations (
      worker_id text not null references mes.workers (id) on delete cascade,
      station_id text not null references mes.stations (id) on delete cascade,
      primary key (worker_id, station_id)
    )`.execute(db);
  // "available workers for a station" walks station -> workers
  await sql`create index worker_stations_station_idx on mes.worker_stations (station_id, worker_id)`.execute(db);

  await sql`
    create table mes.worker_operations (
      worker_id text not null references mes.workers (id) on delete cascade,
      operation_id text not null references mes.operations (id),
      primary key (worker_id, operation_id)
    )`.execute(db);
  await sql`create index worker_operations_operation_idx on mes.worker_operations (operation_id, worker_id)`.execute(db);

  await sql`
    create table mes.materials (
      code text primary key check (code ~ '^[A-Z0-9][A-Z0-9._-]{1,49}$'),
      name text not null check (length(name) between 1 and 200),
      unit text not null check (length(unit) between 1 and 20),
      stock numeric(14,3) not null default 0 check (stock >= 0),
      reserved numeric(14,3) not null default 0 check (reserved >= 0),
      reorder_point numeric(14,3) not null default 0 check (reorder_point >= 0),
      archived_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);

  // ---- plans -------------------------------------------------------------
  await sql`
    create table mes.production_plans (
      id text primary key check (id ~ '^PPL-[0-9]{4}-[0-9]{3,}$'),
      work_order_code text not null check (length(work_order_code) between 1 and 50),
      name text not null check (length(name) between 1 and 200),
      quantity numeric(14,3) not null check (quantity > 0),
      status text not null default 'draft'
        check (status in ('draft', 'released', 'in_production', 'paused', 'completed', 'cancelled')),
      version integer not null default 1 check (version >= 1),
      note text not null default '' check (length(note) <= 4000),
      allow_shortage boolean not null default false,
      shortages jsonb,
      planned_start timestamptz,
      planned_end timestamptz,
      released_at timestamptz,
      started_at timestamptz,
      completed_at timestamptz,
      cancelled_at timestamptz,
      created_by text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (planned_end is null or planned_start is null or planned_end >= planned_start)
    )`.execute(db);
  await sql`create index production_plans_status_idx on mes.production_plans (status, created_at desc)`.execute(db);
  await sql`create index production_plans_work_order_idx on mes.production_plans (work_order_code)`.execute(db);
  await sql`create index production_plans_created_idx on mes.production_plans (created_at desc, id desc)`.execute(db);

  await sql`
    create table mes.production_plan_nodes (
      id bigint generated always as identity primary key,
      plan_id text not null references mes.production_plans (id) on delete cascade,
      node_id text not null check (node_id ~ '^[A-Za-z0-9_-]{1,40}$'),
      sequence integer not null check (sequence >= 0),
      name text not null check (length(name) between 1 and 200),
      operation_id text not null references mes.operations (id),
      quantity numeric(14,3) not null check (quantity > 0),
      nominal_time numeric(10,3) not null check (nominal_time > 0),
      efficiency numeric(6,3) not null default 1 check (efficiency > 0 and efficiency <= 5),
      output_material_code text references mes.materials (code),
      output_quantity numeric(14,3) not null default 0 check (output_quantity >= 0),
      position_x double precision not null default 0,
      position_y double precision not null default 0,
      note text not null default '' check (length(note) <= 2000),
      pinned_station_id text references mes.stations (id),
      pinned_substation_id text references mes.substations (id),
      pinned_worker_id text references mes.workers (id),
      unique (plan_id, node_id),
      unique (plan_id, id)
    )`.execute(db);
  await sql`create index production_plan_nodes_plan_idx on mes.production_plan_nodes (plan_id, sequence)`.execute(db);
  await sql`create index production_plan_nodes_operation_idx on mes.production_plan_nodes (operation_id)`.execute(db);

  await sql`
    create table mes.node_predecessors (
      plan_id text not null,
      node_id bigint not null,
      predecessor_id bigint not null,
      primary key (node_id, predecessor_id),
      check (node_id <> predecessor_id),
      foreign key (plan_id, node_id) references mes.production_plan_nodes (plan_id, id) on delete cascade,
      foreign key (plan_id, predecessor_id) references mes.production_plan_nodes (plan_id, id) on delete cascade
    )`.execute(db);
  await sql`create index node_predecessors_predecessor_idx on mes.node_predecessors (predecessor_id)`.execute(db);
  await sql`create index node_predecessors_plan_idx on mes.node_predecessors (plan_id)`.execute(db);

  await sql`
    create table mes.node_stations (
      plan_id text not null,
      node_id bigint not null,
      station_id text not null references mes.stations (id),
      priority smallint not null check (priority >= 1),
      time_minutes numeric(10,3) check (time_minutes is null or time_minutes > 0),
      primary key (node_id, station_id),
      foreign key (plan_id, node_id) references mes.production_plan_nodes (plan_id, id) on delete cascade
    )`.execute(db);
  await sql`create index node_stations_station_idx on mes.node_stations (station_id)`.execute(db);
  await sql`create index node_stations_plan_idx on mes.node_stations (plan_id)`.execute(db);

  await sql`
    create table mes.node_material_inputs (
      plan_id text not null,
      node_id bigint not null,
      material_code text not null references mes.materials (code),
      required_quantity numeric(14,3) not null check (required_quantity > 0),
      from_node_id bigint,
      primary key (node_id, material_code),
      check (from_node_id is null or from_node_id <> node_id),
      foreign key (plan_id, node_id) references mes.production_plan_nodes (plan_id, id) on delete cascade,
      foreign key (plan_id, from_node_id) references mes.production_plan_nodes (plan_id, id) on delete cascade
    )`.execute(db);
  await sql`create index node_material_inputs_material_idx on mes.node_material_inputs (material_code)`.execute(db);
  await sql`create index node_material_inputs_plan_idx on mes.node_material_inputs (plan_id)`.execute(db);

  // ---- assignments ------------------------------------------------------
  await sql`
    create table mes.worker_assignments (
      id text primary key check (id ~ '^WA-[0-9]{4}-[0-9]{3,}$'),
      plan_id text not null,
      node_id bigint not null,
      worker_id text not null references mes.workers (id),
      station_id text not null references mes.stations (id),
      substation_id text not null references mes.substations (id),
      status text not null default 'pending'
        check (status in ('pending', 'ready', 'in_progress', 'paused', 'completed', 'cancelled')),
      planned_start timestamptz not null,
      planned_end timestamptz not null,
      work_minutes numeric(10,2) not null check (work_minutes > 0),
      pinned boolean not null default false,
      wait_reason text,
      actual_start timestamptz,
      actual_end timestamptz,
      paused_minutes numeric(10,2) not null default 0 check (paused_minutes >= 0),
      worked_minutes numeric(10,2) check (worked_minutes >= 0),
      good_quantity numeric(14,3) check (good_quantity >= 0),
      scrap_quantity numeric(14,3) check (scrap_quantity >= 0),
      scrap_reason text,
      note text not null default '',
      version integer not null default 1,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check (planned_end > planned_start),
      check (actual_end is null or actual_start is not null),
      check (status <> 'completed' or (actual_end is not null and good_quantity is not null)),
      foreign key (plan_id, node_id) references mes.production_plan_nodes (plan_id, id) on delete cascade,
      constraint worker_assignments_worker_no_overlap exclude using gist (
        worker_id with =, tstzrange(planned_start, planned_end, '[)') with &&
      ) where (status in ('pending', 'ready', 'in_progress', 'paused')),
      constraint worker_assignments_substation_no_overlap exclude using gist (
        substation_id with =, tstzrange(planned_start, planned_end, '[)') with &&
      ) where (status in ('pending', 'ready', 'in_progress', 'paused'))
    )`.execute(db);
  await sql`create unique index worker_assignments_one_open_per_node on mes.worker_assignments (node_id) where status <> 'cancelled'`.execute(db);
  await sql`create index worker_assignments_plan_idx on mes.worker_assignments (plan_id)`.execute(db);
  await sql`create index worker_assignments_worker_idx on mes.worker_assignments (worker_id, planned_start)`.execute(db);
  await sql`create index worker_assignments_station_idx on mes.worker_assignments (station_id, planned_start)`.execute(db);

  await sql`alter table mes.substations add constraint substations_current_assignment_fk
    foreign key (current_assignment_id) references mes.worker_assignments (id)`.execute(db);
  await sql`alter table mes.workers add constraint workers_current_plan_fk
    foreign key (current_plan_id) references mes.production_plans (id)`.execute(db);
  await sql`alter table mes.workers add constraint workers_current_node_fk
    foreign key (current_node_id) references mes.production_plan_nodes (id)`.execute(db);
  await sql`alter table mes.workers add constraint workers_current_assignment_fk
    foreign key (current_assignment_id) references mes.worker_assignments (id)`.execute(db);

  // ---- material ledger --------------------------------------------------
  await sql`
    create table mes.material_ledger (
      id bigint generated always as identity primary key,
      material_code text not null references mes.materials (code),
      entry_type text not null check (entry_type in
        ('opening', 'receipt', 'adjustment', 'reservation', 'reservation_release', 'consumption', 'production')),
      stock_delta numeric(14,3) not null default 0,
      reserved_delta numeric(14,3) not null default 0,
      plan_id text references mes.production_plans (id) on delete set null,
      node_id bigint references mes.production_plan_nodes (id) on delete set null,
      assignment_id text references mes.worker_assignments (id) on delete set null,
      reason text not null default '' check (length(reason) <= 500),
      actor text,
      created_at timestamptz not null default now(),
      check (stock_delta <> 0 or reserved_delta <> 0)
    )`.execute(db);
  await sql`create index material_ledger_material_idx on mes.material_ledger (material_code, id)`.execute(db);
  await sql`create index material_ledger_plan_idx on mes.material_ledger (plan_id) where plan_id is not null`.execute(db);

  // Ledger rows are the only way quantities move: apply every inserted row's
  // deltas in one statement. Ledger rows are append-only.
  await sql`
    create function mes.apply_material_ledger() returns trigger language plpgsql as $$
    begin
      update mes.materials m
         set stock = m.stock + d.stock_delta,
             reserved = m.reserved + d.reserved_delta,
             updated_at = now()
        from (select material_code, sum(stock_delta) as stock_delta, sum(reserved_delta) as reserved_delta
                from new_rows group by material_code) d
       where m.code = d.material_code;
      return null;
    end $$`.execute(db);
  await sql`
    create trigger material_ledger_apply after insert on mes.material_ledger
      referencing new table as new_rows for each statement execute function mes.apply_material_ledger()`.execute(db);
  await sql`
    create function mes.refuse_ledger_change() returns trigger language plpgsql as $$
    begin
      raise exception 'the material ledger is append-only' using errcode = 'restrict_violation';
    end $$`.execute(db);
  await sql`
    create trigger material_ledger_append_only before update or delete on mes.material_ledger
      for each row execute function mes.refuse_ledger_change()`.execute(db);

  // ---- events outbox ----------------------------------------------------
  // tx_id lets readers order by commit safety: an event is read only once
  // every transaction older than it has finished (see realtime/outbox).
  await sql`
    create table mes.events (
      id bigint generated always as identity primary key,
      tx_id xid8 not null default pg_current_xact_id(),
      topic text not null check (topic in ('plans', 'assignments', 'workers', 'stations', 'materials', 'master')),
      entity_type text not null check (length(entity_type) between 1 and 50),
      entity_id text not null check (length(entity_id) between 1 and 100),
      change text not null check (length(change) between 1 and 50),
      plan_id text,
      worker_id text,
      station_id text,
      payload jsonb not null default '{}'::jsonb,
      actor text,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index events_tx_idx on mes.events (tx_id, id)`.execute(db);
  await sql`create index events_created_idx on mes.events (created_at)`.execute(db);

  await sql`
    create function mes.notify_events() returns trigger language plpgsql as $$
    begin
      -- same channel and payload in one transaction are delivered once
      perform pg_notify('mes_events', '');
      return null;
    end $$`.execute(db);
  await sql`
    create trigger events_notify after insert on mes.events
      for each statement execute function mes.notify_events()`.execute(db);

  // ---- codes ------------------------------------------------------------
  await sql`
    create table mes.code_counters (
      prefix text not null check (prefix ~ '^[A-Z]{2,4}$'),
      period text not null check (period ~ '^[0-9]{4}$'),
      last_value bigint not null check (last_value >= 1),
      primary key (prefix, period)
    )`.execute(db);
  // Upsert takes the counter row lock, so concurrent callers queue and each
  // gets its own number. Three digits at least; wider past 999 (lpad would truncate).
  await sql`
    create function mes.next_code(p_prefix text, p_at timestamptz default now()) returns text
    language plpgsql as $$
    declare
      v_period text := to_char(p_at, 'MMYY');
      v_value bigint;
    begin
      insert into mes.code_counters as c (prefix, period, last_value)
      values (p_prefix, v_period, 1)
      on conflict (prefix, period) do update set last_value = c.last_value + 1
      returning c.last_value into v_value;
      return p_prefix || '-' || v_period || '-' ||
        case when v_value < 1000 then lpad(v_value::text, 3, '0') else v_value::text end;
    end $$`.execute(db);
  await sql`create function mes.generate_production_plan_code() returns text language sql as $$ select mes.next_code('PPL') $$`.execute(db);
  await sql`create function mes.generate_work_order_code() returns text language sql as $$ select mes.next_code('WO') $$`.execute(db);
  await sql`create function mes.generate_assignment_code() returns text language sql as $$ select mes.next_code('WA') $$`.execute(db);

  // ---- users and sessions ------------------------------------------------
  await sql`
    create table mes.users (
      id bigint generated always as identity primary key,
      username text not null unique check (username ~ '^[a-zA-Z0-9._-]{2,50}$'),
      display_name text not null default '',
      role text not null check (role in ('admin', 'planner', 'operator')),
      password_hash text,
      worker_id text unique references mes.workers (id) on delete cascade,
      pin_hash text,
      disabled_at timestamptz,
      created_at timestamptz not null default now(),
      check (role <> 'operator' or worker_id is not null),
      check (password_hash is not null or pin_hash is not null)
    )`.execute(db);

  await sql`
    create table mes.sessions (
      token_hash text primary key,
      user_id bigint not null references mes.users (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null,
      last_seen_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index sessions_user_idx on mes.sessions (user_id)`.execute(db);
  await sql`create index sessions_expires_idx on mes.sessions (expires_at)`.execute(db);

  for (const table of ['operations', 'stations', 'substations', 'workers', 'materials', 'production_plans', 'worker_assignments']) {
    await sql`create trigger ${sql.raw(`${table}_touch`)} before update on ${sql.table(`mes.${table}`)}
      for each row execute function mes.touch_updated_at()`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop schema mes cascade`.execute(db);
}

/**
 * SQL of the plans list: one page of plans in a total order, cut by a keyset
 * cursor (or, for old clients, an offset), with each shown plan's node count,
 * progress, late steps and projection; and, only when asked, the number of
 * matching plans.
 *
 * Why it stays flat on years of history (issue #18 item 4, measured in
 * BENCHMARKS.md): the page is read in index order and cut after limit + 1
 * rows (no count over every matching plan, no sort of them all); each plan's
 * figures (node and completed counts, projected end, lateness, its open
 * steps' planned ends) are kept in its `plan_summaries` row by triggers in the
 * writing transaction (migration 0038), so a shown plan costs one probe of that
 * row and no read of its nodes or assignments, and the sorts by projected end
 * and lateness walk that table's indexes; the page leaves as JSON text made in
 * SQL.
 */
import { type RawBuilder, sql } from 'kysely';
import { type Db, PREPARED } from '../../db/database.js';
import { isoText } from '../../shared/dates.js';
import type { PlanSortKey, PlanStatus } from './plans.schema.js';
import type { Direction, ListCursor } from './plan-list.rules.js';

export interface PlanListFilter {
  status?: PlanStatus[] | undefined;
  workOrderCode?: string | undefined;
  q?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  archived?: boolean | undefined;
  late?: boolean | undefined;
}

export interface PlanListPage {
  sort: PlanSortKey;
  direction: Direction;
  limit: number;
  offset: number;
  cursor?: ListCursor | undefined;
}

/**
 * The SQL of each sort key over the plan row `p` and its summary `s`, the type its cursor text is cast back to, and the
 * code it is broken by: the summary's copy for the summary's keys, so that its (key, plan_id) indexes give the order.
 */
const sortKeys: Record<PlanSortKey, { sql: string; type: string; nullable: boolean; id: string }> = {
  createdAt: { sql: 'p.created_at', type: 'timestamptz', nullable: false, id: 'p.id' },
  code: { sql: 'p.id', type: 'text', nullable: false, id: 'p.id' },
  dueDate: { sql: 'p.due_date', type: 'timestamptz', nullable: true, id: 'p.id' },
  priority: { sql: 'p.priority', type: 'smallint', nullable: false, id: 'p.id' },
  projectedEnd: { sql: 's.projected_end', type: 'timestamptz', nullable: true, id: 's.plan_id' },
  lateness: { sql: 's.lateness', type: 'float8', nullable: true, id: 's.plan_id' },
};

/**
 * Late: a projected end more than half a minute after the due date (the
 * lateness, rounded to minutes, is positive); a plan without either is not.
 */
const lateSql = `coalesce(s.lateness > 0, false)`;

function whereSql(f: PlanListFilter): RawBuilder<unknown> {
  // `listed` is archived_at is null (0038): named so the summary's partial indexes apply
  const parts: RawBuilder<unknown>[] = [f.archived ? sql`p.archived_at is not null and not s.listed` : sql`p.archived_at is null and s.listed`];
  if (f.status?.length) parts.push(sql`p.status in (${sql.join(f.status)})`);
  if (f.workOrderCode) parts.push(sql`p.work_order_code = ${f.workOrderCode}`);
  if (f.from) parts.push(sql`p.created_at >= ${new Date(f.from)}`);
  if (f.to) parts.push(sql`p.created_at < ${new Date(f.to)}`);
  if (f.q) {
    const like = `%${f.q.replace(/[\\%_]/g, '\\$&')}%`;
    parts.push(sql`(p.id ilike ${like} or p.name ilike ${like} or p.work_order_code ilike ${like})`);
  }
  if (f.late === true) parts.push(sql.raw(lateSql));
  if (f.late === false) parts.push(sql.raw(`not ${lateSql}`));
  return sql.join(parts, sql` and `);
}

/**
 * Rows after the cursor in the order (key, then code, the same direction;
 * rows without a key last whichever the direction). Keys that are never null
 * compare as a row, which the (key, id) indexes answer as a range.
 */
function afterCursorSql(page: PlanListPage): RawBuilder<unknown> {
  const c = page.cursor;
  if (!c) return sql`true`;
  const key = sortKeys[page.sort];
  const op = sql.raw(page.direction === 'asc' ? '>' : '<');
  if (page.sort === 'code') return sql`p.id ${op} ${c.id}`;
  const k = sql.raw(key.sql);
  const id = sql.raw(key.id);
  const type = sql.raw(key.type);
  if (!key.nullable) return sql`(${k}, ${id}) ${op} (${c.key}::${type}, ${c.id}::text)`;
  if (c.key === null) return sql`(${k} is null and ${id} ${op} ${c.id})`;
  return sql`((${k}, ${id}) ${op} (${c.key}::${type}, ${c.id}::text) or ${k} is null)`;
}

/** Key, then code; `nulls last` only where a key can be missing, so `created_at desc, id desc` matches its index (nulls first) as written. */
function orderSql(page: PlanListPage, key: string, id: string): RawBuilder<unknown> {
  const d = page.direction;
  if (page.sort === 'code') return sql.raw(`${id} ${d}`);
  return sql.raw(sortKeys[page.sort].nullable ? `${key} ${d} nulls last, ${id} ${d}` : `${key} ${d}, ${id} ${d}`);
}

/**
 * One page as the JSON text of its items, and where the next page starts (the
 * last shown row's sort value and code) if there is one; with what a kept copy
 * needs (see list-cache.ts): the snapshot the page was read in, and when the
 * clock alone changes it (the earliest planned end, still ahead, of a shown
 * plan's open step: its late-step count grows then; ms since the epoch).
 */
export interface PlanListPageText {
  items: string;
  more: boolean;
  lastKey: string | null;
  lastId: string | null;
  snapshot: string;
  validUntil: number | null;
}

/**
 * One page of plans: limit + 1 rows are read (the extra one tells there is a
 * next page), the first `limit` leave as one JSON array made by PostgreSQL in
 * PlanSummary's shape, so the server neither parses nor serializes each row.
 */
export async function listPlanPage(db: Db, f: PlanListFilter, page: PlanListPage): Promise<PlanListPageText> {
  const key = sortKeys[page.sort];
  const lateness = 'p.lateness';
  // limit and offset written into the text (validated integers): as parameters, PostgreSQL costs a generic plan for an
  // unknown limit, keeps planning each execution afresh, and the planning was about a third of a page's database time
  const limit = sql.raw(String(Math.trunc(page.limit)));
  const offset = sql.raw(String(Math.trunc(page.offset)));
  const { rows } = await sql<PlanListPageText>`${sql.raw(PREPARED)}
    with page as (
      select p.*, s.node_count, s.completed_count, s.open_ends, s.projected_end, s.lateness, ${sql.raw(key.sql)} as sort_value
        from mes.production_plans p join mes.plan_summaries s on s.plan_id = p.id
       where ${whereSql(f)} and ${afterCursorSql(page)}
       order by ${orderSql(page, key.sql, key.id)}
       limit ${limit} + 1 offset ${offset}
    ),
    shown as (
      select p.*, row_number() over (order by ${orderSql(page, 'p.sort_value', 'p.id')}) as n from page p
    ),
    items as (
      select p.n, p.id, p.sort_value, o.next_late, json_build_object(
               'id', p.id, 'workOrderCode', p.work_order_code, 'name', p.name, 'quantity', p.quantity, 'status', p.status, 'version', p.version,
               'plannedStart', ${sql.raw(isoText('p.planned_start'))}, 'plannedEnd', ${sql.raw(isoText('p.planned_end'))},
               'releasedAt', ${sql.raw(isoText('p.released_at'))}, 'completedAt', ${sql.raw(isoText('p.completed_at'))},
               'createdAt', ${sql.raw(isoText('p.created_at'))}, 'updatedAt', ${sql.raw(isoText('p.updated_at'))},
               'dueDate', ${sql.raw(isoText('p.due_date'))}, 'priority', p.priority,
               'projectedEnd', ${sql.raw(isoText('p.projected_end'))}, 'latenessMinutes', ${sql.raw(lateness)}, 'late', coalesce(${sql.raw(lateness)} > 0, false),
               'archivedAt', ${sql.raw(isoText('p.archived_at'))},
               'nodeCount', c.nodes, 'completedNodes', c.completed,
               'progress', case when c.nodes = 0 then 0 else c.completed::float8 / c.nodes end,
               'lateNodes', coalesce(o.late_nodes, 0)) as item
        from shown p
        left join mes.plan_archives ar on p.archived_at is not null and ar.plan_id = p.id
        -- the open steps' planned ends (0038) against the clock: how many have passed, and the earliest still ahead
        left join lateral (
          select count(*) filter (where e < now())::int as late_nodes, min(e) filter (where e >= now()) as next_late
            from unnest(p.open_ends) e where p.archived_at is null
        ) o on true
        -- an archived plan's counts were taken when its graph moved to the archive
        cross join lateral (
          select case when p.archived_at is null then p.node_count else ar.node_count end as nodes,
                 case when p.archived_at is null then p.completed_count else ar.completed_nodes end as completed
        ) c
       where p.n <= ${limit}
    )
    select coalesce((select json_agg(i.item order by i.n) from items i), '[]'::json)::text as items,
           (select count(*) from page) > ${limit} as more,
           (select i.sort_value::text from items i order by i.n desc limit 1) as "lastKey",
           (select i.id from items i order by i.n desc limit 1) as "lastId",
           pg_current_snapshot()::text as snapshot,
           (select extract(epoch from min(i.next_late)) * 1000 from items i)::float8 as "validUntil"`.execute(db);
  return rows[0]!;
}

/** What the check of kept list pages found: per snapshot asked about, whether anything a page shows changed since; and the check's own snapshot and clock. */
export interface ListSnapshotCheck {
  changed: boolean[];
  snapshot: string;
  now: number;
}

/**
 * Whether a plan, or anything a list page shows of it, changed in a
 * transaction each snapshot did not see (migration 0033): a stamp row whose
 * transaction is at or above the snapshot's xmin and not visible in it, or a
 * plan removal since. One statement for all the snapshots, so one snapshot
 * (returned, with its clock): a page unchanged here is exactly what the
 * database says as of that snapshot.
 */
export async function checkListSnapshots(db: Db, snapshots: readonly string[]): Promise<ListSnapshotCheck> {
  const { rows } = await sql<{ changed: boolean[]; snapshot: string; now: number }>`${sql.raw(PREPARED)}
    select coalesce(array_agg(c.changed order by s.i), '{}') as changed,
           pg_current_snapshot()::text as snapshot,
           (extract(epoch from statement_timestamp()) * 1000)::float8 as now
      from unnest(${snapshots}::text[]) with ordinality s(snap, i)
      cross join lateral (select s.snap::pg_snapshot as snap) x
      -- the newest stamp first, down the xid index no further than the snapshot's xmin: written as a scalar
      -- "order by … limit 1" so the planner walks the index (as an exists it costs the range at a third of
      -- the table and scans it all)
      cross join lateral (select
        (select r.xid from mes.plan_revisions r
          where r.xid >= pg_snapshot_xmin(x.snap) and not pg_visible_in_snapshot(r.xid, x.snap)
          order by r.xid desc limit 1) is not null
        or exists (select 1 from mes.plan_list_removals d where not pg_visible_in_snapshot(d.xid, x.snap)) as changed) c`.execute(db);
  return rows[0]!;
}

/** How many plans match the filter (only when a client asks: it reads every matching plan). */
export async function countPlans(db: Db, f: PlanListFilter): Promise<number> {
  const { rows } = await sql<{ total: number }>`${sql.raw(PREPARED)}
    select count(*)::int as total from mes.production_plans p join mes.plan_summaries s on s.plan_id = p.id where ${whereSql(f)}`.execute(db);
  return rows[0]?.total ?? 0;
}

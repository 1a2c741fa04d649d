/**
 * SQL of the plans list: one page of plans in a total order, cut by a keyset
 * cursor (or, for old clients, an offset), with each shown plan's node count,
 * progress, late steps and projection; and, only when asked, the number of
 * matching plans.
 *
 * Why it stays flat on years of history (issue #18 item 4, measured in
 * BENCHMARKS.md): the page is read in index order and cut after limit + 1
 * rows (no count over every matching plan, no sort of them all); the
 * projected end, which needs the plan's assignments, is only evaluated for the
 * few unfinished plans (a completed plan's is its completion time, a draft's
 * or a cancelled plan's is none), so the late filter walks the same index;
 * the per-plan figures are one scan of the plan's assignments for the shown
 * rows only; the page leaves as JSON text made in SQL.
 */
import { type RawBuilder, sql } from 'kysely';
import { type Db, PREPARED } from '../../db/database.js';
import { isoText } from '../../shared/dates.js';
import type { PlanSortKey, PlanStatus } from './plans.schema.js';
import type { Direction, ListCursor } from './plan-list.rules.js';
import { latenessText, projectedEndText } from './plans.repository.js';

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

/** The SQL of each sort key over the plan row `p`, and the type its cursor text is cast back to. */
const sortKeys: Record<PlanSortKey, { sql: string; type: string; nullable: boolean }> = {
  createdAt: { sql: 'p.created_at', type: 'timestamptz', nullable: false },
  code: { sql: 'p.id', type: 'text', nullable: false },
  dueDate: { sql: 'p.due_date', type: 'timestamptz', nullable: true },
  priority: { sql: 'p.priority', type: 'smallint', nullable: false },
  projectedEnd: { sql: projectedEndText('p'), type: 'timestamptz', nullable: true },
  lateness: { sql: latenessText('p', projectedEndText('p')), type: 'float8', nullable: true },
};

const openStatuses = `('released', 'in_production', 'paused')`;

/**
 * Late: a due date and a projected end more than half a minute after it (the
 * lateness, rounded to minutes, is positive). Written per status so that only
 * unfinished plans read their assignments; equal to `lateness > 0` of the
 * projection (draft and cancelled plans have none, so are never late).
 */
const lateSql = `(p.due_date is not null and (
    (p.status = 'completed' and ${latenessText('p', 'p.completed_at')} > 0)
    or (p.status in ${openStatuses} and ${latenessText('p', projectedEndText('p'))} > 0)))`;

function whereSql(f: PlanListFilter): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [f.archived ? sql`p.archived_at is not null` : sql`p.archived_at is null`];
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
  const type = sql.raw(key.type);
  if (!key.nullable) return sql`(${k}, p.id) ${op} (${c.key}::${type}, ${c.id}::text)`;
  if (c.key === null) return sql`(${k} is null and p.id ${op} ${c.id})`;
  return sql`((${k}, p.id) ${op} (${c.key}::${type}, ${c.id}::text) or ${k} is null)`;
}

/** Key, then code; `nulls last` only where a key can be missing, so `created_at desc, id desc` matches its index (nulls first) as written. */
function orderSql(page: PlanListPage, key: string): RawBuilder<unknown> {
  const d = page.direction;
  if (page.sort === 'code') return sql.raw(`p.id ${d}`);
  return sql.raw(sortKeys[page.sort].nullable ? `${key} ${d} nulls last, p.id ${d}` : `${key} ${d}, p.id ${d}`);
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
  const end = `(case when p.status = 'completed' then p.completed_at when p.status in ${openStatuses} then s.last_end end)`;
  const lateness = latenessText('p', end);
  const { rows } = await sql<PlanListPageText>`${sql.raw(PREPARED)}
    with page as (
      select p.*, ${sql.raw(key.sql)} as sort_value
        from mes.production_plans p
       where ${whereSql(f)} and ${afterCursorSql(page)}
       order by ${orderSql(page, key.sql)}
       limit ${page.limit + 1} offset ${page.offset}
    ),
    shown as (
      select p.*, row_number() over (order by ${orderSql(page, 'p.sort_value')}) as n from page p
    ),
    items as (
      select p.n, p.id, p.sort_value, s.next_late, json_build_object(
               'id', p.id, 'workOrderCode', p.work_order_code, 'name', p.name, 'quantity', p.quantity, 'status', p.status, 'version', p.version,
               'plannedStart', ${sql.raw(isoText('p.planned_start'))}, 'plannedEnd', ${sql.raw(isoText('p.planned_end'))},
               'releasedAt', ${sql.raw(isoText('p.released_at'))}, 'completedAt', ${sql.raw(isoText('p.completed_at'))},
               'createdAt', ${sql.raw(isoText('p.created_at'))}, 'updatedAt', ${sql.raw(isoText('p.updated_at'))},
               'dueDate', ${sql.raw(isoText('p.due_date'))}, 'priority', p.priority,
               'projectedEnd', ${sql.raw(isoText(end))}, 'latenessMinutes', ${sql.raw(lateness)}, 'late', coalesce(${sql.raw(lateness)} > 0, false),
               'archivedAt', ${sql.raw(isoText('p.archived_at'))},
               'nodeCount', c.nodes, 'completedNodes', c.completed,
               'progress', case when c.nodes = 0 then 0 else c.completed::float8 / c.nodes end,
               'lateNodes', coalesce(s.late_nodes, 0)) as item
        from shown p
        left join mes.plan_archives ar on p.archived_at is not null and ar.plan_id = p.id
        -- the shown plan's steps, one scan: completed, open past their planned end, and the latest end (the projection)
        left join lateral (
          select (count(*) filter (where a.status = 'completed'))::int as completed,
                 (count(*) filter (where a.status not in ('completed', 'cancelled') and a.planned_end < now()))::int as late_nodes,
                 max(coalesce(a.actual_end, a.planned_end)) filter (where a.status <> 'cancelled') as last_end,
                 min(a.planned_end) filter (where a.status not in ('completed', 'cancelled') and a.planned_end >= now()) as next_late
            from mes.worker_assignments a where a.plan_id = p.id and p.archived_at is null
        ) s on true
        -- an archived plan's counts were taken when its graph moved to the archive
        cross join lateral (
          select case when p.archived_at is null then (select count(*)::int from mes.production_plan_nodes n where n.plan_id = p.id)
                      else ar.node_count end as nodes,
                 case when p.archived_at is null then coalesce(s.completed, 0) else ar.completed_nodes end as completed
        ) c
       where p.n <= ${page.limit}
    )
    select coalesce((select json_agg(i.item order by i.n) from items i), '[]'::json)::text as items,
           (select count(*) from page) > ${page.limit} as more,
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
    select count(*)::int as total from mes.production_plans p where ${whereSql(f)}`.execute(db);
  return rows[0]?.total ?? 0;
}

/**
 * Pages of the plans list kept by one process (issue #18 item 4), each as the
 * body it was sent as, keyed by the request (filters, order, page, count),
 * bounded by size like the plan details (MES_PLAN_LIST_CACHE_MB; least
 * recently used first, a body over a quarter of the whole is not kept).
 *
 * Why a kept page is never stale, on this instance or another one (blue-green
 * runs two on one database), and why it is not a revision number:
 *
 * - A page is read in one statement together with that statement's snapshot
 *   (`pg_current_snapshot()`). Every write to a plan or to what a page shows
 *   of it (its nodes and assignments) stamps the plan's row in
 *   `mes.plan_revisions` with the writing transaction's id, by statement
 *   triggers in the writing transaction (0004, 0033); a plan's deletion or a
 *   truncation stamps `mes.plan_list_removals`.
 * - Before a kept page is served, one query asks whether any stamp carries a
 *   transaction the page's snapshot did not see (such a transaction committed
 *   after the read). If none, the page is what the database says as of the
 *   check's own snapshot, which then replaces the page's, so the next check
 *   scans only what committed since. The check is in the database, so a
 *   change committed anywhere before a request was sent is seen by it:
 *   read-your-writes across instances, with no NOTIFY to wait for and nothing
 *   to lose while a listener reconnects.
 * - Not the newest sequence stamp: sequences are not transactional, so a
 *   reader could see stamp 101 committed while 100 is still in flight, keep
 *   its page under 101 and never notice 100's commit. Not one counter row
 *   bumped by every change either: every floor action of every plan would
 *   queue behind the one before it until it commits. Transaction ids against
 *   a snapshot answer "committed after this read?" exactly, with no shared
 *   row (0033's doc comment).
 * - The clock: a page's late-step counts grow as open steps pass their planned
 *   end, with no write at all. A page is kept until the earliest such end
 *   among its plans (`validUntil`), compared with the database's clock in the
 *   check.
 *
 * The checks of requests that arrive together are one query (a DataLoader
 * sent on the next turn of the event loop, after they arrived, as the plan
 * detail's revision reads are).
 *
 * Any change to any plan invalidates every kept page: a live floor that
 * completes a step every few seconds keeps few pages for long, and a miss
 * costs what an uncached read does, once for the requests that missed the
 * same page together (readShared).
 */
import DataLoader from 'dataloader';
import { LRUCache } from 'lru-cache';

export interface KeptListPage {
  body: string;
  /** the snapshot the page is known to be exact as of (text of pg_snapshot) */
  snapshot: string;
  /** ms since the epoch: the clock changes the page then; null = never */
  validUntil: number | null;
}

export interface SnapshotCheck {
  changed: boolean[];
  snapshot: string;
  now: number;
}

export type SnapshotChecker = (snapshots: readonly string[]) => Promise<SnapshotCheck>;

export class PlanListCache {
  private readonly entries: LRUCache<string, KeptListPage> | undefined;
  private readonly checks: DataLoader<string, { changed: boolean; snapshot: string; now: number }> | undefined;
  hits = 0;
  misses = 0;
  /** pages read afresh: a read shared by requests that missed together counts once */
  reads = 0;
  /** reads not started yet, by key (see readShared) */
  private readonly pending = new Map<string, Promise<string>>();

  constructor(maxChars: number, check: SnapshotChecker) {
    if (maxChars <= 0) return;
    this.entries = new LRUCache<string, KeptListPage>({
      maxSize: maxChars,
      maxEntrySize: Math.max(1, Math.floor(maxChars / 4)),
      sizeCalculation: (kept) => Math.max(1, kept.body.length),
    });
    this.checks = new DataLoader(
      async (snapshots) => {
        const found = await check(snapshots);
        return snapshots.map((_, i) => ({ changed: found.changed[i] ?? true, snapshot: found.snapshot, now: found.now }));
      },
      { cache: false, maxBatchSize: 200, batchScheduleFn: (send) => setImmediate(send) },
    );
  }

  get enabled(): boolean {
    return this.entries !== undefined;
  }

  get count(): number {
    return this.entries?.size ?? 0;
  }

  /** The kept body for this request if nothing it shows changed since it was read; one check query (shared) when something is kept. */
  async lookup(key: string): Promise<string | undefined> {
    const kept = this.entries?.get(key);
    if (!kept || !this.checks) {
      if (this.enabled) this.misses++;
      return undefined;
    }
    const found = await this.checks.load(kept.snapshot);
    if (found.changed || (kept.validUntil !== null && found.now >= kept.validUntil)) {
      this.misses++;
      if (this.entries?.peek(key) === kept) this.entries.delete(key);
      return undefined;
    }
    // unchanged up to the check's snapshot: the next check starts from there
    kept.snapshot = found.snapshot;
    this.hits++;
    return kept.body;
  }

  set(key: string, kept: KeptListPage): void {
    this.entries?.set(key, kept);
  }

  /**
   * One fresh read for the requests that miss the same page together: after a
   * change, every open list page is told by its event stream and asks again at
   * once, and each would read the page itself. The read starts on the next turn
   * of the event loop, after those requests arrived, so each still sees every
   * change committed before it was sent; a request arriving once the read has
   * started waits for a read of its own. At ten changes a second and 20
   * connections, ~18 reads followed each change (BENCHMARKS.md, "The list
   * while plans are being written").
   */
  readShared(key: string, read: () => Promise<string>): Promise<string> {
    const waiting = this.pending.get(key);
    if (waiting) return waiting;
    const shared = new Promise<string>((resolve, reject) => {
      setImmediate(() => {
        this.pending.delete(key);
        this.reads++;
        read().then(resolve, reject);
      });
    });
    this.pending.set(key, shared);
    return shared;
  }
}

/**
 * Serialized plan details kept by one process. An entry is served again only
 * for the revision it was read at: the route first reads the plan's current
 * revision (one indexed lookup; triggers stamp it on every change, migration
 * 0004), so a change committed anywhere is seen by the next request here.
 * Bounded by size (characters of the kept bodies, MES_PLAN_CACHE_MB); least
 * recently used entries go first, and one body over a quarter of the whole
 * is not kept at all.
 */
import { LRUCache } from 'lru-cache';

export interface KeptDetail {
  revision: string;
  etag: string;
  body: string;
}

export class PlanDetailCache {
  private readonly entries: LRUCache<string, KeptDetail> | undefined;
  hits = 0;
  misses = 0;

  constructor(maxChars: number) {
    this.entries =
      maxChars > 0
        ? new LRUCache<string, KeptDetail>({
            maxSize: maxChars,
            maxEntrySize: Math.max(1, Math.floor(maxChars / 4)),
            sizeCalculation: (kept) => Math.max(1, kept.body.length),
          })
        : undefined;
  }

  get enabled(): boolean {
    return this.entries !== undefined;
  }

  get count(): number {
    return this.entries?.size ?? 0;
  }

  /**
   * The kept detail of this plan if it is still current. The current revision
   * is read only when something is kept to compare it with: a plan read for
   * the first time costs the detail query alone.
   */
  async lookup(planId: string, currentRevision: () => Promise<string>): Promise<KeptDetail | undefined> {
    if (!this.entries?.has(planId)) {
      if (this.enabled) this.misses++;
      return undefined;
    }
    return this.get(planId, await currentRevision());
  }

  /** The kept detail of this plan if it was read at this revision. */
  get(planId: string, revision: string): KeptDetail | undefined {
    const kept = this.entries?.get(planId);
    if (!kept || kept.revision !== revision) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    return kept;
  }

  set(planId: string, kept: KeptDetail): void {
    this.entries?.set(planId, kept);
  }
}

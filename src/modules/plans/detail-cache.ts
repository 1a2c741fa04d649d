/**
 * Serialized plan details kept by one process. An entry is served again only
 * for the revision it was read at: the route first reads the plan's current
 * revision (one indexed lookup; triggers stamp it on every change, migration
 * 0004), so a change committed anywhere is seen by the next request here.
 * Bounded by size; least recently used entries go first.
 */
export interface KeptDetail {
  revision: string;
  etag: string;
  body: string;
}

export class PlanDetailCache {
  private readonly entries = new Map<string, KeptDetail>();
  private size = 0;
  hits = 0;
  misses = 0;

  constructor(private readonly maxChars: number) {}

  get enabled(): boolean {
    return this.maxChars > 0;
  }

  get count(): number {
    return this.entries.size;
  }

  /**
   * The kept detail of this plan if it is still current. The current revision
   * is read only when something is kept to compare it with: a plan read for
   * the first time costs the detail query alone.
   */
  async lookup(planId: string, currentRevision: () => Promise<string>): Promise<KeptDetail | undefined> {
    if (!this.entries.has(planId)) {
      if (this.enabled) this.misses++;
      return undefined;
    }
    return this.get(planId, await currentRevision());
  }

  /** The kept detail of this plan if it was read at this revision. */
  get(planId: string, revision: string): KeptDetail | undefined {
    const kept = this.entries.get(planId);
    if (!kept || kept.revision !== revision) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // most recently used last
    this.entries.delete(planId);
    this.entries.set(planId, kept);
    return kept;
  }

  set(planId: string, kept: KeptDetail): void {
    if (!this.enabled || kept.body.length > this.maxChars / 4) return;
    this.delete(planId);
    this.entries.set(planId, kept);
    this.size += kept.body.length;
    for (const [id, oldest] of this.entries) {
      if (this.size <= this.maxChars) break;
      this.entries.delete(id);
      this.size -= oldest.body.length;
    }
  }

  private delete(planId: string): void {
    const kept = this.entries.get(planId);
    if (!kept) return;
    this.entries.delete(planId);
    this.size -= kept.body.length;
  }
}

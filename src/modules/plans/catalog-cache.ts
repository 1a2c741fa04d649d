/**
 * The catalog plan documents are validated against, kept by one process so
 * that creating a plan is one round trip. A stale copy can neither let a plan
 * through nor turn one away: the insert writes nothing unless the catalog's
 * stamp (names, migration 0004; everything validation reads, 0006) is still
 * the one this copy was read at, and a document the copy refuses is decided
 * against the database. Either way the copy is then dropped and read again.
 */
import type { NamedPlanCatalog } from './plan-documents.repository.js';

export type KeptCatalog = NamedPlanCatalog & { stamp: string };

export class PlanCatalogCache {
  private kept: KeptCatalog | undefined;
  private loading: Promise<KeptCatalog> | undefined;
  hits = 0;
  misses = 0;

  constructor(readonly enabled: boolean) {}

  get count(): number {
    return this.kept ? 1 : 0;
  }

  /** The kept catalog, or the one `load` reads (once for all who ask meanwhile). */
  async get(load: () => Promise<KeptCatalog>): Promise<KeptCatalog> {
    if (this.kept) {
      this.hits++;
      return this.kept;
    }
    this.misses++;
    this.loading ??= load().finally(() => {
      this.loading = undefined;
    });
    const loaded = await this.loading;
    this.kept ??= loaded;
    return loaded;
  }

  /** This copy turned out stale: the next creation reads the catalog again. */
  drop(stale: KeptCatalog): void {
    if (this.kept === stale) this.kept = undefined;
  }
}

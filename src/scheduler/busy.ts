/**
 * The decoder's busy lists of one kind of resource (workers, or substations): per resource three parallel
 * arrays, sorted and disjoint, of interval starts S, ends E and owners O (a plan node >= 0, or a booking of
 * another plan: model.ResourceBase), and the gap index of each list (gaps.ts).
 *
 * Copy-on-write: a resource's lists are its base (other plans' bookings, shared with the model and never
 * written) until this plan's first node lands on it in a decode; a reset re-points only the resources
 * written since, so it costs nothing per booking.
 */
import { GapIndex } from './gaps.js';
import type { ResourceBase } from './model.js';
import { firstEndAfter } from './sorted.js';

export class BusyLists {
  readonly S: number[][] = [];
  readonly E: number[][] = [];
  readonly O: number[][] = [];
  readonly gap: GapIndex[] = [];
  private readonly bases: ResourceBase[];
  private readonly baseGap: GapIndex[] = [];
  private readonly ownGap: (GapIndex | undefined)[] = [];
  private readonly own: Uint8Array;
  private readonly written: number[] = [];

  /** `what` names the kind in an internal error */
  constructor(
    bases: ResourceBase[],
    private readonly what: string,
  ) {
    this.bases = bases;
    this.own = new Uint8Array(bases.length);
    for (const b of bases) {
      this.S.push(b.starts);
      this.E.push(b.ends);
      this.O.push(b.owner);
      this.baseGap.push(new GapIndex(b.starts, b.ends));
    }
    this.gap.push(...this.baseGap);
  }

  /** Back to the bases: only other plans' bookings. */
  reset(): void {
    for (const r of this.written) {
      const b = this.bases[r]!;
      this.S[r] = b.starts;
      this.E[r] = b.ends;
      this.O[r] = b.owner;
      this.gap[r] = this.baseGap[r]!;
      this.own[r] = 0;
    }
    this.written.length = 0;
  }

  /** The resource's own copy of its lists, made before the first write after a reset. */
  private ensureOwn(r: number): void {
    if (this.own[r]) return;
    this.own[r] = 1;
    this.written.push(r);
    this.S[r] = this.S[r]!.slice();
    this.E[r] = this.E[r]!.slice();
    this.O[r] = this.O[r]!.slice();
    const g = (this.ownGap[r] ??= new GapIndex(this.S[r]!, this.E[r]!));
    g.reset(this.S[r]!, this.E[r]!);
    this.gap[r] = g;
  }

  /** Books [start, end) of node v on resource r (it lies in a gap of the list). */
  insert(r: number, v: number, start: number, end: number): void {
    this.ensureOwn(r);
    const E = this.E[r]!;
    const k = firstEndAfter(E, start, 0);
    this.gap[r]!.stale = true;
    this.S[r]!.splice(k, 0, start);
    E.splice(k, 0, end);
    this.O[r]!.splice(k, 0, v);
  }

  /** Takes node v, booked from `start`, off resource r. */
  remove(r: number, v: number, start: number): void {
    this.ensureOwn(r);
    const E = this.E[r]!;
    const k = firstEndAfter(E, start, 0);
    if (this.O[r]![k] !== v) throw new Error(`scheduler internal error: node ${v} not found on ${this.what} ${r}`);
    this.gap[r]!.stale = true;
    this.S[r]!.splice(k, 1);
    E.splice(k, 1);
    this.O[r]!.splice(k, 1);
  }
}

/**
 * Repair of a living schedule (issue #15): pure, no I/O, `now` injected.
 *
 * Input: the open bookings that can matter (every open booking of the
 * affected workers and substations from now on, plus named ones), each either
 * FIXED (started, or pinned by a planner: never moved) or MOVABLE (pending or
 * ready, not pinned); the plan predecessors of each; maintenance blocks; the
 * anchors (started bookings whose live end just changed: grown by an overrun
 * or a pause, shrunk by an early finish).
 *
 * Output: the moves that make the bookings consistent again, as few and as
 * small as the greedy below finds:
 *  - RIGHT SHIFT. Movable bookings are visited in their current start order
 *    (a predecessor before its successors). One that still fits where it is
 *    (no overlap with what is already placed on its worker and substation,
 *    not before its predecessors' live ends, and, when it lies ahead, its
 *    work inside [start, end) in its calendar: a calendar that changed may
 *    leave it outside) stays; otherwise it goes to the earliest instant
 *    >= max(its start, its predecessors' ends, now) where it starts in its
 *    calendar and its work fits without overlap (the booking holds both
 *    resources for [start, end), off-shift gaps included, as the scheduler
 *    books). Its calendar is its worker's shifts intersected with its
 *    substation's availability (none: always available), as the scheduler
 *    books (availability.ts). Everything after it follows by the same rule:
 *    the push cascades through resource and plan successors.
 *  - LEFT SHIFT (compaction). Bookings named in `compact` whose plan allows it
 *    go to their earliest feasible instant >= max(now, predecessors' ends);
 *    when one moves left, its plan successors and the next booking of each of
 *    its resources may follow left too.
 *  - Fixed bookings never move. An anchor that would overlap another fixed
 *    booking or a block on its resources is cut at it (`anchors[].cappedBy`);
 *    a pinned booking left before a predecessor's live end is reported in
 *    `blocked`, one left outside its calendar in `offCalendar`. The result never overlaps, whatever the input.
 */
import { bookingCalendar } from './availability.js';
import { CompiledCalendar, MINUTE_MS } from './calendar.js';
import { firstEndAfter } from './sorted.js';
import type { ShiftCalendar } from './types.js';

export interface RepairBooking {
  id: string;
  workerId: string;
  substationId: string;
  start: number;
  end: number;
  /** on-shift minutes of work, what a moved booking's end is computed from */
  workMinutes: number;
  /** started or pinned: never moved */
  fixed: boolean;
  /** its plan lets it move left after an early finish (auto_compact) */
  compactable: boolean;
  /** ids of its plan predecessors' bookings that are in this input */
  predecessors: string[];
  /** latest live end of its predecessors that are not in this input (epoch ms; -Infinity when none) */
  outsidePredecessorsEnd: number;
}

export interface RepairBlock {
  kind: 'worker' | 'substation';
  id: string;
  start: number;
  end: number;
}

export interface RepairInput {
  now: number;
  utcOffsetMinutes: number;
  bookings: RepairBooking[];
  /** shift calendar of each worker; a worker without one is always on shift */
  calendars: ReadonlyMap<string, ShiftCalendar>;
  /** availability calendar of each substation that has one; a substation without one is always available */
  substationCalendars?: ReadonlyMap<string, ShiftCalendar>;
  blocks?: RepairBlock[];
  /** fixed bookings whose [start, end) was just set (a start, a pause, an overrun): cut at the next fixed booking or block */
  anchors?: string[];
  /** not-started bookings that may move left (an early finish freed their predecessor or resource) */
  compact?: string[];
}

export interface RepairMove {
  id: string;
  fromStart: number;
  fromEnd: number;
  toStart: number;
  toEnd: number;
}

export interface RepairResult {
  moves: RepairMove[];
  /** anchors as placed: the end may be cut short by a fixed booking (cappedBy) or a block */
  anchors: { id: string; end: number; cappedBy: string | null }[];
  /** pinned bookings that start before a predecessor's live end, and could not be moved */
  blocked: { id: string; predecessorsEnd: number }[];
  /** movable bookings for which no slot exists within the calendar horizon (left where they were) */
  unplaced: string[];
  /** pinned bookings ahead of now that lie outside their calendar (it changed under them), and could not be moved */
  offCalendar: string[];
}

export const alwaysOn: ShiftCalendar = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };

/** Busy time of one resource: disjoint, sorted [start, end) intervals (touching ones merged). */
class Busy {
  readonly starts: number[] = [];
  readonly ends: number[] = [];

  add(s: number, e: number): void {
    if (!(e > s)) return;
    const { starts, ends } = this;
    // first interval whose end >= s (touching merges)
    let i = firstEndAfter(ends, s - 1);
    let ns = s;
    let ne = e;
    let j = i;
    while (j < starts.length && starts[j]! <= ne) {
      if (starts[j]! < ns) ns = starts[j]!;
      if (ends[j]! > ne) ne = ends[j]!;
      j++;
    }
    if (i > j) i = j;
    starts.splice(i, j - i, ns);
    ends.splice(i, j - i, ne);
  }

  /** End of the first busy interval overlapping [s, e), or undefined when free. */
  clash(s: number, e: number): number | undefined {
    const i = firstEndAfter(this.ends, s);
    return i < this.starts.length && this.starts[i]! < e ? this.ends[i] : undefined;
  }
}

/** A min-heap of indices ordered by a key function. */
class Heap {
  private readonly items: number[] = [];
  constructor(private readonly less: (a: number, b: number) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  push(x: number): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): number {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

export function repairSchedule(input: RepairInput): RepairResult {
  const { now, bookings } = input;
  const n = bookings.length;
  const index = new Map(bookings.map((b, i) => [b.id, i]));
  const busy = new Map<string, Busy>();
  const busyOf = (key: string) => {
    let b = busy.get(key);
    if (!b) busy.set(key, (b = new Busy()));
    return b;
  };
  const wKey = (id: string) => `w:${id}`;
  const sKey = (id: string) => `s:${id}`;
  const compiled = new Map<string, CompiledCalendar>();
  /** the calendar a booking's work is laid out in: its worker's shifts while its substation is available */
  const calendarOf = (b: RepairBooking) => {
    const key = `${b.workerId}\u0000${b.substationId}`;
    let c = compiled.get(key);
    if (!c) {
      const calendar = bookingCalendar(input.calendars.get(b.workerId) ?? alwaysOn, input.substationCalendars?.get(b.substationId));
      compiled.set(key, (c = new CompiledCalendar(calendar, input.utcOffsetMinutes, now)));
    }
    return c;
  };
  /**
   * A booking ahead of now lies in its calendar: it starts in it and its work is done by its end (a minute's
   * slack for rounding). One that already began on paper (start before now) is left to the overrun rules.
   */
  const inCalendarOf = new Map<RepairBooking, boolean>();
  const inCalendar = (b: RepairBooking) => {
    if (b.start < now) return true;
    let inside = inCalendarOf.get(b);
    if (inside === undefined) {
      const calendar = calendarOf(b);
      inside = calendar.isOnShift(b.start) && calendar.addWork(b.start, b.workMinutes * MINUTE_MS) <= b.end + MINUTE_MS;
      inCalendarOf.set(b, inside); // a booking's own times: the answer does not change during the repair
    }
    return inside;
  };

  for (const block of input.blocks ?? []) busyOf(block.kind === 'worker' ? wKey(block.id) : sKey(block.id)).add(block.start, block.end);

  // anchors first: cut at the next fixed booking or block on their resources
  const startOf = bookings.map((b) => b.start);
  const endOf = bookings.map((b) => b.end);
  const anchors: RepairResult['anchors'] = [];
  const anchorSet = new Set(input.anchors ?? []);
  for (const id of anchorSet) {
    const i = index.get(id);
    if (i === undefined) continue;
    const a = bookings[i]!;
    let end = a.end;
    let cappedBy: string | null = null;
    for (const o of bookings) {
      if (o.id === a.id || !o.fixed || anchorSet.has(o.id)) continue;
      if ((o.workerId === a.workerId || o.substationId === a.substationId) && o.start >= a.start && o.start < end) {
        end = o.start;
        cappedBy = o.id;
      }
    }
    for (const block of input.blocks ?? []) {
      const mine = block.kind === 'worker' ? block.id === a.workerId : block.id === a.substationId;
      if (mine && block.start > a.start && block.start < end) {
        end = block.start;
        cappedBy = null;
      }
    }
    endOf[i] = Math.max(end, a.start + 1);
    anchors.push({ id, end: endOf[i]!, cappedBy });
  }
  for (let i = 0; i < n; i++) {
    const b = bookings[i]!;
    if (!b.fixed) continue;
    busyOf(wKey(b.workerId)).add(startOf[i]!, endOf[i]!);
    busyOf(sKey(b.substationId)).add(startOf[i]!, endOf[i]!);
  }

  // plan successors among the input, and each resource's movable bookings in start order (who follows whom left)
  const successors: number[][] = bookings.map(() => []);
  const waiting = bookings.map(() => 0);
  for (let i = 0; i < n; i++) {
    for (const p of bookings[i]!.predecessors) {
      const j = index.get(p);
      if (j === undefined) continue;
      successors[j]!.push(i);
      if (!bookings[j]!.fixed && !bookings[i]!.fixed) waiting[i]!++;
    }
  }
  const byStart = (a: number, b: number) => startOf[a]! - startOf[b]! || (bookings[a]!.id < bookings[b]!.id ? -1 : bookings[a]!.id > bookings[b]!.id ? 1 : 0);
  const nextOnResource = new Map<number, number[]>();
  const lanes = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const b = bookings[i]!;
    if (b.fixed) continue;
    for (const key of [wKey(b.workerId), sKey(b.substationId)]) {
      const lane = lanes.get(key) ?? [];
      lane.push(i);
      lanes.set(key, lane);
    }
  }
  for (const lane of lanes.values()) {
    lane.sort(byStart);
    for (let k = 0; k + 1 < lane.length; k++) {
      const list = nextOnResource.get(lane[k]!) ?? [];
      list.push(lane[k + 1]!);
      nextOnResource.set(lane[k]!, list);
    }
  }

  const mayCompact = new Set<number>();
  for (const id of input.compact ?? []) {
    const i = index.get(id);
    if (i !== undefined && bookings[i]!.compactable && !bookings[i]!.fixed) mayCompact.add(i);
  }
  const predecessorsEnd = (i: number) => {
    const b = bookings[i]!;
    let end = b.outsidePredecessorsEnd;
    for (const p of b.predecessors) {
      const j = index.get(p);
      if (j !== undefined && endOf[j]! > end) end = endOf[j]!;
    }
    return end;
  };

  const heap = new Heap((a, b) => byStart(a, b) < 0);
  for (let i = 0; i < n; i++) if (!bookings[i]!.fixed && waiting[i] === 0) heap.push(i);
  const moves: RepairMove[] = [];
  const unplaced: string[] = [];
  const visited = new Set<number>();
  const place = (i: number, s: number, e: number) => {
    const b = bookings[i]!;
    busyOf(wKey(b.workerId)).add(s, e);
    busyOf(sKey(b.substationId)).add(s, e);
    startOf[i] = s;
    endOf[i] = e;
  };
  const visit = (i: number) => {
    visited.add(i);
    const b = bookings[i]!;
    const worker = busyOf(wKey(b.workerId));
    const substation = busyOf(sKey(b.substationId));
    const after = predecessorsEnd(i);
    const left = mayCompact.has(i);
    const fits = () => b.start >= after && worker.clash(b.start, b.end) === undefined && substation.clash(b.start, b.end) === undefined && inCalendar(b);
    if (!left && fits()) {
      place(i, b.start, b.end);
      return;
    }
    const calendar = calendarOf(b);
    const work = b.workMinutes * MINUTE_MS;
    let t = calendar.nextShiftStart(Math.max(now, after, left ? -Infinity : b.start));
    for (;;) {
      if (!Number.isFinite(t)) {
        unplaced.push(b.id);
        place(i, b.start, b.end);
        return;
      }
      const e = calendar.addWork(t, work);
      if (!Number.isFinite(e)) {
        t = Infinity;
        continue;
      }
      const clash = worker.clash(t, e) ?? substation.clash(t, e);
      if (clash === undefined) {
        // compaction only ever moves left: a later slot than the one it has means it keeps its place
        if (left && t >= b.start && fits()) {
          place(i, b.start, b.end);
          return;
        }
        place(i, t, e);
        if (t !== b.start || e !== b.end) moves.push({ id: b.id, fromStart: b.start, fromEnd: b.end, toStart: t, toEnd: e });
        if (left && t < b.start) {
          for (const s of successors[i]!) if (bookings[s]!.compactable && !bookings[s]!.fixed && !visited.has(s)) mayCompact.add(s);
          for (const s of nextOnResource.get(i) ?? []) if (bookings[s]!.compactable && !visited.has(s)) mayCompact.add(s);
        }
        return;
      }
      t = calendar.nextShiftStart(clash);
    }
  };
  while (heap.size > 0) {
    const i = heap.pop();
    visit(i);
    for (const s of successors[i]!) {
      if (bookings[s]!.fixed) continue;
      if (--waiting[s]! === 0) heap.push(s);
    }
  }
  // a cycle among movable bookings cannot come from a plan (a DAG); place whatever is left in start order all the same
  const rest = bookings.map((_, i) => i).filter((i) => !bookings[i]!.fixed && !visited.has(i));
  for (const i of rest.sort(byStart)) visit(i);

  const blocked: RepairResult['blocked'] = [];
  const offCalendar: string[] = [];
  for (let i = 0; i < n; i++) {
    const b = bookings[i]!;
    if (!b.fixed || anchorSet.has(b.id)) continue;
    const after = predecessorsEnd(i);
    if (after > startOf[i]! && after > now) blocked.push({ id: b.id, predecessorsEnd: after });
    if (!inCalendar(b)) offCalendar.push(b.id);
  }
  return { moves, anchors, blocked, unplaced, offCalendar };
}

/**
 * The order to write changed bookings in so that no row, when written, overlaps
 * one not written yet (as far as an order can): the ones moving earlier first,
 * earliest first, then the ones moving later, latest first. A push of a chain to
 * the right, written front to back, would put each booking onto the next one's
 * old place; the exclusion constraints are deferred for the write, so that is
 * allowed, but each such row is checked a second time at the end (about a
 * quarter of a 1,000-row repair's database time, BENCHMARKS.md).
 */
export function inWriteOrder<T extends RepairMove>(writes: readonly T[]): T[] {
  const earlier: T[] = [];
  const later: T[] = [];
  for (const w of writes) (w.toStart < w.fromStart || (w.toStart === w.fromStart && w.toEnd < w.fromEnd) ? earlier : later).push(w);
  earlier.sort((a, b) => a.toStart - b.toStart || a.toEnd - b.toEnd);
  later.sort((a, b) => b.toEnd - a.toEnd || b.toStart - a.toStart);
  return [...earlier, ...later];
}

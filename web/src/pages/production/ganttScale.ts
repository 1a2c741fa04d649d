/** The Gantt's time axis (pure): the span it shows, its ticks, where an instant falls, and the snap of a dragged start. */
import type { GanttBar } from '../../api/types';

export const hour = 3_600_000;
/** A dragged or arrow-moved start lands on a multiple of this. */
export const snapMs = 5 * 60_000;
const steps = [1, 2, 4, 6, 12, 24, 48].map((h) => h * hour);

export interface GanttRange {
  start: number;
  end: number;
  ticks: number[];
  step: number;
}

/**
 * The span of the bars (live booking, planner's baseline, actual run; a running step up to now), with the now-line
 * and the due date when they lie near it (a due date weeks away would squash the bars), and a little room on the
 * right to drag into; rounded to whole ticks.
 */
export function ganttRange(bars: readonly GanttBar[], marks: { now: number; dueDate: number | null }): GanttRange | null {
  if (bars.length === 0) return null;
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const b of bars) {
    for (const t of [b.plannedStart, b.baselineStart, b.actualStart]) if (t) from = Math.min(from, Date.parse(t));
    for (const t of [b.plannedEnd, b.baselineEnd, b.actualEnd]) if (t) to = Math.max(to, Date.parse(t));
    if (b.actualStart && !b.actualEnd) to = Math.max(to, marks.now);
  }
  const near = Math.max(to - from, hour);
  for (const t of [marks.now, marks.dueDate]) {
    if (t !== null && t >= from - near && t <= to + near) {
      from = Math.min(from, t);
      to = Math.max(to, t);
    }
  }
  const span = Math.max(to - from, hour);
  to += span * 0.15;
  const step = steps.find((s) => (to - from) / s <= 12) ?? 7 * 24 * hour;
  const start = Math.floor(from / step) * step;
  const end = Math.ceil(to / step) * step;
  const ticks: number[] = [];
  for (let t = start; t <= end; t += step) ticks.push(t);
  return { start, end, ticks, step };
}

/** Where instant `at` falls across the range, 0..1. */
export function fraction(range: GanttRange, at: number): number {
  return (at - range.start) / (range.end - range.start);
}

export function snap(at: number): number {
  return Math.round(at / snapMs) * snapMs;
}

/** The bar shown `dt` later (a drag's or the arrow keys' preview): its booking, segments and baseline shifted. */
export function shiftBar(bar: GanttBar, dt: number): GanttBar {
  const move = (iso: string) => new Date(Date.parse(iso) + dt).toISOString();
  return {
    ...bar,
    plannedStart: move(bar.plannedStart),
    plannedEnd: move(bar.plannedEnd),
    segments: bar.segments.map((s) => ({ start: move(s.start), end: move(s.end) })),
  };
}

/** The shift that brings a bar's start to the snapped instant of `start + dt`. */
export function snappedShift(bar: GanttBar, dt: number): number {
  const start = Date.parse(bar.plannedStart);
  return snap(start + dt) - start;
}

/** Whether a planner may move the bar: not started, and the plan still running. */
export function isMovable(bar: GanttBar, planStatus: string): boolean {
  return (bar.status === 'pending' || bar.status === 'ready') && ['released', 'in_production', 'paused'].includes(planStatus);
}

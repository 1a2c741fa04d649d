/**
 * Moving Gantt bars: a planner drags a bar in time (snapped to 5 minutes) or onto another row with the pointer
 * (mouse, pen or touch: pointer events, captured by the chart so a bar may change rows under the finger), or
 * moves a focused bar with the arrow keys (left/right in time, up/down to the previous/next row) and commits
 * with Enter (Escape cancels). A drop sends PUT /worker-assignments/:id; while it is under way the bar stays
 * where it was dropped; a refusal puts it back and says why (the server's problem detail, already in the
 * reader's language); an acceptance shows the server's schedule, with whatever it moved.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../api/client';
import { useMoveAssignment } from '../../api/plans';
import type { GanttBar } from '../../api/types';
import { formatDateTime } from '../../format';
import { hour, snapMs, snappedShift } from './ganttScale';

export type GanttMode = 'station' | 'worker';

export interface MoveDraft {
  bar: GanttBar;
  fromRow: string;
  row: string;
  /** ms later than the bar's start, snapped */
  dt: number;
}

export interface MoveMessage {
  tone: 'danger' | 'success' | 'info';
  text: string;
}

interface PointerDrag {
  pointerId: number;
  bar: GanttBar;
  fromRow: string;
  x0: number;
  y0: number;
  msPerPx: number;
  moved: boolean;
}

const dragThresholdPx = 4;

export function useGanttMove({ planId, mode, rowKeys, span }: { planId: string; mode: GanttMode; rowKeys: string[]; span: number }) {
  const { t } = useTranslation();
  const move = useMoveAssignment(planId);
  const [draft, setDraft] = useState<MoveDraft | null>(null);
  const [sending, setSending] = useState<string | null>(null);
  const [message, setMessage] = useState<MoveMessage | null>(null);
  const drag = useRef<PointerDrag | null>(null);
  const draftRef = useRef<MoveDraft | null>(null);
  draftRef.current = draft;
  /** The bar to keep focused while the keyboard moves it (it re-mounts in another row). */
  const [focusId, setFocusId] = useState<string | null>(null);

  // a mode switch makes the rows another kind: a half-made move would land on the wrong thing
  useEffect(() => {
    setDraft(null);
    drag.current = null;
  }, [mode]);

  const targetLabel = useCallback((d: MoveDraft) => formatDateTime(new Date(Date.parse(d.bar.plannedStart) + d.dt).toISOString()), []);

  const commit = useCallback(
    async (d: MoveDraft) => {
      const start = Date.parse(d.bar.plannedStart) + d.dt;
      if (d.dt === 0 && d.row === d.fromRow) {
        setDraft(null);
        return;
      }
      setSending(d.bar.assignmentId);
      setMessage({ tone: 'info', text: t('ganttMove.sending', { node: d.bar.nodeId, when: targetLabel(d) }) });
      try {
        const result = await move.mutateAsync({
          assignmentId: d.bar.assignmentId,
          plannedStart: new Date(start).toISOString(),
          ...(d.row !== d.fromRow ? (mode === 'worker' ? { workerId: d.row } : { substationId: d.row }) : {}),
        });
        // the steps the move pushed later (its successors, and what they pushed in turn) are named
        const followers = [...new Set(result.moved.map((b) => b.nodeId))];
        const args = { node: d.bar.nodeId, when: targetLabel(d) };
        setMessage({
          tone: 'success',
          text:
            followers.length > 0
              ? t('ganttMove.movedFollowing', { ...args, followers: followers.join(', '), count: followers.length })
              : t('ganttMove.moved', args),
        });
      } catch (error) {
        setMessage({ tone: 'danger', text: t('ganttMove.refused', { node: d.bar.nodeId, reason: describeError(error).detail }) });
      } finally {
        setDraft(null);
        setSending(null);
      }
    },
    [mode, move, t, targetLabel],
  );

  /** pointerdown on a movable bar: the chart captures the pointer until it is released. */
  const onBarPointerDown = useCallback(
    (event: React.PointerEvent<HTMLElement>, bar: GanttBar, rowKey: string, chart: HTMLElement | null) => {
      if (event.button !== 0 || sending || !chart) return;
      const track = event.currentTarget.closest('.gantt__track');
      const width = track?.getBoundingClientRect().width ?? 0;
      if (width <= 0) return;
      event.preventDefault();
      chart.setPointerCapture(event.pointerId);
      drag.current = { pointerId: event.pointerId, bar, fromRow: rowKey, x0: event.clientX, y0: event.clientY, msPerPx: span / width, moved: false };
    },
    [sending, span],
  );

  const onPointerMove = useCallback((event: React.PointerEvent<HTMLElement>) => {
    const d = drag.current;
    if (!d || d.pointerId !== event.pointerId) return;
    const dx = event.clientX - d.x0;
    const dy = event.clientY - d.y0;
    if (!d.moved && Math.abs(dx) < dragThresholdPx && Math.abs(dy) < dragThresholdPx) return;
    d.moved = true;
    const row = rowAt(event.clientX, event.clientY) ?? draftRef.current?.row ?? d.fromRow;
    setDraft({ bar: d.bar, fromRow: d.fromRow, row, dt: snappedShift(d.bar, dx * d.msPerPx) });
  }, []);

  const onPointerUp = useCallback(
    (event: React.PointerEvent<HTMLElement>) => {
      const d = drag.current;
      if (!d || d.pointerId !== event.pointerId) return;
      drag.current = null;
      if (event.currentTarget.hasPointerCapture(event.pointerId)) event.currentTarget.releasePointerCapture(event.pointerId);
      const current = draftRef.current;
      if (d.moved && current) void commit(current);
    },
    [commit],
  );

  const onPointerCancel = useCallback(() => {
    drag.current = null;
    setDraft(null);
  }, []);

  /** Arrow keys move the focused bar's preview; Enter sends it, Escape drops it. */
  const onBarKeyDown = useCallback(
    (event: React.KeyboardEvent<HTMLElement>, bar: GanttBar, rowKey: string) => {
      if (sending) return;
      const current = draftRef.current?.bar.assignmentId === bar.assignmentId ? draftRef.current : null;
      const base: MoveDraft = current ?? { bar, fromRow: rowKey, row: rowKey, dt: 0 };
      let next: MoveDraft;
      const step = event.shiftKey ? hour : snapMs;
      const rowStep = (delta: number) => {
        const i = rowKeys.indexOf(base.row);
        return rowKeys[Math.min(rowKeys.length - 1, Math.max(0, i + delta))] ?? base.row;
      };
      switch (event.key) {
        case 'ArrowLeft':
          next = { ...base, dt: snappedShift(bar, base.dt - step) };
          break;
        case 'ArrowRight':
          next = { ...base, dt: snappedShift(bar, base.dt + step) };
          break;
        case 'ArrowUp':
          next = { ...base, row: rowStep(-1) };
          break;
        case 'ArrowDown':
          next = { ...base, row: rowStep(1) };
          break;
        case 'Enter':
          if (current) {
            event.preventDefault();
            void commit(current);
          }
          return;
        case 'Escape':
          if (current) {
            event.preventDefault();
            setDraft(null);
            setMessage({ tone: 'info', text: t('ganttMove.cancelled', { node: bar.nodeId }) });
          }
          return;
        default:
          return;
      }
      event.preventDefault();
      setFocusId(bar.assignmentId);
      setDraft(next);
      setMessage({ tone: 'info', text: t('ganttMove.preview', { node: bar.nodeId, when: targetLabel(next), row: next.row }) });
    },
    [commit, rowKeys, sending, t, targetLabel],
  );

  return {
    draft,
    sending,
    message,
    focusId,
    clearFocus: () => setFocusId(null),
    dismiss: () => setMessage(null),
    handlers: { onPointerMove, onPointerUp, onPointerCancel },
    onBarPointerDown,
    onBarKeyDown,
  };
}

/** The Gantt row under a point (the dragged bar itself may be on top). */
function rowAt(x: number, y: number): string | null {
  for (const el of document.elementsFromPoint(x, y)) {
    const row = el.closest<HTMLElement>('[data-gantt-row]');
    if (row) return row.dataset.ganttRow ?? null;
  }
  return null;
}

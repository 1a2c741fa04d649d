/**
 * A hand-drawn Gantt of a plan's assignments: rows by substation (grouped by station) or by worker. Each bar
 * is its worked segments with the gaps visible, the actual run drawn over it, the planner's booking as an
 * outline when the live one left it; a line at now, one at the plan's due date, and the substations'
 * maintenance blocks hatched on their rows. Bars are focusable: Tab walks them, a screen reader reads each
 * one's details, and the focused bar's details show under the chart. A planner moves a bar that has not
 * started by dragging it (in time, or onto another row) or with the arrow keys and Enter (useGanttMove).
 */
import { useTranslation } from 'react-i18next';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { GanttBar, GanttBlock, PlanGantt, PlanStatus } from '../../api/types';
import { formatDateTime, formatDay, formatTime } from '../../format';
import { useNow } from '../../hooks';
import { cssVars } from '../../ui';
import { GanttBarView } from './GanttBarView';
import { fraction, ganttRange, hour, isMovable, shiftBar } from './ganttScale';
import { type GanttMode, useGanttMove } from './useGanttMove';
import './gantt.css';

export type { GanttMode };

interface Row {
  key: string;
  label: string;
  sublabel?: string;
  bars: GanttBar[];
  blocks: GanttBlock[];
}

export function Gantt({ schedule, mode, planStatus, canMove }: { schedule: PlanGantt; mode: GanttMode; planStatus: PlanStatus; canMove: boolean }) {
  const { t } = useTranslation();
  const now = useNow(60_000);
  const chart = useRef<HTMLDivElement>(null);
  const groups = useMemo(() => {
    if (mode === 'worker')
      return [
        {
          label: null,
          rows: schedule.workers.map((w): Row => ({ key: w.workerId, label: w.workerName, sublabel: w.workerId, bars: w.bars, blocks: [] })),
        },
      ];
    return schedule.stations.map((s) => ({
      label: `${s.stationName} (${s.stationId})`,
      rows: s.substations.map((ss): Row => ({
        key: ss.substationId,
        label: ss.substationName,
        sublabel: ss.substationId,
        bars: ss.bars,
        blocks: schedule.blocks.filter((b) => b.substationId === ss.substationId),
      })),
    }));
  }, [schedule, mode]);
  const rowKeys = useMemo(() => groups.flatMap((g) => g.rows.map((r) => r.key)), [groups]);
  const dueDate = schedule.dueDate ? Date.parse(schedule.dueDate) : null;
  const range = useMemo(
    () =>
      ganttRange(
        schedule.workers.flatMap((w) => w.bars),
        { now, dueDate },
      ),
    [schedule, now, dueDate],
  );
  const mover = useGanttMove({ planId: schedule.planId, mode, rowKeys, span: range ? range.end - range.start : hour });
  const [focused, setFocused] = useState<string | null>(null);

  // a bar moved by the keyboard to another row mounts anew there, and so after the server's answer: the focus
  // (lost to the page's body with the old element) follows it, and is never taken from anything else
  const { draft, focusId } = mover;
  useEffect(() => {
    if (!focusId || !chart.current) return;
    const el = chart.current.querySelector<HTMLElement>(`[data-assignment-id="${CSS.escape(focusId)}"]`);
    if (el && (document.activeElement === null || document.activeElement === document.body)) el.focus();
  }, [draft, focusId, schedule]);

  // a cancelled plan's steps were withdrawn: "scheduled when it is released" would be wrong for it
  if (!range) return <div className="empty">{planStatus === 'cancelled' ? t('gantt.emptyCancelled') : t('gantt.noAssignments')}</div>;
  const frac = (at: number) => fraction(range, at);
  const inRange = (at: number | null): at is number => at !== null && at >= range.start && at <= range.end;
  const barsOf = (row: Row) => {
    if (!draft) return row.bars;
    const own = row.bars.filter((b) => b.assignmentId !== draft.bar.assignmentId);
    return draft.row === row.key ? [...own, shiftBar(draft.bar, draft.dt)] : own;
  };
  const dueTitle = dueDate !== null ? t('gantt.dueTitle', { when: formatDateTime(schedule.dueDate) }) : '';

  return (
    <>
      <div
        ref={chart}
        className="gantt"
        role="table"
        aria-label={mode === 'worker' ? t('gantt.byWorker') : t('gantt.byStation')}
        data-range-start={new Date(range.start).toISOString()}
        data-range-end={new Date(range.end).toISOString()}
        {...mover.handlers}
      >
        <div className="gantt__row gantt__axis" role="row">
          <div className="gantt__label" role="columnheader">
            {mode === 'worker' ? t('gantt.worker') : t('gantt.substation')}
          </div>
          <div className="gantt__track" role="columnheader">
            {range.ticks.map((tick) => (
              <span key={tick} className="gantt__tick" style={cssVars({ '--x': frac(tick) })}>
                {range.step >= 24 * hour || new Date(tick).getHours() === 0 ? formatDay(new Date(tick)) : formatTime(new Date(tick).toISOString())}
              </span>
            ))}
            {inRange(dueDate) && (
              <span className="gantt__due-flag" style={cssVars({ '--x': frac(dueDate) })} title={dueTitle} data-testid="gantt-due-flag">
                {t('gantt.due')}
              </span>
            )}
          </div>
        </div>
        {groups.map((g, gi) => (
          <div key={g.label ?? gi} role="rowgroup">
            {g.label && (
              <div className="gantt__group" role="row">
                <span role="rowheader">{g.label}</span>
              </div>
            )}
            {g.rows.map((row) => (
              <div key={row.key} className="gantt__row" role="row" data-gantt-row={row.key} data-testid={`gantt-row-${row.key}`}>
                <div className="gantt__label" role="rowheader" title={`${row.label} (${row.key})`}>
                  <span className="gantt__label-text">{row.label}</span>
                  {row.sublabel && <span className="muted small mono">{row.sublabel}</span>}
                </div>
                <div className="gantt__track" role="cell">
                  {range.ticks.map((tick) => (
                    <span key={tick} className="gantt__gridline" style={cssVars({ '--x': frac(tick) })} />
                  ))}
                  {row.blocks.map((b) => {
                    const bx = frac(Math.max(Date.parse(b.start), range.start));
                    const bw = frac(Math.min(Date.parse(b.end), range.end)) - bx;
                    if (bw <= 0) return null;
                    const text = t('gantt.block', { reason: b.reason, start: formatDateTime(b.start), end: formatDateTime(b.end) });
                    return (
                      <span
                        key={b.id}
                        className="gantt__block"
                        style={cssVars({ '--x': bx, '--w': bw })}
                        title={text}
                        role="img"
                        aria-label={text}
                        data-testid="gantt-block"
                      />
                    );
                  })}
                  {inRange(now) && <span className="gantt__now" style={cssVars({ '--x': frac(now) })} title={t('plan.now')} />}
                  {inRange(dueDate) && <span className="gantt__due" style={cssVars({ '--x': frac(dueDate) })} title={dueTitle} />}
                  {barsOf(row).map((b) => (
                    <GanttBarView
                      key={b.assignmentId}
                      bar={b}
                      rowKey={row.key}
                      mode={mode}
                      range={range}
                      now={now}
                      movable={canMove && isMovable(b, planStatus)}
                      state={mover.sending === b.assignmentId ? 'sending' : draft?.bar.assignmentId === b.assignmentId ? 'draft' : 'idle'}
                      onFocusText={setFocused}
                      onPointerDown={(e, bar, rowKey) => mover.onBarPointerDown(e, bar, rowKey, chart.current)}
                      onKeyDown={mover.onBarKeyDown}
                    />
                  ))}
                </div>
              </div>
            ))}
          </div>
        ))}
      </div>
      <p className="gantt__detail muted small" aria-hidden="true" data-testid="gantt-focused">
        {focused ?? (canMove ? t('ganttMove.tabHint') : t('gantt.tabHint'))}
      </p>
      <div className="gantt__message" role="status" data-testid="gantt-move-status">
        {mover.message && mover.message.tone !== 'danger' ? mover.message.text : ''}
      </div>
      <div className="gantt__message tone-danger" role="alert" data-testid="gantt-move-refused">
        {mover.message?.tone === 'danger' ? mover.message.text : ''}
      </div>
    </>
  );
}

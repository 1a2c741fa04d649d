/**
 * One Gantt bar: the live booking drawn as its worked segments (the gaps between them are the worker's shift
 * gaps, the substation's unavailable time or its maintenance), the planner's booking as an outline behind it
 * when the live one left it, and the actual run over it. The label sits in the longest segment and ends in an
 * ellipsis when it does not fit; the whole text is the hover title, the accessible name and, on focus, the
 * detail line under the chart.
 */
import { useTranslation } from 'react-i18next';
import type { GanttBar } from '../../api/types';
import { formatDateTime, formatTime } from '../../format';
import { waitReasonsText } from '../../labels';
import { classNames, cssVars, statusLabel, statusTone } from '../../ui';
import { type GanttRange, fraction } from './ganttScale';
import type { GanttMode } from './useGanttMove';

const minWidth = 0.004;

export interface BarProps {
  bar: GanttBar;
  rowKey: string;
  mode: GanttMode;
  range: GanttRange;
  now: number;
  movable: boolean;
  state: 'idle' | 'draft' | 'sending';
  onFocusText: (text: string | null) => void;
  onPointerDown: (event: React.PointerEvent<HTMLElement>, bar: GanttBar, rowKey: string) => void;
  onKeyDown: (event: React.KeyboardEvent<HTMLElement>, bar: GanttBar, rowKey: string) => void;
}

export function GanttBarView({ bar: b, rowKey, mode, range, now, movable, state, onFocusText, onPointerDown, onKeyDown }: BarProps) {
  const { t } = useTranslation();
  const start = Date.parse(b.plannedStart);
  const end = Date.parse(b.plannedEnd);
  const x = fraction(range, start);
  const w = Math.max(fraction(range, end) - x, minWidth);
  const length = Math.max(end - start, 1);
  const segments = b.segments.length > 0 ? b.segments : [{ start: b.plannedStart, end: b.plannedEnd }];
  let longest = 0;
  segments.forEach((s, i) => {
    const best = segments[longest]!;
    if (Date.parse(s.end) - Date.parse(s.start) > Date.parse(best.end) - Date.parse(best.start)) longest = i;
  });
  const baseline =
    b.baselineStart && b.baselineEnd ? { x: fraction(range, Date.parse(b.baselineStart)), end: fraction(range, Date.parse(b.baselineEnd)) } : null;
  const ax = b.actualStart ? fraction(range, Date.parse(b.actualStart)) : null;
  const aw = ax !== null ? Math.max((b.actualEnd ? fraction(range, Date.parse(b.actualEnd)) : fraction(range, now)) - ax, minWidth) : 0;

  const planned = t('gantt.planned', { start: formatTime(b.plannedStart), end: formatTime(b.plannedEnd) });
  const split = segments.length > 1 ? ` · ${t('gantt.segments', { count: segments.length })}` : '';
  const was = b.baselineStart && b.baselineEnd ? ` · ${t('gantt.baseline', { start: formatDateTime(b.baselineStart), end: formatTime(b.baselineEnd) })}` : '';
  const actual = b.actualStart
    ? ` · ${t('gantt.actual', { start: formatTime(b.actualStart), end: b.actualEnd ? formatTime(b.actualEnd) : t('plan.now') })}`
    : '';
  const wait = waitReasonsText(b.waitReason);
  const who = mode === 'worker' ? b.substationId : b.workerName;
  const title = `${b.nodeId} ${b.name} · ${who} · ${planned}${split}${was}${actual} · ${statusLabel(b.status)}${wait ? ` · ${wait}` : ''}${
    movable ? ` · ${t('ganttMove.hint')}` : ''
  }`;
  const label = `${b.nodeId} ${b.name} · ${who}`;

  return (
    <>
      {baseline && (
        <span
          className="gantt__baseline"
          style={cssVars({ '--x': baseline.x, '--w': Math.max(baseline.end - baseline.x, minWidth) })}
          title={t('gantt.baselineTitle', { title })}
          data-testid={`gantt-baseline-${b.nodeId}`}
        />
      )}
      <span
        className={classNames(
          'gantt__bar',
          `tone-${statusTone(b.status)}`,
          b.pinned && 'is-pinned',
          movable && 'is-movable',
          state === 'draft' && 'is-draft',
          state === 'sending' && 'is-sending',
        )}
        style={cssVars({ '--x': x, '--w': w })}
        title={title}
        tabIndex={0}
        role={movable ? 'button' : 'img'}
        aria-roledescription={movable ? t('ganttMove.roleDescription') : undefined}
        aria-keyshortcuts={movable ? 'ArrowLeft ArrowRight ArrowUp ArrowDown Enter Escape' : undefined}
        aria-label={title}
        aria-busy={state === 'sending' || undefined}
        onFocus={() => onFocusText(title)}
        onBlur={() => onFocusText(null)}
        onPointerDown={movable ? (e) => onPointerDown(e, b, rowKey) : undefined}
        onKeyDown={movable ? (e) => onKeyDown(e, b, rowKey) : undefined}
        data-testid={`gantt-bar-${b.nodeId}`}
        data-assignment-id={b.assignmentId}
        data-status={b.status}
        data-start={b.plannedStart}
      >
        {segments.length > 1 && <span className="gantt__link" aria-hidden="true" />}
        {segments.map((s, i) => {
          const sx = (Date.parse(s.start) - start) / length;
          const sw = (Date.parse(s.end) - Date.parse(s.start)) / length;
          return (
            <span key={s.start} className="gantt__segment" style={cssVars({ '--sx': sx, '--sw': sw })} data-testid="gantt-segment">
              {i === longest && <span className="gantt__bar-label">{label}</span>}
            </span>
          );
        })}
      </span>
      {ax !== null && (
        <span
          className="gantt__actual"
          style={cssVars({ '--x': ax, '--w': aw })}
          title={t('gantt.actualTitle', { title })}
          data-testid={`gantt-actual-${b.nodeId}`}
        />
      )}
    </>
  );
}

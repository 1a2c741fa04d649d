/**
 * A hand-drawn Gantt of a plan's assignments: rows by substation (grouped by
 * station) or by worker; the planned bar in the status colour, the actual
 * run as a stripe beneath it, a line at now. Bars are focusable: Tab walks
 * them, a screen reader reads each one's details, and the focused bar's
 * details show under the chart (the hover title is not for keyboards).
 */
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { GanttBar, PlanGantt, PlanStatus } from '../../api/types';
import { formatDay, formatTime } from '../../format';
import { useNow } from '../../hooks';
import { classNames, cssVars, statusLabel, statusTone } from '../../ui';
import './gantt.css';

export type GanttMode = 'station' | 'worker';

interface Row {
  key: string;
  label: string;
  sublabel?: string;
  bars: GanttBar[];
}

const hour = 3_600_000;
const steps = [1, 2, 4, 6, 12, 24, 48].map((h) => h * hour);

export function Gantt({ schedule, mode, planStatus }: { schedule: PlanGantt; mode: GanttMode; planStatus: PlanStatus }) {
  const { t } = useTranslation();
  const now = useNow(60_000);
  const groups = useMemo(() => {
    if (mode === 'worker')
      return [{ label: null, rows: schedule.workers.map((w): Row => ({ key: w.workerId, label: w.workerName, sublabel: w.workerId, bars: w.bars })) }];
    return schedule.stations.map((s) => ({
      label: `${s.stationName} (${s.stationId})`,
      rows: s.substations.map((ss): Row => ({ key: ss.substationId, label: ss.substationName, sublabel: ss.substationId, bars: ss.bars })),
    }));
  }, [schedule, mode]);

  const range = useMemo(() => {
    const bars = schedule.workers.flatMap((w) => w.bars);
    if (bars.length === 0) return null;
    let from = Number.POSITIVE_INFINITY;
    let to = Number.NEGATIVE_INFINITY;
    for (const b of bars) {
      from = Math.min(from, Date.parse(b.plannedStart), b.actualStart ? Date.parse(b.actualStart) : Number.POSITIVE_INFINITY);
      to = Math.max(
        to,
        Date.parse(b.plannedEnd),
        b.actualEnd ? Date.parse(b.actualEnd) : Number.NEGATIVE_INFINITY,
        b.status === 'in_progress' ? now : Number.NEGATIVE_INFINITY,
      );
    }
    const span = Math.max(to - from, hour);
    const step = steps.find((s) => span / s <= 12) ?? 7 * 24 * hour;
    const start = Math.floor(from / step) * step;
    const end = Math.ceil(to / step) * step;
    const ticks: number[] = [];
    for (let t = start; t <= end; t += step) ticks.push(t);
    return { start, end, ticks, step };
  }, [schedule, now]);

  const [focused, setFocused] = useState<string | null>(null);
  // a cancelled plan's steps were withdrawn: "scheduled when it is released" would be wrong for it
  if (!range) return <div className="empty">{planStatus === 'cancelled' ? t('gantt.emptyCancelled') : t('gantt.empty')}</div>;
  const pos = (iso: string) => (Date.parse(iso) - range.start) / (range.end - range.start);
  const frac = (t: number) => (t - range.start) / (range.end - range.start);

  return (
    <>
      <div className="gantt" role="table" aria-label={mode === 'worker' ? 'Schedule by worker' : 'Schedule by station and substation'}>
        <div className="gantt__row gantt__axis" role="row">
          <div className="gantt__label" role="columnheader">
            {mode === 'worker' ? 'Worker' : 'Substation'}
          </div>
          <div className="gantt__track" role="columnheader">
            {range.ticks.map((t) => (
              <span key={t} className="gantt__tick" style={cssVars({ '--x': frac(t) })}>
                {range.step >= 24 * hour || new Date(t).getHours() === 0 ? formatDay(new Date(t)) : formatTime(new Date(t).toISOString())}
              </span>
            ))}
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
              <div key={row.key} className="gantt__row" role="row">
                <div className="gantt__label" role="rowheader">
                  <span>{row.label}</span>
                  {row.sublabel && <span className="muted small mono">{row.sublabel}</span>}
                </div>
                <div className="gantt__track" role="cell">
                  {range.ticks.map((t) => (
                    <span key={t} className="gantt__gridline" style={cssVars({ '--x': frac(t) })} />
                  ))}
                  {now >= range.start && now <= range.end && <span className="gantt__now" style={cssVars({ '--x': frac(now) })} title="now" />}
                  {row.bars.map((b) => {
                    const x = pos(b.plannedStart);
                    const w = Math.max(pos(b.plannedEnd) - x, 0.004);
                    const ax = b.actualStart ? pos(b.actualStart) : null;
                    const aw = ax !== null ? Math.max((b.actualEnd ? pos(b.actualEnd) : frac(now)) - ax, 0.004) : 0;
                    const title = `${b.nodeId} ${b.name} · ${mode === 'worker' ? b.substationId : b.workerName} · planned ${formatTime(b.plannedStart)}–${formatTime(b.plannedEnd)}${
                      b.actualStart ? ` · actual ${formatTime(b.actualStart)}–${b.actualEnd ? formatTime(b.actualEnd) : 'now'}` : ''
                    } · ${statusLabel(b.status)}${b.waitReason ? ` · ${b.waitReason}` : ''}`;
                    return (
                      <div key={b.assignmentId}>
                        <span
                          className={classNames('gantt__bar', `tone-${statusTone(b.status)}`, b.pinned && 'is-pinned')}
                          style={cssVars({ '--x': x, '--w': w })}
                          title={title}
                          tabIndex={0}
                          role="img"
                          aria-label={title}
                          onFocus={() => setFocused(title)}
                          onBlur={() => setFocused(null)}
                          data-testid={`gantt-bar-${b.nodeId}`}
                          data-status={b.status}
                        >
                          <span className="gantt__bar-label">
                            {b.nodeId} {mode === 'worker' ? b.substationId : b.workerName.split(' ')[0]}
                          </span>
                        </span>
                        {ax !== null && <span className="gantt__actual" style={cssVars({ '--x': ax, '--w': aw })} title={`actual: ${title}`} />}
                      </div>
                    );
                  })}
                </div>
              </div>
            ))}
          </div>
        ))}
      </div>
      <p className="gantt__detail muted small" aria-hidden="true" data-testid="gantt-focused">
        {focused ?? 'Tab to a bar for its details.'}
      </p>
    </>
  );
}

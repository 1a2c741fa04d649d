/**
 * The analytics charts, drawn by uPlot (docs/ANALYTICS.md, "Charts", says why
 * uPlot): a Pareto (bars and the cumulative share), bars per category (one or
 * two series side by side) and a trend over the period's buckets. Every chart
 * calls `onPick(index)` when a bar or a point is clicked (the drill-down) and
 * is as wide as its card. Labels and numbers come formatted from format.ts;
 * the table under each chart holds the same figures for keyboards and
 * screen readers.
 */
import { useEffect, useMemo, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatDay, formatMonth, formatNumber, formatPercent } from '../../format';
import { t as translate } from '../../i18n';
import type { Grouping } from '../../api/analytics';
import { localMidnight } from './filters';

export const palette = ['#2563eb', '#b45309', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4d7c0f', '#475569'];
const axisStroke = '#475569';
const grid = { stroke: '#e2e8f0', width: 1 };

/** A uPlot in a div as wide as its parent; re-made when `options` change, fed again when `data` changes. */
function UPlot({
  options,
  data,
  onPick,
  testId,
  label,
}: {
  options: Omit<uPlot.Options, 'width'>;
  data: uPlot.AlignedData;
  onPick?: (index: number) => void;
  testId: string;
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const u = new uPlot({ ...options, width: Math.max(200, el.clientWidth) }, latest.current, el);
    plot.current = u;
    const click = () => {
      const i = u.cursor.idx;
      if (i !== null && i !== undefined) pick.current?.(i);
    };
    u.over.addEventListener('click', click);
    const resize = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== u.width) u.setSize({ width: w, height: options.height });
    });
    resize.observe(el);
    return () => {
      resize.disconnect();
      u.over.removeEventListener('click', click);
      u.destroy();
      plot.current = null;
    };
  }, [options]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div ref={box} className="chart" data-testid={testId} role="img" aria-label={label} />;
}

/** Snaps the cursor to the nearest category (bars) or bucket (trend), so a click anywhere over a bar picks it. */
const snapCursor: uPlot.Cursor = { points: { show: false }, drag: { x: false, y: false } };

const categoryAxis = (labels: readonly string[]): uPlot.Axis => ({
  stroke: axisStroke,
  grid: { show: false },
  values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? (labels[t] ?? '') : '')),
  splits: () => labels.map((_, i) => i),
  rotate: labels.length > 6 ? -30 : 0,
  size: labels.length > 6 ? 90 : 40,
});

/** Bars of `values` per reason with the cumulative share as a line on a 0–100 % axis on the right. */
export function ParetoChart({
  labels,
  values,
  cumulative,
  valueLabel,
  format,
  axisFormat = format,
  xLabel,
  onPick,
  testId,
  label,
}: {
  labels: string[];
  values: number[];
  cumulative: number[];
  valueLabel: string;
  format: (n: number) => string;
  /** The value axis' ticks (shorter than `format`, e.g. whole hours). */
  axisFormat?: (n: number) => string;
  /** The legend's name of the category ("Reason"). */
  xLabel: string;
  onPick: (index: number) => void;
  testId: string;
  label: string;
}) {
  const key = labels.join('\u0000');
  const options = useMemo<Omit<uPlot.Options, 'width'>>(
    () => ({
      height: 280,
      legend: { show: true },
      cursor: snapCursor,
      scales: {
        x: { time: false, range: [-0.5, Math.max(0, labels.length - 0.5)] },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
        pct: { range: [0, 1] },
      },
      axes: [
        categoryAxis(labels),
        { stroke: axisStroke, grid, values: (_u, ticks) => ticks.map((t) => axisFormat(t)), size: 60 },
        { scale: 'pct', side: 1, stroke: axisStroke, grid: { show: false }, values: (_u, ticks) => ticks.map((t) => formatPercent(t)) },
      ],
      series: [
        { label: xLabel, value: (_u, v) => (v === null ? '' : (labels[v] ?? '')) },
        {
          label: valueLabel,
          fill: `${palette[0]}cc`,
          stroke: palette[0],
          paths: uPlot.paths.bars!({ size: [0.7, 80] }),
          points: { show: false },
          value: (_u, v) => (v === null ? '—' : format(v)),
        },
        {
          label: translate('analytics.col.cumulative'),
          scale: 'pct',
          stroke: palette[4],
          width: 2,
          points: { show: true, size: 6 },
          value: (_u, v) => formatPercent(v),
        },
      ],
    }),
    // the axes' labels and formats are part of the options
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key, valueLabel, xLabel],
  );
  const data = useMemo<uPlot.AlignedData>(() => [labels.map((_, i) => i), values, cumulative], [labels, values, cumulative]);
  return <UPlot options={options} data={data} onPick={onPick} testId={testId} label={label} />;
}

export interface BarSeries {
  label: string;
  values: (number | null)[];
}

/** One or two bar series per category, side by side; an optional third series as points (e.g. a suggested value). */
export function BarChart({
  labels,
  bars,
  points,
  format,
  axisFormat = format,
  xLabel,
  onPick,
  testId,
  label,
}: {
  labels: string[];
  bars: BarSeries[];
  points?: BarSeries;
  format: (n: number) => string;
  axisFormat?: (n: number) => string;
  xLabel: string;
  onPick?: (index: number) => void;
  testId: string;
  label: string;
}) {
  const key = [xLabel, labels.join('\u0000'), ...bars.map((b) => b.label), points?.label ?? ''].join('\u0001');
  const options = useMemo<Omit<uPlot.Options, 'width'>>(() => {
    const n = bars.length;
    const width = n === 1 ? 0.7 : 0.4;
    return {
      height: 260,
      cursor: snapCursor,
      scales: { x: { time: false, range: [-0.5, Math.max(0, labels.length - 0.5)] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [categoryAxis(labels), { stroke: axisStroke, grid, values: (_u, ticks) => ticks.map((t) => axisFormat(t)), size: 60 }],
      series: [
        { label: xLabel, value: (_u, v) => (v === null ? '' : (labels[v] ?? '')) },
        ...bars.map((b, i): uPlot.Series => ({
          label: b.label,
          fill: `${palette[i]}cc`,
          stroke: palette[i],
          paths: uPlot.paths.bars!({ size: [width, 60], align: n === 1 ? 0 : i === 0 ? -1 : 1 }),
          points: { show: false },
          value: (_u, v) => (v === null ? '—' : format(v)),
        })),
        ...(points
          ? [
              {
                label: points.label,
                stroke: palette[4],
                paths: () => null,
                points: { show: true, size: 9, fill: palette[4] },
                value: (_u: uPlot, v: number | null) => (v === null ? '—' : format(v)),
              },
            ]
          : []),
      ],
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key]);
  const data = useMemo<uPlot.AlignedData>(
    () => [labels.map((_, i) => i), ...bars.map((b) => b.values), ...(points ? [points.values] : [])],
    [labels, bars, points],
  );
  return <UPlot options={options} data={data} onPick={onPick} testId={testId} label={label} />;
}

/** Every k-th value so that at most about `max` remain. */
const thin = (xs: number[], max: number) => {
  const k = Math.max(1, Math.ceil(xs.length / max));
  return xs.filter((_, i) => i % k === 0);
};

/** A bucket 'YYYY-MM-DD' as the chart's x (seconds of its local midnight) and as a label. */
export const bucketX = (bucket: string) => localMidnight(bucket).getTime() / 1000;
export const bucketLabel = (bucket: string, groupBy: Grouping) => (groupBy === 'month' ? formatMonth(localMidnight(bucket)) : formatDay(localMidnight(bucket)));

/** Lines over the buckets of the period (one per series), with points; `percent` puts them on a 0–max % axis. */
export function TrendChart({
  buckets,
  groupBy,
  series,
  percent,
  format = formatNumber,
  xLabel,
  onPick,
  testId,
  label,
}: {
  xLabel: string;
  buckets: string[];
  groupBy: Grouping;
  series: BarSeries[];
  percent?: boolean;
  format?: (n: number) => string;
  onPick?: (index: number) => void;
  testId: string;
  label: string;
}) {
  const fmt = percent ? formatPercent : format;
  const key = [xLabel, groupBy, percent ? 'p' : 'n', buckets.join(','), ...series.map((s) => s.label)].join('\u0001');
  const options = useMemo<Omit<uPlot.Options, 'width'>>(
    () => ({
      height: 260,
      cursor: { ...snapCursor, points: { show: true } },
      scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, percent ? Math.max(1, max) : max > 0 ? max * 1.1 : 1] } },
      axes: [
        {
          stroke: axisStroke,
          grid,
          values: (_u, ticks) => ticks.map((t) => (groupBy === 'month' ? formatMonth(new Date(t * 1000)) : formatDay(new Date(t * 1000)))),
          // ticks on the buckets (at most about six of them), not on round numbers of seconds
          splits: () => thin(buckets.map(bucketX), 6),
          size: 40,
        },
        { stroke: axisStroke, grid, values: (_u, ticks) => ticks.map((t) => fmt(t)), size: 60 },
      ],
      series: [
        { label: xLabel, value: (_u, v) => (v === null ? '' : groupBy === 'month' ? formatMonth(new Date(v * 1000)) : formatDay(new Date(v * 1000))) },
        ...series.map((s, i): uPlot.Series => ({
          label: s.label,
          stroke: palette[i % palette.length],
          width: 2,
          spanGaps: false,
          points: { show: true, size: 5 },
          value: (_u, v) => (v === null ? '—' : fmt(v)),
        })),
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [key],
  );
  const data = useMemo<uPlot.AlignedData>(() => [buckets.map(bucketX), ...series.map((s) => s.values)], [buckets, series]);
  return <UPlot options={options} data={data} onPick={onPick} testId={testId} label={label} />;
}

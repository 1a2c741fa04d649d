import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { reasons, values, cumulative, days, series } from './data.js';
export function render(el, onClick) {
  const bars = uPlot.paths.bars({ size: [0.7, 60] });
  const p = new uPlot(
    {
      width: 600,
      height: 300,
      scales: { x: { time: false, range: [-0.5, reasons.length - 0.5] }, pct: { range: [0, 100] } },
      axes: [{ values: (u, ticks) => ticks.map((t) => reasons[t] ?? '') }, {}, { scale: 'pct', side: 1 }],
      series: [{}, { label: 'minutes', paths: bars, fill: '#4a7', points: { show: false } }, { label: 'cumulative', scale: 'pct', stroke: '#c33' }],
      hooks: { ready: [(u) => u.over.addEventListener('click', () => onClick?.(u.cursor.idx))] },
    },
    [reasons.map((_, i) => i), values, cumulative],
    el,
  );
  const t = new uPlot(
    { width: 600, height: 300, series: [{}, ...series.map((_, i) => ({ label: `s${i}`, stroke: `hsl(${i * 70},60%,40%)` }))] },
    [days, ...series],
    el,
  );
  return () => {
    p.destroy();
    t.destroy();
  };
}

import { createElement as h } from 'react';
import { createRoot } from 'react-dom/client';
import { flushSync } from 'react-dom';
import { Bar, ComposedChart, Line, LineChart, XAxis, YAxis, Tooltip } from 'recharts';
import { reasons, values, cumulative, days, series } from './data.js';
export function render(el, onClick) {
  const root = createRoot(el);
  const pd = reasons.map((r, i) => ({ r, v: values[i], c: cumulative[i] }));
  const td = days.map((d, i) => Object.fromEntries([['d', d], ...series.map((s, k) => [`s${k}`, s[i]])]));
  flushSync(() =>
    root.render(
      h(
        'div',
        null,
        h(
          ComposedChart,
          { width: 600, height: 300, data: pd },
          h(XAxis, { dataKey: 'r' }),
          h(YAxis, { yAxisId: 'l' }),
          h(YAxis, { yAxisId: 'r', orientation: 'right', domain: [0, 100] }),
          h(Tooltip),
          h(Bar, { dataKey: 'v', yAxisId: 'l', isAnimationActive: false, onClick: (_, i) => onClick?.(i) }),
          h(Line, { dataKey: 'c', yAxisId: 'r', isAnimationActive: false }),
        ),
        h(
          LineChart,
          { width: 600, height: 300, data: td },
          h(XAxis, { dataKey: 'd' }),
          h(YAxis),
          ...series.map((_, k) => h(Line, { key: k, dataKey: `s${k}`, dot: false, isAnimationActive: false })),
        ),
      ),
    ),
  );
  return () => root.unmount();
}

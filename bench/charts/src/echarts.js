import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, TooltipComponent, LegendComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { reasons, values, cumulative, days, series } from './data.js';
echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, CanvasRenderer]);
export function render(el, onClick) {
  const mk = () => {
    const d = document.createElement('div');
    d.style.width = '600px';
    d.style.height = '300px';
    el.append(d);
    return d;
  };
  const p = echarts.init(mk());
  p.setOption({
    animation: false,
    xAxis: { type: 'category', data: reasons },
    yAxis: [{ type: 'value' }, { type: 'value', min: 0, max: 100 }],
    series: [
      { type: 'bar', data: values },
      { type: 'line', data: cumulative, yAxisIndex: 1 },
    ],
  });
  p.on('click', (e) => onClick?.(e.dataIndex));
  const t = echarts.init(mk());
  t.setOption({
    animation: false,
    xAxis: { type: 'category', data: days.map(String) },
    yAxis: { type: 'value' },
    series: series.map((s) => ({ type: 'line', data: s, showSymbol: false })),
  });
  return () => {
    p.dispose();
    t.dispose();
    el.replaceChildren();
  };
}

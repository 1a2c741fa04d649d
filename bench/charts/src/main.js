import * as none from './none.js';
import * as uplot from './uplot.js';
import * as chartjs from './chartjs.js';
import * as echarts from './echarts.js';
import * as recharts from './recharts.js';
const libs = { none, uplot, chartjs, echarts, recharts };
const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
// renders the two charts `n` times, each time until the second frame after (painted), and returns each run's ms
window.bench = async (name, n) => {
  const el = document.getElementById('c');
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const destroy = libs[name].render(el);
    await frame();
    await frame();
    times.push(performance.now() - t0);
    destroy();
    await frame();
  }
  return times;
};

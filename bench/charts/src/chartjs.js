import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';
import { reasons, values, cumulative, days, series } from './data.js';
Chart.register(BarController, BarElement, CategoryScale, LinearScale, LineController, LineElement, PointElement, Tooltip, Legend);
export function render(el, onClick) {
  const mk = () => {
    const c = document.createElement('canvas');
    c.width = 600;
    c.height = 300;
    const d = document.createElement('div');
    d.style.width = '600px';
    d.style.height = '300px';
    d.append(c);
    el.append(d);
    return c;
  };
  const p = new Chart(mk(), {
    type: 'bar',
    data: {
      labels: reasons,
      datasets: [
        { type: 'bar', label: 'minutes', data: values, yAxisID: 'y' },
        { type: 'line', label: 'cumulative', data: cumulative, yAxisID: 'pct' },
      ],
    },
    options: { animation: false, responsive: false, scales: { pct: { position: 'right', min: 0, max: 100 } }, onClick: (e, els) => onClick?.(els[0]?.index) },
  });
  const t = new Chart(mk(), {
    type: 'line',
    data: { labels: days.map(String), datasets: series.map((s, i) => ({ label: `s${i}`, data: s, pointRadius: 0 })) },
    options: { animation: false, responsive: false },
  });
  return () => {
    p.destroy();
    t.destroy();
    el.replaceChildren();
  };
}

// the reference: the same data written into a plain table (no chart library)
import { reasons, values, cumulative } from './data.js';
export function render(el) {
  const t = document.createElement('table');
  reasons.forEach((r, i) => {
    const tr = t.insertRow();
    tr.insertCell().textContent = r;
    tr.insertCell().textContent = String(values[i]);
    tr.insertCell().textContent = cumulative[i].toFixed(1);
  });
  el.append(t);
  return () => el.replaceChildren();
}

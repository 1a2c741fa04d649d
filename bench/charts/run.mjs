/**
 * The chart libraries compared for the analytics pages (docs/ANALYTICS.md, "Charts"):
 * the same two charts (a 12-reason Pareto: bars and a cumulative line on a second
 * axis, with a click handler; a 5-series trend of 400 days) in uPlot, Chart.js
 * (tree-shaken: only the controllers, elements and scales used), ECharts (modular
 * imports, canvas renderer) and Recharts, and a plain table as the reference.
 *
 *   npm --prefix bench/charts install && node bench/charts/run.mjs
 *
 * Prints (1) what each adds to a Vite build: minified and gzipped bytes of its entry
 * built alone, React external (the app has it already); (2) the median time in the
 * system Chromium to draw both charts and reach the second frame after (painted),
 * beside the plain table measured in the same page (the reference: its time is
 * mostly the two frames).
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { chromium } from 'playwright-core';
import { build } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));
const names = ['none', 'uplot', 'chartjs', 'echarts', 'recharts'];
const external = ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime'];

console.log('bundle (each entry built alone, react external):');
for (const name of names) {
  const outDir = path.join(here, 'dist', name);
  await build({
    root: here,
    configFile: false,
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, lib: { entry: path.join(here, `src/${name}.js`), formats: ['es'], fileName: name }, rollupOptions: { external } },
  });
  let min = 0;
  let gz = 0;
  for (const f of fs.readdirSync(outDir)) {
    const b = fs.readFileSync(path.join(outDir, f));
    min += b.length;
    gz += zlib.gzipSync(b, { level: 9 }).length;
  }
  console.log(`  ${name.padEnd(9)} ${(min / 1024).toFixed(1).padStart(7)} kB min ${(gz / 1024).toFixed(1).padStart(7)} kB gzip`);
}

await build({ root: here, configFile: false, logLevel: 'silent', build: { outDir: path.join(here, 'dist/app'), emptyOutDir: true } });
const types = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html' };
const server = http
  .createServer((req, res) => {
    const file = path.join(here, 'dist/app', req.url === '/' ? 'index.html' : req.url.replace(/\.\./g, ''));
    res.setHeader('content-type', types[path.extname(file)] ?? 'application/octet-stream');
    fs.createReadStream(file)
      .on('error', () => res.end())
      .pipe(res);
  })
  .listen(0, '127.0.0.1');
await new Promise((r) => server.on('listening', r));
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForFunction(() => typeof window.bench === 'function');
  const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
  const runs = 15;
  const result = {};
  // round 1 warms up (JIT, fonts); round 2 is reported
  for (const round of [1, 2])
    for (const name of names) {
      const times = await page.evaluate(([n, k]) => window.bench(n, k), [name, runs]);
      if (round === 2) result[name] = median(times);
    }
  console.log(`draw both charts, median of ${runs} (Chromium headless, software rendering):`);
  for (const name of names)
    console.log(`  ${name.padEnd(9)} ${result[name].toFixed(1).padStart(7)} ms  ${(result[name] / result.none).toFixed(2)}x the plain table`);
} finally {
  await browser.close();
  server.close();
}

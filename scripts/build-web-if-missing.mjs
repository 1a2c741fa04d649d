// prestart: build the web UI once when web/dist is missing (a fresh clone), so
// `npm install && npm start` serves the UI. A built UI is left alone: run
// `npm run build:web` after changing web/.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
if (fs.existsSync(path.join(root, 'web/dist/index.html'))) process.exit(0);
console.log('web UI not built yet: running vite build (once)…');
const vite = path.join(root, 'node_modules/vite/bin/vite.js');
if (!fs.existsSync(vite)) {
  console.error('vite is not installed (npm install without --omit=dev); the API starts without the UI');
  process.exit(0);
}
const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) {
  console.error('building the web UI failed; see above');
  process.exit(result.status ?? 1);
}

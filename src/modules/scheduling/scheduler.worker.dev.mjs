// Worker entry when the server runs from TypeScript sources (tsx, tests): a
// thread does not inherit tsx's loader, so register it here, then load the
// real entry. From dist/ the compiled scheduler.worker.js is loaded instead.
import { register } from 'tsx/esm/api';

register();
await import('./scheduler.worker.ts');

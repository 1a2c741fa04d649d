/**
 * Ends a benchmark that runs past `ms` (a hung connection must not hold the
 * machine): exit code 2. Apart from lib.ts, which loads autocannon: the SSE
 * client processes load this file and must stay light.
 */
export function watchdog(name: string, ms: number): void {
  const timer = setTimeout(() => {
    process.stderr.write(`${name}: took longer than ${Math.round(ms / 1000)} s; stopping\n`);
    process.exit(2);
  }, ms);
  timer.unref();
}

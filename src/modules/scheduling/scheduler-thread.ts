/**
 * Runs the scheduler on a worker thread. Its search takes up to the whole
 * time budget (MES_SCHEDULER_BUDGET_MS) of CPU; on the main thread that
 * stalled every other request of the process for as long (in the load test,
 * ~90 releases a minute at ~150 ms each: a fifth of the time). One thread
 * per process is enough: releases, resumes and reschedules are serialized by
 * an advisory lock anyway. The thread starts when the app is ready (or on
 * first use), holds the process only while it owes an answer, and is
 * replaced if it dies (the request in flight fails).
 *
 * Under tsx (development, tests) a thread cannot load TypeScript by itself:
 * scheduler.worker.dev.mjs registers tsx's loader in the thread first. From
 * dist/ the compiled scheduler.worker.js is loaded directly.
 */
import { Worker } from 'node:worker_threads';
import { type ScheduleInput, type ScheduleResult, UnschedulableError } from '../../scheduler/index.js';
import type { ThreadRequest, ThreadResponse } from './scheduler.worker.js';

const fromTypeScript = import.meta.url.endsWith('.ts');
const entry = new URL(fromTypeScript ? './scheduler.worker.dev.mjs' : './scheduler.worker.js', import.meta.url);

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, { resolve: (r: ScheduleResult) => void; reject: (e: Error) => void }>();

function failAll(error: Error): void {
  for (const p of pending.values()) p.reject(error);
  pending.clear();
}

function thread(): Worker {
  if (worker) return worker;
  const w = new Worker(entry);
  w.on('message', (response: ThreadResponse) => {
    const p = pending.get(response.id);
    if (!p) return;
    pending.delete(response.id);
    if (pending.size === 0) w.unref();
    if ('result' in response) {
      p.resolve(response.result);
    } else if (response.error.problems) {
      p.reject(new UnschedulableError(response.error.problems));
    } else {
      p.reject(Object.assign(new Error(response.error.message), { name: response.error.name }));
    }
  });
  w.on('error', (error) => {
    if (worker === w) worker = undefined;
    failAll(error);
  });
  w.on('exit', (code) => {
    if (worker === w) worker = undefined;
    failAll(new Error(`the scheduler thread exited (code ${code})`));
  });
  // the thread holds the process only while it owes an answer (set after the
  // listeners: adding a 'message' listener refs its port again)
  w.unref();
  worker = w;
  return w;
}

/** schedulePlan on the worker thread; the same result, errors (UnschedulableError included) rethrown here. */
export function scheduleOnThread(input: ScheduleInput): Promise<ScheduleResult> {
  const { clock: _clock, ...options } = input.options ?? {};
  const id = nextId++;
  return new Promise((resolve, reject) => {
    const w = thread();
    pending.set(id, { resolve, reject });
    w.ref();
    // functions cannot cross threads: the thread uses its own clock for the budget
    w.postMessage({ id, input: { ...input, options } } satisfies ThreadRequest);
  });
}

/** Starts the thread ahead of the first release (loading it takes a few hundred ms under tsx). */
export function warmSchedulerThread(): void {
  thread();
}

/** Ends the thread (tests; an idle thread does not hold the process otherwise). */
export async function stopSchedulerThread(): Promise<void> {
  const w = worker;
  worker = undefined;
  if (w) await w.terminate();
}

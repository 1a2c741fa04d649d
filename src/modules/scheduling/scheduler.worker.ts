/**
 * Worker-thread entry of the scheduler (see scheduler-thread.ts): takes
 * { id, input } messages, answers { id, result } or { id, error }.
 */
import { parentPort } from 'node:worker_threads';
import { type ScheduleInput, schedulePlan, UnschedulableError } from '../../scheduler/index.js';

export interface ThreadRequest {
  id: number;
  input: ScheduleInput;
}

export type ThreadResponse =
  { id: number; result: ReturnType<typeof schedulePlan> } | { id: number; error: { name: string; message: string; problems?: UnschedulableError['problems'] } };

parentPort!.on('message', ({ id, input }: ThreadRequest) => {
  let response: ThreadResponse;
  try {
    response = { id, result: schedulePlan(input) };
  } catch (error) {
    const e = error instanceof Error ? error : new Error(String(error));
    response = { id, error: { name: e.name, message: e.message, ...(error instanceof UnschedulableError ? { problems: error.problems } : {}) } };
  }
  parentPort!.postMessage(response);
});

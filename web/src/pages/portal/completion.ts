/**
 * The completion dialog's quantities, without React. After scrap upstream a
 * step can make fewer parts than planned (yield carried forward, issue #15
 * item 3): the task's expected quantity, which the portal shows as
 * "8 expected (planned 10)". The dialog compares what the operator reports
 * (good + scrap) with that expected quantity: more than expected asks "yes,
 * more" first and is sent as an `overrun`, so the dialog is never looser than
 * the server, which refuses more than the planned quantity without it.
 */

/** The parts of a WorkerTask read here (structural: the unit tests import this file without the web's types). */
export interface TaskQuantities {
  /** the step's planned quantity */
  quantity: number;
  /** what the step is now expected to make; null: its quantity */
  expectedQuantity: number | null;
}

/** The quantity the reported parts are held against: the expected one, else the planned one. */
export function expectedOf(task: TaskQuantities): number {
  return task.expectedQuantity ?? task.quantity;
}

/** Upstream scrap has lowered what the step can make below its planned quantity. */
export function lowered(task: TaskQuantities): boolean {
  return expectedOf(task) < task.quantity;
}

/** More reported (good + scrap) than the step is expected to make: the operator must confirm it. */
export function reportsMore(task: TaskQuantities, good: number, scrap: number): boolean {
  return Math.round((good + scrap) * 1000) > Math.round(expectedOf(task) * 1000);
}

/** What the workers module offers the rest of the app: the shop floor's hold on a worker, and how a worker's status is reported. */
export { findShiftCalendar, freeWorkersHolding, lockWorkerForStart, occupyWorker, setStatusOfHolder } from './workers.repository.js';
export { calendarGained, type CalendarTimes, reportedStatus } from './workers.rules.js';

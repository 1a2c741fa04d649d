/**
 * The scheduler's problems worded in the reader's language: the pure scheduler
 * gives each as data (a kind and its parameters, see SchedulingProblem), its
 * English `reason` is for logs only.
 */
import type { SchedulingProblem, SchedulingProblemKind } from '../../scheduler/index.js';
import { type Message, type MessageKey, m } from '../../shared/errors.js';

const reasonKeys: Record<Exclude<SchedulingProblemKind, 'no_capable_station'>, MessageKey> = {
  duplicate_node: 'schedule.reason.duplicate_node',
  unknown_predecessor: 'schedule.reason.unknown_predecessor',
  not_positive: 'schedule.reason.not_positive',
  not_finite: 'schedule.reason.not_finite',
  pinned_station_unavailable: 'schedule.reason.pinned_station_unavailable',
  pinned_substation_unavailable: 'schedule.reason.pinned_substation_unavailable',
  pinned_substation_elsewhere: 'schedule.reason.pinned_substation_elsewhere',
  pinned_worker_unavailable: 'schedule.reason.pinned_worker_unavailable',
  pinned_station_not_candidate: 'schedule.reason.pinned_station_not_candidate',
  no_candidates: 'schedule.reason.no_candidates',
  no_worker_on_shift: 'schedule.reason.no_worker_on_shift',
  no_qualified_worker: 'schedule.reason.no_qualified_worker',
  pinned_worker_not_qualified: 'schedule.reason.pinned_worker_not_qualified',
  own_predecessor: 'schedule.reason.own_predecessor',
  precedence_cycle: 'schedule.reason.precedence_cycle',
  horizon: 'schedule.reason.horizon',
};

/** Why the scheduler could not place a node, as a message. */
export function problemReason(problem: SchedulingProblem): Message {
  const { kind, params } = problem;
  if (kind !== 'no_capable_station') return m(reasonKeys[kind], params);
  // which of the candidates were unknown and which had no usable substation, when the scheduler knew
  const why = [
    ...(params.unknownStations ? [m('schedule.reason.unknown_stations', { stations: params.unknownStations })] : []),
    ...(params.stationsWithoutSubstation ? [m('schedule.reason.stations_without_substation', { stations: params.stationsWithoutSubstation })] : []),
  ];
  return why.length > 0 ? m('schedule.reason.no_capable_station_because', { why }) : m('schedule.reason.no_capable_station');
}

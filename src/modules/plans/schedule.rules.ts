/** Pure grouping of schedule bars into Gantt rows. */
import type { ScheduleBar } from './schedule.repository.js';

export function groupByStation(bars: ScheduleBar[]) {
  const stations = new Map<string, { stationId: string; stationName: string; substations: Map<string, { substationId: string; substationName: string; bars: ScheduleBar[] }> }>();
  for (const b of bars) {
    const st = stations.get(b.stationId) ?? { stationId: b.stationId, stationName: b.stationName, substations: new Map() };
    stations.set(b.stationId, st);
    const sub = st.substations.get(b.substationId) ?? { substationId: b.substationId, substationName: b.substationName, bars: [] };
    st.substations.set(b.substationId, sub);
    sub.bars.push(b);
  }
  return [...stations.values()]
    .sort((a, b) => (a.stationId < b.stationId ? -1 : 1))
    .map((s) => ({ ...s, substations: [...s.substations.values()].sort((a, b) => (a.substationId < b.substationId ? -1 : 1)) }));
}

export function groupByWorker(bars: ScheduleBar[]) {
  const workers = new Map<string, { workerId: string; workerName: string; bars: ScheduleBar[] }>();
  for (const b of bars) {
    const w = workers.get(b.workerId) ?? { workerId: b.workerId, workerName: b.workerName, bars: [] };
    workers.set(b.workerId, w);
    w.bars.push(b);
  }
  return [...workers.values()].sort((a, b) => (a.workerId < b.workerId ? -1 : 1));
}

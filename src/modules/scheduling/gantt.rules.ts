/** Pure grouping of Gantt bars into rows, by station and substation or by worker. */
import type { GanttBar } from './gantt.schema.js';

export function groupByStation(bars: GanttBar[]) {
  const stations = new Map<
    string,
    { stationId: string; stationName: string; substations: Map<string, { substationId: string; substationName: string; bars: GanttBar[] }> }
  >();
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

export function groupByWorker(bars: GanttBar[]) {
  const workers = new Map<string, { workerId: string; workerName: string; bars: GanttBar[] }>();
  for (const b of bars) {
    const w = workers.get(b.workerId) ?? { workerId: b.workerId, workerName: b.workerName, bars: [] };
    workers.set(b.workerId, w);
    w.bars.push(b);
  }
  return [...workers.values()].sort((a, b) => (a.workerId < b.workerId ? -1 : 1));
}

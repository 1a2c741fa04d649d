/**
 * Pure rules of production plans: the status transition table and the checks
 * a plan document must pass before anything is written. Shared by the
 * service, the routes and the UI.
 */
import type { ProblemDetail } from '../../shared/errors.js';
import type { PlanDetail, PlanDocument, PlanStatus } from './plans.schema.js';

// ---- lifecycle ------------------------------------------------------------

export type PlanAction = 'release' | 'pause' | 'resume' | 'cancel' | 'start' | 'complete';

/** status -> action -> next status. `start`/`complete` come from the shop floor. */
export const planTransitions: Record<PlanStatus, Partial<Record<PlanAction, PlanStatus>>> = {
  draft: { release: 'released', cancel: 'cancelled' },
  released: { pause: 'paused', cancel: 'cancelled', start: 'in_production' },
  in_production: { pause: 'paused', complete: 'completed' },
  paused: { resume: 'released', cancel: 'cancelled' },
  completed: {},
  cancelled: {},
};

export function nextPlanStatus(status: PlanStatus, action: PlanAction): PlanStatus | undefined {
  return planTransitions[status][action];
}

/** The moves a planner can make from a status (shop-floor moves left out). */
export function allowedPlanActions(status: PlanStatus): PlanAction[] {
  return (Object.keys(planTransitions[status]) as PlanAction[]).filter((a) => a !== 'start' && a !== 'complete');
}

/** Plans that still hold or may still hold work and material: master data they use cannot be archived. */
export const unfinishedPlanStatuses = ['draft', 'released', 'in_production', 'paused'] as const satisfies readonly PlanStatus[];

export const isEditable = (status: PlanStatus) => status === 'draft';

// ---- document validation ----------------------------------------------------

/** Master data the document refers to, as loaded by the repository. */
export interface PlanCatalog {
  operations: Set<string>;
  /** station id -> operations it can perform (only existing, active stations) */
  stations: Map<string, Set<string>>;
  materials: Set<string>;
  /** substation id -> station id */
  substations: Map<string, string>;
  /** worker id -> qualifications and allowed stations */
  workers: Map<string, { operations: Set<string>; stations: Set<string> }>;
}

export interface PlanReferences {
  operations: string[];
  stations: string[];
  materials: string[];
  substations: string[];
  workers: string[];
}

export function referencesOf(doc: PlanDocument): PlanReferences {
  const set = () => new Set<string>();
  const r = { operations: set(), stations: set(), materials: set(), substations: set(), workers: set() };
  for (const n of doc.nodes) {
    r.operations.add(n.operationId);
    for (const s of n.assignedStations) r.stations.add(s.stationId);
    for (const m of n.materialInputs) r.materials.add(m.materialCode);
    if (n.output) r.materials.add(n.output.materialCode);
    if (n.pin?.stationId) r.stations.add(n.pin.stationId);
    if (n.pin?.substationId) r.substations.add(n.pin.substationId);
    if (n.pin?.workerId) r.workers.add(n.pin.workerId);
  }
  return {
    operations: [...r.operations],
    stations: [...r.stations],
    materials: [...r.materials],
    substations: [...r.substations],
    workers: [...r.workers],
  };
}

const hasAtMost3Decimals = (x: number) => Math.abs(Math.round(x * 1000) / 1000 - x) < 1e-9;

/**
 * Finds a cycle in the graph (node -> predecessors), returned as a path that
 * starts and ends on the same node, e.g. [N2, N5, N2]; undefined when acyclic.
 */
export function findCycle(nodes: { nodeId: string; predecessors: string[] }[]): string[] | undefined {
  const preds = new Map(nodes.map((n) => [n.nodeId, n.predecessors]));
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  for (const start of nodes) {
    if (state.has(start.nodeId)) continue;
    // iterative DFS along predecessor edges
    const stack: { id: string; next: number }[] = [{ id: start.nodeId, next: 0 }];
    state.set(start.nodeId, 1);
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const list = preds.get(top.id) ?? [];
      if (top.next < list.length) {
        const p = list[top.next++]!;
        if (!preds.has(p)) continue;
        const s = state.get(p);
        if (s === 1) {
          const from = stack.findIndex((f) => f.id === p);
          // edges point to predecessors; report in flow order (predecessor first)
          return [...stack.slice(from).map((f) => f.id), p].reverse();
        }
        if (s === undefined) {
          state.set(p, 1);
          stack.push({ id: p, next: 0 });
        }
      } else {
        state.set(top.id, 2);
        stack.pop();
      }
    }
  }
  return undefined;
}

/**
 * Every problem of a plan document, with the JSON path of the field inside
 * the document (`nodes/2/operationId`). Empty = valid.
 */
export function validatePlanDocument(doc: PlanDocument, catalog: PlanCatalog): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const add = (field: string, message: string) => problems.push({ field, message });
  const ids = new Map<string, number>();
  doc.nodes.forEach((n, i) => {
    if (ids.has(n.nodeId)) add(`nodes/${i}/nodeId`, `node id ${n.nodeId} is used twice (nodes ${ids.get(n.nodeId)} and ${i})`);
    else ids.set(n.nodeId, i);
  });

  if (!hasAtMost3Decimals(doc.quantity)) add('quantity', 'quantity has more than 3 decimals');
  doc.nodes.forEach((n, i) => {
    const at = `nodes/${i}`;
    const label = `node ${n.nodeId}`;
    if (!catalog.operations.has(n.operationId)) add(`${at}/operationId`, `${label}: operation ${n.operationId} does not exist or is archived`);
    for (const [field, value] of [
      ['nominalTime', n.nominalTime],
      ['quantity', n.quantity],
      ['efficiency', n.efficiency],
    ] as const) {
      if (value !== undefined && !hasAtMost3Decimals(value)) add(`${at}/${field}`, `${label}: ${field} has more than 3 decimals`);
    }
    n.predecessors.forEach((p, j) => {
      if (p === n.nodeId) add(`${at}/predecessors/${j}`, `${label} cannot precede itself`);
      else if (!ids.has(p)) add(`${at}/predecessors/${j}`, `${label}: predecessor ${p} is not a node of this plan`);
    });
    const seenStations = new Set<string>();
    n.assignedStations.forEach((s, j) => {
      const field = `${at}/assignedStations/${j}`;
      if (seenStations.has(s.stationId)) add(`${field}/stationId`, `${label}: station ${s.stationId} is listed twice`);
      seenStations.add(s.stationId);
      const ops = catalog.stations.get(s.stationId);
      if (!ops) add(`${field}/stationId`, `${label}: station ${s.stationId} does not exist or is archived`);
      else if (catalog.operations.has(n.operationId) && !ops.has(n.operationId)) {
        add(`${field}/stationId`, `${label}: station ${s.stationId} cannot perform operation ${n.operationId}`);
      }
      if (s.time !== undefined && !hasAtMost3Decimals(s.time)) add(`${field}/time`, `${label}: time has more than 3 decimals`);
    });
    const seenMaterials = new Set<string>();
    n.materialInputs.forEach((m, j) => {
      const field = `${at}/materialInputs/${j}`;
      if (seenMaterials.has(m.materialCode)) add(`${field}/materialCode`, `${label}: material ${m.materialCode} is listed twice`);
      seenMaterials.add(m.materialCode);
      if (!catalog.materials.has(m.materialCode)) add(`${field}/materialCode`, `${label}: material ${m.materialCode} does not exist or is archived`);
      if (!hasAtMost3Decimals(m.requiredQuantity)) add(`${field}/requiredQuantity`, `${label}: quantity has more than 3 decimals`);
      if (m.fromNodeId !== undefined) {
        if (m.fromNodeId === n.nodeId) add(`${field}/fromNodeId`, `${label} cannot take material from itself`);
        else if (!ids.has(m.fromNodeId)) add(`${field}/fromNodeId`, `${label}: fromNodeId ${m.fromNodeId} is not a node of this plan`);
      }
    });
    if (n.output) {
      if (!catalog.materials.has(n.output.materialCode))
        add(`${at}/output/materialCode`, `${label}: material ${n.output.materialCode} does not exist or is archived`);
      if (!hasAtMost3Decimals(n.output.quantity)) add(`${at}/output/quantity`, `${label}: quantity has more than 3 decimals`);
    }
    validatePin(n, i, catalog, add);
  });
  if (problems.length > 0) return problems;

  const cycle = findCycle(doc.nodes);
  if (cycle) {
    add(`nodes/${ids.get(cycle[0]!)}/predecessors`, `cycle: ${cycle.join(' → ')}`);
    return problems;
  }
  // material from another node must come from an ancestor that outputs it
  const byId = new Map(doc.nodes.map((n) => [n.nodeId, n]));
  doc.nodes.forEach((n, i) => {
    n.materialInputs.forEach((m, j) => {
      if (m.fromNodeId === undefined) return;
      const source = byId.get(m.fromNodeId)!;
      if (!isAncestor(byId, m.fromNodeId, n.nodeId)) {
        add(`nodes/${i}/materialInputs/${j}/fromNodeId`, `node ${n.nodeId}: ${m.fromNodeId} must come before it (add it as a predecessor)`);
      } else if (source.output?.materialCode !== m.materialCode) {
        add(`nodes/${i}/materialInputs/${j}/fromNodeId`, `node ${n.nodeId}: ${m.fromNodeId} does not output ${m.materialCode}`);
      }
    });
  });
  return problems;
}

function validatePin(n: PlanDocument['nodes'][number], i: number, catalog: PlanCatalog, add: (field: string, message: string) => void) {
  if (!n.pin) return;
  const label = `node ${n.nodeId}`;
  const candidates = new Set(n.assignedStations.map((s) => s.stationId));
  const { stationId, substationId, workerId } = n.pin;
  if (stationId && !candidates.has(stationId)) add(`nodes/${i}/pin/stationId`, `${label}: pinned station ${stationId} is not one of its candidate stations`);
  if (substationId) {
    const owner = catalog.substations.get(substationId);
    if (!owner) add(`nodes/${i}/pin/substationId`, `${label}: substation ${substationId} does not exist or is archived`);
    else if (!candidates.has(owner) || (stationId && owner !== stationId)) {
      add(`nodes/${i}/pin/substationId`, `${label}: substation ${substationId} belongs to ${owner}, which is not the node's station`);
    }
  }
  if (workerId) {
    const worker = catalog.workers.get(workerId);
    if (!worker) add(`nodes/${i}/pin/workerId`, `${label}: worker ${workerId} does not exist or is archived`);
    else if (!worker.operations.has(n.operationId)) add(`nodes/${i}/pin/workerId`, `${label}: worker ${workerId} is not qualified for ${n.operationId}`);
    else if (![...candidates].some((s) => worker.stations.has(s)))
      add(`nodes/${i}/pin/workerId`, `${label}: worker ${workerId} is not allowed at any of its stations`);
  }
}

function isAncestor(byId: Map<string, { predecessors: string[] }>, ancestor: string, of: string): boolean {
  const seen = new Set<string>();
  const stack = [...(byId.get(of)?.predecessors ?? [])];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (id === ancestor) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(byId.get(id)?.predecessors ?? []));
  }
  return false;
}

/** Names a new plan's detail shows, read with the catalog. */
export interface CatalogNames {
  operations: Map<string, string>;
  stations: Map<string, string>;
  materials: Map<string, { name: string; unit: string }>;
}

/** What a numeric(_, 3) column gives back for a value that passed the 3-decimal check. */
const stored3 = (x: number) => Math.round(x * 1000) / 1000;
/** Order of `collate "C"` for the ASCII codes of the catalog. */
const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The detail of a plan just written from a valid document, built without
 * reading it back: what the detail query returns (same defaults, rounding and
 * order) for the plan row as written (`header`). A test compares the two for
 * generated documents.
 */
export function detailOfNewPlan(doc: PlanDocument, header: Omit<PlanDetail, 'nodes'>, names: CatalogNames): PlanDetail {
  const sequence = new Map(doc.nodes.map((n, i) => [n.nodeId, i]));
  const nameOf = new Map(doc.nodes.map((n) => [n.nodeId, n.name]));
  return {
    ...header,
    nodes: doc.nodes.map((n) => {
      const pin = n.pin && (n.pin.stationId ?? n.pin.substationId ?? n.pin.workerId) !== undefined ? n.pin : undefined;
      const predecessors = [...n.predecessors].sort((a, b) => sequence.get(a)! - sequence.get(b)!);
      return {
        nodeId: n.nodeId,
        name: n.name,
        operationId: n.operationId,
        operationName: names.operations.get(n.operationId)!,
        quantity: stored3(n.quantity ?? doc.quantity),
        nominalTime: stored3(n.nominalTime),
        efficiency: stored3(n.efficiency ?? 1),
        output: n.output ? { materialCode: n.output.materialCode, quantity: stored3(n.output.quantity) } : null,
        position: { x: n.position?.x ?? 0, y: n.position?.y ?? 0 },
        note: n.note ?? '',
        pin: pin
          ? {
              ...(pin.stationId !== undefined ? { stationId: pin.stationId } : {}),
              ...(pin.substationId !== undefined ? { substationId: pin.substationId } : {}),
              ...(pin.workerId !== undefined ? { workerId: pin.workerId } : {}),
            }
          : null,
        predecessors,
        assignedStations: [...n.assignedStations]
          .sort((a, b) => a.priority - b.priority || byCode(a.stationId, b.stationId))
          .map((s) => ({
            stationId: s.stationId,
            stationName: names.stations.get(s.stationId)!,
            priority: s.priority,
            ...(s.time !== undefined ? { time: stored3(s.time) } : {}),
          })),
        materialInputs: [...n.materialInputs]
          .sort((a, b) => byCode(a.materialCode, b.materialCode))
          .map((m) => ({
            materialCode: m.materialCode,
            materialName: names.materials.get(m.materialCode)!.name,
            unit: names.materials.get(m.materialCode)!.unit,
            requiredQuantity: stored3(m.requiredQuantity),
            ...(m.fromNodeId !== undefined ? { fromNodeId: m.fromNodeId } : {}),
          })),
        assignment: null,
        // nothing is scheduled yet: a step waits for every predecessor
        waitingFor: predecessors.map((p) => ({ nodeId: p, nodeName: nameOf.get(p)!, assignmentId: null, status: null, workerId: null, workerName: null })),
      };
    }),
  };
}

/** The document form of a stored plan (what export gives and import takes). */
export function documentOf(plan: PlanDetail): PlanDocument {
  return {
    workOrderCode: plan.workOrderCode,
    name: plan.name,
    quantity: plan.quantity,
    note: plan.note,
    ...(plan.dueDate !== null ? { dueDate: plan.dueDate } : {}),
    priority: plan.priority,
    nodes: plan.nodes.map((n) => ({
      nodeId: n.nodeId,
      name: n.name,
      operationId: n.operationId,
      quantity: n.quantity,
      nominalTime: n.nominalTime,
      efficiency: n.efficiency,
      predecessors: n.predecessors,
      assignedStations: n.assignedStations.map((s) => ({ stationId: s.stationId, priority: s.priority, ...(s.time !== undefined ? { time: s.time } : {}) })),
      materialInputs: n.materialInputs.map((m) => ({
        materialCode: m.materialCode,
        requiredQuantity: m.requiredQuantity,
        ...(m.fromNodeId !== undefined ? { fromNodeId: m.fromNodeId } : {}),
      })),
      output: n.output,
      position: n.position,
      note: n.note,
      ...(n.pin ? { pin: n.pin } : {}),
    })),
  };
}

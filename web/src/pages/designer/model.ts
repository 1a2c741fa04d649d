/**
 * The designer's model: React Flow nodes carry one step each (the plan
 * node without its edges and position), edges are the predecessor links.
 * Pure functions turn that into the API's plan document and find every
 * problem before saving, with the server's own rules (plans.rules.ts).
 */
import { type Edge, MarkerType, type Node } from '@xyflow/react';
import { findCycle, type PlanCatalog, validatePlanDocument } from '../../../../src/modules/plans/plans.rules.js';
import type { Material, Operation, PlanDetail, PlanDocument, PlanNode, Station, Worker } from '../../api/types';

/** A step as edited: a plan node minus predecessors (edges) and position (the canvas). NaN marks a number not (validly) entered. */
export type Step = Omit<PlanNode, 'predecessors' | 'position'>;
export type StepData = { step: Step };
export type StepNode = Node<StepData, 'step'>;

export interface PlanMeta {
  name: string;
  workOrderCode: string;
  quantity: number;
  note: string;
  /** the due date as a datetime-local input holds it (local time, "2026-12-24T16:00"); '' for none */
  dueDate: string;
  /** 1 = most urgent … 5 */
  priority: number;
}

export const emptyMeta: PlanMeta = { name: '', workOrderCode: '', quantity: 1, note: '', dueDate: '', priority: 3 };

/** A datetime-local value (local time) as an ISO date-time; '' or an unreadable value gives none. */
export function dueDateOf(local: string): string | undefined {
  if (!local) return undefined;
  const at = new Date(local);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
}

/** An ISO date-time as a datetime-local value in the browser's time zone, to the minute. */
export function localInputOf(iso: string | null): string {
  if (!iso) return '';
  const at = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}T${pad(at.getHours())}:${pad(at.getMinutes())}`;
}

export const edgeId = (source: string, target: string) => `${source}->${target}`;

export function stepEdge(source: string, target: string): Edge {
  return { id: edgeId(source, target), source, target, markerEnd: { type: MarkerType.ArrowClosed } };
}

export function toDocument(meta: PlanMeta, nodes: StepNode[], edges: Edge[]): PlanDocument {
  const preds = new Map<string, string[]>();
  for (const e of edges) {
    const list = preds.get(e.target) ?? [];
    if (!list.includes(e.source)) list.push(e.source);
    preds.set(e.target, list);
  }
  return {
    workOrderCode: meta.workOrderCode.trim(),
    name: meta.name.trim(),
    quantity: meta.quantity,
    ...(meta.note.trim() ? { note: meta.note.trim() } : {}),
    ...(dueDateOf(meta.dueDate) ? { dueDate: dueDateOf(meta.dueDate)! } : {}),
    priority: meta.priority,
    nodes: nodes.map((n) => ({
      ...n.data.step,
      name: n.data.step.name.trim(),
      predecessors: preds.get(n.id) ?? [],
      position: { x: Math.round(n.position.x), y: Math.round(n.position.y) },
    })),
  };
}

export function fromPlan(plan: PlanDetail): { meta: PlanMeta; nodes: StepNode[]; edges: Edge[] } {
  return {
    meta: {
      name: plan.name,
      workOrderCode: plan.workOrderCode,
      quantity: plan.quantity,
      note: plan.note ?? '',
      dueDate: localInputOf(plan.dueDate),
      priority: plan.priority,
    },
    nodes: plan.nodes.map((n) => ({
      id: n.nodeId,
      type: 'step',
      position: n.position,
      data: {
        step: {
          nodeId: n.nodeId,
          name: n.name,
          operationId: n.operationId,
          quantity: n.quantity,
          nominalTime: n.nominalTime,
          efficiency: n.efficiency,
          assignedStations: n.assignedStations.map((s) => ({
            stationId: s.stationId,
            priority: s.priority,
            ...(s.time !== undefined ? { time: s.time } : {}),
          })),
          materialInputs: n.materialInputs.map((m) => ({
            materialCode: m.materialCode,
            requiredQuantity: m.requiredQuantity,
            ...(m.fromNodeId ? { fromNodeId: m.fromNodeId } : {}),
          })),
          output: n.output,
          note: n.note,
          ...(n.pin ? { pin: n.pin } : {}),
        },
      },
    })),
    edges: plan.nodes.flatMap((n) => n.predecessors.map((p) => stepEdge(p, n.nodeId))),
  };
}

export function nextNodeId(nodes: { id: string }[]): string {
  let max = 0;
  for (const n of nodes) {
    const m = /^N(\d+)$/.exec(n.id);
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `N${max + 1}`;
}

/** A new step for an operation: every capable station as a candidate (in list order = priority), the operation's usual time per unit when it has one. */
export function newStep(nodeId: string, operation: Operation, stations: Station[]): Step {
  const capable = stations.filter((s) => s.archivedAt === null && s.operations.some((o) => o.id === operation.id));
  return {
    nodeId,
    name: operation.name,
    operationId: operation.id,
    nominalTime: operation.defaultNominalTime ?? Number.NaN,
    assignedStations: capable.map((s, i) => ({ stationId: s.id, priority: i + 1 })),
    materialInputs: [],
    output: null,
    note: '',
  };
}

export function catalogOf(operations: Operation[], stations: Station[], materials: Material[], workers: Worker[]): PlanCatalog {
  return {
    operations: new Set(operations.filter((o) => o.archivedAt === null).map((o) => o.id)),
    stations: new Map(stations.filter((s) => s.archivedAt === null).map((s) => [s.id, new Set(s.operations.map((o) => o.id))])),
    materials: new Set(materials.filter((m) => m.archivedAt === null).map((m) => m.code)),
    substations: new Map(stations.flatMap((s) => s.substations.map((ss) => [ss.id, s.id] as const))),
    workers: new Map(workers.filter((w) => w.archivedAt === null).map((w) => [w.id, { operations: new Set(w.operationIds), stations: new Set(w.stationIds) }])),
  };
}

export interface Problems {
  /** node id → messages */
  byNode: Map<string, string[]>;
  /** problems of the plan itself (name, work order, quantity) */
  plan: string[];
  count: number;
}

const positive = (n: number | undefined) => n !== undefined && Number.isFinite(n) && n > 0;

/**
 * Every problem of the document: the fields the API schema requires (which
 * the shared rules take for granted), then the shared rules (stations that
 * cannot do the operation, unknown references, material flow), and cycles.
 */
export function problemsOf(doc: PlanDocument, catalog: PlanCatalog): Problems {
  const byNode = new Map<string, string[]>();
  const plan: string[] = [];
  const reported = new Set<string>();
  const add = (nodeIndex: number | null, field: string, message: string) => {
    reported.add(field);
    if (nodeIndex === null) return void plan.push(message);
    const id = doc.nodes[nodeIndex]?.nodeId ?? '?';
    const list = byNode.get(id) ?? [];
    if (!list.includes(message)) list.push(message);
    byNode.set(id, list);
  };

  if (!doc.name) add(null, 'name', 'the plan needs a name');
  if (!doc.workOrderCode) add(null, 'workOrderCode', 'the plan needs a work order');
  else if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(doc.workOrderCode)) add(null, 'workOrderCode', 'work order: letters, digits and . _ / - only');
  if (!positive(doc.quantity)) add(null, 'quantity', 'plan quantity must be more than 0');
  if (doc.nodes.length === 0) add(null, 'nodes', 'add at least one step (drag an operation onto the canvas)');

  doc.nodes.forEach((n, i) => {
    const at = `nodes/${i}`;
    if (!n.name) add(i, `${at}/name`, 'name is required');
    if (!positive(n.nominalTime)) add(i, `${at}/nominalTime`, 'nominal time (min per unit) is required');
    if (n.quantity !== undefined && !positive(n.quantity)) add(i, `${at}/quantity`, 'quantity must be more than 0');
    if (n.efficiency !== undefined && !(positive(n.efficiency) && n.efficiency <= 5)) add(i, `${at}/efficiency`, 'efficiency must be between 0 and 5');
    if (n.assignedStations.length === 0) add(i, `${at}/assignedStations`, 'choose at least one station');
    n.assignedStations.forEach((s, j) => {
      if (!Number.isInteger(s.priority) || s.priority < 1 || s.priority > 99)
        add(i, `${at}/assignedStations/${j}/priority`, `${s.stationId}: priority must be a whole number 1–99`);
      if (s.time !== undefined && !positive(s.time)) add(i, `${at}/assignedStations/${j}/time`, `${s.stationId}: time must be more than 0`);
    });
    n.materialInputs.forEach((m, j) => {
      if (!m.materialCode) add(i, `${at}/materialInputs/${j}/materialCode`, 'choose the input material');
      if (!positive(m.requiredQuantity)) add(i, `${at}/materialInputs/${j}/requiredQuantity`, `${m.materialCode || 'input'}: quantity must be more than 0`);
    });
    if (n.output) {
      if (!n.output.materialCode) add(i, `${at}/output/materialCode`, 'choose the output material');
      if (!(Number.isFinite(n.output.quantity) && n.output.quantity >= 0)) add(i, `${at}/output/quantity`, 'output quantity is required');
    }
  });

  const cycle = findCycle(doc.nodes);
  if (cycle) {
    const message = `cycle: ${cycle.join(' → ')}`;
    const index = new Map(doc.nodes.map((n, i) => [n.nodeId, i]));
    for (const id of new Set(cycle)) add(index.get(id) ?? null, `cycle/${id}`, message);
  }

  for (const p of validatePlanDocument(doc, catalog)) {
    const field = p.field ?? '';
    if (p.message.startsWith('cycle:')) continue;
    if ([...reported].some((r) => field === r || field.startsWith(`${r}/`))) continue;
    const m = /^nodes\/(\d+)/.exec(field);
    // the rule's message starts with "node N3: "; on the node itself that is noise
    add(m ? Number(m[1]) : null, field, p.message.replace(/^node [A-Za-z0-9_-]+:\s*/, ''));
  }
  let count = plan.length;
  for (const list of byNode.values()) count += list.length;
  return { byNode, plan, count };
}

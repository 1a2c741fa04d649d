/**
 * The designer's state without its canvas: the plan's meta, steps (React
 * Flow nodes) and predecessor edges, what was saved and whether there are
 * unsaved changes, and the problems found as you type (deferred, so typing
 * never waits for validation). Every edit marks the plan dirty.
 */
import { type Connection, type Edge, type EdgeChange, type NodeChange, applyEdgeChanges, applyNodeChanges } from '@xyflow/react';
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { Material, Operation, PlanDetail, Station, Worker } from '../../api/types';
import { autoLayout, needsLayout, nodeWidth } from '../../components/graph/layout';
import type { DesignerLookups } from './DesignNode';
import { catalogOf, emptyMeta, fromPlan, newStep, nextNodeId, type PlanMeta, problemsOf, type Step, type StepNode, stepEdge, toDocument } from './model';
import { ProblemStore } from './problemStore';

export interface CatalogData {
  operations: Operation[];
  stations: Station[];
  materials: Material[];
  workers: Worker[];
}

export type SavedPlan = Pick<PlanDetail, 'id' | 'version' | 'status'>;

export function useDesignerState(initial: PlanDetail | null, catalogData: CatalogData) {
  const start = useMemo(() => (initial ? fromPlan(initial) : { meta: emptyMeta, nodes: [] as StepNode[], edges: [] as Edge[] }), [initial]);
  const [meta, setMeta] = useState<PlanMeta>(start.meta);
  const [nodes, setNodes] = useState<StepNode[]>(() => {
    if (!needsLayout(start.nodes.map((n) => n.position))) return start.nodes;
    const pos = autoLayout({ nodes: start.nodes, edges: start.edges });
    return start.nodes.map((n) => ({ ...n, position: pos.get(n.id)! }));
  });
  const [edges, setEdges] = useState<Edge[]>(start.edges);
  const [opensEmpty] = useState(start.nodes.length === 0);
  const [saved, setSaved] = useState<SavedPlan | null>(initial ? { id: initial.id, version: initial.version, status: initial.status } : null);
  const [dirty, setDirty] = useState(false);
  const readOnly = !!saved && saved.status !== 'draft';

  // ---- validation, deferred so typing never waits for it -------------------
  const catalog = useMemo(() => catalogOf(catalogData.operations, catalogData.stations, catalogData.materials, catalogData.workers), [catalogData]);
  const current = useMemo(() => ({ meta, nodes, edges }), [meta, nodes, edges]);
  const deferred = useDeferredValue(current);
  const doc = useMemo(() => toDocument(deferred.meta, deferred.nodes, deferred.edges), [deferred]);
  const problems = useMemo(() => problemsOf(doc, catalog), [doc, catalog]);
  const [store] = useState(() => new ProblemStore());
  useEffect(() => store.set(problems.byNode), [store, problems]);
  const opNames = useMemo(() => new Map(catalogData.operations.map((o) => [o.id, o.name])), [catalogData.operations]);
  const lookups = useMemo<DesignerLookups>(() => ({ operationName: (opId) => opNames.get(opId) ?? opId, problems: store }), [opNames, store]);

  // ---- editing ---------------------------------------------------------------
  const touch = useCallback(() => setDirty(true), []);
  const editMeta = (patch: Partial<PlanMeta>) => {
    setMeta((m) => ({ ...m, ...patch }));
    touch();
  };
  const onNodesChange = useCallback(
    (changes: NodeChange<StepNode>[]) => {
      setNodes((nds) => applyNodeChanges(changes, nds));
      if (changes.some((c) => c.type === 'remove' || (c.type === 'position' && c.dragging === false))) touch();
    },
    [touch],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange[]) => {
      setEdges((eds) => applyEdgeChanges(changes, eds));
      if (changes.some((c) => c.type === 'remove')) touch();
    },
    [touch],
  );
  const connect = useCallback(
    (source: string, target: string) => {
      if (source === target) return;
      setEdges((eds) => (eds.some((e) => e.source === source && e.target === target) ? eds : [...eds, stepEdge(source, target)]));
      touch();
    },
    [touch],
  );
  const onConnect = useCallback((c: Connection) => connect(c.source, c.target), [connect]);
  const removeEdge = useCallback(
    (target: string, source: string) => {
      setEdges((eds) => eds.filter((e) => !(e.source === source && e.target === target)));
      touch();
    },
    [touch],
  );
  const updateStep = useCallback(
    (nodeId: string, patch: Partial<Step>) => {
      setNodes((nds) => nds.map((n) => (n.id === nodeId ? { ...n, data: { step: { ...n.data.step, ...patch } } } : n)));
      touch();
    },
    [touch],
  );
  const deleteNode = useCallback(
    (nodeId: string) => {
      setNodes((nds) => nds.filter((n) => n.id !== nodeId));
      setEdges((eds) => eds.filter((e) => e.source !== nodeId && e.target !== nodeId));
      touch();
    },
    [touch],
  );
  /** A new step of that operation, selected: at `position`, or right of the rightmost step. */
  const addStep = useCallback(
    (operationId: string, position?: { x: number; y: number }) => {
      const op = catalogData.operations.find((o) => o.id === operationId);
      if (!op) return;
      setNodes((nds) => {
        const nodeId = nextNodeId(nds);
        const at =
          position ??
          (nds.length === 0 ? { x: 40, y: 40 } : { x: Math.max(...nds.map((n) => n.position.x)) + nodeWidth + 60, y: nds[nds.length - 1]!.position.y });
        const node: StepNode = { id: nodeId, type: 'step', position: at, data: { step: newStep(nodeId, op, catalogData.stations) }, selected: true };
        return [...nds.map((n) => (n.selected ? { ...n, selected: false } : n)), node];
      });
      touch();
    },
    [catalogData, touch],
  );
  /** Lays the graph out left to right (with the sizes the canvas measured). */
  const layout = () => {
    const pos = autoLayout({ nodes: nodes.map((n) => ({ id: n.id, width: n.measured?.width, height: n.measured?.height })), edges });
    setNodes((nds) => nds.map((n) => ({ ...n, position: pos.get(n.id) ?? n.position })));
    touch();
  };
  const selectNode = (nodeId: string) => setNodes((nds) => nds.map((n) => (n.selected !== (n.id === nodeId) ? { ...n, selected: n.id === nodeId } : n)));

  /** The server took the plan: this is now its saved version, nothing unsaved. */
  const markSaved = (plan: SavedPlan) => {
    setSaved({ id: plan.id, version: plan.version, status: plan.status });
    setDirty(false);
  };

  return {
    meta,
    nodes,
    edges,
    opensEmpty,
    saved,
    dirty,
    readOnly,
    problems,
    store,
    lookups,
    /** The plan document to save, from the current (not the deferred) state. */
    document: () => toDocument(meta, nodes, edges),
    editMeta,
    onNodesChange,
    onEdgesChange,
    onConnect,
    connect,
    removeEdge,
    updateStep,
    deleteNode,
    addStep,
    layout,
    selectNode,
    markSaved,
  };
}

export type DesignerState = ReturnType<typeof useDesignerState>;

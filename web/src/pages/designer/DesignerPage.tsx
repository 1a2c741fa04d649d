/**
 * Plan designer: a React Flow editor of a draft plan. Steps come from the
 * operations palette (drag or +), edges are predecessors (drag from a step's
 * right handle to another's left handle), the side panel edits the selected
 * step. Problems are found as you type, with the server's own rules, and
 * shown on the nodes; saving is possible when there are none.
 */
import {
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  MiniMap,
  type NodeChange,
  ReactFlow,
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  useReactFlow,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { type DragEvent, useCallback, useDeferredValue, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useMaterials, useOperations, useStations, useWorkers } from '../../api/masterData';
import { useDuplicatePlan, usePlan, useSavePlan } from '../../api/plans';
import type { Material, Operation, PlanDetail, Station, Worker } from '../../api/types';
import '../../components/graph/graph.css';
import { InitialFit } from '../../components/graph/InitialFit';
import { autoLayout, needsLayout, nodeHeight, nodeWidth } from '../../components/graph/layout';
import { navigate, useNavigationGuard } from '../../router';
import { Alert, Button, NumberInput, StatusBadge, TextField, Field } from '../../ui';
import { ConfirmAction } from '../../components/PlanActions';
import { DesignerContext, type DesignerLookups, DesignNode } from './DesignNode';
import { catalogOf, emptyMeta, fromPlan, newStep, nextNodeId, type PlanMeta, problemsOf, type Step, type StepNode, stepEdge, toDocument } from './model';
import { NodePanel } from './NodePanel';
import { Palette, operationMime } from './Palette';
import { ProblemStore, useNodeProblems } from './problemStore';
import './designer.css';

const nodeTypes = { step: DesignNode };
// props of <ReactFlow> are module constants: a new object per render would update its store on every keystroke
const deleteKeys = ['Delete', 'Backspace'];
const ariaLabels = { 'node.a11yDescription.default': 'Press Enter or Space to select this step; arrow keys move it.' };
const isValidConnection = (c: { source: string; target: string }) => c.source !== c.target;

export function DesignerPage({ id }: { id: string | undefined }) {
  // a save of a new plan moves the URL to its id without starting a new editing session
  const savedAs = useRef<string | undefined>(undefined);
  const [session, setSession] = useState({ id, key: 0 });
  if (session.id !== id) setSession({ id, key: id !== undefined && savedAs.current === id ? session.key : session.key + 1 });

  const plan = usePlan(id);
  const operations = useOperations();
  const stations = useStations();
  const materials = useMaterials();
  const workers = useWorkers();
  const catalogData = useMemo(
    () =>
      operations.data && stations.data && materials.data && workers.data
        ? { operations: operations.data.items, stations: stations.data.items, materials: materials.data.items, workers: workers.data.items }
        : null,
    [operations.data, stations.data, materials.data, workers.data],
  );
  const failed = plan.error ?? operations.error ?? stations.error ?? materials.error ?? workers.error;
  if (failed) return <ErrorAlert error={failed} title="Cannot open the designer" />;
  if ((id && !plan.data) || !catalogData) return <div className="empty">Loading…</div>;
  return (
    <ReactFlowProvider key={session.key}>
      <Designer
        initial={id ? (plan.data ?? null) : null}
        catalogData={catalogData}
        onSavedNew={(newId) => {
          savedAs.current = newId;
          // the same editing session under its new id: nothing is lost
          navigate(`/designer/${newId}`, { replace: true, force: true });
        }}
      />
    </ReactFlowProvider>
  );
}

interface CatalogData {
  operations: Operation[];
  stations: Station[];
  materials: Material[];
  workers: Worker[];
}

function Designer({ initial, catalogData, onSavedNew }: { initial: PlanDetail | null; catalogData: CatalogData; onSavedNew: (id: string) => void }) {
  const flow = useReactFlow<StepNode>();
  const start = useMemo(() => (initial ? fromPlan(initial) : { meta: emptyMeta, nodes: [] as StepNode[], edges: [] as Edge[] }), [initial]);
  const [meta, setMeta] = useState<PlanMeta>(start.meta);
  const [nodes, setNodes] = useState<StepNode[]>(() => {
    if (!needsLayout(start.nodes.map((n) => n.position))) return start.nodes;
    const pos = autoLayout({ nodes: start.nodes, edges: start.edges });
    return start.nodes.map((n) => ({ ...n, position: pos.get(n.id)! }));
  });
  const [edges, setEdges] = useState<Edge[]>(start.edges);
  const [opensEmpty] = useState(start.nodes.length === 0);
  const [saved, setSaved] = useState<{ id: string; version: number; status: PlanDetail['status'] } | null>(initial ? { id: initial.id, version: initial.version, status: initial.status } : null);
  const [dirty, setDirty] = useState(false);
  const [releasing, setReleasing] = useState(false);
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
  const addStep = useCallback(
    (operationId: string, position?: { x: number; y: number }) => {
      const op = catalogData.operations.find((o) => o.id === operationId);
      if (!op) return;
      setNodes((nds) => {
        const nodeId = nextNodeId(nds);
        const at = position ?? (nds.length === 0 ? { x: 40, y: 40 } : { x: Math.max(...nds.map((n) => n.position.x)) + nodeWidth + 60, y: nds[nds.length - 1]!.position.y });
        const node: StepNode = { id: nodeId, type: 'step', position: at, data: { step: newStep(nodeId, op, catalogData.stations) }, selected: true };
        return [...nds.map((n) => (n.selected ? { ...n, selected: false } : n)), node];
      });
      touch();
    },
    [catalogData, touch],
  );
  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(operationMime)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const opId = e.dataTransfer.getData(operationMime);
      if (!opId || readOnly) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addStep(opId, { x: Math.round(p.x - nodeWidth / 2), y: Math.round(p.y - nodeHeight / 2) });
    },
    [flow, addStep, readOnly],
  );
  const layout = () => {
    const pos = autoLayout({ nodes: nodes.map((n) => ({ id: n.id, width: n.measured?.width, height: n.measured?.height })), edges });
    setNodes((nds) => nds.map((n) => ({ ...n, position: pos.get(n.id) ?? n.position })));
    touch();
    window.requestAnimationFrame(() => void flow.fitView({ padding: 0.15, duration: 200 }));
  };
  const selectNode = (nodeId: string) => {
    setNodes((nds) => nds.map((n) => (n.selected !== (n.id === nodeId) ? { ...n, selected: n.id === nodeId } : n)));
    const n = flow.getNode(nodeId);
    if (n) void flow.setCenter(n.position.x + nodeWidth / 2, n.position.y + nodeHeight / 2, { duration: 200, zoom: flow.getZoom() });
  };

  // leaving with unsaved changes asks first: in the app (links, back/forward) and closing the tab
  useNavigationGuard(dirty ? 'This plan has unsaved changes. Leave the designer and lose them?' : null);
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  // ---- save, release, duplicate ---------------------------------------------
  const save = useSavePlan({
    onSuccess: (plan) => {
      const isNew = !saved;
      setSaved({ id: plan.id, version: plan.version, status: plan.status });
      setDirty(false);
      if (isNew) onSavedNew(plan.id);
    },
  });
  const duplicate = useDuplicatePlan(saved?.id ?? '', { onSuccess: (copy) => navigate(`/designer/${copy.id}`) });

  const selected = nodes.find((n) => n.selected);
  const nodeList = useMemo(() => nodes.map((n) => ({ id: n.id, name: n.data.step.name })), [nodes]);
  const canSave = !readOnly && problems.count === 0 && (dirty || !saved) && !save.isPending;
  const canRelease = !!saved && saved.status === 'draft' && !dirty && problems.count === 0;

  return (
    <DesignerContext.Provider value={lookups}>
      <div className="designer">
        <div className="designer-toolbar" role="toolbar" aria-label="Plan">
          <TextField label="Plan name" value={meta.name} disabled={readOnly} onChange={(e) => editMeta({ name: e.target.value })} maxLength={200} />
          <TextField label="Work order" value={meta.workOrderCode} disabled={readOnly} onChange={(e) => editMeta({ workOrderCode: e.target.value })} maxLength={50} placeholder="WO-…" />
          <Field label="Quantity" className="field--qty">
            {(control) => (
              <NumberInput {...control} value={Number.isNaN(meta.quantity) ? undefined : meta.quantity} disabled={readOnly} onValue={(v) => editMeta({ quantity: v ?? Number.NaN })} />
            )}
          </Field>
          <Button onClick={layout} disabled={readOnly || nodes.length === 0}>
            Auto layout
          </Button>
          <span className="spacer" />
          <span className="designer-status" role="status" data-testid="designer-status">
            {saved ? (
              <>
                <span className="mono">{saved.id}</span> v{saved.version} <StatusBadge status={saved.status} /> {dirty ? '· unsaved changes' : '· saved'}
              </>
            ) : (
              'new plan · not saved'
            )}
          </span>
          <Button variant="primary" onClick={() => save.mutate({ saved, document: toDocument(meta, nodes, edges) })} disabled={!canSave} title={problems.count > 0 ? `Fix ${problems.count} problems first` : undefined}>
            {save.isPending ? 'Saving…' : 'Save draft'}
          </Button>
          <Button onClick={() => setReleasing(true)} disabled={!canRelease} title={dirty ? 'Save first' : undefined}>
            Release…
          </Button>
          <Button onClick={() => duplicate.mutate()} disabled={!saved || dirty || duplicate.isPending}>
            Duplicate
          </Button>
        </div>
        <div className="designer-body">
          <Palette operations={catalogData.operations} onAdd={addStep} disabled={readOnly} />
          <div className="designer-canvas" onDragOver={onDragOver} onDrop={onDrop} data-testid="designer-canvas">
            <div className="graph">
              <ReactFlow<StepNode>
                nodes={nodes}
                edges={edges}
                nodeTypes={nodeTypes}
                onNodesChange={onNodesChange}
                onEdgesChange={onEdgesChange}
                onConnect={onConnect}
                isValidConnection={isValidConnection}
                nodesDraggable={!readOnly}
                nodesConnectable={!readOnly}
                elementsSelectable
                deleteKeyCode={readOnly ? null : deleteKeys}
                minZoom={0.1}
                onlyRenderVisibleElements={nodes.length > 60}
                ariaLabelConfig={ariaLabels}
              >
                {!opensEmpty && <InitialFit />}
                <Background gap={24} />
                <Controls />
                {nodes.length > 12 && <MiniMap pannable zoomable />}
              </ReactFlow>
            </div>
          </div>
          <aside className="designer-panel" aria-label="Selected step">
            <div className="stack">
              {readOnly && saved && (
                <Alert tone="info" title={`${saved.id} is ${saved.status.replace('_', ' ')}`}>
                  Only drafts are edited. Duplicate it to make a new draft.
                </Alert>
              )}
              <ErrorAlert error={save.error} title="Save refused" />
              <ErrorAlert error={duplicate.error} title="Duplicate refused" />
              {selected ? (
                <SelectedStep
                  key={selected.id}
                  node={selected}
                  store={store}
                  predecessors={edges.filter((e) => e.target === selected.id).map((e) => e.source)}
                  otherNodes={nodeList.filter((n) => n.id !== selected.id)}
                  catalogData={catalogData}
                  readOnly={readOnly}
                  onChange={updateStep}
                  onAddPredecessor={(target, source) => connect(source, target)}
                  onRemovePredecessor={removeEdge}
                  onDelete={deleteNode}
                />
              ) : (
                <p className="muted">Select a step to edit it. Connect steps by dragging from the right edge of one to the left edge of the next.</p>
              )}
              <ProblemList problems={problems} onSelect={selectNode} />
            </div>
          </aside>
        </div>
      </div>
      {releasing && saved && <ConfirmAction planId={saved.id} action="release" onClose={() => setReleasing(false)} onDone={() => navigate(`/production/${saved.id}`)} />}
    </DesignerContext.Provider>
  );
}

function SelectedStep({ node, store, ...rest }: { node: StepNode; store: ProblemStore; predecessors: string[]; otherNodes: { id: string; name: string }[]; catalogData: CatalogData; readOnly: boolean } & Pick<
  Parameters<typeof NodePanel>[0],
  'onChange' | 'onAddPredecessor' | 'onRemovePredecessor' | 'onDelete'
>) {
  const problems = useNodeProblems(store, node.id);
  const { catalogData, ...props } = rest;
  return <NodePanel step={node.data.step} problems={problems} operations={catalogData.operations} stations={catalogData.stations} materials={catalogData.materials} {...props} />;
}

function ProblemList({ problems, onSelect }: { problems: ReturnType<typeof problemsOf>; onSelect: (nodeId: string) => void }) {
  if (problems.count === 0) return <Alert tone="success">No problems: the plan can be saved.</Alert>;
  return (
    <div className="designer-problems" data-testid="designer-problems">
      <Alert tone="warning" title={`${problems.count} problem${problems.count > 1 ? 's' : ''} to fix before saving`}>
        <ul>
          {problems.plan.map((p) => (
            <li key={p}>{p}</li>
          ))}
          {[...problems.byNode].map(([nodeId, list]) =>
            list.map((p) => (
              <li key={`${nodeId}:${p}`}>
                <button type="button" onClick={() => onSelect(nodeId)}>
                  {nodeId}
                </button>
                : {p}
              </li>
            )),
          )}
        </ul>
      </Alert>
    </div>
  );
}

/**
 * Plan designer: a React Flow editor of a draft plan. Steps come from the
 * operations palette (drag or +), edges are predecessors (drag from a step's
 * right handle to another's left handle), the side panel edits the selected
 * step. Problems are found as you type, with the server's own rules, and
 * shown on the nodes; saving is possible when there are none. The state
 * lives in useDesignerState, the canvas in DesignerCanvas.
 */
import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useMaterials, useOperations, useStations, useWorkers } from '../../api/masterData';
import { useDuplicatePlan, usePlan, useSavePlan } from '../../api/plans';
import type { PlanDetail } from '../../api/types';
import { ConfirmAction } from '../../components/PlanActions';
import { navigate, useNavigationGuard } from '../../router';
import { Alert, Button, Field, NumberInput, SelectField, StatusBadge, TextField } from '../../ui';
import { planPriorities, usePriorityLabel } from '../../components/Lateness';
import { DesignerCanvas, useCanvasView } from './DesignerCanvas';
import { DesignerContext } from './DesignNode';
import type { problemsOf, StepNode } from './model';
import { NodePanel } from './NodePanel';
import { Palette } from './Palette';
import { type ProblemStore, useNodeProblems } from './problemStore';
import { type CatalogData, useDesignerState } from './useDesignerState';
import './designer.css';

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

function Designer({ initial, catalogData, onSavedNew }: { initial: PlanDetail | null; catalogData: CatalogData; onSavedNew: (id: string) => void }) {
  const state = useDesignerState(initial, catalogData);
  const { meta, nodes, edges, saved, dirty, readOnly, problems, store, editMeta } = state;
  const view = useCanvasView();
  const [releasing, setReleasing] = useState(false);
  const { t } = useTranslation();
  const priorityLabel = usePriorityLabel();

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
      state.markSaved(plan);
      if (isNew) onSavedNew(plan.id);
    },
  });
  const duplicate = useDuplicatePlan(saved?.id ?? '', { onSuccess: (copy) => navigate(`/designer/${copy.id}`) });

  const selected = nodes.find((n) => n.selected);
  const nodeList = useMemo(() => nodes.map((n) => ({ id: n.id, name: n.data.step.name })), [nodes]);
  const canSave = !readOnly && problems.count === 0 && (dirty || !saved) && !save.isPending;
  const canRelease = !!saved && saved.status === 'draft' && !dirty && problems.count === 0;
  const layout = () => {
    state.layout();
    view.fit();
  };
  const selectNode = (nodeId: string) => {
    state.selectNode(nodeId);
    view.centreOn(nodeId);
  };
  const addInView = (operationId: string) => state.addStep(operationId, view.freeSpotInView());

  return (
    <DesignerContext.Provider value={state.lookups}>
      <div className="designer">
        <div className="designer-toolbar" role="toolbar" aria-label="Plan">
          <TextField label="Plan name" value={meta.name} disabled={readOnly} onChange={(e) => editMeta({ name: e.target.value })} maxLength={200} />
          <TextField
            label="Work order"
            value={meta.workOrderCode}
            disabled={readOnly}
            onChange={(e) => editMeta({ workOrderCode: e.target.value })}
            maxLength={50}
            placeholder="WO-…"
          />
          <Field label="Quantity" className="field--qty">
            {(control) => (
              <NumberInput
                {...control}
                value={Number.isNaN(meta.quantity) ? undefined : meta.quantity}
                disabled={readOnly}
                onValue={(v) => editMeta({ quantity: v ?? Number.NaN })}
              />
            )}
          </Field>
          <TextField
            label={t('due.dueDate')}
            type="datetime-local"
            value={meta.dueDate}
            disabled={readOnly}
            onChange={(e) => editMeta({ dueDate: e.target.value })}
            data-testid="designer-due-date"
          />
          <SelectField
            label={t('due.priority')}
            value={String(meta.priority)}
            disabled={readOnly}
            onChange={(e) => editMeta({ priority: Number(e.target.value) })}
            options={planPriorities.map((p) => ({ value: String(p), label: priorityLabel(p) }))}
            data-testid="designer-priority"
          />
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
          <Button
            variant="primary"
            onClick={() => save.mutate({ saved, document: state.document() })}
            disabled={!canSave}
            title={problems.count > 0 ? `Fix ${problems.count} problems first` : undefined}
          >
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
          <Palette operations={catalogData.operations} onAdd={(opId) => addInView(opId)} disabled={readOnly} />
          <DesignerCanvas {...state} />
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
                  onChange={state.updateStep}
                  onAddPredecessor={(target, source) => state.connect(source, target)}
                  onRemovePredecessor={state.removeEdge}
                  onDelete={state.deleteNode}
                />
              ) : (
                <p className="muted">Select a step to edit it. Connect steps by dragging from the right edge of one to the left edge of the next.</p>
              )}
              <ProblemList problems={problems} onSelect={selectNode} />
            </div>
          </aside>
        </div>
      </div>
      {releasing && saved && (
        <ConfirmAction planId={saved.id} action="release" onClose={() => setReleasing(false)} onDone={() => navigate(`/production/${saved.id}`)} />
      )}
    </DesignerContext.Provider>
  );
}

function SelectedStep({
  node,
  store,
  ...rest
}: {
  node: StepNode;
  store: ProblemStore;
  predecessors: string[];
  otherNodes: { id: string; name: string }[];
  catalogData: CatalogData;
  readOnly: boolean;
} & Pick<Parameters<typeof NodePanel>[0], 'onChange' | 'onAddPredecessor' | 'onRemovePredecessor' | 'onDelete'>) {
  const problems = useNodeProblems(store, node.id);
  const { catalogData, ...props } = rest;
  return (
    <NodePanel
      step={node.data.step}
      problems={problems}
      operations={catalogData.operations}
      stations={catalogData.stations}
      materials={catalogData.materials}
      {...props}
    />
  );
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

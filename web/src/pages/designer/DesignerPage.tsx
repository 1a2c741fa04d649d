/**
 * Plan designer: a React Flow editor of a draft plan. Steps come from the
 * operations palette (drag or +), edges are predecessors (drag from a step's
 * right handle to another's left handle), the side panel edits the selected
 * step. Problems are found as you type, with the server's own rules, and
 * shown on the nodes; saving is possible when there are none. The state
 * lives in useDesignerState, the canvas in DesignerCanvas.
 */
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../../format';
import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useMemo, useRef, useState } from 'react';
import { ErrorAlert } from '../../api/ErrorAlert';
import { useMaterials, useOperations, useStations, useWorkers } from '../../api/masterData';
import { useDuplicatePlan, usePlan, useSavePlan } from '../../api/plans';
import type { PlanDetail } from '../../api/types';
import { ConfirmAction } from '../../components/PlanActions';
import { OwnerDocuments } from '../../components/documents/OwnerDocuments';
import { navigate, useNavigationGuard } from '../../router';
import { Alert, Button, Field, NumberInput, SelectField, StatusBadge, TextField, statusLabel } from '../../ui';
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
  const { t } = useTranslation();
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
  if (failed) return <ErrorAlert error={failed} title={t('designer.cannotOpen')} />;
  if ((id && !plan.data) || !catalogData) return <div className="empty">{t('common.loading')}</div>;
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
  const { t } = useTranslation();
  const state = useDesignerState(initial, catalogData);
  const { meta, nodes, edges, saved, dirty, readOnly, problems, store, editMeta } = state;
  const view = useCanvasView();
  const [releasing, setReleasing] = useState(false);
  const priorityLabel = usePriorityLabel();

  // leaving with unsaved changes asks first: in the app (links, back/forward) and closing the tab
  useNavigationGuard(dirty ? t('designer.leaveUnsaved') : null);
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
        <div className="designer-toolbar" role="toolbar" aria-label={t('plans.col.plan')}>
          <TextField
            label={t('designer.planName')}
            value={meta.name}
            disabled={readOnly}
            onChange={(e) => editMeta({ name: e.target.value })}
            maxLength={200}
          />
          <TextField
            label={t('plan.workOrder')}
            value={meta.workOrderCode}
            disabled={readOnly}
            onChange={(e) => editMeta({ workOrderCode: e.target.value })}
            maxLength={50}
            placeholder="WO-…"
          />
          <Field label={t('portal.quantity')} className="field--qty">
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
            {t('designer.autoLayout')}
          </Button>
          <span className="spacer" />
          <span className="designer-status" role="status" data-testid="designer-status">
            {saved ? (
              <>
                <span className="mono">{saved.id}</span> v{saved.version} <StatusBadge status={saved.status} /> ·{' '}
                {dirty ? t('designer.unsavedChanges') : t('designer.saved')}
              </>
            ) : (
              t('designer.newNotSaved')
            )}
          </span>
          <Button
            variant="primary"
            onClick={() => save.mutate({ saved, document: state.document() })}
            disabled={!canSave}
            title={problems.count > 0 ? t('designer.fixFirst', { count: problems.count, n: formatNumber(problems.count) }) : undefined}
          >
            {save.isPending ? t('designer.saving') : t('designer.saveDraft')}
          </Button>
          <Button onClick={() => setReleasing(true)} disabled={!canRelease} title={dirty ? t('designer.saveFirst') : undefined}>
            {t('designer.release')}
          </Button>
          <Button onClick={() => duplicate.mutate()} disabled={!saved || dirty || duplicate.isPending}>
            {t('plan.duplicate')}
          </Button>
        </div>
        <div className="designer-body">
          <Palette operations={catalogData.operations} onAdd={(opId) => addInView(opId)} disabled={readOnly} />
          <DesignerCanvas {...state} />
          <aside className="designer-panel" aria-label={t('designer.selectedStep')}>
            <div className="stack">
              {readOnly && saved && (
                <Alert tone="info" title={t('designer.readOnlyTitle', { id: saved.id, status: statusLabel(saved.status) })}>
                  {t('designer.readOnly')}
                </Alert>
              )}
              <ErrorAlert error={save.error} title={t('designer.saveRefused')} />
              <ErrorAlert error={duplicate.error} title={t('plan.duplicateRefused')} />
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
                  planId={saved?.id}
                />
              ) : (
                <p className="muted">{t('designer.selectHint')}</p>
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
  /** The saved plan the step belongs to: its documents can be listed and uploaded (a step not saved yet has none). */
  planId?: string | undefined;
} & Pick<Parameters<typeof NodePanel>[0], 'onChange' | 'onAddPredecessor' | 'onRemovePredecessor' | 'onDelete'>) {
  const { t } = useTranslation();
  const problems = useNodeProblems(store, node.id);
  const { catalogData, planId, ...props } = rest;
  return (
    <>
      <NodePanel
        step={node.data.step}
        problems={problems}
        operations={catalogData.operations}
        stations={catalogData.stations}
        materials={catalogData.materials}
        {...props}
      />
      {planId && (
        <section className="stack" aria-label={t('documents.title')}>
          <h3 className="card__subtitle">{t('documents.title')}</h3>
          <OwnerDocuments owner={{ kind: 'plan_node', planId, nodeId: node.id }} canManage={!props.readOnly} testId="designer-documents" />
        </section>
      )}
    </>
  );
}

function ProblemList({ problems, onSelect }: { problems: ReturnType<typeof problemsOf>; onSelect: (nodeId: string) => void }) {
  const { t } = useTranslation();
  if (problems.count === 0) return <Alert tone="success">{t('designer.noProblems')}</Alert>;
  return (
    <div className="designer-problems" data-testid="designer-problems">
      <Alert tone="warning" title={t('designer.problemsToFix', { count: problems.count, n: formatNumber(problems.count) })}>
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

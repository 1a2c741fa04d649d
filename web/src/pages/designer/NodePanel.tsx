/**
 * The side panel of the selected step: name, operation, times, candidate
 * stations (only those that can do the operation are offered), material
 * inputs, output, predecessors — the keyboard way to do what the canvas does.
 */
import { useTranslation } from 'react-i18next';
import type { Material, Operation, Station } from '../../api/types';
import { Alert, Button, Checkbox, Field, IconButton, NumberField, NumberInput, SelectField, TextAreaField, TextField } from '../../ui';
import type { Step } from './model';
import { formatNumber } from '../../format';

export interface NodePanelProps {
  step: Step;
  predecessors: string[];
  otherNodes: { id: string; name: string }[];
  operations: Operation[];
  stations: Station[];
  materials: Material[];
  problems: readonly string[];
  readOnly: boolean;
  onChange: (nodeId: string, patch: Partial<Step>) => void;
  onAddPredecessor: (nodeId: string, predecessor: string) => void;
  onRemovePredecessor: (nodeId: string, predecessor: string) => void;
  onDelete: (nodeId: string) => void;
}

const orNaN = (v: number | undefined) => (v === undefined ? Number.NaN : v);

export function NodePanel(props: NodePanelProps) {
  const { t } = useTranslation();
  const { step, predecessors, otherNodes, operations, stations, materials, problems, readOnly } = props;
  const id = step.nodeId;
  const change = (patch: Partial<Step>) => props.onChange(id, patch);
  const capable = stations.filter((s) => s.archivedAt === null && s.operations.some((o) => o.id === step.operationId));
  const incapable = step.assignedStations.filter((a) => !capable.some((s) => s.id === a.stationId));
  const candidate = (stationId: string) => step.assignedStations.find((a) => a.stationId === stationId);
  const setCandidate = (stationId: string, patch: { priority?: number; time?: number | undefined } | null) => {
    const others = step.assignedStations.filter((a) => a.stationId !== stationId);
    if (patch === null) return change({ assignedStations: others });
    const current = candidate(stationId) ?? { stationId, priority: others.length + 1 };
    const next = { ...current, ...patch };
    if (next.time === undefined) delete next.time;
    change({ assignedStations: [...others, next].sort((a, b) => a.priority - b.priority) });
  };
  const materialOptions = materials.filter((m) => m.archivedAt === null).map((m) => ({ value: m.code, label: `${m.code} — ${m.name}` }));
  const inputs = step.materialInputs;
  const setInput = (j: number, patch: Partial<Step['materialInputs'][number]>) =>
    change({
      materialInputs: inputs.map((m, k) => {
        if (k !== j) return m;
        const next = { ...m, ...patch };
        if (!next.fromNodeId) delete next.fromNodeId;
        return next;
      }),
    });
  const canAddPredecessor = otherNodes.filter((n) => !predecessors.includes(n.id));

  return (
    <fieldset className="designer-panel__form" disabled={readOnly} aria-label={t('designer.panel.step', { id })}>
      <div className="row">
        <h2>
          {t('designer.panel.stepHeading')} <span className="mono">{id}</span>
        </h2>
        <span className="spacer" />
        <Button variant="danger" size="sm" onClick={() => props.onDelete(id)}>
          {t('designer.panel.deleteStep')}
        </Button>
      </div>
      {problems.length > 0 && (
        <Alert title={t('designer.panel.problems', { count: problems.length, n: formatNumber(problems.length) })}>
          <ul data-testid="panel-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </Alert>
      )}
      <TextField label={t('plans.col.name')} value={step.name} onChange={(e) => change({ name: e.target.value })} maxLength={200} />
      <SelectField
        label={t('portal.operation')}
        value={step.operationId}
        onChange={(e) => change({ operationId: e.target.value })}
        options={operations.map((o) => ({ value: o.id, label: `${o.id} ${o.name}${o.archivedAt ? ` ${t('designer.panel.archived')}` : ''}` }))}
      />
      <div className="form-grid">
        <NumberField
          label={t('designer.panel.nominalTime')}
          value={Number.isNaN(step.nominalTime) ? undefined : step.nominalTime}
          onValue={(v) => change({ nominalTime: orNaN(v) })}
        />
        <NumberField label={t('portal.quantity')} hint={t('designer.panel.quantityHint')} value={step.quantity} onValue={(v) => change({ quantity: v })} />
        <NumberField
          label={t('designer.panel.efficiency')}
          hint={t('designer.panel.efficiencyHint')}
          value={step.efficiency}
          onValue={(v) => change({ efficiency: v })}
        />
      </div>

      <fieldset className="fieldset">
        <legend>{t('designer.panel.stations')}</legend>
        {capable.length === 0 && <p className="muted small">{t('designer.panel.noStation')}</p>}
        <div className="stack">
          {capable.map((s) => {
            const c = candidate(s.id);
            return (
              <div key={s.id} className="designer-station">
                <Checkbox label={`${s.id} ${s.name}`} checked={!!c} onChange={(e) => setCandidate(s.id, e.target.checked ? {} : null)} />
                {c && (
                  <div className="designer-station__numbers">
                    <label className="small" htmlFor={`prio-${id}-${s.id}`}>
                      {t('designer.panel.priority')}
                    </label>
                    <NumberInput id={`prio-${id}-${s.id}`} value={c.priority} onValue={(v) => setCandidate(s.id, { priority: orNaN(v) })} />
                    <label className="small" htmlFor={`time-${id}-${s.id}`}>
                      {t('designer.panel.minPerUnitHere')}
                    </label>
                    <NumberInput
                      id={`time-${id}-${s.id}`}
                      placeholder={t('designer.panel.nominal')}
                      value={c.time}
                      onValue={(v) => setCandidate(s.id, { time: v })}
                    />
                  </div>
                )}
              </div>
            );
          })}
          {incapable.map((a) => (
            <div key={a.stationId} className="row">
              <span className="badge tone-danger">{t('designer.panel.cannotDo', { station: a.stationId, operation: step.operationId })}</span>
              <Button size="sm" onClick={() => setCandidate(a.stationId, null)}>
                {t('designer.panel.remove')}
              </Button>
            </div>
          ))}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>{t('plan.materialInputs')}</legend>
        <div className="stack">
          {inputs.map((m, j) => (
            <div key={j} className="designer-input">
              <Field label={t('designer.panel.inputMaterial', { n: j + 1 })}>
                {(control) => (
                  <select className="select" {...control} value={m.materialCode} onChange={(e) => setInput(j, { materialCode: e.target.value })}>
                    <option value="">{t('designer.panel.choose')}</option>
                    {materialOptions.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <NumberField
                label={t('portal.quantity')}
                value={Number.isNaN(m.requiredQuantity) ? undefined : m.requiredQuantity}
                onValue={(v) => setInput(j, { requiredQuantity: orNaN(v) })}
              />
              <SelectField
                label={t('designer.panel.fromStep')}
                value={m.fromNodeId ?? ''}
                onChange={(e) => setInput(j, { fromNodeId: e.target.value || undefined })}
                placeholder="stock"
                options={predecessors.map((p) => ({ value: p, label: p }))}
              />
              <IconButton label={t('designer.panel.removeInput', { n: j + 1 })} onClick={() => change({ materialInputs: inputs.filter((_, k) => k !== j) })}>
                ✕
              </IconButton>
            </div>
          ))}
          <Button size="sm" onClick={() => change({ materialInputs: [...inputs, { materialCode: '', requiredQuantity: Number.NaN }] })}>
            {t('designer.panel.addInput')}
          </Button>
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>{t('designer.panel.output')}</legend>
        <div className="form-grid">
          <SelectField
            label={t('designer.panel.materialProduced')}
            value={step.output?.materialCode ?? ''}
            placeholder={t('plan.none')}
            onChange={(e) => change({ output: e.target.value ? { materialCode: e.target.value, quantity: step.output?.quantity ?? Number.NaN } : null })}
            options={materialOptions}
          />
          {step.output && (
            <NumberField
              label={t('designer.panel.outputQuantity')}
              value={Number.isNaN(step.output.quantity) ? undefined : step.output.quantity}
              onValue={(v) => change({ output: { materialCode: step.output!.materialCode, quantity: orNaN(v) } })}
            />
          )}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>{t('designer.panel.predecessors')}</legend>
        <div className="row">
          {predecessors.length === 0 && <span className="muted small">{t('designer.panel.noPredecessors')}</span>}
          {predecessors.map((p) => (
            <span key={p} className="chip">
              {p}
              <IconButton size="sm" variant="ghost" label={t('designer.panel.removePredecessor', { p, id })} onClick={() => props.onRemovePredecessor(id, p)}>
                ✕
              </IconButton>
            </span>
          ))}
        </div>
        {canAddPredecessor.length > 0 && (
          <SelectField
            label={t('designer.panel.addPredecessor')}
            value=""
            placeholder={t('designer.panel.chooseStep')}
            onChange={(e) => e.target.value && props.onAddPredecessor(id, e.target.value)}
            options={canAddPredecessor.map((n) => ({ value: n.id, label: `${n.id} ${n.name}` }))}
          />
        )}
      </fieldset>
      <TextAreaField label={t('designer.panel.noteForOperator')} value={step.note ?? ''} onChange={(e) => change({ note: e.target.value })} maxLength={2000} />
    </fieldset>
  );
}

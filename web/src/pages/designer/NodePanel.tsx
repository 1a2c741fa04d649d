/**
 * The side panel of the selected step: name, operation, times, candidate
 * stations (only those that can do the operation are offered), material
 * inputs, output, predecessors — the keyboard way to do what the canvas does.
 */
import { useTranslation } from 'react-i18next';
import type { Material, Operation, Station } from '../../api/types';
import { formatAmount } from '../../format';
import { Alert, Button, Checkbox, Field, IconButton, NumberField, NumberInput, SelectField, TextAreaField, TextField } from '../../ui';
import type { Step } from './model';

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
  const { step, predecessors, otherNodes, operations, stations, materials, problems, readOnly } = props;
  const id = step.nodeId;
  const change = (patch: Partial<Step>) => props.onChange(id, patch);
  const operation = operations.find((o) => o.id === step.operationId);
  // another operation brings its usual time along, unless the planner typed one of their own
  const changeOperation = (operationId: string) => {
    const next = operations.find((o) => o.id === operationId);
    const typedOwn = !Number.isNaN(step.nominalTime) && step.nominalTime !== operation?.defaultNominalTime;
    change({ operationId, ...(next?.defaultNominalTime != null && !typedOwn ? { nominalTime: next.defaultNominalTime } : {}) });
  };
  const materialByCode = new Map(materials.map((m) => [m.code, m]));
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
    <fieldset className="designer-panel__form" disabled={readOnly} aria-label={`Step ${id}`}>
      <div className="row">
        <h2>
          Step <span className="mono">{id}</span>
        </h2>
        <span className="spacer" />
        <Button variant="danger" size="sm" onClick={() => props.onDelete(id)}>
          Delete step
        </Button>
      </div>
      {problems.length > 0 && (
        <Alert title={`${problems.length} problem${problems.length > 1 ? 's' : ''}`}>
          <ul data-testid="panel-problems">
            {problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </Alert>
      )}
      <TextField label="Name" value={step.name} onChange={(e) => change({ name: e.target.value })} maxLength={200} />
      <SelectField
        label="Operation"
        value={step.operationId}
        onChange={(e) => changeOperation(e.target.value)}
        options={operations.map((o) => ({ value: o.id, label: `${o.id} ${o.name}${o.archivedAt ? ' (archived)' : ''}` }))}
      />
      <div className="form-grid">
        <NumberField
          label="Nominal time (min/unit)"
          value={Number.isNaN(step.nominalTime) ? undefined : step.nominalTime}
          onValue={(v) => change({ nominalTime: orNaN(v) })}
        />
        <NumberField label="Quantity" hint="empty = plan quantity" value={step.quantity} onValue={(v) => change({ quantity: v })} />
        <NumberField
          label="Efficiency"
          hint="empty = operation default"
          placeholder={operation ? String(operation.defaultEfficiency) : undefined}
          value={step.efficiency}
          onValue={(v) => change({ efficiency: v })}
        />
      </div>

      <fieldset className="fieldset">
        <legend>Stations (priority 1 = preferred)</legend>
        {capable.length === 0 && <p className="muted small">No station can do this operation.</p>}
        <div className="stack">
          {capable.map((s) => {
            const c = candidate(s.id);
            return (
              <div key={s.id} className="designer-station">
                <Checkbox label={`${s.id} ${s.name}`} checked={!!c} onChange={(e) => setCandidate(s.id, e.target.checked ? {} : null)} />
                {c && (
                  <div className="designer-station__numbers">
                    <label className="small" htmlFor={`prio-${id}-${s.id}`}>
                      Priority
                    </label>
                    <NumberInput id={`prio-${id}-${s.id}`} value={c.priority} onValue={(v) => setCandidate(s.id, { priority: orNaN(v) })} />
                    <label className="small" htmlFor={`time-${id}-${s.id}`}>
                      Min/unit here
                    </label>
                    <NumberInput id={`time-${id}-${s.id}`} placeholder="nominal" value={c.time} onValue={(v) => setCandidate(s.id, { time: v })} />
                  </div>
                )}
              </div>
            );
          })}
          {incapable.map((a) => (
            <div key={a.stationId} className="row">
              <span className="badge tone-danger">
                {a.stationId} cannot do {step.operationId}
              </span>
              <Button size="sm" onClick={() => setCandidate(a.stationId, null)}>
                Remove
              </Button>
            </div>
          ))}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Material inputs</legend>
        <div className="stack">
          {inputs.map((m, j) => (
            <div key={j} className="designer-input">
              <Field label={`Input ${j + 1} material`}>
                {(control) => (
                  <select className="select" {...control} value={m.materialCode} onChange={(e) => setInput(j, { materialCode: e.target.value })}>
                    <option value="">Choose…</option>
                    {materialOptions.map((o) => (
                      <option key={o.value} value={o.value}>
                        {o.label}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <MaterialStock material={materialByCode.get(m.materialCode)} fromStep={!!m.fromNodeId} />
              <NumberField
                label="Quantity"
                value={Number.isNaN(m.requiredQuantity) ? undefined : m.requiredQuantity}
                onValue={(v) => setInput(j, { requiredQuantity: orNaN(v) })}
              />
              <SelectField
                label="From step"
                value={m.fromNodeId ?? ''}
                onChange={(e) => setInput(j, { fromNodeId: e.target.value || undefined })}
                placeholder="stock"
                options={predecessors.map((p) => ({ value: p, label: p }))}
              />
              <IconButton label={`Remove input ${j + 1}`} onClick={() => change({ materialInputs: inputs.filter((_, k) => k !== j) })}>
                ✕
              </IconButton>
            </div>
          ))}
          <Button size="sm" onClick={() => change({ materialInputs: [...inputs, { materialCode: '', requiredQuantity: Number.NaN }] })}>
            Add material input
          </Button>
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Output</legend>
        <div className="form-grid">
          <SelectField
            label="Material produced"
            value={step.output?.materialCode ?? ''}
            placeholder="none"
            onChange={(e) => change({ output: e.target.value ? { materialCode: e.target.value, quantity: step.output?.quantity ?? Number.NaN } : null })}
            options={materialOptions}
          />
          {step.output && (
            <NumberField
              label="Output quantity"
              value={Number.isNaN(step.output.quantity) ? undefined : step.output.quantity}
              onValue={(v) => change({ output: { materialCode: step.output!.materialCode, quantity: orNaN(v) } })}
            />
          )}
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Predecessors (must finish first)</legend>
        <div className="row">
          {predecessors.length === 0 && <span className="muted small">none — this step can start first</span>}
          {predecessors.map((p) => (
            <span key={p} className="chip">
              {p}
              <IconButton size="sm" variant="ghost" label={`Remove predecessor ${p} of ${id}`} onClick={() => props.onRemovePredecessor(id, p)}>
                ✕
              </IconButton>
            </span>
          ))}
        </div>
        {canAddPredecessor.length > 0 && (
          <SelectField
            label="Add predecessor"
            value=""
            placeholder="Choose a step…"
            onChange={(e) => e.target.value && props.onAddPredecessor(id, e.target.value)}
            options={canAddPredecessor.map((n) => ({ value: n.id, label: `${n.id} ${n.name}` }))}
          />
        )}
      </fieldset>
      <TextAreaField label="Note for the operator" value={step.note ?? ''} onChange={(e) => change({ note: e.target.value })} maxLength={2000} />
    </fieldset>
  );
}

/** What a picked material has on hand, so the planner sees a shortage while designing, not at release. */
function MaterialStock({ material, fromStep }: { material: Material | undefined; fromStep: boolean }) {
  const { t } = useTranslation();
  if (!material || fromStep) return null;
  return (
    <p
      className={`designer-input__stock small ${material.available <= 0 ? 'tone-danger' : material.belowReorderPoint ? 'tone-warning' : 'muted'}`}
      data-testid="input-stock"
    >
      {t('designer.stock', { stock: formatAmount(material.stock, material.unit), available: formatAmount(material.available, material.unit) })}
    </p>
  );
}

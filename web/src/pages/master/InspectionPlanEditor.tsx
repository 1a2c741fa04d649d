/** An operation's inspection plan: ordered check items with the fields their kind needs (measurement: nominal, tolerances, unit, samples). */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { type InspectionItemInput, useInspectionPlan, useSaveInspectionPlan } from '../../api/quality';
import type { Operation } from '../../api/types';
import { Button, NumberField, SelectField, TextField } from '../../ui';

type Kind = InspectionItemInput['kind'];
const kindKeys = {
  pass_fail: 'quality.kind.pass_fail',
  measurement: 'quality.kind.measurement',
  text: 'quality.kind.text',
  photo: 'quality.kind.photo',
} as const satisfies Record<Kind, string>;

/** What the form keeps of an item; kind-specific fields are sent only for measurements. */
function toInput(i: InspectionItemInput): InspectionItemInput {
  const base = { ...(i.id !== undefined ? { id: i.id } : {}), kind: i.kind, label: i.label, requiredAt: i.requiredAt };
  if (i.kind !== 'measurement') return base;
  return {
    ...base,
    nominal: i.nominal ?? null,
    lowerTolerance: i.lowerTolerance ?? null,
    upperTolerance: i.upperTolerance ?? null,
    unit: i.unit ?? null,
    samples: i.samples ?? 1,
  };
}

export function InspectionPlanEditor({ operation }: { operation: Operation }) {
  const { t } = useTranslation();
  const plan = useInspectionPlan(operation.id);
  const save = useSaveInspectionPlan(operation.id);
  const [items, setItems] = useState<InspectionItemInput[]>([]);
  useEffect(() => {
    if (plan.data) setItems(plan.data.items.map((i) => toInput({ ...i, nominal: i.nominal, unit: i.unit })));
  }, [plan.data]);
  const change = (k: number, patch: Partial<InspectionItemInput>) => setItems((list) => list.map((item, j) => (j === k ? { ...item, ...patch } : item)));
  const move = (k: number, by: number) =>
    setItems((list) => {
      const next = [...list];
      const [item] = next.splice(k, 1);
      next.splice(k + by, 0, item!);
      return next;
    });
  const num = (v: number | undefined) => (v === undefined || Number.isNaN(v) ? null : v);
  return (
    <section className="stack" data-testid="inspection-plan-editor">
      <h3 className="card__subtitle">{t('quality.planTitle')}</h3>
      <ErrorAlert error={plan.error ?? save.error} />
      {items.map((item, k) => (
        <div key={item.id ?? `new-${k}`} className="form-grid" data-testid={`inspection-item-${k}`}>
          <TextField label={t('quality.label')} value={item.label} onChange={(e) => change(k, { label: e.target.value })} />
          <SelectField
            label={t('quality.kindLabel')}
            value={item.kind}
            options={(Object.keys(kindKeys) as Kind[]).map((value) => ({ value, label: t(kindKeys[value]) }))}
            onChange={(e) => change(k, { kind: e.target.value as Kind })}
          />
          <SelectField
            label={t('quality.requiredAt')}
            value={item.requiredAt}
            options={[
              { value: 'start', label: t('quality.beforeStart') },
              { value: 'completion', label: t('quality.beforeComplete') },
            ]}
            onChange={(e) => change(k, { requiredAt: e.target.value as 'start' | 'completion' })}
          />
          {item.kind === 'measurement' && (
            <>
              <NumberField label={t('quality.nominal')} value={item.nominal ?? undefined} onValue={(v) => change(k, { nominal: num(v) })} />
              <NumberField
                label={t('quality.lowerTolerance')}
                value={item.lowerTolerance ?? undefined}
                onValue={(v) => change(k, { lowerTolerance: num(v) })}
              />
              <NumberField
                label={t('quality.upperTolerance')}
                value={item.upperTolerance ?? undefined}
                onValue={(v) => change(k, { upperTolerance: num(v) })}
              />
              <TextField label={t('quality.unit')} value={item.unit ?? ''} onChange={(e) => change(k, { unit: e.target.value || null })} />
              <NumberField label={t('quality.samples')} value={item.samples ?? 1} onValue={(v) => change(k, { samples: v ?? 1 })} />
            </>
          )}
          <span className="row">
            <Button size="sm" disabled={k === 0} onClick={() => move(k, -1)} aria-label={t('quality.moveUp')}>
              ↑
            </Button>
            <Button size="sm" disabled={k === items.length - 1} onClick={() => move(k, 1)} aria-label={t('quality.moveDown')}>
              ↓
            </Button>
            <Button size="sm" variant="danger" onClick={() => setItems((list) => list.filter((_, j) => j !== k))}>
              {t('quality.remove')}
            </Button>
          </span>
        </div>
      ))}
      <span className="row">
        <Button onClick={() => setItems((list) => [...list, { kind: 'pass_fail', label: '', requiredAt: 'completion' }])}>{t('quality.addItem')}</Button>
        <Button variant="primary" disabled={save.isPending} onClick={() => save.mutate(items.map(toInput))} data-testid="save-inspection-plan">
          {t('quality.savePlan')}
        </Button>
      </span>
    </section>
  );
}

/** Where a plan's stock materials stand: required, reserved, consumed, returned and short per material, live from the plan's ledger rows. */
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from '../../api/ErrorAlert';
import { usePlanMaterials } from '../../api/plans';
import type { PlanMaterial } from '../../api/types';
import { formatQuantity } from '../../format';
import { Badge, type Column, Table } from '../../ui';

const quantity = (n: number, unit: string, testId: string) => (
  <span data-testid={testId} className={n === 0 ? 'muted' : undefined}>
    {formatQuantity(n)} <span className="muted small">{unit}</span>
  </span>
);

const columnsFor = (t: TFunction): Column<PlanMaterial>[] => [
  {
    key: 'material',
    header: t('plan.col.material'),
    render: (m) => (
      <span>
        <span className="mono">{m.materialCode}</span> <span className="muted small">{m.materialName}</span>
      </span>
    ),
  },
  { key: 'required', header: t('plan.col.required'), numeric: true, render: (m) => quantity(m.required, m.unit, `material-required-${m.materialCode}`) },
  { key: 'reserved', header: t('materials.col.reserved'), numeric: true, render: (m) => quantity(m.reserved, m.unit, `material-reserved-${m.materialCode}`) },
  { key: 'consumed', header: t('materials.col.consumed'), numeric: true, render: (m) => quantity(m.consumed, m.unit, `material-consumed-${m.materialCode}`) },
  { key: 'returned', header: t('materials.col.returned'), numeric: true, render: (m) => quantity(m.returned, m.unit, `material-returned-${m.materialCode}`) },
  {
    key: 'short',
    header: t('materials.col.shortAtRelease'),
    numeric: true,
    render: (m) =>
      m.short > 0 ? (
        <span data-testid={`material-short-${m.materialCode}`}>
          <Badge tone="warning">
            {formatQuantity(m.short)} {m.unit}
          </Badge>
        </span>
      ) : (
        <span className="muted">—</span>
      ),
  },
];

export function PlanMaterialsTable({ planId }: { planId: string }) {
  const { t } = useTranslation();
  const materials = usePlanMaterials(planId);
  return (
    <>
      <h3 className="card__subtitle">{t('materials.perMaterial')}</h3>
      <ErrorAlert error={materials.error} />
      <Table
        caption={t('materials.caption')}
        columns={columnsFor(t)}
        rows={materials.data?.items ?? []}
        rowKey={(m) => m.materialCode}
        empty={materials.isPending ? t('common.loading') : t('materials.noneFromStock')}
      />
    </>
  );
}

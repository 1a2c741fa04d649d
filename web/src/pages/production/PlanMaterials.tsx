/** Where a plan's stock materials stand: required, reserved, consumed, returned and short per material, live from the plan's ledger rows. */
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

const columns: Column<PlanMaterial>[] = [
  {
    key: 'material',
    header: 'Material',
    render: (m) => (
      <span>
        <span className="mono">{m.materialCode}</span> <span className="muted small">{m.materialName}</span>
      </span>
    ),
  },
  { key: 'required', header: 'Required', numeric: true, render: (m) => quantity(m.required, m.unit, `material-required-${m.materialCode}`) },
  { key: 'reserved', header: 'Reserved', numeric: true, render: (m) => quantity(m.reserved, m.unit, `material-reserved-${m.materialCode}`) },
  { key: 'consumed', header: 'Consumed', numeric: true, render: (m) => quantity(m.consumed, m.unit, `material-consumed-${m.materialCode}`) },
  { key: 'returned', header: 'Returned', numeric: true, render: (m) => quantity(m.returned, m.unit, `material-returned-${m.materialCode}`) },
  {
    key: 'short',
    header: 'Short at release',
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
  const materials = usePlanMaterials(planId);
  return (
    <>
      <h3 className="card__subtitle">Per material</h3>
      <ErrorAlert error={materials.error} />
      <Table
        caption="Material per code: required, reserved, consumed, returned, short"
        columns={columns}
        rows={materials.data?.items ?? []}
        rowKey={(m) => m.materialCode}
        empty={materials.isPending ? 'Loading…' : 'This plan takes no material from stock'}
      />
    </>
  );
}

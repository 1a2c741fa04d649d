/** The plan page's documents: the plan's own, and each step's (drawings the portal shows next to the task). */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { PlanDetail } from '../../api/types';
import { OwnerDocuments } from '../../components/documents/OwnerDocuments';
import { Card, SelectField } from '../../ui';

export function PlanDocuments({ plan }: { plan: PlanDetail }) {
  const { t } = useTranslation();
  const [nodeId, setNodeId] = useState(plan.nodes[0]?.nodeId ?? '');
  const archived = plan.archivedAt !== null;
  return (
    <Card title={t('documents.title')}>
      <div className="stack" data-testid="plan-documents">
        <h3 className="card__subtitle">{t('documents.ofPlan')}</h3>
        <OwnerDocuments owner={{ kind: 'plan', planId: plan.id }} canManage={!archived} testId="plan-documents-plan" />
        {plan.nodes.length > 0 && (
          <>
            <h3 className="card__subtitle">{t('documents.ofStep')}</h3>
            <SelectField
              label={t('documents.step')}
              value={nodeId}
              onChange={(e) => setNodeId(e.target.value)}
              options={plan.nodes.map((n) => ({ value: n.nodeId, label: `${n.nodeId} · ${n.name}` }))}
            />
            {nodeId && (
              <OwnerDocuments key={nodeId} owner={{ kind: 'plan_node', planId: plan.id, nodeId }} canManage={!archived} testId="plan-documents-step" />
            )}
          </>
        )}
      </div>
    </Card>
  );
}

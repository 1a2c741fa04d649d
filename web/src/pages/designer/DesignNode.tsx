/** One step on the designer canvas. Memoized: it re-renders when its own step, selection or problems change. */
import { useTranslation } from 'react-i18next';
import { Handle, type NodeProps, Position } from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import { formatNumber, formatQuantity } from '../../format';
import { classNames } from '../../ui';
import type { StepNode } from './model';
import { ProblemStore, useNodeProblems } from './problemStore';

export interface DesignerLookups {
  operationName: (id: string) => string;
  problems: ProblemStore;
}

export const DesignerContext = createContext<DesignerLookups>({ operationName: (id) => id, problems: new ProblemStore() });

export const DesignNode = memo(function DesignNode({ id, data, selected }: NodeProps<StepNode>) {
  const { operationName, problems: store } = useContext(DesignerContext);
  const problems = useNodeProblems(store, id);
  const { step } = data;
  const { t } = useTranslation();
  const time = Number.isFinite(step.nominalTime) ? t('designer.node.minPerUnit', { time: formatQuantity(step.nominalTime) }) : t('designer.node.timeNotSet');
  return (
    <div
      className={classNames('graph-node', 'tone-info', selected && 'is-selected', problems.length > 0 && 'has-problems')}
      data-testid={`design-node-${id}`}
      aria-label={t('designer.node.label', { count: problems.length, id, name: step.name, n: formatNumber(problems.length) })}
    >
      <Handle type="target" position={Position.Left} id="in" aria-label={t('designer.node.input', { id })} />
      <div className="graph-node__head">
        <span className="graph-node__id">{id}</span>
        <span className="graph-node__meta">{operationName(step.operationId)}</span>
      </div>
      <div className="graph-node__name" title={step.name}>
        {step.name || t('designer.node.noName')}
      </div>
      <div className="graph-node__meta">
        {time} · {step.assignedStations.map((s) => s.stationId).join(', ') || t('designer.node.noStation')}
      </div>
      {problems.length > 0 && (
        <div className="graph-node__problems" role="alert" data-testid={`node-problems-${id}`} title={problems.join('\n')}>
          ⚠ {problems[0]}
          {problems.length > 1 && ` ${t('designer.node.more', { n: formatNumber(problems.length - 1) })}`}
        </div>
      )}
      <Handle type="source" position={Position.Right} id="out" aria-label={t('designer.node.output', { id })} />
    </div>
  );
});

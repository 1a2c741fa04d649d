/** The plan's graph, read-only, each step coloured by the status of its assignment. */
import { useTranslation } from 'react-i18next';
import { Background, Controls, type Edge, Handle, MarkerType, type Node, type NodeProps, Position, ReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { memo, useMemo } from 'react';
import type { PlanDetail, PlanDetailNode } from '../../api/types';
import { formatTime } from '../../format';
import { Badge, StatusBadge, classNames, statusTone } from '../../ui';
import './graph.css';
import { useFlowLabels } from './flowLabels';
import { InitialFit } from './InitialFit';
import { autoLayout, needsLayout } from './layout';

type StepData = { node: PlanDetailNode };
type StepNodeType = Node<StepData, 'step'>;

const StepNode = memo(function StepNode({ data }: NodeProps<StepNodeType>) {
  const { node } = data;
  const a = node.assignment;
  const status = a?.status ?? null;
  const { t } = useTranslation();
  return (
    <div className={classNames('graph-node', `tone-${statusTone(status)}`)} data-testid={`graph-node-${node.nodeId}`} data-status={status ?? 'none'}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="graph-node__head">
        <span className="graph-node__id">{node.nodeId}</span>
        <span className="spacer" />
        {status ? <StatusBadge status={status} /> : <Badge>{t('status.not_scheduled')}</Badge>}
      </div>
      <div className="graph-node__name" title={node.name}>
        {node.name}
      </div>
      <div className="graph-node__meta">{a ? `${a.workerName} · ${a.substationId} · ${formatTime(a.actualStart ?? a.plannedStart)}` : node.operationName}</div>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

const nodeTypes = { step: StepNode };

export function PlanGraph({ plan }: { plan: PlanDetail }) {
  const { nodes, edges } = useMemo(() => {
    const edges: Edge[] = plan.nodes.flatMap((n) =>
      n.predecessors.map((p) => ({
        id: `${p}->${n.nodeId}`,
        source: p,
        target: n.nodeId,
        markerEnd: { type: MarkerType.ArrowClosed },
        animated: n.assignment?.status === 'in_progress',
      })),
    );
    const layout = needsLayout(plan.nodes.map((n) => n.position)) ? autoLayout({ nodes: plan.nodes.map((n) => ({ id: n.nodeId })), edges }) : null;
    const nodes: StepNodeType[] = plan.nodes.map((n) => ({
      id: n.nodeId,
      type: 'step',
      position: layout?.get(n.nodeId) ?? n.position,
      data: { node: n },
      draggable: false,
      connectable: false,
    }));
    return { nodes, edges };
  }, [plan]);
  const { t } = useTranslation();
  const flowLabels = useFlowLabels();

  return (
    <div className="graph" aria-label={t('graph.ofPlan', { id: plan.id })}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        minZoom={0.2}
        nodesConnectable={false}
        elementsSelectable={false}
        ariaLabelConfig={flowLabels}
      >
        <InitialFit />
        <Background gap={24} />
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}

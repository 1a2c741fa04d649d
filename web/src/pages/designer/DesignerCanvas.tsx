/**
 * The designer's React Flow canvas: steps and predecessor edges, a drop
 * target for operations dragged from the palette, fit to the plan on open.
 */
import { Background, Controls, MiniMap, ReactFlow, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { type DragEvent, useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import '../../components/graph/graph.css';
import { useFlowLabels } from '../../components/graph/flowLabels';
import { InitialFit } from '../../components/graph/InitialFit';
import { nodeHeight, nodeWidth } from '../../components/graph/layout';
import { DesignNode } from './DesignNode';
import type { StepNode } from './model';
import { operationMime } from './Palette';
import type { DesignerState } from './useDesignerState';

const nodeTypes = { step: DesignNode };
// props of <ReactFlow> are module constants: a new object per render would update its store on every keystroke
const deleteKeys = ['Delete', 'Backspace'];
const isValidConnection = (c: { source: string; target: string }) => c.source !== c.target;

type CanvasProps = Pick<DesignerState, 'nodes' | 'edges' | 'readOnly' | 'opensEmpty' | 'onNodesChange' | 'onEdgesChange' | 'onConnect' | 'addStep'>;

export function DesignerCanvas({ nodes, edges, readOnly, opensEmpty, onNodesChange, onEdgesChange, onConnect, addStep }: CanvasProps) {
  const { t } = useTranslation();
  const ariaLabels = useFlowLabels(t('designer.canvas.nodeHelp'));
  const flow = useReactFlow<StepNode>();
  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(operationMime)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const onDrop = useCallback(
    (e: DragEvent) => {
      const opId = e.dataTransfer.getData(operationMime);
      if (!opId || readOnly) return;
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      addStep(opId, { x: Math.round(p.x - nodeWidth / 2), y: Math.round(p.y - nodeHeight / 2) });
    },
    [flow, addStep, readOnly],
  );
  return (
    <div className="designer-canvas" onDragOver={onDragOver} onDrop={onDrop} data-testid="designer-canvas">
      <div className="graph">
        <ReactFlow<StepNode>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          elementsSelectable
          deleteKeyCode={readOnly ? null : deleteKeys}
          minZoom={0.1}
          onlyRenderVisibleElements={nodes.length > 60}
          ariaLabelConfig={ariaLabels}
        >
          {!opensEmpty && <InitialFit />}
          <Background gap={24} />
          <Controls />
          {nodes.length > 12 && <MiniMap pannable zoomable />}
        </ReactFlow>
      </div>
    </div>
  );
}

/** Moves the view: fit the whole plan (after a layout), or centre on one step (from the problem list). */
export function useCanvasView() {
  const flow = useReactFlow<StepNode>();
  return {
    fit: () => window.requestAnimationFrame(() => void flow.fitView({ padding: 0.15, duration: 200 })),
    /**
     * Where a step added from the palette goes: the middle of what the canvas shows now, moved
     * down past the steps already there (placed right of the rightmost step it was often off-screen).
     */
    freeSpotInView: (): { x: number; y: number } | undefined => {
      const box = document.querySelector('[data-testid="designer-canvas"]')?.getBoundingClientRect();
      if (!box || box.width === 0) return undefined;
      const centre = flow.screenToFlowPosition({ x: box.left + box.width / 2, y: box.top + box.height / 2 });
      const at = { x: Math.round(centre.x - nodeWidth / 2), y: Math.round(centre.y - nodeHeight / 2) };
      const taken = (y: number) => flow.getNodes().some((n) => Math.abs(n.position.x - at.x) < nodeWidth + 10 && Math.abs(n.position.y - y) < nodeHeight + 10);
      for (let i = 0; i < 50 && taken(at.y); i++) at.y += nodeHeight + 20;
      return at;
    },
    centreOn: (nodeId: string) => {
      const n = flow.getNode(nodeId);
      if (n) void flow.setCenter(n.position.x + nodeWidth / 2, n.position.y + nodeHeight / 2, { duration: 200, zoom: flow.getZoom() });
    },
  };
}

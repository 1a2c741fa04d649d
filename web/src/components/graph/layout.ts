/** Automatic left-to-right layout of a plan graph (dagre), shared by the designer and the plan view. */
import { graphlib, layout } from '@dagrejs/dagre';

export const nodeWidth = 210;
export const nodeHeight = 86;

export interface LayoutInput {
  nodes: { id: string; width?: number | undefined; height?: number | undefined }[];
  /** predecessor → successor */
  edges: { source: string; target: string }[];
}

/** Top-left positions per node id. */
export function autoLayout({ nodes, edges }: LayoutInput): Map<string, { x: number; y: number }> {
  const g = new graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 70, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of nodes) g.setNode(n.id, { width: n.width ?? nodeWidth, height: n.height ?? nodeHeight });
  const ids = new Set(nodes.map((n) => n.id));
  for (const e of edges) if (ids.has(e.source) && ids.has(e.target) && e.source !== e.target) g.setEdge(e.source, e.target);
  layout(g);
  const out = new Map<string, { x: number; y: number }>();
  for (const n of nodes) {
    const p = g.node(n.id);
    out.set(n.id, { x: Math.round(p.x - (n.width ?? nodeWidth) / 2), y: Math.round(p.y - (n.height ?? nodeHeight) / 2) });
  }
  return out;
}

/** True when every node sits at the origin (documents made by API clients): lay them out. */
export function needsLayout(positions: ({ x: number; y: number } | undefined)[]): boolean {
  return positions.length > 1 && positions.every((p) => !p || (p.x === 0 && p.y === 0));
}

/**
 * The first view of a plan graph: fit to view, but never below a zoom where
 * the steps' text stays readable. A graph too large for that opens at its
 * start (left, and top when it is also too tall); the user pans or zooms for
 * the rest (the controls' fit button still shows everything).
 */
import { type Rect, type Viewport, getViewportForBounds, useReactFlow, useStore } from '@xyflow/react';
import { useLayoutEffect, useRef } from 'react';
import { nodeHeight, nodeWidth } from './layout';

export interface FitOptions {
  padding: number;
  /** The smallest zoom the first view uses: below about 0.7 the 12–13 px node text is unreadable. */
  minZoom: number;
  maxZoom: number;
}

export const readableFit: FitOptions = { padding: 0.1, minZoom: 0.75, maxZoom: 1.1 };

const margin = 24;

/** The viewport that fits `bounds` in width × height within the options' zooms, starting at the top left when it does not fit. */
export function readableViewport(bounds: Rect, width: number, height: number, { padding, minZoom, maxZoom }: FitOptions): Viewport {
  const fit = getViewportForBounds(bounds, width, height, minZoom, maxZoom, padding);
  const x = bounds.width * fit.zoom + 2 * margin > width ? margin - bounds.x * fit.zoom : fit.x;
  const y = bounds.height * fit.zoom + 2 * margin > height ? margin - bounds.y * fit.zoom : fit.y;
  return { x, y, zoom: fit.zoom };
}

/**
 * Sets the first view once the pane has its size. Node sizes are the known
 * ones of the layout (or measured, when they already are), so it does not
 * wait for every node to be measured, which a 100-step designer that only
 * renders visible nodes would never do. Render it only for a graph that has
 * steps when it opens: a new plan's first step stays where it was dropped.
 */
export function InitialFit({ options = readableFit }: { options?: FitOptions }) {
  const flow = useReactFlow();
  const width = useStore((s) => s.width);
  const height = useStore((s) => s.height);
  const ready = useStore((s) => s.panZoom !== null);
  const count = useStore((s) => s.nodeLookup.size);
  const done = useRef(false);
  useLayoutEffect(() => {
    // the nodes reach the store after the first render when the store comes from a ReactFlowProvider
    if (done.current || !ready || !width || !height || count === 0) return;
    done.current = true;
    const nodes = flow.getNodes();
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (const n of nodes) {
      x0 = Math.min(x0, n.position.x);
      y0 = Math.min(y0, n.position.y);
      x1 = Math.max(x1, n.position.x + (n.measured?.width ?? nodeWidth));
      y1 = Math.max(y1, n.position.y + (n.measured?.height ?? nodeHeight));
    }
    void flow.setViewport(readableViewport({ x: x0, y: y0, width: x1 - x0, height: y1 - y0 }, width, height, options));
  }, [ready, width, height, count, flow, options]);
  return null;
}

/**
 * Algorithms on the precedence graph, apart from the model they serve: Kahn's
 * topological order (the model's order and the dispatching rules' lists) and
 * the cyclic components (to name the nodes of a precedence cycle). They see a
 * node as its predecessor and successor lists only, so this file needs
 * nothing else of the scheduler.
 */

/**
 * Kahn's topological order: among the ready nodes the one `before` prefers
 * goes first (a binary heap). On a cycle the nodes on or after it are left
 * out, so a shorter result means the graph is not acyclic.
 */
export function topologicalOrder(
  nodes: readonly { preds: readonly number[]; succs: readonly number[] }[],
  before: (a: number, b: number) => boolean,
): number[] {
  const indeg = nodes.map((n) => n.preds.length);
  const out: number[] = [];
  const heap: number[] = [];
  const push = (x: number): void => {
    heap.push(x);
    let i = heap.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!before(heap[i]!, heap[p]!)) break;
      [heap[p], heap[i]] = [heap[i]!, heap[p]!];
      i = p;
    }
  };
  const pop = (): number => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && before(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && before(heap[r]!, heap[m]!)) m = r;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  indeg.forEach((d, i) => {
    if (d === 0) push(i);
  });
  while (heap.length > 0) {
    const v = pop();
    out.push(v);
    for (const s of nodes[v]!.succs) if (--indeg[s]! === 0) push(s);
  }
  return out;
}

/** Strongly connected components that contain a cycle (Tarjan, iterative). */
export function cyclicComponents(nodes: readonly { succs: readonly number[] }[]): number[][] {
  const n = nodes.length;
  const index = new Array<number>(n).fill(-1);
  const low = new Array<number>(n).fill(0);
  const onStack = new Array<boolean>(n).fill(false);
  const stack: number[] = [];
  const comps: number[][] = [];
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [v, ei] = frame;
      if (ei === 0) {
        index[v] = low[v] = counter++;
        stack.push(v);
        onStack[v] = true;
      }
      const succs = nodes[v]!.succs;
      if (ei < succs.length) {
        frame[1] = ei + 1;
        const w = succs[ei]!;
        if (index[w] === -1) work.push([w, 0]);
        else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]]!, low[v]!);
      if (low[v] === index[v]) {
        const comp: number[] = [];
        for (;;) {
          const w = stack.pop()!;
          onStack[w] = false;
          comp.push(w);
          if (w === v) break;
        }
        if (comp.length > 1 || nodes[v]!.succs.includes(v)) comps.push(comp.sort((a, b) => a - b));
      }
    }
  }
  return comps;
}

/**
 * What the dispatching rules of the construction phase rank nodes by: static
 * measures of each node (longest remaining path, descendants, their work) and
 * a topological order that picks, among the ready nodes, the best by two keys.
 */
import { topologicalOrder } from './graph.js';
import type { Model } from './model.js';

export interface Measures {
  /** longest remaining path incl. the node (min durations, minutes) */
  tail: Float64Array;
  /** number of distinct descendants */
  desc: Float64Array;
  /** total min work of distinct descendants incl. the node */
  descWork: Float64Array;
  work: Float64Array;
}

export function measures(m: Model): Measures {
  const n = m.nodes.length;
  const tail = new Float64Array(n);
  const desc = new Float64Array(n);
  const descWork = new Float64Array(n);
  const work = new Float64Array(n);
  for (let v = 0; v < n; v++) work[v] = m.nodes[v]!.minWorkMin;
  const rev = m.topo.slice().reverse();
  for (const v of rev) {
    let t = 0;
    for (const s of m.nodes[v]!.succs) if (tail[s]! > t) t = tail[s]!;
    tail[v] = t + work[v]!;
  }
  if (n <= 4000) {
    // exact descendant sets as bitsets
    const words = (n + 31) >>> 5;
    const bits: Uint32Array[] = new Array<Uint32Array>(n);
    for (const v of rev) {
      const b = new Uint32Array(words);
      for (const s of m.nodes[v]!.succs) {
        const bs = bits[s]!;
        for (let k = 0; k < words; k++) b[k]! |= bs[k]!;
        b[s >>> 5]! |= 1 << (s & 31);
      }
      bits[v] = b;
      let c = 0;
      let wsum = 0;
      for (let k = 0; k < words; k++) {
        let x = b[k]!;
        while (x !== 0) {
          const low = x & -x;
          const idx = (k << 5) + (31 - Math.clz32(low));
          c++;
          wsum += work[idx]!;
          x ^= low;
        }
      }
      desc[v] = c;
      descWork[v] = wsum + work[v]!;
    }
  } else {
    // approximation (counts shared descendants more than once)
    for (const v of rev) {
      let c = 0;
      let wsum = work[v]!;
      for (const s of m.nodes[v]!.succs) {
        c += 1 + desc[s]!;
        wsum += descWork[s]!;
      }
      desc[v] = c;
      descWork[v] = wsum;
    }
  }
  return { tail, desc, descWork, work };
}

/** Topological order picking, among ready nodes, max k1, then max k2, then smallest index. */
export function orderByKeys(m: Model, k1: ArrayLike<number>, k2: ArrayLike<number>): Int32Array {
  return Int32Array.from(topologicalOrder(m.nodes, (a, b) => (k1[a]! !== k1[b]! ? k1[a]! > k1[b]! : k2[a]! !== k2[b]! ? k2[a]! > k2[b]! : a < b)));
}

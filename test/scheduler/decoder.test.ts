/**
 * White-box test of the incremental decoder used by the local search:
 * re-decoding a suffix (decodeFrom) must give exactly what a full decode gives,
 * and revert must restore the state of the base solution.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decoder } from '../../src/scheduler/decode.js';
import { CHOICE_EF, CHOICE_PF, newDecoded, type Decoded, type Solution } from '../../src/scheduler/solution.js';
import { buildModel, type Model } from '../../src/scheduler/model.js';
import { arbInstance } from './arbitraries.js';

function randomTopo(m: Model, keys: number[]): Int32Array {
  const n = m.nodes.length;
  const indeg = m.nodes.map((x) => x.preds.length);
  const ready: number[] = [];
  indeg.forEach((d, i) => d === 0 && ready.push(i));
  const out: number[] = [];
  let k = 0;
  while (ready.length) {
    const j = (keys[k++ % keys.length] ?? 0) % ready.length;
    const v = ready.splice(j, 1)[0]!;
    out.push(v);
    for (const s of m.nodes[v]!.succs) if (--indeg[s]! === 0) ready.push(s);
  }
  expect(out).toHaveLength(n);
  return Int32Array.from(out);
}

function snapshot(d: Decoded): unknown {
  return {
    start: Array.from(d.start),
    end: Array.from(d.end),
    opt: Array.from(d.opt),
    sub: Array.from(d.sub),
    worker: Array.from(d.worker),
    makespanEnd: d.makespanEnd,
    prioSum: d.prioSum,
    loadSq: d.loadSq,
  };
}

describe('incremental decoding', () => {
  it('decodeFrom equals a full decode; revert restores the base', () => {
    fc.assert(
      fc.property(
        arbInstance({ maxNodes: 10 }),
        fc.array(fc.nat(20), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(20), { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)), { maxLength: 3 }),
        fc.boolean(),
        (input, keysA, keysB, modes, pf) => {
          const m = buildModel(input);
          const n = m.nodes.length;
          const choice = pf ? CHOICE_PF : CHOICE_EF;
          const base: Solution = {
            order: randomTopo(m, keysA),
            modeOpt: new Int32Array(n).fill(-1),
            modeWorker: new Int32Array(n).fill(-1),
            choice,
          };
          // candidate: same prefix up to p, different suffix order and some modes from p on
          const p = keysB[0]! % n;
          const other = randomTopo(m, keysB);
          const prefix = Array.from(base.order.slice(0, p));
          const inPrefix = new Set(prefix);
          const order = Int32Array.from([...prefix, ...Array.from(other).filter((v) => !inPrefix.has(v))]);
          const cand: Solution = { order, modeOpt: base.modeOpt.slice(), modeWorker: base.modeWorker.slice(), choice };
          for (const [a, b, c] of modes) {
            const v = order[p + (a % (n - p))]!;
            const nd = m.nodes[v]!;
            const o = b % nd.opts.length;
            cand.modeOpt[v] = o;
            const ws = nd.opts[o]!.workers;
            cand.modeWorker[v] = c % 2 === 0 ? ws[c % ws.length]! : -1;
          }
          const dec = new Decoder(m);
          const baseOut = newDecoded(n);
          expect(dec.decode(base, baseOut)).toBe(true);
          const inc = newDecoded(n);
          const okInc = dec.decodeFrom(cand, inc, baseOut, p);
          const full = newDecoded(n);
          const okFull = new Decoder(m).decode(cand, full);
          expect(okInc).toBe(okFull);
          if (okFull) expect(snapshot(inc)).toEqual(snapshot(full));
          // revert, then a suffix re-decode of the base itself must reproduce the base
          dec.revert(cand, inc, baseOut, p);
          const again = newDecoded(n);
          dec.decodeFrom(base, again, baseOut, 0);
          expect(snapshot(again)).toEqual(snapshot(baseOut));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('a step with many worker-substation pairs', () => {
  it('is booked on a substation of its station with a worker allowed there, not on the model’s first worker and substation', () => {
    // 8 workers × 10 substations at ST-B: the decoder's scratch grows past 64 pairs while listing them
    const always = { weekly: Array.from({ length: 7 }, () => [{ start: 0, end: 1440 }]) };
    const model = buildModel({
      now: Date.UTC(2024, 2, 4, 8),
      nodes: [
        {
          id: 'N1',
          operationId: 'OP-1',
          quantity: 1,
          nominalTimeMinutes: 10,
          efficiency: 1,
          predecessors: [],
          candidates: [{ stationId: 'ST-B', priority: 1 }],
        },
      ],
      stations: [
        { id: 'ST-A', substations: ['ST-A-1'] },
        { id: 'ST-B', substations: Array.from({ length: 10 }, (_, i) => `ST-B-${i}`) },
      ],
      workers: [
        { id: 'W-A', operations: ['OP-1'], stations: ['ST-A'], calendar: always },
        ...Array.from({ length: 8 }, (_, i) => ({ id: `W-B${i}`, operations: ['OP-1'], stations: ['ST-B'], calendar: always })),
      ],
      booked: [],
    });
    const out = newDecoded(1);
    new Decoder(model).decode({ order: Int32Array.of(0), modeOpt: Int32Array.of(-1), modeWorker: Int32Array.of(-1), choice: CHOICE_EF }, out);
    expect(model.subIds[out.sub[0]!]).toMatch(/^ST-B-/);
    expect(model.workerIds[out.worker[0]!]).toMatch(/^W-B/);
  });
});

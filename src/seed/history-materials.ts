/**
 * The material flow of a simulated history (history.ts): the consumables each
 * step draws, the lot-tracked sheets cut into lot-tracked blanks, and the
 * receipts and lots that keep every material in stock.
 */
import { MINUTE_MS } from '../scheduler/index.js';
import type { Random } from '../shared/random.js';
import { blanks } from './catalog.js';
import type { SeedDataset, SeedPlan } from './dataset.js';
import type { HistoryLedgerRow, HistoryLot, HistoryPlan, HistoryResult } from './history-types.js';

/** What a step of each operation consumes besides its plan's main materials, per unit made, and how often it is booked. */
const consumablesByOperation: Record<string, { code: string; perUnit: [number, number]; chance: number }[]> = {
  'OP-001': [{ code: 'GAS-N2', perUnit: [0.1, 0.4], chance: 1 }],
  'OP-002': [{ code: 'OIL-PUNCH', perUnit: [0.01, 0.04], chance: 0.8 }],
  'OP-003': [{ code: 'OIL-PUNCH', perUnit: [0.005, 0.02], chance: 0.5 }],
  'OP-004': [
    { code: 'GAS-ARCO2', perUnit: [0.2, 0.6], chance: 1 },
    { code: 'SPRAY-AS', perUnit: [0.02, 0.1], chance: 0.8 },
  ],
  'OP-005': [{ code: 'DISC-125', perUnit: [0.1, 0.4], chance: 1 }],
  'OP-006': [
    { code: 'PRETREAT-FE', perUnit: [0.05, 0.15], chance: 0.8 },
    { code: 'TAPE-MASK', perUnit: [0.02, 0.1], chance: 0.6 },
  ],
  'OP-007': [
    { code: 'LABEL-ID', perUnit: [1, 1], chance: 0.6 },
    { code: 'GASKET-PU', perUnit: [0.5, 2], chance: 0.5 },
  ],
  'OP-008': [{ code: 'LABEL-ID', perUnit: [1, 1], chance: 0.6 }],
};
const suppliers: Record<string, { supplier: string; heat: string }> = {
  'SHEET-304-1.5': { supplier: 'Outokumpu', heat: 'H' },
  'SHEET-ALMG3-2': { supplier: 'Assan Alüminyum', heat: 'AL' },
};
const round3 = (n: number) => Math.round(n * 1000) / 1000;

/**
 * The history's material flow on a plan: consumables per step, and the cut of
 * a lot-tracked sheet making lot-tracked blanks that the part's next step
 * consumes (so the blanks' lots descend from the sheets' lots).
 */
export function detailMaterials(doc: SeedPlan, rnd: Random, lotTracked: Set<string>): void {
  const blankOf = new Map(blanks.map((b) => [b.sheet, b.code]));
  for (const n of doc.nodes) {
    const quantity = n.quantity ?? doc.quantity;
    for (const c of consumablesByOperation[n.operationId] ?? []) {
      if (!rnd.chance(c.chance)) continue;
      const perUnit = c.perUnit[0] + rnd.next() * (c.perUnit[1] - c.perUnit[0]);
      n.materialInputs.push({
        materialCode: c.code,
        requiredQuantity: Math.max(0.001, round3(quantity * (c.perUnit[0] === c.perUnit[1] ? c.perUnit[0] : perUnit))),
      });
    }
    if (n.output?.materialCode.startsWith('FG-')) n.materialInputs.push({ materialCode: 'BOX-PACK', requiredQuantity: quantity });
    const sheet =
      n.operationId === 'OP-001' && !n.output ? n.materialInputs.find((i) => lotTracked.has(i.materialCode) && blankOf.has(i.materialCode)) : undefined;
    const next = sheet ? doc.nodes.find((m) => m.predecessors.includes(n.nodeId)) : undefined;
    if (sheet && next) {
      const blank = blankOf.get(sheet.materialCode)!;
      n.output = { materialCode: blank, quantity };
      next.materialInputs.push({ materialCode: blank, requiredQuantity: quantity, fromNodeId: n.nodeId });
    }
  }
}

/**
 * The ledger in time order, with a purchase receipt wherever a raw material
 * would fall below its reorder level (or its opening stock, the larger): what
 * purchasing would have done. Walking in time order keeps every prefix of the
 * ledger, hence every bulk statement, at a stock of zero or more.
 *
 * Lot-tracked materials move through lots, as the live completion moves them
 * (materials/consumption.service.ts): a receipt is a new lot with its heat
 * number; a consumption draws the lot its input's maker made first, then the
 * oldest lots (first in, first out), one row per lot, the first row carrying
 * the reservation's release; a production makes an output lot whose parents
 * are the lots the step drew. Quantities are kept in thousandths (the
 * ledger's numeric(14,3)), so no lot ever goes below zero by rounding.
 */
export function withReceipts(
  ledger: HistoryLedgerRow[],
  start: Map<string, number>,
  dataset: SeedDataset,
  plans: HistoryPlan[],
): { ledger: HistoryLedgerRow[]; lots: HistoryLot[]; lotParents: HistoryResult['lotParents'] } {
  const sorted = ledger.map((l, k) => ({ l, k })).sort((a, b) => a.l.at - b.l.at || a.k - b.k);
  const stock = new Map(start);
  const level = new Map(dataset.materials.map((m) => [m.code, Math.max(m.reorder_point, m.opening, 1)]));
  const tracked = new Set(dataset.materials.filter((m) => m.lot_tracked).map((m) => m.code));
  const made = (code: string) => code.startsWith('WIP-') || code.startsWith('FG-') || code.startsWith('BLANK-');
  const out: HistoryLedgerRow[] = [];
  const lots: HistoryLot[] = [];
  const lotParents: HistoryResult['lotParents'] = [];
  /** thousandths on hand per lot; lots of each material in the order received (the history's own lots only) */
  const onHand: number[] = [];
  const lotsOf = new Map<string, number[]>();
  /** the output lot of plan/node, and the lots a step drew (its output lot's parents) */
  const outputLot = new Map<string, number>();
  const drawn = new Map<string, Map<number, number>>();
  const heats = new Map<string, number>();
  const newLot = (lot: HistoryLot, milli: number): number => {
    const i = lots.push(lot) - 1;
    onHand.push(milli);
    lotsOf.set(lot.materialCode, [...(lotsOf.get(lot.materialCode) ?? []), i]);
    return i;
  };
  const milli = (n: number) => Math.round(n * 1000);
  for (const { l } of sorted) {
    if (tracked.has(l.materialCode) && l.stockDelta !== 0) {
      const key = `${l.plan}/${l.nodeId}`;
      if (l.stockDelta > 0) {
        // production: an output lot of the step
        const step = plans[l.plan!]!.steps.find((s) => s.nodeId === l.nodeId)!;
        const lot = newLot(
          {
            materialCode: l.materialCode,
            origin: 'output',
            receivedAt: l.at,
            heatNumber: null,
            supplier: null,
            certificate: null,
            plan: l.plan,
            nodeId: l.nodeId,
            workerId: step.workerId,
            substationId: step.substationId,
          },
          milli(l.stockDelta),
        );
        outputLot.set(key, lot);
        for (const [parent, q] of drawn.get(key) ?? []) lotParents.push({ parent, child: lot, quantity: q / 1000 });
        out.push({ ...l, lot });
        continue;
      }
      // consumption: the maker's lot first, then first in, first out
      let need = milli(-l.stockDelta);
      const own = l.source !== undefined ? outputLot.get(`${l.plan}/${l.source}`) : undefined;
      const available = (lotsOf.get(l.materialCode) ?? []).reduce((a, i) => a + onHand[i]!, 0);
      if (available < need && !made(l.materialCode)) {
        // purchasing: a new lot (a heat of the mill) big enough to restock
        const n = (heats.get(l.materialCode) ?? 0) + 1;
        heats.set(l.materialCode, n);
        const s = suppliers[l.materialCode] ?? { supplier: 'Metal trading', heat: 'HT' };
        const heat = `${s.heat}-${new Date(l.at).getUTCFullYear() % 100}-${String(2000 + n * 37).padStart(4, '0')}`;
        const qty = Math.ceil(2 * level.get(l.materialCode)! + (need - available) / 1000);
        const at = l.at - 3_600_000;
        const lot = newLot(
          {
            materialCode: l.materialCode,
            origin: 'receipt',
            receivedAt: at,
            heatNumber: heat,
            supplier: s.supplier,
            certificate: `EN 10204 3.1 no. ${heat}`,
            plan: null,
            nodeId: null,
            workerId: null,
            substationId: null,
          },
          milli(qty),
        );
        out.push({
          materialCode: l.materialCode,
          entryType: 'receipt',
          stockDelta: qty,
          reservedDelta: 0,
          lot,
          plan: null,
          nodeId: null,
          byStep: false,
          at,
          reason: 'purchase receipt',
        });
        stock.set(l.materialCode, (stock.get(l.materialCode) ?? 0) + qty);
      }
      const order = [...(own !== undefined ? [own] : []), ...(lotsOf.get(l.materialCode) ?? []).filter((i) => i !== own)];
      const draws = drawn.get(key) ?? new Map<number, number>();
      drawn.set(key, draws);
      let first = true;
      for (const i of order) {
        if (need === 0) break;
        const take = Math.min(need, onHand[i]!);
        if (take === 0) continue;
        onHand[i] = onHand[i]! - take;
        need -= take;
        draws.set(i, (draws.get(i) ?? 0) + take);
        out.push({ ...l, stockDelta: -take / 1000, reservedDelta: first ? l.reservedDelta : 0, lot: i });
        stock.set(l.materialCode, (stock.get(l.materialCode) ?? 0) - take / 1000);
        first = false;
      }
      // (a made lot short of what was booked cannot happen: its consumer books what the maker delivered)
      lotsOf.set(
        l.materialCode,
        (lotsOf.get(l.materialCode) ?? []).filter((i) => onHand[i]! > 0),
      );
      continue;
    }
    const have = stock.get(l.materialCode) ?? 0;
    if (l.stockDelta < 0 && have + l.stockDelta < 0) {
      // raw material: restock to twice its level; a made part short here (its maker scrapped more): book the difference found in stock
      const raw = !made(l.materialCode);
      const qty = raw ? Math.ceil(2 * level.get(l.materialCode)! - (have + l.stockDelta)) : -(have + l.stockDelta);
      out.push({
        materialCode: l.materialCode,
        entryType: raw ? 'receipt' : 'adjustment',
        stockDelta: qty,
        reservedDelta: 0,
        lot: null,
        plan: null,
        nodeId: null,
        byStep: false,
        at: l.at - (raw ? 3_600_000 : MINUTE_MS),
        reason: raw ? 'purchase receipt' : 'stock count correction',
      });
      stock.set(l.materialCode, have + qty);
    }
    stock.set(l.materialCode, (stock.get(l.materialCode) ?? 0) + l.stockDelta);
    out.push(l);
  }
  return { ledger: out, lots, lotParents };
}

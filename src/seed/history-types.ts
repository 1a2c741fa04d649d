/** The shapes of a simulated history (history.ts) as the writer (history-writer.ts) takes them. */
import type { SeedDataset, SeedPlan } from './dataset.js';

export interface HistoryInput {
  dataset: SeedDataset;
  /** stock of every material now, before the history's ledger rows */
  stock: Map<string, number>;
  months: number;
  seed: number;
  /** epoch ms: the history ends here (nothing of it is later) */
  now: number;
  utcOffsetMinutes: number;
}

export interface HistoryStep {
  nodeId: string;
  workerId: string;
  stationId: string;
  substationId: string;
  plannedStart: number;
  plannedEnd: number;
  workMinutes: number;
  actualStart: number;
  actualEnd: number;
  workedMinutes: number;
  pausedMinutes: number;
  good: number;
  scrap: number;
  scrapReason: string | null;
  pauses: { reason: string; note: string; start: number; end: number }[];
  problem: { category: string; text: string; reportedAt: number; resolvedAt: number; resolution: string } | null;
}

export interface HistoryLedgerRow {
  materialCode: string;
  entryType: 'receipt' | 'reservation' | 'consumption' | 'production' | 'adjustment';
  stockDelta: number;
  reservedDelta: number;
  /** index in HistoryResult.lots of the lot it moves (lot-tracked materials), else null */
  lot: number | null;
  /** a consumption of a made input: the node that made it (its lot is drawn first, as a live completion prefers it) */
  source?: string;
  /** index of the plan in HistoryResult.plans, null for receipts */
  plan: number | null;
  /** node id within that plan */
  nodeId: string | null;
  /** that node's step carries the row (consumption, production) */
  byStep: boolean;
  at: number;
  reason: string;
}

export interface HistoryPlan {
  doc: SeedPlan;
  releasedAt: number;
  dueDate: number;
  priority: number;
  steps: HistoryStep[];
  startedAt: number;
  completedAt: number;
}

/** A lot of a lot-tracked material: bought (a receipt) or made by a step (an output). */
export interface HistoryLot {
  materialCode: string;
  origin: 'receipt' | 'output';
  receivedAt: number;
  heatNumber: string | null;
  supplier: string | null;
  certificate: string | null;
  /** output lots: the step that made it (plan index, node, worker, substation) */
  plan: number | null;
  nodeId: string | null;
  workerId: string | null;
  substationId: string | null;
}

export interface HistoryResult {
  plans: HistoryPlan[];
  ledger: HistoryLedgerRow[];
  lots: HistoryLot[];
  /** genealogy: child lot made from parent lot, quantity consumed (indexes into lots) */
  lotParents: { parent: number; child: number; quantity: number }[];
}

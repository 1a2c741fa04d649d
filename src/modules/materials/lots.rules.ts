/**
 * Which lots a completion takes its lot-tracked inputs from: the lots the
 * operator chose or scanned first, then first-in-first-out (an upstream
 * step's output lot of the same plan before anything else, then by received
 * time and code), never a blocked lot. Pure: the service reads and locks the
 * lots, this decides, and the ledger rows it yields move the balances in SQL.
 */
import { detail, type Message, m, type ProblemDetail } from '../../shared/errors.js';

const round3 = (n: number) => Math.round(n * 1000) / 1000;
const hasAtMost3Decimals = (x: number) => Math.abs(round3(x) - x) < 1e-9;

export interface CandidateLot {
  code: string;
  materialCode: string;
  status: 'active' | 'blocked';
  onHand: number;
  receivedAt: Date;
  /** an output lot of a predecessor step feeding this one (taken first) */
  preferred: boolean;
}

export interface LotDraw {
  lotCode: string;
  quantity: number;
}

export interface Need {
  materialCode: string;
  quantity: number;
}

export interface ChosenLot {
  materialCode: string;
  lotCode: string;
  quantity: number;
}

export type LotProblem = ProblemDetail & { kind: 'conflict' | 'rule_violated' };

const problem = (kind: LotProblem['kind'], field: string, msg: Message): LotProblem => ({ ...detail(field, msg), kind });

/** FIFO order: a feeding step's output lot first, then oldest received, then code. */
export function fifoOrder(a: CandidateLot, b: CandidateLot): number {
  if (a.preferred !== b.preferred) return a.preferred ? -1 : 1;
  const t = a.receivedAt.getTime() - b.receivedAt.getTime();
  if (t !== 0) return t;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}

/**
 * Draws per lot-tracked need. `lots` holds every lot of the needed materials
 * that has something on hand, and every chosen lot that exists. Returns the
 * draws per material, or the problems (each naming body/lots/i/… or the
 * material), and nothing is drawn when there is any.
 */
export function drawLots(
  needs: readonly Need[],
  chosen: readonly ChosenLot[],
  lots: ReadonlyMap<string, CandidateLot>,
): { draws: Map<string, LotDraw[]>; problems: LotProblem[] } {
  const problems: LotProblem[] = [];
  const needOf = new Map(needs.map((n) => [n.materialCode, n.quantity]));
  const left = new Map([...lots.values()].map((l) => [l.code, l.onHand]));
  const draws = new Map<string, LotDraw[]>(needs.map((n) => [n.materialCode, []]));
  const named = new Map<string, number>();
  const seen = new Set<string>();
  chosen.forEach((c, i) => {
    const field = `body/lots/${i}`;
    const lot = lots.get(c.lotCode);
    if (!needOf.has(c.materialCode)) {
      problems.push(
        problem(
          'rule_violated',
          `${field}/materialCode`,
          needOf.size > 0
            ? m('lot.not_a_tracked_input', { materialCode: c.materialCode, inputs: [...needOf.keys()].join(', ') })
            : m('lot.no_tracked_inputs', { materialCode: c.materialCode }),
        ),
      );
      return;
    }
    if (!lot) return void problems.push(problem('rule_violated', `${field}/lotCode`, m('lot.unknown', { lotCode: c.lotCode })));
    if (lot.materialCode !== c.materialCode) {
      return void problems.push(
        problem(
          'rule_violated',
          `${field}/lotCode`,
          m('lot.other_material', { lotCode: c.lotCode, lotMaterial: lot.materialCode, materialCode: c.materialCode }),
        ),
      );
    }
    if (seen.has(c.lotCode)) return void problems.push(problem('rule_violated', `${field}/lotCode`, m('lot.listed_twice', { lotCode: c.lotCode })));
    seen.add(c.lotCode);
    if (!hasAtMost3Decimals(c.quantity))
      return void problems.push(problem('rule_violated', `${field}/quantity`, m('field.more_than_3_decimals', { name: 'quantity' })));
    if (lot.status === 'blocked') return void problems.push(problem('conflict', `${field}/lotCode`, m('lot.blocked_refused', { lotCode: c.lotCode })));
    if (c.quantity > lot.onHand + 1e-9) {
      return void problems.push(
        problem('conflict', `${field}/quantity`, m('lot.more_than_on_hand', { lotCode: c.lotCode, quantity: c.quantity, onHand: lot.onHand })),
      );
    }
    const total = round3((named.get(c.materialCode) ?? 0) + c.quantity);
    if (total > needOf.get(c.materialCode)! + 1e-9) {
      return void problems.push(
        problem(
          'rule_violated',
          `${field}/quantity`,
          m('lot.more_than_consumed', { materialCode: c.materialCode, named: total, consumed: needOf.get(c.materialCode)! }),
        ),
      );
    }
    named.set(c.materialCode, total);
    left.set(c.lotCode, round3(lot.onHand - c.quantity));
    draws.get(c.materialCode)!.push({ lotCode: c.lotCode, quantity: c.quantity });
  });
  if (problems.length > 0) return { draws: new Map(), problems };

  const byMaterial = new Map<string, CandidateLot[]>();
  for (const lot of lots.values()) {
    if (lot.status !== 'active') continue;
    const list = byMaterial.get(lot.materialCode) ?? [];
    list.push(lot);
    byMaterial.set(lot.materialCode, list);
  }
  for (const need of needs) {
    let rest = round3(need.quantity - (named.get(need.materialCode) ?? 0));
    for (const lot of (byMaterial.get(need.materialCode) ?? []).sort(fifoOrder)) {
      if (rest <= 0) break;
      const has = left.get(lot.code) ?? 0;
      if (has <= 0) continue;
      const take = round3(Math.min(has, rest));
      const list = draws.get(need.materialCode)!;
      const same = list.find((d) => d.lotCode === lot.code);
      if (same) same.quantity = round3(same.quantity + take);
      else list.push({ lotCode: lot.code, quantity: take });
      left.set(lot.code, round3(has - take));
      rest = round3(rest - take);
    }
    if (rest > 0) {
      const active = round3(need.quantity - rest);
      problems.push(
        problem('conflict', 'body/lots', m('lot.not_enough_in_lots', { materialCode: need.materialCode, needed: need.quantity, available: active })),
      );
    }
  }
  return problems.length > 0 ? { draws: new Map(), problems } : { draws, problems };
}

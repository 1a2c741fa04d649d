/** Pure rules of material: what a plan would find short if it reserved its needs now. */
import type { Shortage } from './materials.schema.js';

export type { Shortage };

export interface MaterialNeed {
  nodeId: number;
  materialCode: string;
  quantity: number;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** What would be short if the needs were reserved now (stock as read by lockMaterials). */
export function shortagesOf(needs: MaterialNeed[], stock: Map<string, { stock: number; reserved: number }>): Shortage[] {
  const required = new Map<string, number>();
  for (const n of needs) required.set(n.materialCode, (required.get(n.materialCode) ?? 0) + n.quantity);
  const shortages: Shortage[] = [];
  for (const [code, qty] of [...required].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const s = stock.get(code) ?? { stock: 0, reserved: 0 };
    const available = round3(s.stock - s.reserved);
    if (qty > available + 1e-9) shortages.push({ materialCode: code, required: round3(qty), available: Math.max(0, available) });
  }
  return shortages;
}

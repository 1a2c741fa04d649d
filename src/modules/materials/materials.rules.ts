/** Pure rules of material: what a plan would find short if it reserved its needs now, and which units are counted in whole pieces. */
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

/** Units measured rather than counted (weight, length, area, volume, time): their quantities may have decimals. */
const measuredUnits = new Set(['kg', 'g', 't', 'lb', 'm', 'cm', 'mm', 'm2', 'm²', 'm3', 'm³', 'l', 'ml', 'h', 'min']);

/** Whether a quantity in this unit may be a fraction: pieces, sheets, bars (anything counted) may not. */
export function allowsFractions(unit: string | null | undefined): boolean {
  return unit !== null && unit !== undefined && measuredUnits.has(unit.trim().toLowerCase());
}

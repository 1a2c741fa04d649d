/**
 * Pure rules of inspection: what a valid inspection plan is, how a recorded
 * value is read (number, pass/fail, text, photo) and judged against its item,
 * what start and completion still wait for, and how much good quantity a
 * completion may report when checks failed. Shared by the services and the UI.
 */
import { detail, m, type ProblemDetail } from '../../shared/errors.js';
import { type InspectionItem, type InspectionItemInput, type InspectionKind, MAX_PHOTO_CHARS, MAX_TEXT_CHARS, type RequiredAt } from './quality.schema.js';

/** An item's definition, as stored: what decides whether an edit replaces it. */
export interface ItemSpec {
  kind: InspectionKind;
  label: string;
  requiredAt: RequiredAt;
  nominal: number | null;
  lowerTolerance: number | null;
  upperTolerance: number | null;
  unit: string | null;
  samples: number;
}

/** An input item with its kind-specific columns filled as stored (null where the kind has none). */
export function specOf(input: InspectionItemInput): ItemSpec {
  const measured = input.kind === 'measurement';
  return {
    kind: input.kind,
    label: input.label.trim(),
    requiredAt: input.requiredAt,
    nominal: measured ? (input.nominal ?? null) : null,
    lowerTolerance: measured ? (input.lowerTolerance ?? null) : null,
    upperTolerance: measured ? (input.upperTolerance ?? null) : null,
    unit: measured ? (input.unit?.trim() ?? null) : null,
    samples: measured ? (input.samples ?? 1) : 1,
  };
}

export const sameSpec = (a: ItemSpec, b: ItemSpec): boolean =>
  a.kind === b.kind &&
  a.label === b.label &&
  a.requiredAt === b.requiredAt &&
  a.nominal === b.nominal &&
  a.lowerTolerance === b.lowerTolerance &&
  a.upperTolerance === b.upperTolerance &&
  a.unit === b.unit &&
  a.samples === b.samples;

/** Everything wrong with an inspection plan's items, each naming `body/items/i/field`. */
export function inspectionPlanProblems(items: readonly InspectionItemInput[], existingIds: ReadonlySet<number>): ProblemDetail[] {
  const problems: ProblemDetail[] = [];
  const seen = new Set<number>();
  items.forEach((item, i) => {
    const at = (field: string) => `body/items/${i}/${field}`;
    if (item.label.trim().length === 0) problems.push(detail(at('label'), m('inspection.label_required')));
    if (item.id !== undefined) {
      if (!existingIds.has(item.id)) problems.push(detail(at('id'), m('inspection.item_not_in_plan', { itemId: item.id })));
      else if (seen.has(item.id)) problems.push(detail(at('id'), m('inspection.item_listed_twice', { itemId: item.id })));
      seen.add(item.id);
    }
    if (item.kind === 'measurement') {
      for (const field of ['nominal', 'lowerTolerance', 'upperTolerance'] as const) {
        if (item[field] === undefined || item[field] === null) problems.push(detail(at(field), m('inspection.measurement_needs', { field })));
      }
      if (item.unit === undefined || item.unit === null || item.unit.trim().length === 0) {
        problems.push(detail(at('unit'), m('inspection.measurement_needs', { field: 'unit' })));
      }
      if (typeof item.lowerTolerance === 'number' && typeof item.upperTolerance === 'number' && item.lowerTolerance > item.upperTolerance) {
        problems.push(detail(at('upperTolerance'), m('inspection.tolerance_order', { lower: item.lowerTolerance, upper: item.upperTolerance })));
      }
    } else {
      for (const field of ['nominal', 'lowerTolerance', 'upperTolerance', 'unit'] as const) {
        if (item[field] !== undefined && item[field] !== null)
          problems.push(detail(at(field), m('inspection.only_for_measurement', { field, kind: item.kind })));
      }
      if (item.samples !== undefined && item.samples !== 1) problems.push(detail(at('samples'), m('inspection.samples_only_measurement', { kind: item.kind })));
    }
  });
  return problems;
}

/** The acceptance band of a measurement item: [nominal + lower, nominal + upper]. */
export function toleranceBand(item: Pick<ItemSpec, 'nominal' | 'lowerTolerance' | 'upperTolerance'>): { min: number; max: number } | null {
  if (item.nominal === null || item.lowerTolerance === null || item.upperTolerance === null) return null;
  // rounded to the column's 4 decimals, so 10 + 0.1 is 10.1 and not 10.100000000000001
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return { min: round(item.nominal + item.lowerTolerance), max: round(item.nominal + item.upperTolerance) };
}

export function inTolerance(item: Pick<ItemSpec, 'nominal' | 'lowerTolerance' | 'upperTolerance'>, value: number): boolean {
  const band = toleranceBand(item);
  return band !== null && value >= band.min && value <= band.max;
}

/** A value as stored: one of the three columns, and whether it passes. */
export interface StoredValue {
  number: number | null;
  bool: boolean | null;
  text: string | null;
  ok: boolean;
}

const PHOTO = /^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

/** Reads a recorded value against its item: the value to store, or the problem naming `field`. */
export function readValue(
  item: Pick<ItemSpec, 'kind' | 'nominal' | 'lowerTolerance' | 'upperTolerance' | 'label'>,
  value: unknown,
  field: string,
): StoredValue | ProblemDetail {
  switch (item.kind) {
    case 'measurement':
      if (typeof value !== 'number' || !Number.isFinite(value)) return detail(field, m('inspection.value_not_number', { label: item.label }));
      if (Math.abs(value) >= 1e10) return detail(field, m('inspection.value_out_of_range', { label: item.label }));
      return { number: value, bool: null, text: null, ok: inTolerance(item, value) };
    case 'pass_fail':
      if (typeof value !== 'boolean') return detail(field, m('inspection.value_not_boolean', { label: item.label }));
      return { number: null, bool: value, text: null, ok: value };
    case 'text': {
      if (typeof value !== 'string' || value.trim().length === 0) return detail(field, m('inspection.value_not_text', { label: item.label }));
      if (value.length > MAX_TEXT_CHARS) return detail(field, m('inspection.text_too_long', { label: item.label, max: MAX_TEXT_CHARS }));
      return { number: null, bool: null, text: value.trim(), ok: true };
    }
    case 'photo':
      if (typeof value !== 'string' || value.length > MAX_PHOTO_CHARS || !PHOTO.test(value))
        return detail(field, m('inspection.value_not_photo', { label: item.label }));
      return { number: null, bool: null, text: value, ok: true };
  }
}

export const isProblem = (v: StoredValue | ProblemDetail): v is ProblemDetail => 'message' in v;

/** A current result as the rules need it. */
export interface CurrentResult {
  itemId: number;
  sample: number;
  ok: boolean;
}

export interface ItemState {
  item: Pick<InspectionItem, 'id' | 'label' | 'samples' | 'requiredAt'>;
  missingSamples: number[];
  failedSamples: number[];
}

/** Per item: the samples without a current result, and those whose current result failed. */
export function itemStates(items: readonly Pick<InspectionItem, 'id' | 'label' | 'samples' | 'requiredAt'>[], results: readonly CurrentResult[]): ItemState[] {
  const byKey = new Map(results.map((r) => [`${r.itemId}/${r.sample}`, r]));
  return items.map((item) => {
    const missingSamples: number[] = [];
    const failedSamples: number[] = [];
    for (let s = 1; s <= item.samples; s++) {
      const r = byKey.get(`${item.id}/${s}`);
      if (!r) missingSamples.push(s);
      else if (!r.ok) failedSamples.push(s);
    }
    return { item, missingSamples, failedSamples };
  });
}

/** Items that keep a start back: required at start and not (all samples) recorded and ok. */
export const startBlockers = (states: readonly ItemState[]) =>
  states.filter((s) => s.item.requiredAt === 'start' && (s.missingSamples.length > 0 || s.failedSamples.length > 0));

/** Items that keep a completion back: required at completion with samples not recorded. */
export const completionBlockers = (states: readonly ItemState[]) => states.filter((s) => s.item.requiredAt === 'completion' && s.missingSamples.length > 0);

/**
 * Parts known bad: each failed sample is one inspected part, and a part failing
 * several items is counted once, so the most failed samples of any item.
 */
export const affectedQuantity = (states: readonly ItemState[]): number => Math.max(0, ...states.map((s) => s.failedSamples.length));

/**
 * The most good quantity a completion may report: the step's quantity less
 * the affected parts not accepted as they are (approved use-as-is NCRs).
 * Affected parts go to scrap or to a rework step instead.
 */
export function maxGoodQuantity(nodeQuantity: number, affected: number, acceptedAsIs: number): number {
  return Math.max(0, nodeQuantity - Math.max(0, affected - acceptedAsIs));
}

/**
 * Yield carried forward, as pure rules (importable by the web UI).
 *
 * A step's EXPECTED good quantity is what its feeders can now deliver:
 *
 *  - A feeder "family" is a step together with the remake/rework steps added
 *    for it (extra_of). The family delivers, in pieces of the original step:
 *    the good quantity of every completed member plus the expected quantity
 *    of every member not completed yet.
 *  - Through a material input that comes from the family (`fromNodeId`), the
 *    consumer can make quantity × (family output of that material / what the
 *    consumer requires of it), where the family output is the original's
 *    output quantity × delivered / planned (output per unit stays as planned).
 *  - Through a predecessor edge without such an input, the consumer can make
 *    quantity × delivered / planned of that family (one piece in, one out).
 *  - The consumer's expected quantity is its quantity × the smallest of those
 *    ratios, capped at 1 (a feeder that overproduces does not raise a step
 *    above its plan) and rounded to 3 decimals. No feeders: the plan quantity.
 *  - Completed steps keep what they had (history); added steps (remakes,
 *    reworks) keep their own quantity: they exist to make up a shortfall.
 *
 * It is computed over the whole plan in topological order, so a shortfall
 * cascades downstream and a remake that restores a family lifts its
 * consumers again.
 */

export interface YieldInput {
  materialCode: string;
  requiredQuantity: number;
  /** db id of the node whose output it is; null = from stock */
  fromNodeId: number | null;
}

export interface YieldNode {
  /** db id */
  id: number;
  quantity: number;
  /** stored expected quantity; null = quantity */
  expected: number | null;
  /** the original step this one was added for, if any */
  extraOf: number | null;
  predecessors: number[];
  inputs: YieldInput[];
  output: { materialCode: string; quantity: number } | null;
  /** the good quantity reported at completion; null while not completed */
  completedGood: number | null;
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The quantity a step's work and reservations are sized for: its expected quantity, else the planned one. */
export function expectedOf(n: { quantity: number; expected: number | null }): number {
  return n.expected ?? n.quantity;
}

/**
 * The quantity a booking's duration is computed for: the expected quantity when it is positive, else the
 * planned one (a step that expects nothing keeps its booking until the planner decides).
 */
export function workQuantity(n: { quantity: number; expectedQuantity?: number | null | undefined }): number {
  const e = n.expectedQuantity;
  return e !== null && e !== undefined && e > 0 ? e : n.quantity;
}

/** The root of a node's family: the original step it was added for, or itself. */
export const familyOf = (n: Pick<YieldNode, 'id' | 'extraOf'>): number => n.extraOf ?? n.id;

/**
 * Expected quantities of every node after the plan's current deliveries, by db id. Nodes are
 * listed in any order; the graph is acyclic (plan validation and the database's checks hold it).
 */
export function computeExpected(nodes: readonly YieldNode[]): Map<number, number> {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const members = new Map<number, YieldNode[]>();
  for (const n of nodes) members.set(familyOf(n), [...(members.get(familyOf(n)) ?? []), n]);
  const result = new Map<number, number>();
  const visiting = new Set<number>();

  const expectedNow = (n: YieldNode): number => {
    const known = result.get(n.id);
    if (known !== undefined) return known;
    if (visiting.has(n.id)) return expectedOf(n); // a cycle cannot be stored; stay total anyway
    visiting.add(n.id);
    const value = n.completedGood !== null || n.extraOf !== null ? expectedOf(n) : fromFeeders(n);
    visiting.delete(n.id);
    result.set(n.id, value);
    return value;
  };

  /** pieces of the family's original that the family delivers (completed: good; else expected) */
  const delivered = (root: number): number =>
    (members.get(root) ?? []).reduce((sum, m) => sum + (m.completedGood !== null ? m.completedGood : expectedNow(m)), 0);

  const fromFeeders = (n: YieldNode): number => {
    let ratio = 1;
    const viaMaterial = new Set<number>();
    for (const input of n.inputs) {
      if (input.fromNodeId === null) continue;
      const feeder = byId.get(input.fromNodeId);
      if (!feeder) continue;
      const root = byId.get(familyOf(feeder));
      if (!root || root.quantity <= 0 || !root.output || root.output.quantity <= 0 || input.requiredQuantity <= 0) continue;
      viaMaterial.add(root.id);
      const output = (root.output.quantity * delivered(root.id)) / root.quantity;
      ratio = Math.min(ratio, output / input.requiredQuantity);
    }
    for (const p of n.predecessors) {
      const feeder = byId.get(p);
      if (!feeder) continue;
      const root = byId.get(familyOf(feeder));
      if (!root || viaMaterial.has(root.id) || root.quantity <= 0) continue;
      ratio = Math.min(ratio, delivered(root.id) / root.quantity);
    }
    return round3(n.quantity * Math.max(0, Math.min(1, ratio)));
  };

  for (const n of nodes) expectedNow(n);
  return result;
}

/** What the database stores for an expected quantity: null when it equals the plan. */
export const storedExpected = (quantity: number, expected: number): number | null => (Math.abs(expected - quantity) < 5e-4 ? null : expected);

/** What a node's stock input should hold reserved at an expected quantity (inputs scale with the quantity). */
export function reservationTarget(requiredQuantity: number, quantity: number, expected: number): number {
  if (quantity <= 0) return 0;
  return round3((requiredQuantity * expected) / quantity);
}

/**
 * A step's shortfall: how much of what it was expected to make its family has not delivered and will not
 * (completed members' good quantity, open members' expected quantity). Zero while the step is not completed.
 */
export function missingQuantity(nodes: readonly YieldNode[], nodeId: number): number {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const n = byId.get(nodeId);
  if (!n) return 0;
  const root = byId.get(familyOf(n))!;
  if (root.completedGood === null) return 0;
  const delivered = nodes.filter((m) => familyOf(m) === root.id).reduce((sum, m) => sum + (m.completedGood ?? expectedOf(m)), 0);
  return round3(Math.max(0, expectedOf(root) - delivered));
}

/** An added step's node id: the original's id (cut to fit 40 characters) with -R1, -R2 … (remake) or -W1 … (rework). */
export function extraNodeId(originalNodeId: string, kind: 'remake' | 'rework', taken: ReadonlySet<string>): string {
  const letter = kind === 'remake' ? 'R' : 'RW';
  for (let k = 1; ; k++) {
    const suffix = `-${letter}${k}`;
    const id = `${originalNodeId.slice(0, 40 - suffix.length)}${suffix}`;
    if (!taken.has(id)) return id;
  }
}

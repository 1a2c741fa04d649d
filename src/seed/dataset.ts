/**
 * Deterministic demo data for a metal job shop. Pure: the same size and seed
 * give the same rows. The routings follow a sheet-metal shop (cut → bend →
 * weld → paint → assemble → inspect) with branches that merge.
 */
import type { PlanDocument, PlanNode } from '../modules/plans/plans.schema.js';
import { createRandom, type Random } from '../shared/random.js';
import {
  type SeedSize,
  seedSizes,
  operations,
  stationKinds,
  minimalStationKinds,
  shiftCalendars,
  rawMaterials,
  consumables,
  blanks,
  products,
  firstNames,
  lastNames,
} from './catalog.js';

export interface SeedDataset {
  /** default_nominal_time: minutes per unit a new step starts with in the designer */
  operations: { id: string; name: string; description: string; default_nominal_time: number }[];
  stations: { id: string; name: string; location: string; description: string }[];
  stationOperations: { station_id: string; operation_id: string }[];
  substations: { id: string; station_id: string; name: string }[];
  shiftCalendars: { id: string; name: string }[];
  shiftWindows: { calendar_id: string; weekday: number; start_minute: number; end_minute: number }[];
  shiftExceptions: { calendar_id: string; date: string; note: string }[];
  workers: { id: string; name: string; email: string; shift_calendar_id: string }[];
  workerStations: { worker_id: string; station_id: string }[];
  workerOperations: { worker_id: string; operation_id: string }[];
  /** lot-tracked materials have no opening stock: their stock is the lots' (`lots`) */
  materials: { code: string; name: string; unit: string; opening: number; reorder_point: number; lot_tracked: boolean }[];
  /** received lots of the lot-tracked materials, with heat numbers and mill certificates */
  lots: { code: string; material_code: string; heat_number: string; supplier: string; certificate: string; received_at: string; quantity: number }[];
  plans: SeedPlan[];
}

/** Demo lots: the stainless and aluminium sheets are lot-tracked (heat numbers, certificates); their stock splits into these shares. */
const demoLots = [
  { material: 'SHEET-304-1.5', share: 0.4, heat: 'H-24-1187', supplier: 'Outokumpu', received: '2026-10-06T07:30:00Z' },
  { material: 'SHEET-304-1.5', share: 0.35, heat: 'H-24-1187', supplier: 'Outokumpu', received: '2026-10-20T07:30:00Z' },
  { material: 'SHEET-304-1.5', share: 0.25, heat: 'H-24-1342', supplier: 'Outokumpu', received: '2026-11-03T07:30:00Z' },
  { material: 'SHEET-ALMG3-2', share: 0.6, heat: 'AL-7731', supplier: 'Assan Alüminyum', received: '2026-10-13T07:30:00Z' },
  { material: 'SHEET-ALMG3-2', share: 0.4, heat: 'AL-7790', supplier: 'Assan Alüminyum', received: '2026-11-10T07:30:00Z' },
];
const lotTrackedMaterials = new Set(demoLots.map((l) => l.material));

/** A seed plan is a plan document but for its work order, which the seed draws from the database's numbering. */
export type SeedPlan = Omit<PlanDocument, 'workOrderCode'>;
type SeedNode = PlanNode & { quantity: number; efficiency: number };

const pad = (n: number, width = 3) => String(n).padStart(width, '0');

export function buildDataset(size: SeedSize, seed = 1): SeedDataset {
  const rnd = createRandom(seed);
  const counts = seedSizes[size];
  const kinds = size === 'minimal' ? minimalStationKinds : stationKinds;

  const stations: SeedDataset['stations'] = [];
  const stationOperations: SeedDataset['stationOperations'] = [];
  const substations: SeedDataset['substations'] = [];
  const stationsByOp = new Map<string, string[]>();
  for (let i = 0; i < counts.stations; i++) {
    const kind = kinds[i % kinds.length]!;
    const id = `ST-${pad(i + 1)}`;
    const copy = Math.floor(i / kinds.length) + 1;
    stations.push({
      id,
      name: copy > 1 ? `${kind.name} ${copy}` : kind.name,
      location: kind.location,
      description: `${kind.name} (${kind.ops.join(', ')})`,
    });
    for (const op of kind.ops) {
      stationOperations.push({ station_id: id, operation_id: op });
      stationsByOp.set(op, [...(stationsByOp.get(op) ?? []), id]);
    }
    for (let s = 1; s <= kind.substations; s++) {
      substations.push({ id: `${id}-${pad(s, 2)}`, station_id: id, name: `${kind.name} unit ${s}` });
    }
  }

  // Workers: each is trained for one station kind's operations (plus sometimes
  // one more) and allowed at every station of those kinds. Cycling through the
  // kinds guarantees every operation has qualified workers.
  const workers: SeedDataset['workers'] = [];
  const workerStations: SeedDataset['workerStations'] = [];
  const workerOperations: SeedDataset['workerOperations'] = [];
  const calendarIds = shiftCalendars.map((c) => c.id);
  for (let i = 0; i < counts.workers; i++) {
    const id = `W-${pad(i + 1)}`;
    const first = firstNames[(i * 7 + seed) % firstNames.length]!;
    const last = lastNames[(i * 3 + Math.floor(i / lastNames.length) + seed) % lastNames.length]!;
    const kind = kinds[i % kinds.length]!;
    const ops = new Set<string>(kind.ops);
    if (rnd.chance(0.4)) ops.add(rnd.pick(operations).id);
    if (size === 'minimal') for (const op of operations) ops.add(op.id);
    const allowed = new Set<string>();
    for (const op of ops) for (const st of stationsByOp.get(op) ?? []) allowed.add(st);
    workers.push({
      id,
      name: `${first} ${last}`,
      email:
        `${first}.${last}`
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^a-z.]/g, '') + `${i + 1}@burkol.example`,
      shift_calendar_id: size === 'minimal' ? 'DAY' : calendarIds[i % 2 === 0 ? 0 : rnd.int(0, calendarIds.length - 1)]!,
    });
    for (const op of [...ops].sort()) workerOperations.push({ worker_id: id, operation_id: op });
    for (const st of [...allowed].sort()) workerStations.push({ worker_id: id, station_id: st });
  }

  const productMaterials = products.map((p, i) => ({
    code: `FG-${pad(i + 1)}`,
    name: `${p} (finished)`,
    unit: 'pcs',
    opening: 0,
    reorder_point: 0,
  }));
  const wipMaterials = products.map((p, i) => ({
    code: `WIP-${pad(i + 1)}-FRAME`,
    name: `${p} welded frame`,
    unit: 'pcs',
    opening: 0,
    reorder_point: 0,
  }));
  const scale = size === 'full' ? 10 : 1;
  const materials = [
    ...rawMaterials.map((m) => ({
      code: m.code,
      name: m.name,
      unit: m.unit,
      opening: lotTrackedMaterials.has(m.code) ? 0 : m.stock * scale,
      reorder_point: Math.round(m.stock * scale * 0.1),
      lot_tracked: lotTrackedMaterials.has(m.code),
    })),
    ...wipMaterials.map((m) => ({ ...m, lot_tracked: false })),
    ...productMaterials.map((m) => ({ ...m, lot_tracked: false })),
    ...consumables.map((m) => ({
      code: m.code,
      name: m.name,
      unit: m.unit,
      opening: m.stock * scale,
      reorder_point: Math.round(m.stock * scale * 0.1),
      lot_tracked: false,
    })),
    ...blanks.map((m) => ({ code: m.code, name: m.name, unit: m.unit, opening: 0, reorder_point: 0, lot_tracked: true })),
  ];
  const lots = demoLots.map((l, i) => ({
    code: `LOT-DEMO-${pad(i + 1)}`,
    material_code: l.material,
    heat_number: l.heat,
    supplier: l.supplier,
    certificate: `EN 10204 3.1 no. ${l.heat}/${i + 1}`,
    received_at: l.received,
    quantity: Math.round(rawMaterials.find((m) => m.code === l.material)!.stock * scale * l.share),
  }));

  const plans: SeedPlan[] = [];
  for (let p = 0; p < counts.plans; p++) {
    plans.push(buildPlan(rnd, p, stationsByOp));
  }

  return {
    operations: operations.map((o) => ({ ...o })),
    stations,
    stationOperations,
    substations,
    shiftCalendars: shiftCalendars.map(({ id, name }) => ({ id, name })),
    shiftWindows: shiftCalendars.flatMap((c) => c.windows.map((w) => ({ calendar_id: c.id, ...w }))),
    shiftExceptions: [
      { calendar_id: 'DAY', date: '2026-12-25', note: 'Christmas Day' },
      { calendar_id: 'DAY', date: '2027-01-01', note: "New Year's Day" },
      { calendar_id: 'LATE', date: '2026-12-31', note: "New Year's Eve" },
    ],
    workers,
    workerStations,
    workerOperations,
    materials,
    lots,
    plans,
  };
}

/**
 * A plan of the dataset's products; `quantities` are the batch sizes drawn from (the history's are smaller: a job shop's daily orders).
 * `detailed` (the history's plans) routes parts the way a job shop's traveller lists them: holes punched before bending,
 * cut edges deburred, weld seams inspected, doors pre-assembled, tube brackets drilled, surfaces masked before coating
 * (about 15 steps a plan instead of 10). Without it the random draws are exactly those of before, so the demo plans do not change.
 */
export function buildPlan(
  rnd: Random,
  index: number,
  stationsByOp: Map<string, string[]>,
  quantities: readonly number[] = [5, 10, 20, 25, 50],
  detailed = false,
): SeedPlan {
  const productIndex = index % products.length;
  const product = products[productIndex]!;
  const quantity = rnd.pick(quantities);
  const sheet = rnd.pick(rawMaterials.filter((m) => m.code.startsWith('SHEET')));
  const powder = rnd.pick(['POWDER-RAL7035', 'POWDER-RAL9005']);
  const frame = `WIP-${pad(productIndex + 1)}-FRAME`;
  const nodes: SeedNode[] = [];
  const candidates = (op: string) => {
    const ids = stationsByOp.get(op) ?? [];
    const chosen = rnd.shuffle(ids).slice(0, Math.min(ids.length, rnd.int(1, 3)));
    return chosen.map((stationId, i) => ({
      stationId,
      priority: i + 1,
      ...(i > 0 && rnd.chance(0.5) ? { time: round(rnd.int(8, 30) / 10) } : {}),
    }));
  };
  const add = (n: Omit<SeedNode, 'assignedStations' | 'position' | 'quantity' | 'efficiency'> & { efficiency?: number }, col: number, row: number) => {
    nodes.push({
      quantity,
      efficiency: n.efficiency ?? rnd.pick([0.9, 1, 1, 1.1]),
      ...n,
      assignedStations: candidates(n.operationId),
      position: { x: col * 240, y: row * 120 },
    });
  };

  // two (sometimes three) part branches: cut → bend/punch, merging into a weld
  const branches = rnd.chance(detailed ? 0.6 : 0.35) ? 3 : 2;
  const branchEnds: string[] = [];
  let next = 1;
  for (let b = 0; b < branches; b++) {
    const part = ['side panels', 'base plate', 'brackets'][b];
    const cut = `N${next++}`;
    add(
      {
        nodeId: cut,
        name: `Cut ${['side panels', 'base plate', 'brackets'][b]}`,
        operationId: 'OP-001',
        nominalTime: round(rnd.int(2, 8) / 2),
        predecessors: [],
        materialInputs: [{ materialCode: sheet.code, requiredQuantity: round(quantity * rnd.pick([0.25, 0.5, 1])) }],
      },
      0,
      b,
    );
    let before = cut;
    if (detailed && rnd.chance(0.35)) {
      const holes = `N${next++}`;
      add(
        {
          nodeId: holes,
          name: `Punch holes in ${part}`,
          operationId: 'OP-002',
          nominalTime: round(rnd.int(1, 4) / 2),
          predecessors: [cut],
          materialInputs: [],
        },
        1,
        b,
      );
      before = holes;
    }
    const form = `N${next++}`;
    const punch = b === 1 && rnd.chance(0.5);
    add(
      {
        nodeId: form,
        name: punch ? 'Punch ventilation pattern' : `Bend ${part}`,
        operationId: punch ? 'OP-002' : 'OP-003',
        nominalTime: round(rnd.int(2, 10) / 2),
        predecessors: [before],
        materialInputs: [],
      },
      1,
      b,
    );
    let end = form;
    if (detailed && rnd.chance(0.65)) {
      const deburr = `N${next++}`;
      add(
        { nodeId: deburr, name: `Deburr ${part}`, operationId: 'OP-005', nominalTime: round(rnd.int(1, 4) / 2), predecessors: [form], materialInputs: [] },
        2,
        b,
      );
      end = deburr;
    }
    branchEnds.push(end);
  }
  const weld = `N${next++}`;
  add(
    {
      nodeId: weld,
      name: 'Weld frame',
      operationId: 'OP-004',
      nominalTime: round(rnd.int(6, 20) / 2),
      predecessors: branchEnds,
      materialInputs: [{ materialCode: 'WIRE-SG2-1.0', requiredQuantity: round(quantity * 0.2) }],
      output: { materialCode: frame, quantity },
    },
    2,
    0,
  );
  let last = weld;
  if (detailed && rnd.chance(0.7)) {
    const check = `N${next++}`;
    add(
      {
        nodeId: check,
        name: 'Inspect weld seams',
        operationId: 'OP-008',
        nominalTime: round(rnd.int(1, 3) / 2),
        efficiency: 1,
        predecessors: [weld],
        materialInputs: [],
      },
      3,
      1,
    );
    last = check;
  }
  if (rnd.chance(0.6)) {
    const grind = `N${next++}`;
    add(
      { nodeId: grind, name: 'Grind weld seams', operationId: 'OP-005', nominalTime: round(rnd.int(2, 6) / 2), predecessors: [last], materialInputs: [] },
      3,
      0,
    );
    last = grind;
  }
  if (detailed && rnd.chance(0.4)) {
    const mask = `N${next++}`;
    add(
      {
        nodeId: mask,
        name: 'Mask threads and contact faces',
        operationId: 'OP-006',
        nominalTime: round(rnd.int(1, 3) / 2),
        predecessors: [last],
        materialInputs: [],
      },
      4,
      1,
    );
    last = mask;
  }
  const paint = `N${next++}`;
  add(
    {
      nodeId: paint,
      name: `Powder coat ${powder.slice(-7)}`,
      operationId: 'OP-006',
      nominalTime: round(rnd.int(2, 6) / 2),
      predecessors: [last],
      materialInputs: [{ materialCode: powder, requiredQuantity: round(quantity * 0.3) }],
    },
    4,
    0,
  );
  const assemble = `N${next++}`;
  const assemblyInputs: SeedNode['materialInputs'] = [
    { materialCode: frame, requiredQuantity: quantity, fromNodeId: weld },
    { materialCode: 'FASTENER-M8', requiredQuantity: quantity * rnd.int(8, 24) },
  ];
  if (rnd.chance(0.4)) assemblyInputs.push({ materialCode: 'HINGE-120', requiredQuantity: quantity * 2 });
  const assemblyPreds = [paint];
  if (rnd.chance(0.4)) {
    // a purchased-part branch: cut tube brackets in parallel with the frame
    const tube = `N${next++}`;
    add(
      {
        nodeId: tube,
        name: 'Cut tube brackets',
        operationId: 'OP-001',
        nominalTime: round(rnd.int(1, 4) / 2),
        predecessors: [],
        materialInputs: [{ materialCode: 'TUBE-40X40', requiredQuantity: round(quantity * 0.5) }],
      },
      3,
      2,
    );
    let tubeEnd = tube;
    if (detailed && rnd.chance(0.6)) {
      tubeEnd = `N${next++}`;
      add(
        {
          nodeId: tubeEnd,
          name: 'Punch tube bracket holes',
          operationId: 'OP-002',
          nominalTime: round(rnd.int(1, 3) / 2),
          predecessors: [tube],
          materialInputs: [],
        },
        4,
        2,
      );
    }
    assemblyPreds.push(tubeEnd);
  }
  if (detailed && rnd.chance(0.5)) {
    const pre = `N${next++}`;
    add(
      {
        nodeId: pre,
        name: 'Pre-assemble doors and covers',
        operationId: 'OP-007',
        nominalTime: round(rnd.int(2, 6) / 2),
        predecessors: [paint],
        materialInputs: [],
      },
      5,
      1,
    );
    assemblyPreds[0] = pre;
  }
  add(
    {
      nodeId: assemble,
      name: `Assemble ${product.toLowerCase()}`,
      operationId: 'OP-007',
      nominalTime: round(rnd.int(4, 16) / 2),
      predecessors: assemblyPreds,
      materialInputs: assemblyInputs,
    },
    5,
    0,
  );
  const inspect = `N${next}`;
  add(
    {
      nodeId: inspect,
      name: 'Final inspection',
      operationId: 'OP-008',
      nominalTime: round(rnd.int(1, 4) / 2),
      efficiency: 1,
      predecessors: [assemble],
      materialInputs: [],
      output: { materialCode: `FG-${pad(productIndex + 1)}`, quantity },
    },
    6,
    0,
  );

  return {
    name: `${product} ×${quantity}`,
    quantity,
    note: `Customer order ${1000 + index * 7}`,
    nodes,
  };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/**
 * What the demo shop has, as constants: its operations, kinds of stations,
 * shift calendars, materials (stock, consumables, blanks), products and the
 * names of its people. dataset.ts builds the seed's rows and plans from them.
 */
export type SeedSize = 'minimal' | 'default' | 'full';

export const seedSizes: Record<SeedSize, { workers: number; stations: number; plans: number }> = {
  minimal: { workers: 3, stations: 2, plans: 1 },
  default: { workers: 10, stations: 5, plans: 10 },
  full: { workers: 50, stations: 20, plans: 100 },
};

export const operations = [
  { id: 'OP-001', name: 'Laser cutting', description: 'Fiber laser cutting of sheet blanks', default_nominal_time: 2 },
  { id: 'OP-002', name: 'Punching', description: 'CNC turret punching of holes and louvres', default_nominal_time: 2.5 },
  { id: 'OP-003', name: 'Bending', description: 'Press brake bending', default_nominal_time: 1.5 },
  { id: 'OP-004', name: 'Welding', description: 'MIG/TIG welding of sub-assemblies', default_nominal_time: 6 },
  { id: 'OP-005', name: 'Grinding', description: 'Weld seam grinding and deburring', default_nominal_time: 2 },
  { id: 'OP-006', name: 'Painting', description: 'Powder coating and curing', default_nominal_time: 3 },
  { id: 'OP-007', name: 'Assembly', description: 'Mechanical assembly with fasteners', default_nominal_time: 4 },
  { id: 'OP-008', name: 'Inspection', description: 'Dimensional and visual quality inspection', default_nominal_time: 1 },
] as const;

type OperationId = (typeof operations)[number]['id'];

/** Station kinds; a dataset with n stations cycles through them. */
export const stationKinds: { name: string; ops: OperationId[]; substations: number; location: string }[] = [
  { name: 'Laser cell', ops: ['OP-001', 'OP-002'], substations: 2, location: 'Hall A' },
  { name: 'Press brake line', ops: ['OP-003'], substations: 3, location: 'Hall A' },
  { name: 'Welding bay', ops: ['OP-004', 'OP-005'], substations: 3, location: 'Hall B' },
  { name: 'Paint line', ops: ['OP-006'], substations: 2, location: 'Hall C' },
  { name: 'Assembly and QC', ops: ['OP-007', 'OP-008'], substations: 3, location: 'Hall C' },
];

export const minimalStationKinds: typeof stationKinds = [
  { name: 'Cutting and forming cell', ops: ['OP-001', 'OP-002', 'OP-003'], substations: 2, location: 'Hall A' },
  { name: 'Welding, finishing and assembly cell', ops: ['OP-004', 'OP-005', 'OP-006', 'OP-007', 'OP-008'], substations: 2, location: 'Hall B' },
];

export const shiftCalendars = [
  { id: 'DAY', name: 'Day shift, Mon–Fri 06:00–14:00', windows: weekdays(1, 5, 6 * 60, 14 * 60) },
  { id: 'LATE', name: 'Late shift, Mon–Fri 14:00–22:00', windows: weekdays(1, 5, 14 * 60, 22 * 60) },
  { id: 'DAY-SAT', name: 'Day shift, Mon–Sat 07:00–15:30', windows: weekdays(1, 6, 7 * 60, 15 * 60 + 30) },
];

function weekdays(from: number, to: number, start: number, end: number) {
  const rows: { weekday: number; start_minute: number; end_minute: number }[] = [];
  for (let d = from; d <= to; d++) rows.push({ weekday: d, start_minute: start, end_minute: end });
  return rows;
}

export const rawMaterials = [
  { code: 'SHEET-S235-2', name: 'Steel sheet S235, 2 mm, 1250×2500', unit: 'sheet', stock: 400 },
  { code: 'SHEET-S235-3', name: 'Steel sheet S235, 3 mm, 1500×3000', unit: 'sheet', stock: 300 },
  { code: 'SHEET-304-1.5', name: 'Stainless sheet 1.4301, 1.5 mm', unit: 'sheet', stock: 150 },
  { code: 'SHEET-ALMG3-2', name: 'Aluminium sheet AlMg3, 2 mm', unit: 'sheet', stock: 200 },
  { code: 'TUBE-40X40', name: 'Square tube 40×40×2, 6 m', unit: 'bar', stock: 250 },
  { code: 'WIRE-SG2-1.0', name: 'Welding wire SG2, 1.0 mm', unit: 'kg', stock: 900 },
  { code: 'POWDER-RAL7035', name: 'Powder coat RAL 7035 light grey', unit: 'kg', stock: 600 },
  { code: 'POWDER-RAL9005', name: 'Powder coat RAL 9005 jet black', unit: 'kg', stock: 500 },
  { code: 'FASTENER-M8', name: 'Hex bolt M8×25 with nut, zinc', unit: 'pcs', stock: 40000 },
  { code: 'HINGE-120', name: 'Concealed hinge 120°', unit: 'pcs', stock: 6000 },
];

/**
 * What the history's plans (seed --history) draw besides the plans' main
 * materials: consumables per operation, and the laser-cut blanks of the
 * lot-tracked sheets (lot-tracked too: a blank carries its sheet's heat
 * number to the parts made of it). Opening stock like the raw materials;
 * the blanks are made, never bought.
 */
export const consumables = [
  { code: 'GAS-N2', name: 'Nitrogen, laser assist gas', unit: 'm3', stock: 2000 },
  { code: 'OIL-PUNCH', name: 'Punching and forming oil', unit: 'l', stock: 200 },
  { code: 'GAS-ARCO2', name: 'Shielding gas Ar/CO2 82/18', unit: 'm3', stock: 1500 },
  { code: 'SPRAY-AS', name: 'Anti-spatter spray, 400 ml can', unit: 'pcs', stock: 600 },
  { code: 'TAPE-MASK', name: 'High-temperature masking tape, 25 mm roll', unit: 'pcs', stock: 800 },
  { code: 'DISC-125', name: 'Flap disc 125 mm, grit 60', unit: 'pcs', stock: 1500 },
  { code: 'PRETREAT-FE', name: 'Iron phosphate pre-treatment concentrate', unit: 'l', stock: 400 },
  { code: 'GASKET-PU', name: 'PU foam gasket, door seal', unit: 'm', stock: 3000 },
  { code: 'LABEL-ID', name: 'Rating plate and ID label', unit: 'pcs', stock: 5000 },
  { code: 'BOX-PACK', name: 'Corrugated shipping box with edge protection', unit: 'pcs', stock: 1500 },
];
export const blanks = [
  { code: 'BLANK-304-1.5', name: 'Laser-cut blanks, stainless 1.4301 1.5 mm', unit: 'pcs', sheet: 'SHEET-304-1.5' },
  { code: 'BLANK-ALMG3-2', name: 'Laser-cut blanks, aluminium AlMg3 2 mm', unit: 'pcs', sheet: 'SHEET-ALMG3-2' },
];

export const products = [
  'Control cabinet',
  'Machine guard',
  'Cable tray',
  'Wall bracket',
  'Tool trolley',
  'Electrical enclosure',
  'Conveyor frame',
  'Stair stringer',
  'Ventilation hood',
  'Battery rack',
];

export const firstNames = [
  'Ahmet',
  'Ayşe',
  'Mehmet',
  'Elif',
  'Mustafa',
  'Zeynep',
  'Emre',
  'Selin',
  'Burak',
  'Derya',
  'Jonas',
  'Anna',
  'Lukas',
  'Marta',
  'Piotr',
  'Sofia',
  'Daniel',
  'Ines',
  'Tomasz',
  'Lea',
];
export const lastNames = [
  'Yılmaz',
  'Kaya',
  'Demir',
  'Şahin',
  'Çelik',
  'Öztürk',
  'Arslan',
  'Doğan',
  'Koç',
  'Aydın',
  'Becker',
  'Nowak',
  'Schulz',
  'Kowalski',
  'Weber',
  'Novak',
  'Horvat',
  'Meyer',
  'Wagner',
  'Costa',
];

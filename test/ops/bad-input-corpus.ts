/**
 * A corpus of bad requests (issue #19, findings 4, 5 and 8), each with the
 * field its problem document must name. Every request goes to an existing
 * record with a body that is valid but for one field, so nothing but that
 * field can be the reason for the refusal:
 *
 * - the reproduced findings, as sent against the running server;
 * - every field of a valid body, given each value of the wrong JSON type that
 *   coercion used to turn into a right one ("5", [1], true, 1, "true", …) and
 *   the non-finite strings ("Infinity", "-Infinity", "NaN");
 * - every string field, given text the database cannot store (NUL, lone
 *   surrogates);
 * - amounts that round to 0 at 3 decimals, dates in year 0000, unknown and
 *   missing properties;
 * - query strings and path parameters with the same faults.
 *
 * Built by a function (the ids of the seeded records come from the test), so
 * the cases stay readable as data: `badInputCorpus(ids)` returns plain objects.
 */
export interface BadInputCase {
  label: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH';
  url: string;
  body?: unknown;
  /** The `field` the problem document must name, e.g. body/nodes/0/quantity. */
  field: string;
}

export interface CorpusIds {
  /** A draft plan. */
  draftPlanId: string;
  /** A ready assignment. */
  assignmentId: string;
  /** An open problem. */
  problemId: number;
  /** A shift calendar. */
  calendarId: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Values of the wrong JSON type for a value of the type of `value`, none of them valid after the change. */
function wrongTypes(value: Json): Json[] {
  if (typeof value === 'boolean') return [1, 0, 'true', 'false', [value], {}];
  if (typeof value === 'number') {
    const text = String(value);
    return [text, 'Infinity', '-Infinity', 'NaN', [value], true, {}];
  }
  if (typeof value === 'string') return [5, true, [value], { value }];
  if (Array.isArray(value)) return typeof value[0] === 'string' ? [value[0], 7] : [7, 'x'];
  return ['x', 7, [value]];
}

/** Text a PostgreSQL text column cannot hold, or that is not Unicode. */
const unstorableText = ['Laser\u0000cutting', '\u0000', 'a\ud800b', 'end\udbff', '\udc00start', 'x\ude00\ud83d'];

const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function setAt(body: Json, path: (string | number)[], value: Json | undefined): Json {
  const copy = structuredClone(body);
  let at = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

/** Leaves and arrays of a body, with their paths; into the first element of arrays of objects. */
function fieldsOf(value: Json, path: (string | number)[] = []): { path: (string | number)[]; value: Json }[] {
  if (Array.isArray(value)) {
    const first = value[0];
    const self = path.length > 0 ? [{ path, value }] : [];
    return first !== undefined && first !== null && typeof first === 'object' ? [...self, ...fieldsOf(first, [...path, 0])] : self;
  }
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => fieldsOf(v, [...path, k]));
  return [{ path, value }];
}

interface Template {
  method: BadInputCase['method'];
  url: string;
  /** Valid for the route (one change away from being accepted). */
  body: Json;
  /** Paths (joined with /) whose wrong types are not tried: a union where another branch reports first. */
  skip?: string[];
  /** Required properties to leave out. */
  required?: string[];
}

function mutations(t: Template): BadInputCase[] {
  const cases: BadInputCase[] = [];
  const skip = new Set(t.skip ?? []);
  for (const { path, value } of fieldsOf(t.body)) {
    const key = path.join('/');
    if (skip.has(key)) continue;
    const field = `body/${path.map((p) => pointer(String(p))).join('/')}`;
    for (const wrong of wrongTypes(value)) {
      cases.push({ label: `${key} = ${JSON.stringify(wrong)}`, method: t.method, url: t.url, body: setAt(t.body, path, wrong), field });
    }
    if (typeof value === 'string') {
      for (const text of unstorableText) {
        cases.push({ label: `${key} = ${JSON.stringify(text)}`, method: t.method, url: t.url, body: setAt(t.body, path, text), field });
      }
    }
  }
  for (const missing of t.required ?? []) {
    cases.push({ label: `without ${missing}`, method: t.method, url: t.url, body: setAt(t.body, [missing], undefined), field: `body/${missing}` });
  }
  cases.push({
    label: 'an unknown property',
    method: t.method,
    url: t.url,
    body: { ...(t.body as Record<string, Json>), unknownThing: 1 },
    field: 'body/unknownThing',
  });
  return cases.map((c) => ({ ...c, label: `${t.method} ${t.url} ${c.label}` }));
}

/** A plan document valid against the minimal seed (one node on OP-001 at ST-001). */
export function validPlan(): { [key: string]: Json } {
  return {
    workOrderCode: 'WO-CORPUS-1',
    name: 'Corpus bracket',
    quantity: 4,
    note: 'n',
    nodes: [
      {
        nodeId: 'N1',
        name: 'Cut',
        operationId: 'OP-001',
        quantity: 4,
        nominalTime: 2,
        efficiency: 1,
        predecessors: [],
        assignedStations: [{ stationId: 'ST-001', priority: 1, time: 2 }],
        materialInputs: [{ materialCode: 'FASTENER-M8', requiredQuantity: 1 }],
        position: { x: 10, y: 20 },
        note: 'n',
      },
    ],
  };
}

export function badInputCorpus(ids: CorpusIds): BadInputCase[] {
  const plan = `/api/mes/production-plans/${ids.draftPlanId}`;
  const wa = `/api/mes/worker-assignments/${ids.assignmentId}`;
  const node = (patch: { [key: string]: Json }) => {
    const doc = validPlan();
    (doc.nodes as { [key: string]: Json }[])[0] = { ...(doc.nodes as { [key: string]: Json }[])[0]!, ...patch };
    return doc;
  };

  // the findings as reproduced against the running server
  const findings: BadInputCase[] = [
    { label: 'finding 4: allowShortage 1', method: 'POST', url: `${plan}/release`, body: { allowShortage: 1 }, field: 'body/allowShortage' },
    { label: 'finding 4: overrun "true"', method: 'POST', url: `${wa}/complete`, body: { goodQuantity: 999999, overrun: 'true' }, field: 'body/overrun' },
    {
      label: 'finding 4: quantity [1]',
      method: 'POST',
      url: '/api/mes/materials/FASTENER-M8/adjustments',
      body: { quantity: [1], reason: 'count' },
      field: 'body/quantity',
    },
    {
      label: 'finding 4: quantity true',
      method: 'POST',
      url: '/api/mes/materials/FASTENER-M8/adjustments',
      body: { quantity: true, reason: 'count' },
      field: 'body/quantity',
    },
    {
      label: 'finding 4: quantity "5"',
      method: 'POST',
      url: '/api/mes/materials/FASTENER-M8/adjustments',
      body: { quantity: '5', reason: 'count' },
      field: 'body/quantity',
    },
    { label: 'finding 4: name 5', method: 'POST', url: '/api/mes/operations', body: { name: 5 }, field: 'body/name' },
    {
      label: 'finding 4: workOrderCode 12',
      method: 'POST',
      url: '/api/mes/production-plans',
      body: { ...validPlan(), workOrderCode: 12 },
      field: 'body/workOrderCode',
    },
    {
      label: 'finding 4: operationIds "OP-001"',
      method: 'POST',
      url: '/api/mes/workers',
      body: { name: 'Ada', operationIds: 'OP-001' },
      field: 'body/operationIds',
    },
    {
      label: 'finding 4: openingStock "-Infinity"',
      method: 'POST',
      url: '/api/mes/materials',
      body: { code: 'NEW-INF', name: 'Infinite', unit: 'pcs', openingStock: '-Infinity' },
      field: 'body/openingStock',
    },
    {
      label: 'finding 5: exception dated 0000-01-01',
      method: 'PUT',
      url: `/api/mes/shift-calendars/${ids.calendarId}`,
      body: { name: 'Day', windows: [], exceptions: [{ date: '0000-01-01', startMinute: null, endMinute: null }] },
      field: 'body/exceptions/0/date',
    },
    {
      label: 'finding 5: position.x "Infinity"',
      method: 'POST',
      url: '/api/mes/production-plans',
      body: node({ position: { x: 'Infinity', y: 0 } }),
      field: 'body/nodes/0/position/x',
    },
    { label: 'finding 8: NUL in name', method: 'POST', url: '/api/mes/operations', body: { name: 'Laser\u0000cutting' }, field: 'body/name' },
    { label: 'finding 8: lone surrogate in name', method: 'POST', url: '/api/mes/operations', body: { name: 'Laser\ud800' }, field: 'body/name' },
    {
      label: 'finding 8: efficiency 1e-300',
      method: 'POST',
      url: '/api/mes/production-plans',
      body: node({ efficiency: 1e-300 }),
      field: 'body/nodes/0/efficiency',
    },
    {
      label: 'finding 8: quantity 0.0001',
      method: 'POST',
      url: '/api/mes/production-plans',
      body: { ...validPlan(), quantity: 0.0001 },
      field: 'body/quantity',
    },
  ];

  // numbers that PostgreSQL would round to 0, overflow, or that are not numbers
  const numbers: BadInputCase[] = [
    ...[0.0001, 0.0004, 1e-300, 0, -1].flatMap((q): BadInputCase[] => [
      { label: `node quantity ${q}`, method: 'POST', url: '/api/mes/production-plans', body: node({ quantity: q }), field: 'body/nodes/0/quantity' },
      { label: `nominalTime ${q}`, method: 'POST', url: '/api/mes/production-plans', body: node({ nominalTime: q }), field: 'body/nodes/0/nominalTime' },
      { label: `efficiency ${q}`, method: 'POST', url: '/api/mes/production-plans', body: node({ efficiency: q }), field: 'body/nodes/0/efficiency' },
      {
        label: `station time ${q}`,
        method: 'POST',
        url: '/api/mes/production-plans',
        body: node({ assignedStations: [{ stationId: 'ST-001', priority: 1, time: q }] }),
        field: 'body/nodes/0/assignedStations/0/time',
      },
      {
        label: `requiredQuantity ${q}`,
        method: 'POST',
        url: '/api/mes/production-plans',
        body: node({ materialInputs: [{ materialCode: 'FASTENER-M8', requiredQuantity: q }] }),
        field: 'body/nodes/0/materialInputs/0/requiredQuantity',
      },
      { label: `defaultEfficiency ${q}`, method: 'PATCH', url: '/api/mes/operations/OP-001', body: { defaultEfficiency: q }, field: 'body/defaultEfficiency' },
    ]),
    ...[0.0001, -0.0004, 0.0009, 0].map((q): BadInputCase => ({
      label: `adjustment ${q}`,
      method: 'POST',
      url: '/api/mes/materials/FASTENER-M8/adjustments',
      body: { quantity: q, reason: 'count' },
      field: 'body/quantity',
    })),
    { label: 'quantity 1e10', method: 'POST', url: '/api/mes/production-plans', body: { ...validPlan(), quantity: 1e10 }, field: 'body/quantity' },
    { label: 'version 2^31', method: 'PUT', url: plan, body: { ...validPlan(), version: 2 ** 31 }, field: 'body/version' },
    {
      label: 'priority 1.5',
      method: 'POST',
      url: '/api/mes/production-plans',
      body: node({ assignedStations: [{ stationId: 'ST-001', priority: 1.5 }] }),
      field: 'body/nodes/0/assignedStations/0/priority',
    },
  ];

  // dates PostgreSQL has no year for
  const dates: BadInputCase[] = [
    {
      label: 'exception dated 0000-12-31',
      method: 'POST',
      url: '/api/mes/shift-calendars',
      body: { id: 'YEAR-ZERO', name: 'Zero', windows: [], exceptions: [{ date: '0000-12-31' }] },
      field: 'body/exceptions/0/date',
    },
    { label: 'plannedStart in year 0000', method: 'PUT', url: wa, body: { plannedStart: '0000-06-01T08:00:00Z' }, field: 'body/plannedStart' },
    { label: 'plannedStart "2026-13-01"', method: 'PUT', url: wa, body: { plannedStart: '2026-13-01T08:00:00Z' }, field: 'body/plannedStart' },
    { label: 'plannedStart 1767250800000', method: 'PUT', url: wa, body: { plannedStart: 1767250800000 }, field: 'body/plannedStart' },
    // a plan's due date and priority (issue #16)
    ...['tomorrow', '2026-13-01', '2026-12-01', '0000-06-01T08:00:00Z'].flatMap((d): BadInputCase[] => [
      { label: `dueDate ${d}`, method: 'POST', url: '/api/mes/production-plans', body: { ...validPlan(), dueDate: d }, field: 'body/dueDate' },
      { label: `import dueDate ${d}`, method: 'POST', url: '/api/mes/production-plans/import', body: { ...validPlan(), dueDate: d }, field: 'body/dueDate' },
      { label: `PUT dueDate ${d}`, method: 'PUT', url: plan, body: { ...validPlan(), dueDate: d, version: 1 }, field: 'body/dueDate' },
    ]),
    ...[0, 6, 2.5, '3', -1, null].flatMap((q): BadInputCase[] => [
      { label: `plan priority ${String(q)}`, method: 'POST', url: '/api/mes/production-plans', body: { ...validPlan(), priority: q }, field: 'body/priority' },
      { label: `PUT plan priority ${String(q)}`, method: 'PUT', url: plan, body: { ...validPlan(), priority: q, version: 1 }, field: 'body/priority' },
    ]),
  ];

  const templates: Template[] = [
    { method: 'POST', url: '/api/mes/operations', body: { name: 'Deburr', description: 'edges', defaultEfficiency: 1.2 }, required: ['name'] },
    { method: 'PATCH', url: '/api/mes/operations/OP-001', body: { name: 'Laser', description: 'cuts', defaultEfficiency: 1 } },
    {
      method: 'POST',
      url: '/api/mes/stations',
      body: { name: 'Press', description: 'd', location: 'hall 2', operationIds: ['OP-001'], substations: [{ name: 'Press 1' }] },
      required: ['name'],
    },
    {
      method: 'POST',
      url: '/api/mes/workers',
      body: { name: 'Ada', email: 'ada@example.com', operationIds: ['OP-001'], stationIds: ['ST-001'] },
      skip: ['email'],
      required: ['name'],
    },
    {
      method: 'POST',
      url: '/api/mes/shift-calendars',
      body: { id: 'NIGHT', name: 'Night', windows: [{ weekday: 1, startMinute: 1320, endMinute: 1440 }], exceptions: [{ date: '2026-12-25', note: 'closed' }] },
      required: ['id', 'name', 'windows'],
    },
    {
      method: 'POST',
      url: '/api/mes/materials',
      body: { code: 'NEW-CORPUS', name: 'Washer', unit: 'pcs', reorderPoint: 10, openingStock: 100 },
      required: ['code', 'name', 'unit'],
    },
    {
      method: 'POST',
      url: '/api/mes/materials/FASTENER-M8/adjustments',
      body: { quantity: 5, reason: 'count', kind: 'receipt' },
      required: ['quantity', 'reason'],
    },
    {
      method: 'POST',
      url: '/api/mes/production-plans',
      body: { ...validPlan(), dueDate: '2027-01-15T12:00:00Z', priority: 2 },
      required: ['workOrderCode', 'name', 'quantity', 'nodes'],
    },
    { method: 'POST', url: `${plan}/release`, body: { allowShortage: true } },
    {
      method: 'POST',
      url: `${wa}/complete`,
      body: { goodQuantity: 1, scrapQuantity: 1, scrapReason: 'bent', note: 'ok', overrun: false, materials: [{ materialCode: 'FASTENER-M8', quantity: 1 }] },
      required: ['goodQuantity'],
    },
    { method: 'POST', url: `${wa}/pause`, body: { reason: 'other', note: 'coffee' }, required: ['reason'] },
    { method: 'POST', url: `${wa}/report-problem`, body: { category: 'machine', text: 'noise' }, required: ['category', 'text'] },
    { method: 'POST', url: `/api/mes/problems/${ids.problemId}/resolve`, body: { resolution: 'fixed' } },
    { method: 'POST', url: '/api/mes/auth/login', body: { username: 'admin', password: 'admin-pass-123' }, required: ['username', 'password'] },
  ];

  // query strings and path parameters: coerced from text, but never into text that cannot be stored
  const queries: BadInputCase[] = [
    { label: 'q with NUL', method: 'GET', url: '/api/mes/operations?q=a%00b', field: 'querystring/q' },
    { label: 'q over 100 characters', method: 'GET', url: `/api/mes/materials?q=${'x'.repeat(101)}`, field: 'querystring/q' },
    { label: 'limit Infinity', method: 'GET', url: '/api/mes/production-plans?limit=Infinity', field: 'querystring/limit' },
    { label: 'offset -Infinity', method: 'GET', url: '/api/mes/operations?offset=-Infinity', field: 'querystring/offset' },
    { label: 'limit 1e400', method: 'GET', url: '/api/mes/workers?limit=1e400', field: 'querystring/limit' },
    { label: 'limit 1.5', method: 'GET', url: '/api/mes/production-plans?limit=1.5', field: 'querystring/limit' },
    { label: 'from in year 0000', method: 'GET', url: '/api/mes/production-plans?from=0000-01-01T00:00:00Z', field: 'querystring/from' },
    { label: 'plans sorted by a bogus key', method: 'GET', url: '/api/mes/production-plans?sort=dueDate;drop', field: 'querystring/sort' },
    { label: 'plans sorted upwards', method: 'GET', url: '/api/mes/production-plans?sort=priority&direction=up', field: 'querystring/direction' },
    { label: 'late=maybe', method: 'GET', url: '/api/mes/production-plans?late=maybe', field: 'querystring/late' },
    { label: 'problem id 1e20', method: 'POST', url: '/api/mes/problems/100000000000000000000/resolve', body: {}, field: 'params/id' },
    { label: 'operation id with NUL', method: 'PATCH', url: '/api/mes/operations/OP-%00', body: { name: 'x' }, field: 'params/id' },
  ];

  return [...findings, ...numbers, ...dates, ...templates.flatMap(mutations), ...queries];
}

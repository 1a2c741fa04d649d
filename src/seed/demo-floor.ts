/**
 * The first start's demo floor: after the default dataset is seeded, a
 * planner releases the two first plans and the worker of the first ready step
 * starts it, all through the app's own API (in-process requests), so the live
 * board, the Gantt charts and the worker portal open on work instead of an
 * empty shop. Off with MES_DEMO_FLOOR=false; `npm run seed` never does it.
 */
import type { FastifyInstance } from 'fastify';

export interface DemoFloor {
  released: string[];
  started?: { assignmentId: string; workerId: string };
}

interface Detail {
  plan: { id: string; nodes: { nodeId: string; assignment: { id: string; status: string; workerId: string; plannedStart: string } | null }[] };
}

export async function startDemoFloor(app: FastifyInstance, credentials: { adminPassword: string; demoPin: string }): Promise<DemoFloor> {
  const call = async <T>(method: 'GET' | 'POST', url: string, token?: string, payload?: unknown): Promise<T> => {
    const res = await app.inject({
      method,
      url,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      ...(payload !== undefined ? { payload: JSON.stringify(payload) } : {}),
    });
    if (res.statusCode >= 300) throw new Error(`demo floor: ${method} ${url} answered ${res.statusCode}: ${res.body}`);
    return res.json() as T;
  };
  const planner = await call<{ token: string }>('POST', '/api/mes/auth/login', undefined, { username: 'planner', password: credentials.adminPassword });
  const drafts = await call<{ items: { id: string }[] }>('GET', '/api/mes/production-plans?status=draft&limit=2', planner.token);
  const released: Detail[] = [];
  for (const { id } of drafts.items)
    released.push(await call<Detail>('POST', `/api/mes/production-plans/${id}/release`, planner.token, { allowShortage: true }));
  const floor: DemoFloor = { released: released.map((r) => r.plan.id) };

  const first = released[0]?.plan.nodes
    .map((n) => n.assignment)
    .filter((a) => a !== null && a.status === 'ready')
    .sort((a, b) => Date.parse(a!.plannedStart) - Date.parse(b!.plannedStart))[0];
  if (first) {
    const worker = await call<{ token: string }>('POST', '/api/mes/auth/pin-login', undefined, { workerId: first.workerId, pin: credentials.demoPin });
    await call('POST', `/api/mes/worker-assignments/${first.id}/start`, worker.token, {});
    floor.started = { assignmentId: first.id, workerId: first.workerId };
  }
  return floor;
}

/**
 * Alerts: written by the owning modules inside the transaction of the action
 * that causes them (recordAlerts, through index.ts), read and acknowledged by
 * the people they are addressed to. Each new alert and each acknowledgement
 * goes to the events outbox on topic `alerts`, with the recipient's worker
 * id so an operator's stream carries only their own (realtime.rules).
 */
import type { Db, Trx } from '../../db/database.js';
import { recordEvents } from '../realtime/index.js';
import { notFound } from '../../shared/errors.js';
import type { PageOf } from '../../shared/pagination.js';
import type { SessionUser } from '../auth/index.js';
import * as repo from './alerts.repository.js';
import type { AlertView } from './alerts.schema.js';

export type { NewAlert, Recipient } from './alerts.repository.js';

/** Inserts the alerts and their events in the caller's transaction. */
export async function recordAlerts(trx: Trx, alerts: repo.NewAlert[], actor: string | null): Promise<AlertView[]> {
  const inserted = await repo.insertAlerts(trx, alerts, actor);
  await recordEvents(
    trx,
    inserted.map(({ alert, streamWorkerId }) => ({
      topic: 'alerts',
      entityType: 'alert',
      entityId: String(alert.id),
      change: 'created',
      planId: alert.planId,
      workerId: streamWorkerId,
      payload: { alert },
    })),
    actor,
  );
  return inserted.map((i) => i.alert);
}

export async function listMyAlerts(
  db: Db,
  user: SessionUser,
  query: { unacknowledged?: boolean | undefined; limit: number; offset: number },
): Promise<PageOf<AlertView>> {
  const { items, total } = await repo.listAlerts(db, user, { unacknowledged: query.unacknowledged ?? false, limit: query.limit, offset: query.offset });
  return { items, total, limit: query.limit, offset: query.offset };
}

/** Tells the user's other tabs and devices, so an alert acknowledged in one is not shown in another. */
function ackEvent(user: SessionUser, alertIds: number[]) {
  return {
    topic: 'alerts' as const,
    entityType: 'alert',
    entityId: alertIds.length === 1 ? String(alertIds[0]) : 'many',
    change: 'acknowledged',
    workerId: user.workerId,
    payload: { userId: user.id, alertIds },
  };
}

/** Acknowledges one alert for the signed-in user; again is fine (same answer). Another person's alert is 404. */
export async function acknowledgeAlert(db: Db, user: SessionUser, id: number): Promise<AlertView> {
  return db.transaction().execute(async (trx) => {
    const fresh = await repo.ackAlert(trx, user, id);
    const alert = await repo.findAlert(trx, user, id);
    if (!alert) throw notFound('alert', String(id));
    if (fresh) await recordEvents(trx, [ackEvent(user, [id])], user.username);
    return alert;
  });
}

export async function acknowledgeAllAlerts(db: Db, user: SessionUser, upTo: number | undefined): Promise<{ acknowledged: number }> {
  return db.transaction().execute(async (trx) => {
    const ids = await repo.ackAllAlerts(trx, user, upTo);
    if (ids.length > 0) await recordEvents(trx, [ackEvent(user, ids)], user.username);
    return { acknowledged: ids.length };
  });
}

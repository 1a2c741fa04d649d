/** Who an alert is for, as a pure rule (the repository says the same in SQL). */
import type { AlertAudience } from './alerts.schema.js';

export interface Reader {
  id: number;
  role: 'admin' | 'planner' | 'operator';
  workerId: string | null;
}

export function isAddressedTo(alert: { audience: AlertAudience; workerId: string | null; userId: number | null }, reader: Reader): boolean {
  if (alert.audience === 'planners') return reader.role === 'planner' || reader.role === 'admin';
  if (alert.audience === 'worker') return reader.workerId !== null && alert.workerId === reader.workerId;
  return alert.userId === reader.id;
}

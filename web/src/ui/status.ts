/** One colour and one label per status, for badges, Gantt bars and graph nodes alike. */
import { t } from '../i18n';

export type Tone = 'neutral' | 'info' | 'active' | 'warning' | 'success' | 'danger';

const tones: Record<string, Tone> = {
  // plans
  draft: 'neutral',
  released: 'info',
  in_production: 'active',
  paused: 'warning',
  completed: 'success',
  cancelled: 'danger',
  // assignments
  pending: 'neutral',
  ready: 'info',
  in_progress: 'active',
  // workers
  available: 'success',
  busy: 'active',
  on_break: 'warning',
  off_shift: 'neutral',
  // substations
  in_use: 'active',
  maintenance: 'warning',
};

export function statusTone(status: string | null | undefined): Tone {
  return (status && tones[status]) || 'neutral';
}

/** The words for each status (keys are literal so the catalog check sees them). */
const statusKeys: Record<string, string> = {
  draft: 'status.draft',
  released: 'status.released',
  in_production: 'status.in_production',
  paused: 'status.paused',
  completed: 'status.completed',
  cancelled: 'status.cancelled',
  pending: 'status.pending',
  ready: 'status.ready',
  in_progress: 'status.in_progress',
  available: 'status.available',
  busy: 'status.busy',
  on_break: 'status.on_break',
  off_shift: 'status.off_shift',
  in_use: 'status.in_use',
  maintenance: 'status.maintenance',
};

export function statusLabel(status: string | null | undefined): string {
  if (!status) return t('status.not_scheduled');
  const key = statusKeys[status];
  // a status this UI does not know yet (a newer server) shows as written
  return key ? t(key) : status.replace(/_/g, ' ');
}

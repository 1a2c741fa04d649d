/** One colour and one label per status, for badges, Gantt bars and graph nodes alike. */
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

export function statusLabel(status: string | null | undefined): string {
  if (!status) return 'not scheduled';
  return status.replace(/_/g, ' ');
}

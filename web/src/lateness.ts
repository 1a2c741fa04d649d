/**
 * A plan's lateness as people read it (issue #16): the server gives whole
 * minutes from the due date to the projected end (positive = late); this
 * picks the unit, so a number stays small: minutes under an hour, hours up to
 * two days, days beyond. Pure, so it is tested without a browser.
 */
export type LatenessParts = { late: false } | { late: true; unit: 'minutes' | 'hours' | 'days'; count: number };

export function latenessParts(minutes: number): LatenessParts {
  if (!(minutes > 0)) return { late: false };
  if (minutes < 60) return { late: true, unit: 'minutes', count: Math.max(1, Math.round(minutes)) };
  if (minutes < 48 * 60) return { late: true, unit: 'hours', count: Math.max(1, Math.round(minutes / 60)) };
  return { late: true, unit: 'days', count: Math.max(2, Math.round(minutes / 1440)) };
}

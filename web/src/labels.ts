/** What the shop floor reported, in words a planner reads: pause reasons and problem categories. */
import type { PauseReason, ProblemCategory } from './api/types';

export const pauseReasonLabel: Record<PauseReason, string> = {
  break: 'Break',
  material_missing: 'Material missing',
  machine_fault: 'Machine fault',
  quality_problem: 'Quality problem',
  other: 'Other',
};

export const problemCategoryLabel: Record<ProblemCategory, string> = {
  material: 'Material',
  machine: 'Machine',
  quality: 'Quality',
  safety: 'Safety',
  other: 'Other',
};

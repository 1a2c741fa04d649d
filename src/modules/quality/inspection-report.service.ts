/**
 * The inspection report of a plan, one row per sample of every check of every
 * step (current values; a sample not recorded yet says MISSING), in plan and
 * item order: what a customer asks with a delivery.
 */
import type { Db } from '../../db/database.js';
import { notFound } from '../../shared/errors.js';
import * as repo from './inspection.repository.js';
import { csvField, csvOf, reportHeader } from './inspection-report.rules.js';
import { toleranceBand } from './quality.rules.js';

export async function inspectionReportCsv(db: Db, planId: string): Promise<{ filename: string; csv: string }> {
  const plan = await repo.planHeader(db, planId);
  if (!plan) throw notFound('plan', planId);
  const steps = await repo.planSteps(db, planId);
  const itemsOf = await repo.itemsOfOperations(db, [...new Set(steps.map((s) => s.operationId))]);
  const results = await repo.resultsOf(
    db,
    steps.map((s) => s.assignmentId),
  );
  const rows: string[][] = [];
  for (const s of steps) {
    for (const item of itemsOf.get(s.operationId)!) {
      const band = toleranceBand(item);
      for (let sample = 1; sample <= item.samples; sample++) {
        const r = results.find((x) => x.assignmentId === s.assignmentId && x.itemId === item.id && x.sample === sample);
        const value = r === undefined ? '' : item.kind === 'photo' ? 'photo' : item.kind === 'pass_fail' ? (r.value === true ? 'pass' : 'fail') : r.value;
        rows.push([
          csvField(plan.id),
          csvField(plan.name, true),
          csvField(plan.workOrderCode, true),
          csvField(s.nodeId),
          csvField(s.nodeName, true),
          csvField(s.assignmentId),
          csvField(s.assignmentStatus),
          csvField(s.operationId),
          csvField(s.operationName, true),
          csvField(item.position),
          csvField(item.label, true),
          csvField(item.kind),
          csvField(item.requiredAt),
          csvField(item.nominal),
          csvField(item.lowerTolerance),
          csvField(item.upperTolerance),
          csvField(band?.min),
          csvField(band?.max),
          csvField(item.unit, true),
          csvField(sample),
          csvField(value, typeof value === 'string'),
          r === undefined ? 'MISSING' : r.ok ? 'OK' : 'NOT OK',
          csvField(r?.recordedBy, true),
          csvField(r?.recordedAt),
        ]);
      }
    }
  }
  return { filename: `inspection-report-${plan.id}.csv`, csv: csvOf(reportHeader, rows) };
}

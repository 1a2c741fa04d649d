/**
 * A planner's move onto a worker and a substation at a start time: where the
 * booking ends, in the calendar of both (the worker's shifts and the
 * substation's availability) and outside the substation's maintenance blocks,
 * or a 422 naming the field and the rule. The arithmetic is the scheduler's
 * (stepWindow, src/scheduler/availability.ts).
 */
import type { Trx } from '../../db/database.js';
import { formatLocal, type ShiftCalendar, stepWindow } from '../../scheduler/index.js';
import { DomainError, m } from '../../shared/errors.js';
import { substationAvailabilityFor } from './availability.repository.js';

export async function moveEnd(
  trx: Trx,
  req: {
    workerId: string;
    workerCalendar: ShiftCalendar;
    substationId: string;
    /** the field a refusal about the substation names (body/substationId when the move chose it) */
    substationField: string;
    start: number;
    minutes: number;
    utcOffsetMinutes: number;
  },
): Promise<number> {
  const at = (ms: number) => formatLocal(ms, req.utcOffsetMinutes, true);
  const { calendar, blocks } = await substationAvailabilityFor(trx, req.substationId, new Date(req.start));
  const w = stepWindow({
    workerCalendar: req.workerCalendar,
    substationCalendar: calendar,
    blocks,
    utcOffsetMinutes: req.utcOffsetMinutes,
    start: req.start,
    minutes: req.minutes,
  });
  if (w.ok) return w.end;
  switch (w.rule) {
    case 'off_shift':
      throw new DomainError('rule_violated', m('move.off_shift', { workerId: req.workerId, start: at(req.start) }), { field: 'body/plannedStart' });
    case 'unavailable':
      throw new DomainError('rule_violated', m('move.substation_unavailable', { substationId: req.substationId, start: at(req.start) }), {
        field: req.substationField,
      });
    case 'no_fit':
      throw new DomainError('rule_violated', m('move.no_fit', { substationId: req.substationId, workerId: req.workerId }), { field: 'body/plannedStart' });
    case 'blocked':
      throw new DomainError(
        'rule_violated',
        m('move.substation_blocked', { substationId: req.substationId, blockId: w.block.id, from: at(w.block.start), to: at(w.block.end), end: at(w.end) }),
        { field: req.substationField, blockId: w.block.id },
      );
  }
}

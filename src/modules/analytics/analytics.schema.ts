/**
 * The analytics API's queries and answers, defined once (docs/ANALYTICS.md
 * has the definitions). Every endpoint takes a bounded period and optional
 * filters; every answer has `rows` (the table behind the chart, also served
 * as CSV with ?format=csv or Accept: text/csv).
 */
import { type Static, Type } from 'typebox';
import { DateTime, NullableString } from '../../shared/schema.js';

/** The buckets a report can be grouped by (plant local time). */
export const groupings = ['day', 'week', 'month'] as const;
export type Grouping = (typeof groupings)[number];

const Id = (description: string) => Type.Optional(Type.String({ minLength: 1, maxLength: 50, description }));

const periodAndFilters = {
  from: Type.String({ format: 'date-time', description: 'period start (inclusive)' }),
  to: Type.String({ format: 'date-time', description: 'period end (exclusive); after from, at most 400 days later' }),
  groupBy: Type.Optional(Type.Enum(groupings, { description: 'bucket in plant local time (MES_UTC_OFFSET_MINUTES); weeks start on Monday; default day' })),
  stationId: Id('only steps at this station'),
  substationId: Id('only steps on this substation'),
  operationId: Id('only steps of this operation'),
  workerId: Id('only steps of this worker'),
  planId: Id('only steps of this plan'),
  format: Type.Optional(Type.Enum(['json', 'csv'] as const, { description: 'csv: the rows as RFC 4180 CSV' })),
};

export const AnalyticsQuery = Type.Object(periodAndFilters, { additionalProperties: false });
export type AnalyticsQuery = Static<typeof AnalyticsQuery>;

export const StepsQuery = Type.Object(
  {
    ...periodAndFilters,
    reason: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 100,
        description:
          "only steps with a pause of this reason or scrap of this reason ('unspecified': scrap with no reason given, as the scrap report buckets it)",
      }),
    ),
    after: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'keyset cursor: the last assignment id of the previous page' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'at most 500; default 100' })),
  },
  { additionalProperties: false },
);
export type StepsQuery = Static<typeof StepsQuery>;

const Num = Type.Number();
const Ratio = Type.Union([Type.Number(), Type.Null()], { description: 'null when its denominator is zero' });

export const OeeRow = Type.Object({
  bucket: Type.String({ description: 'local start date of the bucket' }),
  level: Type.Enum(['substation', 'station'] as const),
  stationId: Type.String(),
  substationId: NullableString,
  plannedMinutes: Num,
  runMinutes: Num,
  idealMinutes: Num,
  good: Num,
  scrap: Num,
  availability: Ratio,
  performance: Ratio,
  quality: Ratio,
  oee: Ratio,
});
export const OeeReport = Type.Object({ rows: Type.Array(OeeRow) });
export type OeeRow = Static<typeof OeeRow>;

const ParetoRow = Type.Object({ reason: Type.String(), value: Num, count: Type.Integer(), share: Num, cumulativeShare: Num });

export const DowntimeRow = Type.Object({ bucket: Type.String(), stationId: Type.String(), reason: Type.String(), minutes: Num, pauses: Type.Integer() });
export const DowntimeReport = Type.Object({
  pareto: Type.Array(ParetoRow, { description: 'pause minutes by reason over the period, largest first, with cumulative share' }),
  rows: Type.Array(DowntimeRow),
});

export const ScrapRow = Type.Object({ bucket: Type.String(), operationId: Type.String(), reason: Type.String(), scrap: Num, steps: Type.Integer() });
export const ScrapReport = Type.Object({
  pareto: Type.Array(ParetoRow, { description: 'scrapped units by reason over the period, largest first, with cumulative share' }),
  rows: Type.Array(ScrapRow),
});

export const PlannedVsActualRow = Type.Object({
  operationId: Type.String(),
  stationId: Type.String(),
  steps: Type.Integer(),
  units: Num,
  nominalPerUnit: Type.Union([Num, Type.Null()], {
    description: 'median of the nominal minutes per unit the steps were planned with (station time if set, else the node\u2019s)',
  }),
  plannedPerUnit: Type.Union([Num, Type.Null()], { description: 'mean planned minutes per unit (work_minutes / units)' }),
  actualMeanPerUnit: Type.Union([Num, Type.Null()]),
  actualMedianPerUnit: Type.Union([Num, Type.Null()]),
  suggestedNominal: Type.Union([Num, Type.Null()], {
    description: 'median of worked minutes \u00d7 efficiency / units: the nominal time per unit the actuals suggest',
  }),
});
export const PlannedVsActualReport = Type.Object({ rows: Type.Array(PlannedVsActualRow) });

export const DeliveryRow = Type.Object({
  bucket: Type.String(),
  completedPlans: Type.Integer(),
  withDueDate: Type.Integer(),
  onTime: Type.Integer(),
  onTimeRate: Ratio,
  leadTimeMedianHours: Type.Union([Num, Type.Null()]),
  leadTimeP90Hours: Type.Union([Num, Type.Null()]),
  units: Num,
  goodUnits: Num,
});
export const DeliveryReport = Type.Object({ rows: Type.Array(DeliveryRow) });

export const UtilisationRow = Type.Object({
  bucket: Type.String(),
  workerId: Type.String(),
  workedMinutes: Num,
  shiftMinutes: Type.Union([Num, Type.Null()], { description: 'null for a worker without a shift calendar (always available)' }),
  utilisation: Ratio,
});
export const UtilisationReport = Type.Object({ rows: Type.Array(UtilisationRow) });

export const StepRow = Type.Object({
  assignmentId: Type.String(),
  planId: Type.String(),
  planName: Type.String(),
  nodeName: Type.String(),
  operationId: Type.String(),
  stationId: Type.String(),
  substationId: Type.String(),
  workerId: Type.String(),
  actualStart: Type.Union([DateTime, Type.Null()]),
  actualEnd: DateTime,
  workedMinutes: Num,
  pausedMinutes: Num,
  good: Num,
  scrap: Num,
  scrapReason: NullableString,
});
export const StepsPage = Type.Object({
  rows: Type.Array(StepRow),
  next: Type.Union([Type.String(), Type.Null()], { description: 'cursor for the next page; null on the last' }),
});

/** /api/mes/analytics: OEE, downtime, scrap, planned vs actual, delivery, utilisation and the steps behind a bar (planner/admin; docs/ANALYTICS.md). */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { TSchema } from 'typebox';
import { Problem } from '../../shared/problem.schema.js';
import { plannerRoles } from '../auth/index.js';
import { toCsv } from './analytics.rules.js';
import {
  AnalyticsQuery,
  DeliveryReport,
  DeliveryRow,
  DowntimeReport,
  DowntimeRow,
  OeeReport,
  OeeRow,
  PlannedVsActualReport,
  PlannedVsActualRow,
  ScrapReport,
  ScrapRow,
  StepRow,
  StepsPage,
  StepsQuery,
  UtilisationReport,
  UtilisationRow,
} from './analytics.schema.js';
import * as service from './analytics.service.js';
import type { Scope } from './analytics.service.js';

const tags = ['analytics'];

/** Whether the caller asked for CSV (?format=csv or Accept: text/csv). */
function wantsCsv(format: 'json' | 'csv' | undefined, accept: string | undefined): boolean {
  if (format) return format === 'csv';
  return /\btext\/csv\b/.test(accept ?? '');
}

const columnsOf = (row: TSchema): string[] => Object.keys((row as unknown as { properties: Record<string, unknown> }).properties);

export const analyticsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db, config: appConfig } = app.mes;
  const config = { roles: plannerRoles };

  // the daily rollups are bucketed by plant-local day: at the configured offset, or the reports read the (exact, slower) facts only
  app.addHook('onReady', async () => {
    if (await service.alignRollups(db, appConfig.utcOffsetMinutes))
      app.log.info({ utcOffsetMinutes: appConfig.utcOffsetMinutes }, 'analytics daily rollups re-bucketed at the plant offset');
  });

  const report = <R extends { rows: readonly object[] }>(path: string, summary: string, response: TSchema, row: TSchema, run: (scope: Scope) => Promise<R>) =>
    app.get(
      path,
      {
        schema: {
          tags,
          summary,
          querystring: AnalyticsQuery,
          produces: ['application/json', 'text/csv'],
          response: { 200: response, 400: Problem, 401: Problem, 403: Problem, 422: Problem },
        },
        config,
      },
      async (request, reply) => {
        const scope = await service.scopeOf(db, request.query, appConfig.utcOffsetMinutes);
        const result = await run(scope);
        if (wantsCsv(request.query.format, request.headers.accept))
          return reply.type('text/csv; charset=utf-8').send(toCsv(columnsOf(row), result.rows as readonly Record<string, unknown>[]));
        return result;
      },
    );

  report('/analytics/oee', 'OEE = availability × performance × quality per bucket, substation and station', OeeReport, OeeRow, (s) => service.oee(db, s));
  report('/analytics/downtime', 'Pause minutes by reason (Pareto) and per bucket and station', DowntimeReport, DowntimeRow, (s) => service.downtime(db, s));
  report('/analytics/scrap', 'Scrapped units by reason (Pareto) and per bucket and operation', ScrapReport, ScrapRow, (s) => service.scrap(db, s));
  report(
    '/analytics/planned-vs-actual',
    'Planned vs actual minutes per unit per operation and station, and the suggested nominal time',
    PlannedVsActualReport,
    PlannedVsActualRow,
    (s) => service.plannedVsActual(db, s),
  );
  report('/analytics/delivery', 'Completed plans per bucket: on-time delivery, lead time (median, p90), throughput', DeliveryReport, DeliveryRow, (s) =>
    service.delivery(db, s),
  );
  report('/analytics/utilisation', 'Worked minutes / shift minutes per bucket and worker', UtilisationReport, UtilisationRow, (s) =>
    service.utilisation(db, s),
  );

  app.get(
    '/analytics/steps',
    {
      schema: {
        tags,
        summary: 'The completed steps behind a bar (drill-down), keyset-paginated by assignment id',
        querystring: StepsQuery,
        produces: ['application/json', 'text/csv'],
        response: { 200: StepsPage, 400: Problem, 401: Problem, 403: Problem, 422: Problem },
      },
      config,
    },
    async (request, reply) => {
      const scope = await service.scopeOf(db, request.query, appConfig.utcOffsetMinutes);
      const page = await service.steps(db, scope, request.query);
      if (wantsCsv(request.query.format, request.headers.accept))
        return reply.type('text/csv; charset=utf-8').send(toCsv(columnsOf(StepRow), page.rows) as never);
      return page;
    },
  );
};

/** /api/mes/alerts: the signed-in user's alerts (addressed to their role group, worker or account), and acknowledging them. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Page, pageArgs } from '../../shared/pagination.js';
import { Problem } from '../../shared/problem.schema.js';
import { anyRole, currentUser } from '../auth/index.js';
import { AckAllBody, AckAllResult, AlertListQuery, AlertParams, AlertView } from './alerts.schema.js';
import { acknowledgeAlert, acknowledgeAllAlerts, listMyAlerts } from './alerts.service.js';

const tags = ['alerts'];

export const alertsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.mes;
  const config = { roles: anyRole };

  app.get(
    '/alerts',
    {
      schema: {
        tags,
        summary: 'My alerts, newest first: those to my role group (planners), my worker or my account',
        querystring: AlertListQuery,
        response: { 200: Page(AlertView), 400: Problem, 401: Problem },
      },
      config,
    },
    async (request) => listMyAlerts(db, currentUser(request), { ...request.query, ...pageArgs(request.query) }),
  );

  app.post(
    '/alerts/:id/ack',
    {
      schema: {
        tags,
        summary: 'Acknowledge one of my alerts (again: the same answer); an alert not addressed to me is 404',
        params: AlertParams,
        response: { 200: AlertView, 400: Problem, 401: Problem, 404: Problem },
      },
      config,
    },
    async (request) => acknowledgeAlert(db, currentUser(request), request.params.id),
  );

  app.post(
    '/alerts/ack-all',
    {
      schema: {
        tags,
        summary: 'Acknowledge all my alerts (up to an id)',
        body: AckAllBody,
        response: { 200: AckAllResult, 400: Problem, 401: Problem },
      },
      config,
    },
    async (request) => acknowledgeAllAlerts(db, currentUser(request), request.body?.upTo),
  );
};

/** The API's modules, mounted under /api/mes. */
import type { FastifyPluginAsync } from 'fastify';
import { assignmentsRoutes } from './assignments/assignments.routes.js';
import { portalRoutes } from './assignments/portal.routes.js';
import { problemsRoutes } from './assignments/problems.routes.js';
import { authRoutes } from './auth/auth.routes.js';
import { operationsRoutes } from './operations/operations.routes.js';
import { archiveRoutes } from './plans/archive.routes.js';
import { lifecycleRoutes } from './plans/lifecycle.routes.js';
import { plansRoutes } from './plans/plans.routes.js';
import { scheduleRoutes } from './plans/schedule.routes.js';
import { materialsRoutes } from './materials/materials.routes.js';
import { stationsRoutes } from './stations/stations.routes.js';
import { workersRoutes } from './workers/workers.routes.js';
import { realtimeRoutes } from '../realtime/realtime.routes.js';

export const apiModules: FastifyPluginAsync<any>[] = [authRoutes, operationsRoutes, plansRoutes, archiveRoutes, lifecycleRoutes, scheduleRoutes, stationsRoutes, workersRoutes, materialsRoutes, realtimeRoutes, assignmentsRoutes, portalRoutes, problemsRoutes];

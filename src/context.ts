/**
 * What every part of the app shares, on `app.mes`: the database, the
 * configuration, whether the process is draining, and the per-process caches.
 * Built once per app (tests build many apps in one process).
 */
import type { Config } from './config.js';
import type { Database, Db, Engine } from './db/database.js';
import { SessionCache } from './modules/auth/index.js';
import { listSnapshotChecker, PlanCatalogCache, PlanDetailCache, PlanListCache } from './modules/plans/index.js';

export interface MesContext {
  db: Db;
  engine: Engine;
  database: Database;
  config: Config;
  /** Set when shutdown begins: readiness fails so a balancer stops sending traffic. */
  draining: boolean;
  /** Plan details this process keeps, each for the revision it was read at. */
  planDetails: PlanDetailCache;
  /** Pages of the plans list this process keeps, each while nothing it shows changed since its snapshot. */
  planLists: PlanListCache;
  /** the catalog new plans are validated against (off with the plan cache) */
  planCatalogs: PlanCatalogCache;
  /** Signed-in users this process keeps for a short while. */
  sessions: SessionCache;
}

declare module 'fastify' {
  interface FastifyInstance {
    mes: MesContext;
  }
}

export function createContext(database: Database, config: Config): MesContext {
  return {
    db: database.db,
    engine: database.engine,
    database,
    config,
    draining: false,
    planDetails: new PlanDetailCache(config.planCacheMb * 1024 * 1024),
    planLists: new PlanListCache(config.planListCacheMb * 1024 * 1024, listSnapshotChecker(database.db)),
    planCatalogs: new PlanCatalogCache(config.planCacheMb > 0),
    sessions: new SessionCache(config.sessionCacheSeconds * 1000),
  };
}

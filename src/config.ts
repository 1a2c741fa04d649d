/**
 * Typed configuration, read once from the environment and the command line.
 * Every setting the service honours is listed here and in the README.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RealtimeSettings } from './modules/realtime/realtime.schema.js';

export interface Config {
  /** Overrides of the realtime defaults (tests and benchmarks tune heartbeats and polling). */
  realtime?: Partial<RealtimeSettings>;
  port: number;
  host: string;
  /** PostgreSQL connection string; when absent the embedded PGlite engine is used. */
  databaseUrl: string | undefined;
  /** Folder that holds the embedded database (PGlite) files. */
  dataDir: string;
  logLevel: string;
  /** Maximum connections of the PostgreSQL pool. */
  poolSize: number;
  /** Seed the default dataset when the database holds no MES data. */
  seedOnEmpty: boolean;
  /** after seeding an empty database at start: release two demo plans and start one step */
  demoFloor: boolean;
  adminPassword: string | undefined;
  demoPin: string | undefined;
  /** Cookies always carry the Secure flag; without it they do whenever the request came over HTTPS. */
  secureCookies: boolean;
  /**
   * Origins besides the server's own (scheme://host[:port]) whose pages may send cookie-authenticated
   * changes: the public address behind a proxy that rewrites Host, a separate UI origin.
   */
  allowedOrigins: string[];
  /**
   * Fastify's trustProxy: whether X-Forwarded-For/-Proto/-Host are believed (so `request.protocol`
   * is https behind a TLS-terminating proxy). false (default), true, or the proxies' addresses/CIDRs.
   */
  trustProxy: boolean | string;
  sessionTtlHours: number;
  /** Sign-in attempts allowed per client address per minute. */
  loginRateLimit: number;
  /** Failed sign-ins of one account within the window that lock it, whatever the client address. */
  loginLockoutAttempts: number;
  loginLockoutWindowMinutes: number;
  /** The first lock; each further lock before a good sign-in lasts twice as long, up to the maximum. */
  loginLockoutSeconds: number;
  loginLockoutMaxSeconds: number;
  /** Events older than this are pruned from the outbox. */
  eventRetentionHours: number;
  /** Time the scheduler may spend improving a schedule at release. */
  schedulerBudgetMs: number;
  /** Time the scheduler may spend on the floor's reschedule (several plans together). */
  rescheduleBudgetMs: number;
  /** Offset of the plant's local time from UTC, for shift calendars. */
  utcOffsetMinutes: number;
  /** Bearer token that unlocks GET /metrics on the main port; unset = /metrics answers 404 there. */
  metricsToken: string | undefined;
  /** Serve /metrics (no token) on this separate port as well; unset = no second listener. */
  metricsPort: number | undefined;
  /** Minutes a running step past its expected end (or a paused one) grows its booking by at a time (issue #15). */
  overrunStepMinutes: number;
  /** How often each instance extends overrunning bookings and repairs what they push, in seconds; 0 = never. */
  overrunSweepSeconds: number;
  /** Completed or cancelled plans finished this many days ago are archived hourly; undefined = never automatically. */
  archiveAfterDays: number | undefined;
  /** Memory for serialized plan details kept per process, each served again only while its revision is current; 0 = off. */
  planCacheMb: number;
  /** Memory for plans list pages kept per process, each served again only while nothing it shows changed (0033); 0 = off. */
  planListCacheMb: number;
  /** Signed-in users are kept per process this long (dropped at once when a sign-out or user change is NOTIFYed); 0 = off. */
  sessionCacheSeconds: number;
  /** The largest document (drawing, instruction, CAD file) an upload may carry, in MiB; larger uploads are refused unread past the limit. */
  documentMaxMb: number;
}

export class ConfigError extends Error {}

function intFrom(name: string, raw: string | undefined, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got "${raw}"`);
  }
  return value;
}

function boolFrom(raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  return ['1', 'true', 'yes', 'on'].includes(raw.toLowerCase());
}

/** Age (days since completed or cancelled) at which plans are archived, unless MES_ARCHIVE_AFTER_DAYS says otherwise. */
export const defaultArchiveAfterDays = 90;

function archiveDaysFrom(raw: string | undefined): number | undefined {
  if (raw !== undefined && raw.toLowerCase() === 'off') return undefined;
  return intFrom('MES_ARCHIVE_AFTER_DAYS', raw, defaultArchiveAfterDays, 1, 36_500);
}

function metricsTokenFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < 16 || /\s/.test(raw)) throw new ConfigError('MES_METRICS_TOKEN must be at least 16 characters without spaces');
  return raw;
}

/** MES_ALLOWED_ORIGINS: comma-separated http(s) origins, each scheme://host[:port] (normalized; no path, query or wildcard). */
export function allowedOriginsFrom(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const origins = raw
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  return [
    ...new Set(
      origins.map((entry) => {
        let url: URL;
        try {
          url = new URL(entry);
        } catch {
          throw new ConfigError(`MES_ALLOWED_ORIGINS: "${entry}" is not an origin (scheme://host[:port])`);
        }
        const bare = url.pathname === '/' && !url.search && !url.hash && !url.username && !url.password;
        if (!['http:', 'https:'].includes(url.protocol) || !bare || entry.includes('*')) {
          throw new ConfigError(`MES_ALLOWED_ORIGINS: "${entry}" must be an http(s) origin such as https://mes.example.com, without path or wildcard`);
        }
        return url.origin;
      }),
    ),
  ];
}

/** MES_TRUST_PROXY: off (default) | true (any direct peer is a proxy) | comma-separated addresses or CIDRs of the proxies. */
export function trustProxyFrom(raw: string | undefined): boolean | string {
  const value = raw?.trim() ?? '';
  if (value === '' || ['0', 'false', 'no', 'off'].includes(value.toLowerCase())) return false;
  if (['1', 'true', 'yes', 'on'].includes(value.toLowerCase())) return true;
  const entries = value.split(',').map((entry) => entry.trim());
  const address = /^[0-9a-fA-F.:]+(\/\d{1,3})?$/;
  if (entries.some((entry) => !address.test(entry) && !['loopback', 'linklocal', 'uniquelocal'].includes(entry))) {
    throw new ConfigError(`MES_TRUST_PROXY must be true, false or the proxies' addresses/CIDRs (comma-separated), got "${raw}"`);
  }
  return entries.join(',');
}

export function loadConfig(argv: string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): Config {
  let values: { port?: string; host?: string };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: 'string', short: 'p' }, host: { type: 'string' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  return {
    port: intFrom('port', values.port ?? env.PORT, 3000, 0, 65535),
    host: values.host ?? env.HOST ?? '0.0.0.0',
    databaseUrl: env.DATABASE_URL || undefined,
    dataDir: path.resolve(env.MES_DATA_DIR || 'data'),
    logLevel: env.LOG_LEVEL ?? (env.NODE_ENV === 'test' ? 'silent' : 'info'),
    poolSize: intFrom('MES_POOL_SIZE', env.MES_POOL_SIZE, 10, 1, 500),
    seedOnEmpty: boolFrom(env.MES_SEED_ON_EMPTY, true),
    demoFloor: boolFrom(env.MES_DEMO_FLOOR, true),
    adminPassword: env.MES_ADMIN_PASSWORD || undefined,
    demoPin: env.MES_DEMO_PIN || undefined,
    secureCookies: boolFrom(env.MES_SECURE_COOKIES, false),
    allowedOrigins: allowedOriginsFrom(env.MES_ALLOWED_ORIGINS),
    trustProxy: trustProxyFrom(env.MES_TRUST_PROXY),
    sessionTtlHours: intFrom('MES_SESSION_TTL_HOURS', env.MES_SESSION_TTL_HOURS, 12, 1, 24 * 90),
    loginRateLimit: intFrom('MES_LOGIN_RATE_LIMIT', env.MES_LOGIN_RATE_LIMIT, 10, 1),
    loginLockoutAttempts: intFrom('MES_LOGIN_LOCKOUT_ATTEMPTS', env.MES_LOGIN_LOCKOUT_ATTEMPTS, 5, 1, 1000),
    loginLockoutWindowMinutes: intFrom('MES_LOGIN_LOCKOUT_WINDOW_MINUTES', env.MES_LOGIN_LOCKOUT_WINDOW_MINUTES, 15, 1, 24 * 60),
    loginLockoutSeconds: intFrom('MES_LOGIN_LOCKOUT_SECONDS', env.MES_LOGIN_LOCKOUT_SECONDS, 60, 1, 24 * 3600),
    loginLockoutMaxSeconds: intFrom('MES_LOGIN_LOCKOUT_MAX_SECONDS', env.MES_LOGIN_LOCKOUT_MAX_SECONDS, 3600, 1, 7 * 24 * 3600),
    eventRetentionHours: intFrom('MES_EVENT_RETENTION_HOURS', env.MES_EVENT_RETENTION_HOURS, 72, 1),
    schedulerBudgetMs: intFrom('MES_SCHEDULER_BUDGET_MS', env.MES_SCHEDULER_BUDGET_MS, 100, 0, 60_000),
    rescheduleBudgetMs: intFrom('MES_RESCHEDULE_BUDGET_MS', env.MES_RESCHEDULE_BUDGET_MS, 500, 0, 60_000),
    utcOffsetMinutes: intFrom('MES_UTC_OFFSET_MINUTES', env.MES_UTC_OFFSET_MINUTES, 0, -14 * 60, 14 * 60),
    metricsToken: metricsTokenFrom(env.MES_METRICS_TOKEN),
    metricsPort: env.MES_METRICS_PORT ? intFrom('MES_METRICS_PORT', env.MES_METRICS_PORT, 0, 1, 65535) : undefined,
    archiveAfterDays: archiveDaysFrom(env.MES_ARCHIVE_AFTER_DAYS),
    overrunStepMinutes: intFrom('MES_OVERRUN_STEP_MINUTES', env.MES_OVERRUN_STEP_MINUTES, 15, 1, 24 * 60),
    overrunSweepSeconds: intFrom('MES_OVERRUN_SWEEP_SECONDS', env.MES_OVERRUN_SWEEP_SECONDS, 60, 0, 24 * 3600),
    planCacheMb: intFrom('MES_PLAN_CACHE_MB', env.MES_PLAN_CACHE_MB, 64, 0, 64 * 1024),
    planListCacheMb: intFrom('MES_PLAN_LIST_CACHE_MB', env.MES_PLAN_LIST_CACHE_MB, 16, 0, 64 * 1024),
    sessionCacheSeconds: intFrom('MES_SESSION_CACHE_SECONDS', env.MES_SESSION_CACHE_SECONDS, 60, 0, 3600),
    documentMaxMb: intFrom('MES_DOCUMENT_MAX_MB', env.MES_DOCUMENT_MAX_MB, 25, 1, 256),
  };
}

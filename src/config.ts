import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseTokenEntries, type TokenEntry } from './adapters/auth/static-tokens.js';

/** Runtime configuration, from environment variables (documented in README). */
export interface Config {
  readonly port: number;
  readonly host: string;
  /** Real MongoDB when set; otherwise the embedded FerretDB is started. */
  readonly mongoUri?: string;
  readonly dbName: string;
  readonly dataDir: string;
  readonly embeddedDbPort: number;
  readonly processesDir: string;
  readonly formsDir: string;
  readonly tokens: readonly TokenEntry[];
  /** Set when no tokens were configured and a one-off admin token was generated. */
  readonly generatedAdminToken?: string;
  readonly timerPollMs: number;
  readonly timerLockLifetimeMs: number;
  /** How often the backstop sweep looks for timers the scheduler missed, and how late they must be. */
  readonly timerSweepEveryMs: number;
  readonly timerSweepGraceMs: number;
  readonly logLevel: string;
}

/** Reads the configuration; throws a clear error for a malformed value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): Config {
  const tokensJson = env.HELPDESK_API_TOKENS;
  const generated = tokensJson ? undefined : randomBytes(24).toString('base64url');
  const tokens = tokensJson
    ? parseTokenEntries(tokensJson)
    : [{ token: generated as string, user: 'admin', roles: ['admin' as const], groups: [] }];
  return {
    port: integer(env.PORT, 3000, 'PORT'),
    host: env.HOST ?? '127.0.0.1',
    ...(env.MONGODB_URI ? { mongoUri: env.MONGODB_URI } : {}),
    dbName: env.HELPDESK_DB_NAME ?? 'helpdesk',
    dataDir: path.resolve(root, env.HELPDESK_DATA_DIR ?? 'data'),
    embeddedDbPort: integer(env.HELPDESK_EMBEDDED_DB_PORT, 27018, 'HELPDESK_EMBEDDED_DB_PORT'),
    processesDir: path.resolve(root, env.HELPDESK_PROCESSES_DIR ?? 'processes'),
    formsDir: path.resolve(root, env.HELPDESK_FORMS_DIR ?? 'forms'),
    tokens,
    ...(generated ? { generatedAdminToken: generated } : {}),
    timerPollMs: integer(env.HELPDESK_TIMER_POLL_MS, 500, 'HELPDESK_TIMER_POLL_MS'),
    timerLockLifetimeMs: integer(env.HELPDESK_TIMER_LOCK_MS, 30_000, 'HELPDESK_TIMER_LOCK_MS'),
    timerSweepEveryMs: integer(env.HELPDESK_TIMER_SWEEP_MS, 30_000, 'HELPDESK_TIMER_SWEEP_MS'),
    timerSweepGraceMs: integer(env.HELPDESK_TIMER_SWEEP_GRACE_MS, 30_000, 'HELPDESK_TIMER_SWEEP_GRACE_MS'),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

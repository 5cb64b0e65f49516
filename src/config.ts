import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseTokenEntries, type TokenEntry } from './adapters/auth/static-tokens.js';
import { readSmtpSettings, type SmtpSettings } from './adapters/mail/smtp-settings.js';

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
  /** Business calendars (`calendars/`), SLA policies (`sla/`) and the mail directory. */
  readonly configDir: string;
  /** SMTP server for notifications; unset = messages wait in the outbox. */
  readonly smtp?: SmtpSettings;
  readonly mailPollMs: number;
  readonly mailTimeZone: string;
  readonly directoryFile: string;
  readonly messageTemplatesDir: string;
  readonly tokens: readonly TokenEntry[];
  /** Set when no tokens were configured and a one-off admin token was generated. */
  readonly generatedAdminToken?: string;
  readonly timerPollMs: number;
  readonly timerLockLifetimeMs: number;
  /** How often the backstop sweep looks for timers the scheduler missed, and how late they must be. */
  readonly timerSweepEveryMs: number;
  readonly timerSweepGraceMs: number;
  /** Timers due later than this stay on the instance heads until promoted to the scheduler (0: never held back). */
  readonly timerHorizonMs: number;
  readonly logLevel: string;
  /** Web app: templates (`pages/`, `partials/`, `i18n/`) and static files (`css/`, `js/`). */
  readonly templatesDir: string;
  readonly publicDir: string;
  /** IANA zone dates are shown in (`HELPDESK_TIME_ZONE`, default: the server's). */
  readonly timeZone: string;
  /** Web sessions: idle and absolute lifetimes, and how often expired ones are deleted. */
  readonly sessionIdleMs: number;
  readonly sessionAbsoluteMs: number;
  readonly sessionCleanupEveryMs: number;
  /** `Secure` cookies and HSTS (set when served over HTTPS). */
  readonly cookieSecure: boolean;
  /** Failed logins allowed per client IP and username per window. */
  readonly loginMaxFailures: number;
  readonly loginWindowMs: number;
  /** bcrypt cost of new password hashes. */
  readonly bcryptCost: number;
  /** Create `admin` with a printed random password when there are no accounts at all. */
  readonly bootstrapAdmin: boolean;
}

/** Reads the configuration; throws a clear error for a malformed value. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, root = process.cwd()): Config {
  const tokensJson = env.HELPDESK_API_TOKENS;
  const generated = tokensJson ? undefined : randomBytes(24).toString('base64url');
  const tokens = tokensJson
    ? parseTokenEntries(tokensJson)
    : [{ token: generated as string, user: 'admin', roles: ['admin' as const], groups: [] }];
  const configDir = env.HELPDESK_CONFIG_DIR ?? 'config';
  const smtp = readSmtpSettings(env);
  return {
    port: integer(env.PORT, 3000, 'PORT'),
    host: env.HOST ?? '127.0.0.1',
    ...(env.MONGODB_URI ? { mongoUri: env.MONGODB_URI } : {}),
    dbName: env.HELPDESK_DB_NAME ?? 'helpdesk',
    dataDir: path.resolve(root, env.HELPDESK_DATA_DIR ?? 'data'),
    embeddedDbPort: integer(env.HELPDESK_EMBEDDED_DB_PORT, 27018, 'HELPDESK_EMBEDDED_DB_PORT'),
    processesDir: path.resolve(root, env.HELPDESK_PROCESSES_DIR ?? 'processes'),
    formsDir: path.resolve(root, env.HELPDESK_FORMS_DIR ?? 'forms'),
    configDir: path.resolve(root, configDir),
    ...(smtp ? { smtp } : {}),
    mailPollMs: integer(env.HELPDESK_MAIL_POLL_MS, 10_000, 'HELPDESK_MAIL_POLL_MS'),
    mailTimeZone: timeZone(env.HELPDESK_MAIL_TIME_ZONE ?? 'UTC', 'HELPDESK_MAIL_TIME_ZONE'),
    directoryFile: path.resolve(root, env.HELPDESK_DIRECTORY_FILE ?? path.join(configDir, 'directory.json')),
    messageTemplatesDir: path.resolve(root, env.HELPDESK_MESSAGE_TEMPLATES_DIR ?? 'templates/messages'),
    tokens,
    ...(generated ? { generatedAdminToken: generated } : {}),
    timerPollMs: integer(env.HELPDESK_TIMER_POLL_MS, 500, 'HELPDESK_TIMER_POLL_MS'),
    timerLockLifetimeMs: integer(env.HELPDESK_TIMER_LOCK_MS, 30_000, 'HELPDESK_TIMER_LOCK_MS'),
    timerSweepEveryMs: integer(env.HELPDESK_TIMER_SWEEP_MS, 30_000, 'HELPDESK_TIMER_SWEEP_MS'),
    timerSweepGraceMs: integer(env.HELPDESK_TIMER_SWEEP_GRACE_MS, 30_000, 'HELPDESK_TIMER_SWEEP_GRACE_MS'),
    timerHorizonMs: integer(env.HELPDESK_TIMER_HORIZON_MS, 600_000, 'HELPDESK_TIMER_HORIZON_MS'),
    logLevel: env.LOG_LEVEL ?? 'info',
    templatesDir: path.resolve(root, env.HELPDESK_TEMPLATES_DIR ?? 'templates'),
    publicDir: path.resolve(root, 'public'),
    timeZone: timeZone(env.HELPDESK_TIME_ZONE, 'HELPDESK_TIME_ZONE'),
    sessionIdleMs: integer(env.HELPDESK_SESSION_IDLE_MINUTES, 30, 'HELPDESK_SESSION_IDLE_MINUTES') * 60_000,
    sessionAbsoluteMs: integer(env.HELPDESK_SESSION_MAX_HOURS, 12, 'HELPDESK_SESSION_MAX_HOURS') * 3_600_000,
    sessionCleanupEveryMs: 10 * 60_000,
    cookieSecure: flag(env.HELPDESK_COOKIE_SECURE, false, 'HELPDESK_COOKIE_SECURE'),
    loginMaxFailures: integer(env.HELPDESK_LOGIN_MAX_FAILURES, 10, 'HELPDESK_LOGIN_MAX_FAILURES'),
    loginWindowMs: 15 * 60_000,
    bcryptCost: bcryptCost(env.HELPDESK_BCRYPT_COST),
    bootstrapAdmin: flag(env.HELPDESK_BOOTSTRAP_ADMIN, true, 'HELPDESK_BOOTSTRAP_ADMIN'),
  };
}

function integer(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0)
    throw new Error(`${name} must be a non-negative integer, got "${value}"`);
  return parsed;
}

function flag(value: string | undefined, fallback: boolean, name: string): boolean {
  if (value === undefined || value === '') return fallback;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new Error(`${name} must be true or false, got "${value}"`);
}

function timeZone(value: string | undefined, name: string): string {
  const zone = value || Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new Error(`${name} must be an IANA time zone such as Europe/Rome, got "${zone}"`);
  }
  return zone;
}

function bcryptCost(value: string | undefined): number {
  const cost = integer(value, 12, 'HELPDESK_BCRYPT_COST');
  if (cost < 4 || cost > 15) throw new Error(`HELPDESK_BCRYPT_COST must be between 4 and 15, got "${value}"`);
  return cost;
}

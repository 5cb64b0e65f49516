import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { parseTokenEntries, type TokenEntry } from './adapters/auth/static-tokens.js';
import { readSmtpSettings, type SmtpSettings } from './adapters/mail/smtp-settings.js';
import { readMailboxSettings } from './adapters/mail/imap-settings.js';
import type { MailboxDefinition } from './app/mailbox-ports.js';
import { DEFAULT_MAX_CC, isDomainName, normaliseDomain } from './domain/mail-policy.js';
import type { LoginThrottlePolicy, ThrottleRule } from './app/login-throttle.js';
import type { PortalThrottlePolicy } from './app/portal-throttle.js';
import { parseTrustProxy, type TrustProxy } from './http/trust-proxy.js';
import { DEFAULT_SAFETY_LIMITS, type SafetyLimits } from './adapters/bpmn/safety.js';
import { FAULT_POINTS, type FaultPoint } from './app/fault-points.js';
import { LANGUAGES, type Language } from './domain/account.js';

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
  /** Domains outbound mail may go to besides the directory's addresses (`HELPDESK_MAIL_ALLOWED_DOMAINS`). */
  readonly mailAllowedDomains: readonly string[];
  /** Most copies (CC) per email (`HELPDESK_MAIL_MAX_CC`). */
  readonly mailMaxCc: number;
  readonly messageTemplatesDir: string;
  readonly tokens: readonly TokenEntry[];
  /** Set when no tokens were configured and a one-off admin token was generated. */
  readonly generatedAdminToken?: string;
  readonly timerPollMs: number;
  /** Tickets an instance migration reads, previews and moves per batch (ADR 0031). */
  readonly migrationBatch: number;
  /** A dead process's timer locks are retaken after this; running jobs renew theirs (ADR 0015). */
  readonly timerLockLifetimeMs: number;
  /** Timer jobs one process runs at once (bounds the catch-up rate, ADR 0015). */
  readonly timerConcurrency: number;
  /** How often the backstop sweep looks for timers the scheduler missed, and how late they must be. */
  readonly timerSweepEveryMs: number;
  readonly timerSweepGraceMs: number;
  /** Timers due later than this stay on the instance heads until promoted to the scheduler (0: never held back). */
  readonly timerHorizonMs: number;
  /** Engine budget per step (docs/adr/0010): activity starts and wall time; past it the instance goes to incident. */
  readonly engineMaxActivities: number;
  readonly engineMaxStepMs: number;
  /** What a deploy refuses as unbounded (docs/adr/0009); `HELPDESK_DEPLOY_*` variables. */
  readonly deployLimits: SafetyLimits;
  /** Engine threads (`HELPDESK_ENGINE_THREADS`): a slow step holds up only its own thread's queue. */
  readonly engineThreads: number;
  /**
   * A prebuilt engine thread module (`HELPDESK_ENGINE_WORKER_MODULE`, a file path); by default the
   * one next to the engine adapter. The tests set a bundle of the sources (test/support/test-bundles.js).
   */
  readonly engineWorkerModule?: string;
  /** Repeating timers are not re-armed after this many firings or below this period. */
  readonly timerCycleMaxFirings: number;
  readonly timerCycleMinPeriodMs: number;
  /** How often the reconciler looks for committed steps left unapplied, and how old their markers must be. */
  readonly reconcileEveryMs: number;
  /** How long settled step markers wait for their batch delete (ADR 0014, amended). */
  readonly markerFlushMs: number;
  /** How often the scheduled-reports job runs (docs/adr/0027). */
  readonly reportJobEveryMs: number;
  readonly reconcileAfterMs: number;
  /** Chaos runs only: die with SIGKILL at this fault point, with this probability (scripts/chaos). */
  readonly faultKillAt?: FaultPoint;
  readonly faultKillProbability: number;
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
  /** Failed logins allowed per address+username, per username and per address (docs/adr/0013). */
  readonly loginThrottle: LoginThrottlePolicy;
  /** Confirmation mails of the public portal per client address and per email (docs/adr/0026). */
  readonly portalThrottle: PortalThrottlePolicy;
  /** Proxies whose X-Forwarded-For gives the client's address (`HELPDESK_TRUST_PROXY`; default none). */
  readonly trustProxy: TrustProxy;
  /** bcrypt cost of new password hashes. */
  readonly bcryptCost: number;
  /** Create `admin` with a printed random password when there are no accounts at all. */
  readonly bootstrapAdmin: boolean;
  /** UI language of new accounts unless one is chosen, the bootstrap admin included (`HELPDESK_DEFAULT_LANGUAGE`). */
  readonly defaultLanguage: Language;
  /** Base URL of links in emails (`HELPDESK_PUBLIC_URL`, default `http://localhost:<port>`; no trailing slash). */
  readonly publicUrl: string;
  /** Requester links (docs/adr/0025): tracking-link lifetime in days and the HMAC secret (unset: random per process). */
  readonly requesterLinkDays: number;
  readonly requesterLinkSecret?: string;
  /** Additions a requester may post through one tracking link per hour (`HELPDESK_REQUESTER_LINK_POSTS_PER_HOUR`, 20; 0 = no limit). */
  readonly requesterLinkPostsPerHour: number;
  /** Desk mailboxes read for email-to-ticket (docs/adr/0029; `HELPDESK_MAILBOXES` or `mailboxes.json`). */
  readonly mailboxes: readonly MailboxDefinition[];
  /** Pause between two polls of each mailbox (`HELPDESK_MAILBOX_POLL_MS`; 0 = not polled in the background). */
  readonly mailboxPollMs: number;
  /** Largest attachment in MiB (`HELPDESK_ATTACHMENT_MAX_MB`, default 10; docs/adr/0024). */
  readonly attachmentMaxMb: number;
  /**
   * Largest total of ticket files attached to one email, in KiB (`HELPDESK_MAIL_ATTACHMENTS_MAX_KB`,
   * default 10240 = 10 MiB; 0 = never attach): larger files stay on the tracking page (ADR 0032).
   */
  readonly mailAttachmentsMaxKb: number;
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
    mailAllowedDomains: domainList(env.HELPDESK_MAIL_ALLOWED_DOMAINS, 'HELPDESK_MAIL_ALLOWED_DOMAINS'),
    mailMaxCc: integer(env.HELPDESK_MAIL_MAX_CC, DEFAULT_MAX_CC, 'HELPDESK_MAIL_MAX_CC'),
    messageTemplatesDir: path.resolve(root, env.HELPDESK_MESSAGE_TEMPLATES_DIR ?? 'templates/messages'),
    tokens,
    ...(generated ? { generatedAdminToken: generated } : {}),
    timerPollMs: integer(env.HELPDESK_TIMER_POLL_MS, 500, 'HELPDESK_TIMER_POLL_MS'),
    migrationBatch: Math.max(1, integer(env.HELPDESK_MIGRATION_BATCH, 500, 'HELPDESK_MIGRATION_BATCH')),
    timerLockLifetimeMs: integer(env.HELPDESK_TIMER_LOCK_MS, 10_000, 'HELPDESK_TIMER_LOCK_MS'),
    timerConcurrency: Math.max(1, integer(env.HELPDESK_TIMER_CONCURRENCY, 4, 'HELPDESK_TIMER_CONCURRENCY')),
    timerSweepEveryMs: integer(env.HELPDESK_TIMER_SWEEP_MS, 30_000, 'HELPDESK_TIMER_SWEEP_MS'),
    timerSweepGraceMs: integer(env.HELPDESK_TIMER_SWEEP_GRACE_MS, 30_000, 'HELPDESK_TIMER_SWEEP_GRACE_MS'),
    timerHorizonMs: integer(env.HELPDESK_TIMER_HORIZON_MS, 600_000, 'HELPDESK_TIMER_HORIZON_MS'),
    engineMaxActivities: integer(env.HELPDESK_ENGINE_MAX_ACTIVITIES, 2000, 'HELPDESK_ENGINE_MAX_ACTIVITIES'),
    engineMaxStepMs: integer(env.HELPDESK_ENGINE_MAX_STEP_MS, 2000, 'HELPDESK_ENGINE_MAX_STEP_MS'),
    deployLimits: deployLimits(env),
    engineThreads: Math.min(
      16,
      Math.max(1, integer(env.HELPDESK_ENGINE_THREADS, 2, 'HELPDESK_ENGINE_THREADS')),
    ),
    ...(env.HELPDESK_ENGINE_WORKER_MODULE ? { engineWorkerModule: env.HELPDESK_ENGINE_WORKER_MODULE } : {}),
    timerCycleMaxFirings: integer(
      env.HELPDESK_TIMER_CYCLE_MAX_FIRINGS,
      1000,
      'HELPDESK_TIMER_CYCLE_MAX_FIRINGS',
    ),
    timerCycleMinPeriodMs: integer(
      env.HELPDESK_TIMER_CYCLE_MIN_PERIOD_MS,
      60_000,
      'HELPDESK_TIMER_CYCLE_MIN_PERIOD_MS',
    ),
    reconcileEveryMs: integer(env.HELPDESK_RECONCILE_EVERY_MS, 2000, 'HELPDESK_RECONCILE_EVERY_MS'),
    markerFlushMs: integer(env.HELPDESK_MARKER_FLUSH_MS, 250, 'HELPDESK_MARKER_FLUSH_MS'),
    reportJobEveryMs: integer(env.HELPDESK_REPORT_JOB_EVERY_MS, 300_000, 'HELPDESK_REPORT_JOB_EVERY_MS'),
    reconcileAfterMs: integer(env.HELPDESK_RECONCILE_AFTER_MS, 5000, 'HELPDESK_RECONCILE_AFTER_MS'),
    ...faultKill(env),
    logLevel: env.LOG_LEVEL ?? 'info',
    templatesDir: path.resolve(root, env.HELPDESK_TEMPLATES_DIR ?? 'templates'),
    publicDir: path.resolve(root, 'public'),
    timeZone: timeZone(env.HELPDESK_TIME_ZONE, 'HELPDESK_TIME_ZONE'),
    sessionIdleMs: integer(env.HELPDESK_SESSION_IDLE_MINUTES, 30, 'HELPDESK_SESSION_IDLE_MINUTES') * 60_000,
    sessionAbsoluteMs: integer(env.HELPDESK_SESSION_MAX_HOURS, 12, 'HELPDESK_SESSION_MAX_HOURS') * 3_600_000,
    sessionCleanupEveryMs: 10 * 60_000,
    cookieSecure: flag(env.HELPDESK_COOKIE_SECURE, false, 'HELPDESK_COOKIE_SECURE'),
    loginThrottle: {
      perAddressAndUser: loginRule(env, 'HELPDESK_LOGIN', 10),
      perUser: loginRule(env, 'HELPDESK_LOGIN_USER', 20),
      perAddress: loginRule(env, 'HELPDESK_LOGIN_IP', 50),
    },
    portalThrottle: {
      perAddress: portalRule(env, 'HELPDESK_PORTAL_IP', 10),
      perEmail: portalRule(env, 'HELPDESK_PORTAL_EMAIL', 3),
      // Megabytes of files (rounded up per submission) on the portal's start forms.
      mbPerAddress: portalRule(env, 'HELPDESK_PORTAL_IP_MB', 100),
      mbPerEmail: portalRule(env, 'HELPDESK_PORTAL_EMAIL_MB', 60),
    },
    trustProxy: parseTrustProxy(env.HELPDESK_TRUST_PROXY),
    bcryptCost: bcryptCost(env.HELPDESK_BCRYPT_COST),
    bootstrapAdmin: flag(env.HELPDESK_BOOTSTRAP_ADMIN, true, 'HELPDESK_BOOTSTRAP_ADMIN'),
    defaultLanguage: defaultLanguage(env.HELPDESK_DEFAULT_LANGUAGE),
    publicUrl: publicUrl(env.HELPDESK_PUBLIC_URL, integer(env.PORT, 3000, 'PORT')),
    requesterLinkDays: Math.max(
      1,
      integer(env.HELPDESK_REQUESTER_LINK_DAYS, 30, 'HELPDESK_REQUESTER_LINK_DAYS'),
    ),
    ...requesterSecret(env.HELPDESK_REQUESTER_LINK_SECRET),
    requesterLinkPostsPerHour: integer(
      env.HELPDESK_REQUESTER_LINK_POSTS_PER_HOUR,
      20,
      'HELPDESK_REQUESTER_LINK_POSTS_PER_HOUR',
    ),
    mailboxes: readMailboxSettings(env, path.resolve(root, configDir)),
    mailboxPollMs: integer(env.HELPDESK_MAILBOX_POLL_MS, 30_000, 'HELPDESK_MAILBOX_POLL_MS'),
    attachmentMaxMb: attachmentMaxMb(env.HELPDESK_ATTACHMENT_MAX_MB),
    mailAttachmentsMaxKb: integer(
      env.HELPDESK_MAIL_ATTACHMENTS_MAX_KB,
      10_240,
      'HELPDESK_MAIL_ATTACHMENTS_MAX_KB',
    ),
  };
}

/** `HELPDESK_PUBLIC_URL`: an http(s) URL without query or fragment; trailing slashes dropped. */
function publicUrl(value: string | undefined, port: number): string {
  const raw = value || `http://localhost:${port}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`HELPDESK_PUBLIC_URL must be an http(s) URL, got "${raw}"`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.search || url.hash || url.username)
    throw new Error(
      `HELPDESK_PUBLIC_URL must be an http(s) URL without credentials, query or fragment, got "${raw}"`,
    );
  return url.href.replace(/\/+$/, '');
}

/** `HELPDESK_REQUESTER_LINK_SECRET`: at least 32 characters when set. */
function requesterSecret(value: string | undefined): { requesterLinkSecret?: string } {
  if (!value) return {};
  if (value.length < 32)
    throw new Error('HELPDESK_REQUESTER_LINK_SECRET must be at least 32 characters long');
  return { requesterLinkSecret: value };
}

/** `HELPDESK_ATTACHMENT_MAX_MB`: 1-100 (default 10). */
function attachmentMaxMb(value: string | undefined): number {
  const mb = integer(value, 10, 'HELPDESK_ATTACHMENT_MAX_MB');
  if (mb < 1 || mb > 100)
    throw new Error(`HELPDESK_ATTACHMENT_MAX_MB must be between 1 and 100, got "${mb}"`);
  return mb;
}

/** `HELPDESK_DEFAULT_LANGUAGE`: es (default), it or en. */
export function defaultLanguage(value: string | undefined): Language {
  if (value === undefined || value === '') return 'es';
  if ((LANGUAGES as readonly string[]).includes(value)) return value as Language;
  throw new Error(`HELPDESK_DEFAULT_LANGUAGE must be one of ${LANGUAGES.join(', ')}, got "${value}"`);
}

function domainList(value: string | undefined, name: string): string[] {
  const domains = (value ?? '')
    .split(',')
    .map(normaliseDomain)
    .filter((domain) => domain !== '');
  const bad = domains.find((domain) => !isDomainName(domain));
  if (bad !== undefined) throw new Error(`${name} must list domain names separated by commas, got "${bad}"`);
  return domains;
}

/** The chaos-run fault point (HELPDESK_FAULT_KILL_AT / _PROBABILITY); unset in production. */
function faultKill(env: NodeJS.ProcessEnv): { faultKillAt?: FaultPoint; faultKillProbability: number } {
  const point = env.HELPDESK_FAULT_KILL_AT;
  const probability = Number(env.HELPDESK_FAULT_KILL_PROBABILITY ?? '0.02');
  if (!point) return { faultKillProbability: 0 };
  if (!FAULT_POINTS.includes(point as FaultPoint))
    throw new Error(`HELPDESK_FAULT_KILL_AT must be one of ${FAULT_POINTS.join(', ')}, got "${point}"`);
  if (!(probability >= 0 && probability <= 1))
    throw new Error(
      `HELPDESK_FAULT_KILL_PROBABILITY must be between 0 and 1, got "${env.HELPDESK_FAULT_KILL_PROBABILITY}"`,
    );
  return { faultKillAt: point as FaultPoint, faultKillProbability: probability };
}

/** The deploy safety caps, each overridable by its own variable. */
function deployLimits(env: NodeJS.ProcessEnv): SafetyLimits {
  const d = DEFAULT_SAFETY_LIMITS;
  const limit = (name: string, fallback: number) => Math.max(1, integer(env[name], fallback, name));
  return {
    maxXmlDepth: limit('HELPDESK_DEPLOY_MAX_XML_DEPTH', d.maxXmlDepth),
    maxXmlElements: limit('HELPDESK_DEPLOY_MAX_XML_ELEMENTS', d.maxXmlElements),
    maxGlobalElements: limit('HELPDESK_DEPLOY_MAX_GLOBAL_ELEMENTS', d.maxGlobalElements),
    minTimerPeriodMs: limit('HELPDESK_DEPLOY_MIN_TIMER_PERIOD_MS', d.minTimerPeriodMs),
    maxCycleRepetitions: limit('HELPDESK_DEPLOY_MAX_CYCLE_REPETITIONS', d.maxCycleRepetitions),
    maxLoopCardinality: limit('HELPDESK_DEPLOY_MAX_LOOP_CARDINALITY', d.maxLoopCardinality),
    maxFanOut: limit('HELPDESK_DEPLOY_MAX_FAN_OUT', d.maxFanOut),
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

/** `<prefix>_MAX_FAILURES` (0-1000; 0 = rule off) and `<prefix>_WINDOW_MINUTES` (1+, default 15). */
function loginRule(env: NodeJS.ProcessEnv, prefix: string, maxFailures: number): ThrottleRule {
  const minutes = integer(env[`${prefix}_WINDOW_MINUTES`], 15, `${prefix}_WINDOW_MINUTES`);
  if (minutes < 1) throw new Error(`${prefix}_WINDOW_MINUTES must be at least 1, got "${minutes}"`);
  const max = integer(env[`${prefix}_MAX_FAILURES`], maxFailures, `${prefix}_MAX_FAILURES`);
  if (max > 1000) throw new Error(`${prefix}_MAX_FAILURES must be at most 1000, got "${max}"`);
  return { maxFailures: max, windowMs: minutes * 60_000 };
}

/** `<prefix>_MAX` (0–1000, 0 = off) portal submissions per `<prefix>_WINDOW_MINUTES` (default 60). */
function portalRule(env: NodeJS.ProcessEnv, prefix: string, max: number): ThrottleRule {
  const minutes = integer(env[`${prefix}_WINDOW_MINUTES`], 60, `${prefix}_WINDOW_MINUTES`);
  if (minutes < 1) throw new Error(`${prefix}_WINDOW_MINUTES must be at least 1, got "${minutes}"`);
  const limit = integer(env[`${prefix}_MAX`], max, `${prefix}_MAX`);
  if (limit > 1000) throw new Error(`${prefix}_MAX must be at most 1000, got "${limit}"`);
  return { maxFailures: limit, windowMs: minutes * 60_000 };
}

function bcryptCost(value: string | undefined): number {
  const cost = integer(value, 12, 'HELPDESK_BCRYPT_COST');
  if (cost < 4 || cost > 15) throw new Error(`HELPDESK_BCRYPT_COST must be between 4 and 15, got "${value}"`);
  return cost;
}

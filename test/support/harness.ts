import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { startApp, type RunningApp } from '../../src/main.js';
import { loadConfig } from '../../src/config.js';
import type { Clock } from '../../src/domain/clock.js';

export const FIXTURES = path.resolve('test/fixtures');

/** Tokens of the test users; groups are the lane ids used by the fixtures. */
export const USERS = {
  analyst: { token: 'analyst-token-0123456789', user: 'ana', roles: ['analyst'], groups: [] },
  agentL1: {
    token: 'agent-l1-token-0123456789',
    user: 'luis',
    roles: ['agent'],
    groups: ['l1', 'central-desk'],
  },
  agentL1b: {
    token: 'agent-l1b-token-0123456789',
    user: 'lucia',
    roles: ['agent'],
    groups: ['l1', 'central-desk'],
  },
  agentL2: {
    token: 'agent-l2-token-0123456789',
    user: 'marta',
    roles: ['agent'],
    groups: ['l2', 'specialised-desk'],
  },
  supervisor: { token: 'supervisor-token-0123456789', user: 'sofia', roles: ['supervisor'], groups: [] },
  admin: { token: 'admin-token-0123456789', user: 'root', roles: ['admin'], groups: [] },
  // Users for the seed procedures in processes/: one per lane (lane ids are the candidate groups).
  radL1: {
    token: 'rad-l1-token-0123456789',
    user: 'tecnico',
    roles: ['agent'],
    groups: ['l1-it-technician'],
  },
  radL2: {
    token: 'rad-l2-token-0123456789',
    user: 'tecnologo',
    roles: ['agent'],
    groups: ['l2-medical-technologist'],
  },
  radL3: {
    token: 'rad-l3-token-0123456789',
    user: 'radiologo',
    roles: ['agent'],
    groups: ['l3-radiologist'],
  },
  radVendor: {
    token: 'rad-vendor-token-0123456789',
    user: 'carestream',
    roles: ['agent'],
    groups: ['vendor-carestream'],
  },
  radQuality: {
    token: 'rad-quality-token-0123456789',
    user: 'calidad',
    roles: ['agent', 'supervisor'],
    groups: ['quality-admin'],
  },
  citaRequester: {
    token: 'cita-req-token-0123456789',
    user: 'unidad',
    roles: ['agent'],
    groups: ['requester'],
  },
  citaCentral: {
    token: 'cita-central-token-0123456789',
    user: 'mesa',
    roles: ['agent'],
    groups: ['central-desk'],
  },
  citaSpecialised: {
    token: 'cita-me-token-0123456789',
    user: 'especialista',
    roles: ['agent'],
    groups: ['specialised-desk'],
  },
  mmgFirst: {
    token: 'mmg-first-token-0123456789',
    user: 'operatore1',
    roles: ['agent'],
    groups: ['first-level'],
  },
  mmgSecond: {
    token: 'mmg-second-token-0123456789',
    user: 'operatore2',
    roles: ['agent'],
    groups: ['second-level'],
  },
  recPlatform: {
    token: 'rec-platform-token-0123456789',
    user: 'plataforma',
    roles: ['agent'],
    groups: ['service-platform'],
  },
  recService: {
    token: 'rec-service-token-0123456789',
    user: 'servicio',
    roles: ['agent'],
    groups: ['involved-service'],
  },
} as const;

export type UserName = keyof typeof USERS;

/** Options of a test app. */
export interface TestAppOptions {
  readonly dbName?: string;
  readonly processesDir?: string;
  readonly formsDir?: string;
  /** Folder with `calendars/` and `sla/` (default: the repository's `config/`). */
  readonly configDir?: string;
  readonly clock?: Clock;
  readonly timerPollMs?: number;
  /** Further environment variables (e.g. an SMTP sink's URL). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Starts the real app (real HTTP, real database) on a random port with its own database. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const env = {
    MONGODB_URI: process.env.TEST_MONGODB_URI,
    HELPDESK_DB_NAME: options.dbName ?? `t_${randomUUID().slice(0, 8)}`,
    HELPDESK_PROCESSES_DIR: options.processesDir ?? path.join(FIXTURES, 'processes'),
    HELPDESK_FORMS_DIR: options.formsDir ?? path.join(FIXTURES, 'forms'),
    ...(options.configDir ? { HELPDESK_CONFIG_DIR: options.configDir } : {}),
    HELPDESK_API_TOKENS: JSON.stringify(Object.values(USERS)),
    HELPDESK_TIMER_POLL_MS: String(options.timerPollMs ?? 200),
    PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Fast hashes and no printed first-admin password; the tests that need either set them.
    HELPDESK_BCRYPT_COST: '4',
    HELPDESK_BOOTSTRAP_ADMIN: 'false',
    // The engine thread bundle of the global setup (unset when run outside Jest, e.g. benchmarks).
    ...(process.env.HELPDESK_ENGINE_WORKER_MODULE
      ? { HELPDESK_ENGINE_WORKER_MODULE: process.env.HELPDESK_ENGINE_WORKER_MODULE }
      : {}),
    ...options.env,
  };
  const app = await startApp(loadConfig(env), options.clock);
  return new TestApp(app);
}

/** A running app plus a tiny JSON client. */
export class TestApp {
  constructor(readonly app: RunningApp) {}

  async call(
    user: UserName | null,
    method: string,
    url: string,
    body?: unknown,
    contentType = 'application/json',
  ) {
    const headers: Record<string, string> = {};
    if (user) headers.authorization = `Bearer ${USERS[user].token}`;
    if (body !== undefined) headers['content-type'] = contentType;
    const response = await fetch(`${this.app.url}${url}`, {
      method,
      headers,
      ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.status, body: json };
  }

  stop(): Promise<void> {
    return this.app.stop();
  }
}

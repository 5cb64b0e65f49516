import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** The API tokens the chaos apps accept (agents work the desk, a supervisor reads). */
export const TOKENS = [
  { token: 'chaos-agent-token-a', user: 'agent-a', roles: ['agent'], groups: ['l1'] },
  { token: 'chaos-agent-token-b', user: 'agent-b', roles: ['agent'], groups: ['l1'] },
  { token: 'chaos-supervisor-token', user: 'sup', roles: ['supervisor', 'agent'], groups: ['l1'] },
] as const;

/** Where the app processes find the chaos procedure, and the environment they share. */
export interface ClusterSettings {
  readonly mongoUri: string;
  readonly dbName: string;
  readonly smtpPort: number;
  /** Extra environment, e.g. a fault point to die at (HELPDESK_FAULT_KILL_AT). */
  readonly extraEnv?: Record<string, string>;
}

const FIXTURE = path.resolve('test/fixtures/chaos');

/** One app process slot on a fixed port: it can be killed and started again on the same URL. */
export class AppSlot {
  private child?: ChildProcess;
  /** Milliseconds from each (re)start to the first healthy answer. */
  readonly readyTimes: number[] = [];

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly settings: ClusterSettings,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the process and waits until /health answers 200 (recording how long that took). */
  async start(extraEnv: Record<string, string> = {}): Promise<number> {
    const started = Date.now();
    this.child = spawn(process.execPath, ['--import', 'tsx', 'test/support/app-process.ts'], {
      env: { ...process.env, ...this.env(), ...extraEnv },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.child.stderr?.on('data', (chunk: Buffer) =>
      process.stderr.write(`[${this.name}] ${chunk.toString()}`),
    );
    while (Date.now() - started < 120_000) {
      if (!this.alive) throw new Error(`${this.name} exited during start`);
      if (await healthy(this.url)) {
        const readyMs = Date.now() - started;
        this.readyTimes.push(readyMs);
        return readyMs;
      }
      await sleep(100);
    }
    throw new Error(`${this.name} not ready after 120 s`);
  }

  /** SIGKILL: no shutdown hooks, whatever the process was doing is cut off. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM and wait: the clean stop at the end of a run. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(force);
  }

  private env(): Record<string, string> {
    const s = this.settings;
    return {
      NODE_OPTIONS: '',
      MONGODB_URI: s.mongoUri,
      HELPDESK_DB_NAME: s.dbName,
      HELPDESK_PROCESSES_DIR: path.join(FIXTURE, 'processes'),
      HELPDESK_CONFIG_DIR: path.join(FIXTURE, 'config'),
      HELPDESK_API_TOKENS: JSON.stringify(TOKENS),
      HELPDESK_BOOTSTRAP_ADMIN: 'false',
      HELPDESK_TIMER_POLL_MS: '250',
      HELPDESK_SMTP_URL: `smtp://127.0.0.1:${s.smtpPort}`,
      HELPDESK_MAIL_FROM: 'Chaos desk <desk@example.org>',
      HELPDESK_MAIL_POLL_MS: '500',
      HELPDESK_MAIL_ALLOWED_DOMAINS: 'example.org',
      PORT: String(this.port),
      LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'fatal',
      ...(s.extraEnv ?? {}),
    };
  }
}

/** True when GET /health answers 200 within a second. */
export async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    return response.status === 200;
  } catch {
    return false;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

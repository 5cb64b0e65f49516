import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { FIXTURES, USERS, type UserName } from './harness.js';
import { nodeEntry } from './node-entry.js';

/** Options of a child app: extra environment and the log level of the lines it keeps. */
export interface ChildAppOptions {
  readonly env?: Readonly<Record<string, string>>;
  /** pino level (default `CHILD_LOG_LEVEL` or `error`); lines below `error` are kept, not printed. */
  readonly logLevel?: string;
}

/** One pino log line of a child app. */
export type LogLine = Record<string, unknown> & { readonly level?: number; readonly msg?: string };

/** An app instance in its own OS process, reached over real HTTP. */
export class ChildApp {
  /** Its JSON log lines since it was ready (what tests count, e.g. timer jobs it ran). */
  readonly logs: LogLine[] = [];
  private partial = '';

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** Keeps the log lines; prints errors and anything that is not a log line. */
  private record(text: string): void {
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) {
      let parsed: LogLine | undefined;
      try {
        parsed = JSON.parse(line) as LogLine;
      } catch {
        parsed = undefined;
      }
      if (parsed && typeof parsed === 'object') this.logs.push(parsed);
      if (!parsed || (parsed.level ?? 0) >= 50) process.stderr.write(`${line}\n`);
    }
  }

  /** Starts `test/support/app-process.ts` on a random port against the given database. */
  static start(dbName: string, timerPollMs = 200, options: ChildAppOptions = {}): Promise<ChildApp> {
    const child = spawn(process.execPath, nodeEntry('app-process'), {
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        MONGODB_URI: process.env.TEST_MONGODB_URI,
        HELPDESK_DB_NAME: dbName,
        HELPDESK_PROCESSES_DIR: path.join(FIXTURES, 'processes'),
        HELPDESK_FORMS_DIR: path.join(FIXTURES, 'forms'),
        HELPDESK_API_TOKENS: JSON.stringify(Object.values(USERS)),
        HELPDESK_TIMER_POLL_MS: String(timerPollMs),
        PORT: '0',
        LOG_LEVEL: options.logLevel ?? process.env.CHILD_LOG_LEVEL ?? 'error',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      let output = '';
      let app: ChildApp | undefined;
      child.stdout?.on('data', (chunk: Buffer) => {
        // After READY, the app's log lines are kept; errors also go to the test's stderr.
        if (app) return app.record(chunk.toString());
        output += chunk.toString();
        const match = /READY (\S+)\n/.exec(output);
        if (!match?.[1]) return;
        app = new ChildApp(child, match[1]);
        resolve(app);
        app.record(output.slice(match.index + match[0].length));
      });
      child.once('exit', (code) =>
        reject(new Error(`app process exited with code ${code} before it was ready`)),
      );
    });
  }

  async call(user: UserName, method: string, url: string, body?: unknown) {
    const response = await fetch(`${this.url}${url}`, {
      method,
      headers: { authorization: `Bearer ${USERS[user].token}`, 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  stop(): Promise<void> {
    // A process killed by a signal (a chaos fault point) has no exit code, only a signal code.
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }
}

/** Runs `work` over the items with at most `limit` in flight. */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += limit) {
    results.push(...(await Promise.all(items.slice(i, i + limit).map((item, j) => work(item, i + j)))));
  }
  return results;
}

/** Runs `work` over the items keeping `limit` in flight (a new one starts as soon as one ends). */
export async function inPool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { FIXTURES, USERS, type UserName } from './harness.js';

/** An app instance in its own OS process, reached over real HTTP. */
export class ChildApp {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  /** Starts `test/support/app-process.ts` on a random port against the given database. */
  static start(dbName: string, timerPollMs = 200): Promise<ChildApp> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/app-process.ts'], {
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
        LOG_LEVEL: process.env.CHILD_LOG_LEVEL ?? 'error',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new Promise((resolve, reject) => {
      let output = '';
      let ready = false;
      child.stdout?.on('data', (chunk: Buffer) => {
        // After READY, the app's own log lines (errors only by default) go to the test's stderr.
        if (ready) return void process.stderr.write(chunk);
        output += chunk.toString();
        const match = /READY (\S+)\n/.exec(output);
        if (!match?.[1]) return;
        ready = true;
        resolve(new ChildApp(child, match[1]));
        process.stderr.write(output.slice(match.index + match[0].length));
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
    if (this.child.exitCode !== null) return Promise.resolve();
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

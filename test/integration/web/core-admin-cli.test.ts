import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import path from 'node:path';
import { jest } from '@jest/globals';
import { loadConfig } from '../../../src/config.js';
import { startApp } from '../../../src/main.js';
import { FIXTURES, TestApp, startTestApp } from '../../support/harness.js';
import { webClient } from '../../support/web-client.js';

const run = promisify(execFile);

/** Runs `npm run admin -- …` (the script itself) against the test database. */
function admin(dbName: string, args: string[], password?: string) {
  return run(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      MONGODB_URI: process.env.TEST_MONGODB_URI,
      HELPDESK_DB_NAME: dbName,
      HELPDESK_BCRYPT_COST: '4',
      ...(password ? { HELPDESK_NEW_PASSWORD: password } : {}),
    },
  }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

async function loginStatus(app: TestApp, username: string, password: string): Promise<number> {
  const client = webClient(app);
  await client.get('/login');
  return (await client.post('/login', { username, password })).status;
}

describe('admin CLI (npm run admin)', () => {
  const dbName = `t_cli_${randomUUID().slice(0, 8)}`;
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp({ dbName });
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given a password in HELPDESK_NEW_PASSWORD, when create-user runs, then that user logs in to their home', async () => {
    const result = await admin(
      dbName,
      [
        'create-user',
        '--username',
        'Chiara',
        '--roles',
        'supervisor,agent',
        '--groups',
        'first-level',
        '--language',
        'it',
      ],
      'chiara-pass-2024',
    );

    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('created account <chiara> with roles supervisor, agent');
    expect(await loginStatus(app, 'chiara', 'chiara-pass-2024')).toBe(303);
  }, 60_000);

  test('given a short password or a taken username, then the CLI fails with a clear message', async () => {
    const short = await admin(dbName, ['create-user', '--username', 'pino', '--roles', 'agent'], 'short');
    const taken = await admin(
      dbName,
      ['create-user', '--username', 'CHIARA', '--roles', 'agent'],
      'long-enough-pass',
    );
    const usage = await admin(dbName, ['create-user', '--username', 'nobody'], 'long-enough-pass');

    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password must have at least 10 characters');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('account <chiara> already exists');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('--roles is required');
  }, 60_000);

  test('given the password on stdin, when reset-password runs, then the new password works', async () => {
    const child = run(
      process.execPath,
      ['--import', 'tsx', 'scripts/admin.ts', 'reset-password', '--username', 'chiara'],
      {
        env: {
          ...process.env,
          NODE_OPTIONS: '',
          MONGODB_URI: process.env.TEST_MONGODB_URI,
          HELPDESK_DB_NAME: dbName,
          HELPDESK_NEW_PASSWORD: '',
        },
      },
    );
    child.child.stdin?.end('reset-via-stdin-1\n');
    const { stdout } = await child;

    expect(stdout).toContain('new password set for <chiara>');
    expect(await loginStatus(app, 'chiara', 'reset-via-stdin-1')).toBe(303);
    expect(await loginStatus(app, 'chiara', 'chiara-pass-2024')).toBe(401);
  }, 60_000);
});

describe('first admin on a fresh database', () => {
  /** Starts the real app with the first-admin bootstrap on (the test harness may turn it off). */
  const start = (dbName: string) =>
    startApp(
      loadConfig({
        MONGODB_URI: process.env.TEST_MONGODB_URI,
        HELPDESK_DB_NAME: dbName,
        HELPDESK_PROCESSES_DIR: path.join(FIXTURES, 'processes'),
        HELPDESK_FORMS_DIR: path.join(FIXTURES, 'forms'),
        HELPDESK_API_TOKENS: '[{"token":"cli-test-token-0123456789","user":"x","roles":["admin"]}]',
        HELPDESK_BOOTSTRAP_ADMIN: 'true',
        PORT: '0',
        LOG_LEVEL: 'silent',
      }),
    );

  test('given no accounts, when the app starts, then it prints a one-off admin password that logs in; a restart prints none', async () => {
    const dbName = `t_boot_${randomUUID().slice(0, 8)}`;
    const printed: string[] = [];
    const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      const first = new TestApp(await start(dbName));
      const password = /as "admin" with password: (\S+)/.exec(printed.join(''))?.[1] ?? '';
      const status = await loginStatus(first, 'admin', password);
      await first.stop();
      printed.length = 0;
      const second = await start(dbName);
      await second.stop();

      expect(password).toMatch(/^[\w-]{20}$/);
      expect(status).toBe(303);
      expect(printed.join('')).not.toContain('password');
    } finally {
      write.mockRestore();
    }
  }, 60_000);
});

import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import path from 'node:path';
import { jest } from '@jest/globals';
import { loadConfig } from '../../../src/config.js';
import { startApp } from '../../../src/main.js';
import { FIXTURES, TestApp, startTestApp } from '../../support/harness.js';
import { nodeEntry } from '../../support/node-entry.js';
import { webClient } from '../../support/web-client.js';

const run = promisify(execFile);

const ADMIN_ACTOR = { id: 'test:admin', roles: ['admin' as const], groups: [] };

/** Runs `npm run admin -- …` (the script itself) against the test database. */
function admin(dbName: string, args: string[], password?: string, env: Record<string, string> = {}) {
  return run(process.execPath, [...nodeEntry('admin'), ...args], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      MONGODB_URI: process.env.TEST_MONGODB_URI,
      HELPDESK_DB_NAME: dbName,
      HELPDESK_BCRYPT_COST: '4',
      HELPDESK_DEFAULT_LANGUAGE: '',
      ...(password ? { HELPDESK_NEW_PASSWORD: password } : {}),
      ...env,
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

/** Logs in through the form: `303 <home>` on success, 401 otherwise. */
async function login(app: TestApp, username: string, password: string): Promise<string> {
  const client = webClient(app);
  await client.get('/login');
  const answer = await client.post('/login', { username, password });
  return answer.status === 303 ? `303 ${answer.location}` : String(answer.status);
}

/** Creates an account through the CLI (each test makes the accounts it needs). */
async function createUser(dbName: string, username: string, password: string, extra: string[] = []) {
  const result = await admin(
    dbName,
    ['create-user', '--username', username, '--roles', 'agent', ...extra],
    password,
  );
  if (result.code !== 0) throw new Error(`create-user ${username} failed: ${result.stderr}`);
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
    expect(await login(app, 'chiara', 'chiara-pass-2024')).toMatch(/^303 \/(inbox|supervisor\/instances)$/);
    expect((await app.app.services.accounts.get('chiara', ADMIN_ACTOR)).language).toBe('it');
  }, 60_000);

  test('given no --language, then the account gets HELPDESK_DEFAULT_LANGUAGE (es when unset)', async () => {
    await createUser(dbName, 'dario', 'dario-pass-2024-x');
    const english = await admin(
      dbName,
      ['create-user', '--username', 'edith', '--roles', 'agent'],
      'edith-pass-2024-x',
      { HELPDESK_DEFAULT_LANGUAGE: 'en' },
    );

    expect(english.code).toBe(0);
    expect((await app.app.services.accounts.get('dario', ADMIN_ACTOR)).language).toBe('es');
    expect((await app.app.services.accounts.get('edith', ADMIN_ACTOR)).language).toBe('en');
  }, 60_000);

  test('given a short or weak password or a taken username, then the CLI fails with a clear message', async () => {
    await createUser(dbName, 'pietro', 'pietro-pass-2024');
    const short = await admin(dbName, ['create-user', '--username', 'pino', '--roles', 'agent'], 'short');
    const weak = await admin(
      dbName,
      ['create-user', '--username', 'pino', '--roles', 'agent'],
      'pino-password',
    );
    const taken = await admin(
      dbName,
      ['create-user', '--username', 'PIETRO', '--roles', 'agent'],
      'long-enough-pass',
    );
    const usage = await admin(dbName, ['create-user', '--username', 'nobody'], 'long-enough-pass');

    expect(short.code).toBe(1);
    expect(short.stderr).toContain('password must have at least 10 characters');
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('password: password is too easy to guess (strength');
    expect(taken.code).toBe(1);
    expect(taken.stderr).toContain('account <pietro> already exists');
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('--roles is required');
  }, 60_000);

  test('given the password on stdin, when reset-password runs, then the new password works', async () => {
    await createUser(dbName, 'carla', 'carla-pass-2024-x');
    const child = run(
      process.execPath,
      [...nodeEntry('admin'), 'reset-password', '--username', 'carla'],
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

    expect(stdout).toContain('new password set for <carla>');
    expect(await login(app, 'carla', 'reset-via-stdin-1')).toBe('303 /inbox');
    expect(await login(app, 'carla', 'carla-pass-2024-x')).toBe('401');
  }, 60_000);
});

describe('first admin on a fresh database', () => {
  /** Starts the real app with the first-admin bootstrap on (the test harness may turn it off). */
  const start = (dbName: string, env: Record<string, string> = {}) =>
    startApp(
      loadConfig({
        ...env,
        MONGODB_URI: process.env.TEST_MONGODB_URI,
        HELPDESK_DB_NAME: dbName,
        HELPDESK_PROCESSES_DIR: path.join(FIXTURES, 'processes'),
        HELPDESK_FORMS_DIR: path.join(FIXTURES, 'forms'),
        HELPDESK_API_TOKENS: '[{"token":"cli-test-token-0123456789","user":"x","roles":["admin"]}]',
        HELPDESK_BOOTSTRAP_ADMIN: 'true',
        HELPDESK_BCRYPT_COST: '4', // fast hashes: the first admin is under test, not the cost
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
      const status = await login(first, 'admin', password);
      const account = await first.app.services.accounts.get('admin', ADMIN_ACTOR);
      await first.stop();
      printed.length = 0;
      const second = await start(dbName);
      await second.stop();

      expect(password).toMatch(/^[\w-]{20}$/);
      expect(status).toBe('303 /admin/users');
      expect(account.language).toBe('es'); // the default language of new accounts, as for every other user
      expect(printed.join('')).not.toContain('password');
    } finally {
      write.mockRestore();
    }
  }, 60_000);
});

describe('default language of new accounts (HELPDESK_DEFAULT_LANGUAGE)', () => {
  test('given HELPDESK_DEFAULT_LANGUAGE=it, when the first admin is created, then it speaks Italian', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const app = await startApp(
        loadConfig({
          MONGODB_URI: process.env.TEST_MONGODB_URI,
          HELPDESK_DB_NAME: `t_lang_${randomUUID().slice(0, 8)}`,
          HELPDESK_PROCESSES_DIR: path.join(FIXTURES, 'processes'),
          HELPDESK_FORMS_DIR: path.join(FIXTURES, 'forms'),
          HELPDESK_API_TOKENS: '[{"token":"cli-test-token-0123456789","user":"x","roles":["admin"]}]',
          HELPDESK_BOOTSTRAP_ADMIN: 'true',
          HELPDESK_BCRYPT_COST: '4',
          HELPDESK_DEFAULT_LANGUAGE: 'it',
          PORT: '0',
          LOG_LEVEL: 'silent',
        }),
      );
      const account = await app.services.accounts.get('admin', ADMIN_ACTOR);
      await app.stop();

      expect(account.language).toBe('it');
    } finally {
      write.mockRestore();
    }
  }, 60_000);

  test('given an unknown language, then the configuration is refused naming the variable', () => {
    expect(() => loadConfig({ HELPDESK_DEFAULT_LANGUAGE: 'fr' })).toThrow(
      'HELPDESK_DEFAULT_LANGUAGE must be one of es, it, en, got "fr"',
    );
  });
});

/**
 * Account administration from the command line, for the first admin or a locked-out one:
 *
 *   npm run admin -- create-user --username ana --roles analyst,admin [--groups a,b] [--language es]
 *                                [--name "Ana Ruiz"] [--email ana@example.org]
 *   npm run admin -- reset-password --username ana
 *   npm run admin -- rebuild-reports [--procedure ID] [--since YYYY-MM-DD]
 *
 * rebuild-reports backfills the reporting read model (docs/adr/0027, 0035) from the step history
 * of existing tickets: one scan of the ticket heads (a one-off command, never a hot path), then
 * each ticket's missing steps read by `_id` in batches. Re-running it changes nothing.
 *
 * The password is read from HELPDESK_NEW_PASSWORD, or else from stdin (one line); it must meet
 * the same rules as in the web app (10+ characters, at most 72 UTF-8 bytes, zxcvbn score 3+).
 * The database is the app's (MONGODB_URI, or the embedded one — reused if the app is running).
 */
import { createConnection } from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Connection } from 'mongoose';
import { BcryptHasher } from '../src/adapters/auth/bcrypt-hasher.js';
import { ZxcvbnPasswordPolicy } from '../src/adapters/auth/zxcvbn-password-policy.js';
import { connectDatabase } from '../src/adapters/db/connect.js';
import { EmbeddedFerretDb } from '../src/adapters/db/embedded-ferretdb.js';
import { MongoAccountRepository } from '../src/adapters/persistence/mongo-account-repository.js';
import { MongoSessionRepository } from '../src/adapters/persistence/mongo-session-repository.js';
import { AccountService } from '../src/app/account-service.js';
import { loadConfig } from '../src/config.js';
import type { Language } from '../src/domain/account.js';
import type { Role } from '../src/domain/actor.js';
import { isAppError } from '../src/domain/errors.js';
import { DateTime } from 'luxon';
import type { Models } from '../src/adapters/persistence/models.js';
import { reportRebuildOn } from '../src/adapters/persistence/mongo-report-rebuild.js';
import { rebuildReports } from '../src/app/reports-rebuild.js';

const CLI = { id: 'system:cli', roles: ['admin' as const], groups: [] };
const USAGE = `usage: npm run admin -- create-user --username NAME --roles r1,r2 [--groups g1,g2] [--language es|it|en] [--name "Full Name"] [--email a@b.c]
       npm run admin -- reset-password --username NAME
       npm run admin -- rebuild-reports [--procedure ID] [--since YYYY-MM-DD]
password: HELPDESK_NEW_PASSWORD, or one line on stdin`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      username: { type: 'string' },
      roles: { type: 'string' },
      groups: { type: 'string' },
      language: { type: 'string' },
      name: { type: 'string' },
      email: { type: 'string' },
      procedure: { type: 'string' },
      since: { type: 'string' },
    },
  });
  if (command === 'rebuild-reports') return rebuildReportsCommand(values.procedure, values.since);
  if ((command !== 'create-user' && command !== 'reset-password') || !values.username) throw new Error(USAGE);
  if (command === 'create-user' && !values.roles) throw new Error(`--roles is required\n${USAGE}`);
  const password = await readPassword();

  await withDatabase(async (connection) => {
    const accounts = new AccountService({
      repository: new MongoAccountRepository(connection),
      hasher: new BcryptHasher(loadConfig().bcryptCost),
      passwordPolicy: new ZxcvbnPasswordPolicy(),
      clock: { now: () => new Date() },
    });
    if (command === 'create-user') {
      const created = await accounts.create(
        {
          username: values.username!,
          password,
          roles: list(values.roles) as Role[],
          groups: list(values.groups),
          language: (values.language ?? loadConfig().defaultLanguage) as Language,
          ...(values.name ? { displayName: values.name } : {}),
          ...(values.email ? { email: values.email } : {}),
        },
        CLI,
      );
      process.stdout.write(`created account <${created.id}> with roles ${created.roles.join(', ')}\n`);
    } else {
      const account = await accounts.resetPassword(values.username!, password, CLI);
      await new MongoSessionRepository(connection).deleteForAccount(account.id);
      process.stdout.write(`new password set for <${account.id}>; its sessions were ended\n`);
    }
  });
}

/** Runs the work against the app's database, starting the embedded one only if nothing listens. */
async function withDatabase(work: (connection: Connection, models: Models) => Promise<void>) {
  const config = loadConfig();
  let embedded: EmbeddedFerretDb | undefined;
  let uri = config.mongoUri;
  if (!uri) {
    embedded = new EmbeddedFerretDb({
      dataDir: path.join(config.dataDir, 'ferretdb'),
      port: config.embeddedDbPort,
    });
    if (await listening(config.embeddedDbPort)) embedded = undefined;
    else await embedded.start();
    uri = `mongodb://127.0.0.1:${config.embeddedDbPort}/`;
  }
  const database = await connectDatabase(uri, config.dbName);
  try {
    await work(database.connection, database.models);
  } finally {
    await database.close();
    await embedded?.stop();
  }
}

/** `rebuild-reports`: folds the facts of tickets the reporting read model lacks (idempotent). */
async function rebuildReportsCommand(procedureId?: string, since?: string): Promise<void> {
  const config = loadConfig();
  const day = since === undefined ? undefined : DateTime.fromISO(since, { zone: config.timeZone });
  if (day && (!/^\d{4}-\d{2}-\d{2}$/.test(since!) || !day.isValid))
    throw new Error(`--since "${since!.slice(0, 40)}" is not a date YYYY-MM-DD`);
  const from = day?.toJSDate();
  await withDatabase(async (connection, models) => {
    const deps = await reportRebuildOn({ connection, models }, config.timeZone);
    const result = await rebuildReports(
      {
        ...deps,
        onBatch: (p) =>
          process.stderr.write(`  ${p.seen} tickets: ${p.written} written, ${p.current} current\n`),
      },
      { ...(procedureId ? { procedureId } : {}), ...(from ? { since: from } : {}) },
    );
    process.stdout.write(
      `rebuild-reports: ${result.seen} tickets, ${result.written} written, ${result.current} already current, ${result.skipped} skipped\n`,
    );
  });
}

async function readPassword(): Promise<string> {
  const fromEnv = process.env.HELPDESK_NEW_PASSWORD;
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY)
    process.stderr.write('new password (input is shown; prefer HELPDESK_NEW_PASSWORD): ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (chunk.includes(10)) break;
  }
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
  if (!line) throw new Error('no password given (set HELPDESK_NEW_PASSWORD or pipe it on stdin)');
  return line;
}

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    const details =
      isAppError(error) && error.details.length ? error.details.map((d) => `  ${d.path}: ${d.message}`) : [];
    process.stderr.write(
      `${error instanceof Error ? error.message : String(error)}\n${details.join('\n')}\n`,
    );
    process.exit(1);
  },
);

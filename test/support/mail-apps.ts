import type { Clock } from '../../src/domain/clock.js';
import { startTestApp, type TestApp, type TestAppOptions } from './harness.js';
import { startImapServer, type ImapServer } from './imap-server.js';
import { mailEnv, startSmtpSink, type SmtpSink } from './smtp-sink.js';
import { startWebApp } from './web-accounts.js';

/**
 * Test apps that send (and read) real mail: an SMTP sink, optionally a Dovecot mailbox, and the
 * app wired to them. Whatever was started is stopped again when a later start fails.
 */

/** An app and the SMTP sink it sends to. */
export interface MailApp {
  readonly app: TestApp;
  readonly sink: SmtpSink;
}

/** An app, the SMTP sink it sends to and the Dovecot server it reads. */
export interface MailWorld extends MailApp {
  readonly imap: ImapServer;
}

/** Options of {@link startSeedMailApp}. */
export interface SeedMailAppOptions {
  /** `HELPDESK_MAIL_FROM`. */
  readonly from: string;
  /** Further environment variables (after the mail ones). */
  readonly env?: Readonly<Record<string, string>>;
  readonly clock?: Clock;
  /** Seeds the web accounts (startWebApp); default true. */
  readonly webAccounts?: boolean;
}

/** The shipped procedures and forms (processes/, forms/) sending to a fresh SMTP sink as `from`. */
export async function startSeedMailApp(options: SeedMailAppOptions): Promise<MailApp> {
  const sink = await startSmtpSink();
  const appOptions: TestAppOptions = {
    processesDir: 'processes',
    formsDir: 'forms',
    ...(options.clock ? { clock: options.clock } : {}),
    env: { ...mailEnv(sink, options.from), ...options.env },
  };
  const app = await afterStarted([sink], () =>
    options.webAccounts === false ? startTestApp(appOptions) : startWebApp(appOptions),
  );
  return { app, sink };
}

/** A Dovecot server, an SMTP sink and an app whose options are built from both. */
export async function startMailWorld(
  appOptions: (imap: ImapServer, sink: SmtpSink) => TestAppOptions | Promise<TestAppOptions>,
): Promise<MailWorld> {
  const imap = await startImapServer();
  const sink = await afterStarted([imap], () => startSmtpSink());
  const app = await afterStarted([sink, imap], async () => startTestApp(await appOptions(imap, sink)));
  return { app, sink, imap };
}

/** Stops each that was started, in the order given (an app before the servers it talks to). */
export async function stopInOrder(
  ...running: readonly ({ stop(): Promise<void> } | undefined)[]
): Promise<void> {
  for (const each of running) await each?.stop();
}

/** Runs `start`; when it fails, stops what was started before it and rethrows. */
async function afterStarted<T>(
  started: readonly { stop(): Promise<void> }[],
  start: () => Promise<T>,
): Promise<T> {
  try {
    return await start();
  } catch (error) {
    await stopInOrder(...started);
    throw error;
  }
}

import path from 'node:path';
import { FIXTURES, type TestApp } from '../../support/harness.js';
import { ManualClock } from '../../support/manual-clock.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink, mailEnv } from '../../support/smtp-sink.js';
import { waitFor } from '../../support/wait.js';
import { startWebApp } from '../../support/web-accounts.js';

/** Public URL of the links in the tests' emails (the tests call the app's own address). */
export const PUBLIC_URL = 'http://requester.test';

/** An app on the requester fixture (receive task on `requester-reply`) with an SMTP sink and a manual clock. */
export interface RequesterWorld {
  readonly app: TestApp;
  readonly sink: SmtpSink;
  readonly clock: ManualClock;
  /** Opens a ticket through the API as agent luis; returns its id and number. */
  open(email?: string): Promise<{ id: string; businessKey: string }>;
  /** The mail to `email` whose subject contains `subject` (waits for it). */
  mail(email: string, subject: string, after?: number): Promise<ReceivedMail>;
  /** Path (`/r/<token>` or `/s/<token>`) of the link of that kind in a mail. */
  linkIn(mail: ReceivedMail, kind: 'r' | 's'): string;
  /** GET/POST against the app with optional headers; no redirects followed. */
  fetch(pathname: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

/** Variations of a world: extra settings, a config folder (SLA policies, calendars), the clock's start. */
export interface RequesterWorldOptions {
  readonly env?: Record<string, string>;
  /** A config folder under test/fixtures/requester (e.g. `config`), instead of the default one. */
  readonly configDir?: string;
  readonly now?: Date;
}

/** Starts a world; close it in `finally`. */
export async function startRequesterWorld(options: RequesterWorldOptions = {}): Promise<RequesterWorld> {
  const sink = await startSmtpSink();
  const clock = new ManualClock(options.now ?? new Date());
  const app = await startWebApp({
    processesDir: path.join(FIXTURES, 'requester/processes'),
    formsDir: path.join(FIXTURES, 'requester/forms'),
    ...(options.configDir ? { configDir: path.join(FIXTURES, 'requester', options.configDir) } : {}),
    clock,
    env: {
      ...mailEnv(sink, 'Help desk <desk@example.org>'),
      HELPDESK_MAIL_POLL_MS: '100',
      HELPDESK_PUBLIC_URL: PUBLIC_URL,
      ...options.env,
    },
  });
  const world: RequesterWorld = {
    app,
    sink,
    clock,
    async open(email = 'ana@example.org') {
      const answer = await app.call('agentL1', 'POST', '/api/procedures/requester-track/instances', {
        requesterName: 'Ana',
        ...(email ? { requesterEmail: email } : {}),
        description: 'printer broken',
      });
      if (answer.status !== 201) throw new Error(`start failed: ${JSON.stringify(answer.body)}`);
      return { id: answer.body.id as string, businessKey: answer.body.businessKey as string };
    },
    mail: (email, subject, after = 0) =>
      waitFor(async () =>
        sink.received
          .slice(after)
          .find((mail) => mail.envelopeTo.includes(email) && mail.subject.includes(subject)),
      ) as Promise<ReceivedMail>,
    linkIn(mail, kind) {
      const match = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}(/${kind}/[A-Za-z0-9_-]{43})`).exec(
        mail.body,
      );
      if (!match?.[1]) throw new Error(`no /${kind}/ link in mail "${mail.subject}":\n${mail.body}`);
      return match[1];
    },
    fetch: (pathname, init = {}) => fetch(`${app.app.url}${pathname}`, { redirect: 'manual', ...init }),
    async close() {
      await app.stop();
      await sink.stop();
    },
  };
  return world;
}

/** The hidden `_csrf` and `_idempotencyKey` of a requester page. */
export function formTokens(html: string): { csrf: string; key: string } {
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const key = /name="_idempotencyKey" value="([^"]+)"/.exec(html)?.[1] ?? '';
  if (!csrf) throw new Error('no _csrf on the page');
  return { csrf, key };
}

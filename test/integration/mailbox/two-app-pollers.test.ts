import { randomUUID } from 'node:crypto';
import { ChildApp, type LogLine } from '../../support/child-app.js';
import { startImapServer, type ImapServer } from '../../support/imap-server.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.js';
import { waitFor } from '../../support/wait.js';
import { mailboxEnv, plainMail } from './mailbox-support.js';

const COUNT = 12;

/** What one child's polls handled, from its `mailbox polled` log lines. */
function handledBy(child: ChildApp): { polls: number; opened: number } {
  const polls = child.logs.filter(
    (line: LogLine) => line.msg === 'mailbox polled' && line.mailbox === 'desk',
  );
  return { polls: polls.length, opened: polls.reduce((sum, line) => sum + Number(line.opened ?? 0), 0) };
}

/**
 * Issue 14: "a message opens exactly one ticket even when two app processes poll the same
 * mailbox". Two app instances in their own OS processes poll one Dovecot mailbox in their
 * background loops (every 100 ms) against one database; several messages arrive at once.
 */
describe('two app processes polling one desk mailbox (ADR 0029)', () => {
  let imap: ImapServer;
  let sink: SmtpSink;
  let a: ChildApp;
  let b: ChildApp;

  beforeAll(async () => {
    imap = await startImapServer();
    sink = await startSmtpSink();
    const env = mailboxEnv(imap, sink.port);
    const desk = (JSON.parse(env.HELPDESK_MAILBOXES!) as { id: string }[]).filter((box) => box.id === 'desk');
    const childEnv = { ...env, HELPDESK_MAILBOXES: JSON.stringify(desk), HELPDESK_MAILBOX_POLL_MS: '100' };
    const dbName = `t_${randomUUID().slice(0, 8)}`;
    // Debug level: each poll logs what it handled, which the test reads back.
    [a, b] = await Promise.all([
      ChildApp.start(dbName, 60_000, { env: childEnv, logLevel: 'debug' }),
      ChildApp.start(dbName, 60_000, { env: childEnv, logLevel: 'debug' }),
    ]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await sink?.stop();
    await imap?.stop();
  });

  test(`given ${COUNT} requests arriving while two processes poll the mailbox, then each opens exactly one ticket, every message is moved once, and both processes took part`, async () => {
    const subjects = Array.from({ length: COUNT }, (_, i) => `Solicitud ${String(i + 1).padStart(2, '0')}`);
    for (const [i, subject] of subjects.entries()) {
      await imap.deliver(
        plainMail(
          { From: `unidad${i}@issste.gob.mx`, Subject: subject, 'Message-ID': `<two-${i}@issste.gob.mx>` },
          `${subject}: solicito el reporte.`,
        ),
      );
    }

    await waitFor(async () => (await imap.subjects('INBOX')).length === 0, 120_000, 250);
    const list = await a.call('supervisor', 'GET', '/api/instances?procedureId=mail-desk&limit=500');

    expect(list.status).toBe(200);
    const opened = (list.body as { variables: { subject: string } }[]).map((t) => t.variables.subject);
    expect(opened.sort()).toEqual(subjects);
    expect((await imap.subjects('Processed')).sort()).toEqual(subjects);
    // Both processes polled and handled messages (a replayed keyed start counts for both).
    const [byA, byB] = [handledBy(a), handledBy(b)];
    expect(byA.polls).toBeGreaterThan(0);
    expect(byB.polls).toBeGreaterThan(0);
    expect(byA.opened).toBeGreaterThan(0);
    expect(byB.opened).toBeGreaterThan(0);
  }, 180_000);
});

import type { EmailIntake } from '../../../src/app/email-intake.js';
import type { Actor } from '../../../src/domain/actor.js';
import type { InboundMail } from '../../../src/domain/inbound-mail.js';
import { deskIntake } from '../../support/desk-intake.js';
import { startTestApp, type TestApp } from '../../support/harness.js';
import type { ImapServer } from '../../support/imap-server.js';
import { startMailWorld, stopInOrder } from '../../support/mail-apps.js';
import type { SmtpSink } from '../../support/smtp-sink.js';
import { waitFor } from '../../support/wait.js';
import { fixtureMail, mailboxEnv, OUR_DOMAIN, plainMail } from './mailbox-support.js';

const SUPERVISOR: Actor = { id: 'sofia', roles: ['supervisor'], groups: [] };

describe('a message is moved only after its ticket is committed (ADR 0029)', () => {
  let imap: ImapServer;
  let sink: SmtpSink;
  let app: TestApp;

  beforeAll(async () => {
    ({ imap, sink, app } = await startMailWorld((imap, sink) => ({
      env: mailboxEnv(imap, sink.port),
      timerPollMs: 60_000,
    })));
  }, 60_000);
  afterAll(() => stopInOrder(app, sink, imap));

  /** An intake of `desk` that stores attachments and sends no refusal replies. */
  function intake(beforeSettle?: (mail: InboundMail) => Promise<void>): EmailIntake {
    return deskIntake(app, {
      ourDomain: OUR_DOMAIN,
      supervisor: SUPERVISOR,
      attachments: true,
      ...(beforeSettle ? { beforeSettle } : {}),
    });
  }
  const tickets = () => app.app.services.instances.list({ procedureId: 'mail-desk' }, SUPERVISOR);

  test('given the ticket committed but the poller failing before the move, when the next poll (after a restart) runs, then it finds the ticket, opens no second one and moves the message', async () => {
    await imap.deliver(await fixtureMail('new-request.eml'));
    const crashing = intake(async () => {
      throw new Error('simulated crash between the commit and the move');
    });

    const failed = await crashing.poll();

    expect(failed).toMatchObject({ opened: 0, retried: 1 });
    expect(await tickets()).toHaveLength(1);
    expect(await imap.subjects('INBOX')).toEqual(['Reporte de citas de cardiología']);
    expect((await imap.flags('INBOX')).get('Reporte de citas de cardiología')).not.toContain('\\Seen');

    const restarted = await intake().poll();

    expect(restarted).toMatchObject({ opened: 1, retried: 0 });
    const [ticket] = await tickets();
    expect(await tickets()).toHaveLength(1);
    expect(await imap.subjects('INBOX')).toEqual([]);
    expect(await imap.subjects('Processed')).toEqual(['Reporte de citas de cardiología']);
    const entries = await app.app.services.conversations.list(ticket!.id, 'staff');
    expect(entries).toHaveLength(1); // the attachments entry is keyed: not added twice
  });

  test('given the app started with a poll interval, when a request arrives, then the background loop opens its ticket without being asked', async () => {
    const env = { ...mailboxEnv(imap, sink.port), HELPDESK_MAILBOX_POLL_MS: '200' };
    const polling = await startTestApp({ env, timerPollMs: 60_000 });
    try {
      await imap.deliver(
        plainMail(
          {
            From: 'unidad.sur@issste.gob.mx',
            Subject: 'Reporte de la unidad sur',
            'Message-ID': '<loop-0001@issste.gob.mx>',
          },
          'Solicito el reporte de la unidad sur.',
        ),
      );

      const opened = await waitFor(async () => {
        const list = await polling.app.services.instances.list({ procedureId: 'mail-desk' }, SUPERVISOR);
        return list.length > 0 ? list : undefined;
      }, 15_000);

      expect(opened!.map((ticket) => ticket.variables.subject)).toEqual(['Reporte de la unidad sur']);
      await waitFor(async () => (await imap.subjects('INBOX')).length === 0, 5000);
    } finally {
      await polling.stop();
    }
  });
});

import { randomUUID } from 'node:crypto';
import type { Actor } from '../../../src/domain/actor.js';
import type { InstanceRecord } from '../../../src/domain/instance.js';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { startImapServer, type ImapServer } from '../../support/imap-server.js';
import { startSmtpSink, type SmtpSink } from '../../support/smtp-sink.js';
import { fixtureMail, mailboxEnv, OUR_DOMAIN, plainMail } from './mailbox-support.js';

const SUPERVISOR: Actor = { id: 'sofia', roles: ['supervisor'], groups: [] };

describe('email-to-ticket against a real IMAP server (Dovecot, ADR 0029)', () => {
  const dbName = `t_${randomUUID().slice(0, 8)}`;
  let imap: ImapServer;
  let sink: SmtpSink;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    imap = await startImapServer();
    sink = await startSmtpSink();
    const env = mailboxEnv(imap, sink.port);
    first = await startTestApp({ dbName, env, timerPollMs: 60_000 });
    second = await startTestApp({ dbName, env, timerPollMs: 60_000 });
  }, 60_000);
  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await sink?.stop();
    await imap?.stop();
  });

  const tickets = async (): Promise<InstanceRecord[]> =>
    await first.app.services.instances.list({ procedureId: 'mail-desk' }, SUPERVISOR);
  const head = (id: string) => first.app.services.instances.get(id, SUPERVISOR);
  // Only mail from the mailbox: other features (e.g. out-of-hours courtesy replies) may send their own.
  const refusals = () =>
    sink.received.filter((mail) =>
      (mail.headers['x-helpdesk-outbox-id'] ?? '').startsWith('mailbox-refused.'),
    );
  const mailTo = (addresses: readonly string[]) =>
    sink.received.filter((mail) => mail.envelopeTo.some((to) => addresses.includes(to)));
  const pollBoth = () =>
    Promise.all([first.app.services.mailboxes.pollOnce(), second.app.services.mailboxes.pollOnce()]);

  test('given one request in the desk mailbox, when two app instances poll it at once, then exactly one ticket opens with the email data and the message is moved as seen', async () => {
    await imap.deliver(await fixtureMail('new-request.eml'));

    await pollBoth();
    await pollBoth(); // a second round changes nothing

    const opened = await tickets();
    expect(opened).toHaveLength(1);
    const view = await head(opened[0]!.id);
    expect(view.instance.variables).toMatchObject({
      channel: 'email',
      requesterEmail: 'dra.ruiz@issste.gob.mx',
      requesterName: 'Dra. Elena Ruiz',
      ccEmails: 'jefatura@issste.gob.mx',
      subject: 'Reporte de citas de cardiología',
      receivedAt: '2026-11-23T14:15:00.000Z',
      medicalUnit: 'Buzón de la mesa',
    });
    expect(view.instance.variables.description).toContain('cardiología del 23 de noviembre');
    expect(view.instance.startedBy).toBe('mailbox:desk');
    const entries = await first.app.services.conversations.list(opened[0]!.id, 'staff');
    expect(entries).toEqual([
      expect.objectContaining({
        kind: 'requester',
        via: 'email',
        author: 'requester:dra.ruiz@issste.gob.mx',
        attachments: [expect.objectContaining({ name: 'listado.txt', contentType: 'text/plain' })],
      }),
    ]);
    expect(await imap.subjects('INBOX')).toEqual([]);
    expect((await imap.flags('Processed')).get('Reporte de citas de cardiología')).toContain('\\Seen');
    expect(refusals()).toHaveLength(0);
  });

  test('given an open ticket, when its requester answers with the ticket number in the subject, then the answer joins its conversation and resumes the procedure waiting for the requester', async () => {
    const [ticket] = await tickets();
    expect((await head(ticket!.id)).instance.awaiting).toEqual([
      expect.objectContaining({ name: 'requester-reply' }),
    ]);
    const reply = plainMail(
      {
        From: 'Dra. Elena Ruiz <dra.ruiz@issste.gob.mx>',
        To: `mesa@${OUR_DOMAIN}`,
        Subject: `RE: [${ticket!.businessKey}] Reporte de citas`,
        'Message-ID': '<reply-0001@issste.gob.mx>',
        'In-Reply-To': '<req-0001@issste.gob.mx>',
      },
      'Adjunto los datos que faltaban: consultorio 4.\n\n> mensaje anterior',
    );
    await imap.deliver(reply);

    await pollBoth();

    expect(await tickets()).toHaveLength(1);
    const entries = await first.app.services.conversations.list(ticket!.id, 'staff');
    expect(entries.at(-1)).toMatchObject({
      kind: 'requester',
      via: 'email',
      body: expect.stringContaining('consultorio 4'),
    });
    const view = await head(ticket!.id);
    expect(view.instance.awaiting ?? []).toEqual([]);
    expect(view.tasks.map((task) => task.activityId)).toContain('handle');
  });

  test('given a reply referencing one of our Message-IDs, when polled, then it threads to that ticket; the same from another sender does not', async () => {
    const [ticket] = await tickets();
    const ours = `<${ticket!.id}=3A2=3Aack@${OUR_DOMAIN}>`;
    await imap.deliver(
      plainMail(
        {
          From: 'dra.ruiz@issste.gob.mx',
          Subject: 'Re: su ticket',
          'Message-ID': '<reply-0002@issste.gob.mx>',
          References: ours,
        },
        'Gracias, quedo atenta.',
      ),
    );
    await imap.deliver(
      plainMail(
        {
          From: 'otro.medico@issste.gob.mx',
          Subject: 'Re: su ticket',
          'Message-ID': '<reply-0003@issste.gob.mx>',
          References: ours,
        },
        'Tengo el mismo problema.',
      ),
    );

    await pollBoth();

    const bodies = (await first.app.services.conversations.list(ticket!.id, 'staff')).map((e) => e.body);
    expect(bodies.at(-1)).toContain('quedo atenta');
    expect(bodies.join('\n')).not.toContain('mismo problema');
    const all = await tickets();
    expect(all).toHaveLength(2); // the other sender's message is a new request
  });

  test('given auto-replies, a bounce, a list message and a loop of our own mail, when polled, then none opens a ticket or gets a reply; all go to Ignored', async () => {
    const before = (await tickets()).length;
    for (const name of ['auto-reply.eml', 'bounce.eml', 'bulk.eml', 'own-loop.eml'])
      await imap.deliver(await fixtureMail(name));

    await pollBoth();

    expect(await tickets()).toHaveLength(before);
    const senders = ['unidad.norte@issste.gob.mx', 'mailer-daemon@mx.issste.gob.mx', 'news@issste.gob.mx'];
    expect(mailTo([...senders, `mesa@${OUR_DOMAIN}`])).toHaveLength(0);
    expect(refusals()).toHaveLength(0);
    expect((await imap.subjects('Ignored')).sort()).toEqual(
      [
        'Boletin semanal',
        'Fuera de la oficina: Reporte de citas',
        'Ticket MAIL-2026-000001 registrado',
        'Undelivered Mail Returned to Sender',
      ].sort(),
    );
  });

  test('given a personal account without an institutional copy, when polled by two instances, then no ticket opens and exactly one reply explains the rule', async () => {
    const before = (await tickets()).length;
    await imap.deliver(await fixtureMail('non-institutional.eml'));

    await pollBoth();

    expect(await tickets()).toHaveLength(before);
    expect(mailTo(['juan.perez@gmail.com'])).toHaveLength(1);
    expect(refusals()).toHaveLength(1);
    const [refusal] = refusals();
    expect(refusal!.envelopeTo).toEqual(['juan.perez@gmail.com']);
    expect(refusal!.subject).toContain('Necesito el reporte de citas');
    expect(refusal!.body).toContain('@issste.gob.mx');
    expect(refusal!.headers['auto-submitted']).toBe('auto-replied');
    expect(refusal!.headers['in-reply-to']).toBe('<personal-0001@gmail.com>');
    expect(refusal!.headers['message-id']).toContain(`@${OUR_DOMAIN}>`);
    expect(await imap.subjects('Refused')).toEqual(['Necesito el reporte de citas']);
  });

  test('given a personal account with an institutional account in copy and an HTML-only body, when polled, then a ticket opens with the HTML as safe text', async () => {
    const before = (await tickets()).length;
    await imap.deliver(await fixtureMail('personal-with-institutional-cc.eml'));

    await pollBoth();

    const all = await tickets();
    expect(all).toHaveLength(before + 1);
    const newest = all.find((t) => !['MAIL-2026-000001', 'MAIL-2026-000002'].includes(t.businessKey))!;
    const description = String((await head(newest.id)).instance.variables.description);
    expect(description).toContain('Necesito el reporte de URGENCIAS'.replace('URGENCIAS', 'urgencias'));
    expect(description).not.toMatch(/<|alert|color:red/);
  });

  test('given a message larger than the mailbox limit, when polled, then it is refused with a reply in the mailbox language and opens no ticket', async () => {
    const before = (await tickets()).length;
    const sent = refusals().length;
    const big = plainMail(
      {
        From: 'dra.ruiz@issste.gob.mx',
        Subject: 'Estudios completos',
        'Message-ID': '<big-0001@issste.gob.mx>',
      },
      'x'.repeat(76).concat('\n').repeat(60),
    );
    await imap.deliver(big, 'small-desk');

    await pollBoth();

    expect(await tickets()).toHaveLength(before);
    expect(refusals()).toHaveLength(sent + 1);
    expect(refusals().at(-1)!.body).toContain('larger than the accepted maximum');
    expect(await imap.subjects('small-desk/Refused')).toEqual(['Estudios completos']);
  });
});

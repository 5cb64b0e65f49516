import { startTestApp, USERS, type TestApp } from '../../support/harness.js';
import { startImapServer, type ImapServer } from '../../support/imap-server.js';
import { ManualClock } from '../../support/manual-clock.js';
import { startSmtpSink, type SmtpSink, mailEnv, mailTo } from '../../support/smtp-sink.js';
import { webLogin } from '../../support/web-client.js';
import { seedWebAccounts } from '../../support/web-accounts.js';
import { plainMail } from '../mailbox/mailbox-support.js';

/**
 * Out-of-hours requests (issue 14, seed 003): `receivedOutsideHours` is computed from `receivedAt`
 * and the Tuscan desk calendar (Mon-Fri 08:00-20:00 Rome), the requester gets a courtesy reply with
 * the service hours, and the SLA clock counts from the reopening (manual clock, real SMTP sink).
 */
const SUPERVISOR = { id: 'sofia', roles: ['supervisor' as const], groups: [] };
const intake = (over: Record<string, unknown>) => ({
  channel: 'voicemail',
  requesterName: 'Dott. Marco Bianchi',
  requesterEmail: 'marco.bianchi@example.it',
  description: 'Messaggio in segreteria: i certificati non partono',
  ...over,
});

/** The Tuscan desk's mailbox: email requests open tickets of the desk's procedure (ADR 0029). */
function tuscanMailbox(imap: ImapServer): string {
  const startForm = {
    sender: 'requesterEmail',
    senderName: 'requesterName',
    body: 'description',
    received: 'receivedAt',
    channel: 'channel',
  };
  const account = {
    host: imap.host,
    port: imap.port,
    secure: false,
    user: imap.user,
    passwordEnv: 'TUSCAN_IMAP_PASSWORD',
  };
  return JSON.stringify([
    { id: 'tuscan-desk', imap: account, procedureId: 'tuscan-gp-helpdesk', language: 'it', startForm },
  ]);
}

describe('out-of-hours requests on the Tuscan GP desk', () => {
  let sink: SmtpSink;
  let imap: ImapServer;
  let app: TestApp;
  // Friday 13 March 2026, 21:30 in Rome (UTC+1): the desk closed at 20:00 and reopens Monday 08:00.
  const clock = new ManualClock(new Date('2026-03-13T20:30:00Z'));
  beforeAll(async () => {
    sink = await startSmtpSink();
    imap = await startImapServer();
    app = await startTestApp({
      processesDir: 'processes',
      formsDir: 'forms',
      clock,
      env: {
        ...mailEnv(sink, 'Help desk <desk@example.org>'),
        HELPDESK_MAIL_POLL_MS: '100',
        HELPDESK_MAILBOX_POLL_MS: '0',
        HELPDESK_MAILBOXES: tuscanMailbox(imap),
        TUSCAN_IMAP_PASSWORD: imap.password,
      },
    });
    await seedWebAccounts(app);
  }, 120_000);
  afterAll(async () => {
    await app.stop();
    await sink.stop();
    await imap.stop();
  });

  const start = async (data: unknown) => {
    const started = await app.call('mmgFirst', 'POST', '/api/procedures/tuscan-gp-helpdesk/instances', data);
    expect(started.status).toBe(201);
    return started.body;
  };
  const view = async (id: string) => (await app.call('supervisor', 'GET', `/api/instances/${id}`)).body;

  test('given a voicemail left on Friday at 21:10, when the ticket is opened, then it is outside hours, the requester gets the service hours in Italian and the SLA clock starts on Monday 08:00', async () => {
    const ticket = await start(intake({ receivedAt: '2026-03-13T21:10' }));
    const opened = await view(ticket.id);
    expect(opened.instance.variables).toMatchObject({
      receivedAt: '2026-03-13T21:10',
      receivedOutsideHours: true,
      serviceReopensAt: '2026-03-16T07:00:00.000Z',
    });
    // The take-over task exists at once; its SLA clock has not counted anything yet.
    expect(opened.tasks.map((t: any) => t.activityId)).toEqual(['task-take-over-at-reopening']);
    const firstResponse = opened.instance.sla.find((c: any) => c.id === 'first-response');
    expect(firstResponse).toMatchObject({
      status: 'running',
      elapsedMs: 0,
      dueAt: '2026-03-16T08:00:00.000Z', // Monday 09:00 Rome: one business hour after the reopening
      warnAt: '2026-03-16T07:48:00.000Z',
    });
    expect(opened.messages.map((m: any) => m.template)).toEqual(['out-of-hours']);

    const mail = await mailTo(sink, 'marco.bianchi@example.it');
    expect(mail.subject).toBe(
      `Richiesta ${ticket.businessKey} ricevuta fuori orario – Help desk MMG/PLS – Regione Toscana`,
    );
    expect(mail.body).toContain('ricevuto la sua richiesta (venerdì 13/03/2026 21:10)');
    expect(mail.body).toContain(
      'Orario del servizio: lunedì–venerdì 08:00–20:00 (chiuso nei giorni festivi; ora di Europe/Rome).',
    );
    expect(mail.body).toContain('alla riapertura, lunedì 16/03/2026 08:00');

    // Monday 08:30 Rome: the operator takes the request over; 30 business minutes have passed.
    clock.set('2026-03-16T07:30:00Z');
    const task = opened.tasks[0];
    const done = await app.call('mmgFirst', 'POST', `/api/tasks/${task.id}/complete`, {
      takenOverAt: '2026-03-16T08:30',
      reopeningNotes: 'Messaggio in segreteria delle 21:10',
    });
    expect(done.status).toBe(200);
    const after = (await view(ticket.id)).instance.sla.find((c: any) => c.id === 'first-response');
    expect(after).toMatchObject({
      status: 'running',
      elapsedMs: 30 * 60_000,
      dueAt: '2026-03-16T08:00:00.000Z',
    });
    clock.set('2026-03-13T20:30:00Z');
  });

  test('given a task scheduled for later older than a due one, when the list is cut at a limit, then the limit counts due tasks only', async () => {
    clock.set('2026-03-14T09:00:00Z'); // Saturday 10:00 Rome
    const listed = async (query: string) => {
      const answer = await app.call('mmgFirst', 'GET', `/api/tasks?procedureId=tuscan-gp-helpdesk${query}`);
      expect(answer.status).toBe(200);
      return (answer.body as { id: string }[]).map((t) => t.id);
    };
    try {
      const later = await start(intake({ requesterEmail: undefined, receivedAt: '2026-03-14T10:00' }));
      clock.set('2026-03-14T09:01:00Z');
      // Received on Friday afternoon, registered on Saturday: within hours, so due now.
      const due = await start(intake({ requesterEmail: undefined, receivedAt: '2026-03-13T15:00' }));
      const [laterTask] = (await view(later.id)).tasks;
      const [dueTask] = (await view(due.id)).tasks;
      expect(laterTask?.followUpAt).toBe('2026-03-16T07:00:00.000Z');
      expect(dueTask?.followUpAt).toBeUndefined();

      const allDue = await listed('&limit=500');
      const cut = await listed(`&limit=${allDue.length}`);

      expect(allDue).toContain(dueTask!.id);
      expect(allDue).not.toContain(laterTask!.id);
      expect(cut).toEqual(allDue);
    } finally {
      clock.set('2026-03-13T20:30:00Z');
    }
  });

  test('given a request left on Saturday, when the take-over task is listed, then it is scheduled for the reopening: hidden from the task list and the inbox before Monday 08:00, listed from then, its SLA clock counting from then', async () => {
    clock.set('2026-03-14T09:00:00Z'); // Saturday 10:00 Rome
    const ticket = await start(intake({ requesterEmail: undefined, receivedAt: '2026-03-14T10:00' }));
    const [task] = (await view(ticket.id)).tasks;
    expect(task).toMatchObject({
      activityId: 'task-take-over-at-reopening',
      followUpAt: '2026-03-16T07:00:00.000Z',
    });
    const listed = async (query = '') => {
      const answer = await app.call('mmgFirst', 'GET', `/api/tasks?procedureId=tuscan-gp-helpdesk${query}`);
      expect(answer.status).toBe(200);
      return (answer.body as { id: string }[]).map((t) => t.id);
    };
    const inbox = async (query = '') =>
      (await (await webLogin(app, USERS.mmgFirst.user)).get(`/inbox${query}`)).text;

    try {
      // Saturday and Sunday night: not on the desk's list, only among the tasks scheduled for later.
      expect(await listed()).not.toContain(task.id);
      expect(await listed('&followUp=later')).toContain(task.id);
      expect(await listed('&followUp=all')).toContain(task.id);
      expect(await inbox()).not.toContain(`data-task-id="${task.id}"`);
      expect(await inbox()).toContain('href="/inbox?followUp=later"');
      expect(await inbox('?followUp=later')).toContain(`data-task-id="${task.id}"`);
      clock.set('2026-03-16T06:59:59Z');
      expect(await listed()).not.toContain(task.id);

      // Monday 08:00 Rome: the desk reopens and the task is there, due one business hour later.
      clock.set('2026-03-16T07:00:00Z');
      expect(await listed()).toContain(task.id);
      expect(await listed('&followUp=later')).not.toContain(task.id);
      expect(await inbox()).toContain(`data-task-id="${task.id}"`);
      const firstResponse = (await view(ticket.id)).instance.sla.find((c: any) => c.id === 'first-response');
      expect(firstResponse).toMatchObject({ elapsedMs: 0, dueAt: '2026-03-16T08:00:00.000Z' });

      clock.set('2026-03-16T07:20:00Z');
      const done = await app.call('mmgFirst', 'POST', `/api/tasks/${task.id}/complete`, {
        takenOverAt: '2026-03-16T08:20',
        reopeningNotes: 'Messaggio del sabato',
      });
      expect(done.status).toBe(200);
      const after = (await view(ticket.id)).instance.sla.find((c: any) => c.id === 'first-response');
      expect(after).toMatchObject({ status: 'running', elapsedMs: 20 * 60_000 });
    } finally {
      clock.set('2026-03-13T20:30:00Z');
    }
  });

  test('given an email the desk server took on Saturday (its Date header claims Friday 19:30, within hours), when the Tuscan mailbox is polled, then the ticket is received outside hours at the server time and the sender gets the courtesy reply in Italian', async () => {
    await imap.deliver(
      plainMail(
        {
          From: 'Dott.ssa Giulia Neri <giulia.neri@example.it>',
          Subject: 'Ricette elettroniche non inviate',
          'Message-ID': '<neri-0001@example.it>',
          Date: 'Fri, 13 Mar 2026 19:30:00 +0100',
        },
        'Da stamattina le ricette elettroniche non partono.',
      ),
      'INBOX',
      { internalDate: new Date('2026-03-14T09:05:00Z') }, // Saturday 10:05 Rome
    );

    expect(await app.app.services.mailboxes.pollOnce()).toMatchObject({ 'tuscan-desk': { opened: 1 } });

    const tickets = await app.app.services.instances.list({ procedureId: 'tuscan-gp-helpdesk' }, SUPERVISOR);
    const ticket = tickets.find((t) => t.variables.requesterEmail === 'giulia.neri@example.it')!;
    expect(ticket.variables).toMatchObject({
      channel: 'email',
      receivedAt: '2026-03-14T09:05:00.000Z',
      receivedOutsideHours: true,
      serviceReopensAt: '2026-03-16T07:00:00.000Z',
    });
    const mail = await mailTo(sink, 'giulia.neri@example.it');
    expect(mail.subject).toBe(
      `Richiesta ${ticket.businessKey} ricevuta fuori orario – Help desk MMG/PLS – Regione Toscana`,
    );
    expect(mail.body).toContain('alla riapertura, lunedì 16/03/2026 08:00');
  });

  test('given a requester the directory knows as English-speaking, then the courtesy reply is in English', async () => {
    await app.app.services.requesters.create(
      {
        name: 'Dr John Smith',
        emails: ['john.smith@example.it'],
        phones: [],
        identifiers: [],
        institutional: false,
        language: 'en',
      },
      SUPERVISOR,
    );
    const ticket = await start(
      intake({
        requesterName: 'Dr John Smith',
        requesterEmail: 'john.smith@example.it',
        receivedAt: '2026-03-14T10:00',
      }),
    );
    const mail = await mailTo(sink, 'john.smith@example.it');
    expect(mail.subject).toBe(
      `Request ${ticket.businessKey} received outside service hours – Help desk MMG/PLS – Regione Toscana`,
    );
    expect(mail.body).toContain(
      'Service hours: Monday–Friday 08:00–20:00 (closed on public holidays; Europe/Rome time).',
    );
    expect(mail.body).toContain('when the desk reopens, Monday 2026-03-16 08:00');
  });

  test('given a request within hours that was ticked "outside hours", then the computed value wins and no courtesy reply is written', async () => {
    const ticket = await start(
      intake({ channel: 'phone', receivedAt: '2026-03-12T09:41', receivedOutsideHours: true }),
    );
    const opened = await view(ticket.id);
    expect(opened.instance.variables.receivedOutsideHours).toBe(false);
    expect(opened.instance.variables.serviceReopensAt).toBeUndefined();
    expect(opened.tasks.map((t: any) => t.activityId)).toEqual(['task-register-classify']);
    expect(opened.messages).toEqual([]);
  });

  test('given an outside-hours request without an email, then it is routed to the take-over but nobody is written to', async () => {
    const ticket = await start(intake({ requesterEmail: undefined, receivedAt: '2026-03-15T11:00' }));
    const opened = await view(ticket.id);
    expect(opened.instance.variables.receivedOutsideHours).toBe(true);
    expect(opened.messages).toEqual([]);
  });
});

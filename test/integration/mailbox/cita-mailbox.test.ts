import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { TestApp } from '../../support/harness.js';
import type { ImapServer } from '../../support/imap-server.js';
import { startMailWorld, stopInOrder } from '../../support/mail-apps.js';
import { type SmtpSink, mailEnv } from '../../support/smtp-sink.js';
import { MAILBOX_FIXTURES, OUR_DOMAIN, plainMail } from './mailbox-support.js';

/**
 * The documented cita desk mailbox (test/fixtures/mailbox/config/example.json) against the seed
 * procedure cita-report and its real forms: the intake form records the sender and the copies
 * (`requesterEmail`, `ccEmails`, institutional rule), so the requester's replies thread into the
 * ticket and resume step 5 (`wait-requester-reply`). Real Dovecot, real SMTP sink.
 */
const SUPERVISOR = { id: 'sofia', roles: ['supervisor' as const], groups: [] };
const PATH_TIMEOUT = 120_000;

describe('the cita desk mailbox (seed 001, ADR 0029)', () => {
  let imap: ImapServer;
  let sink: SmtpSink;
  let app: TestApp;

  beforeAll(async () => {
    ({ imap, sink, app } = await startMailWorld(async (imap, sink) => {
      const example = JSON.parse(
        await readFile(path.join(MAILBOX_FIXTURES, 'config', 'example.json'), 'utf8'),
      ) as Record<string, unknown>[];
      const cita = example.find((box) => box.id === 'cita-desk')!;
      const imapAccount = { host: imap.host, port: imap.port, secure: false, user: imap.user };
      const box = { ...cita, imap: { ...imapAccount, passwordEnv: 'CITA_IMAP_PASSWORD' } };
      return {
        processesDir: 'processes',
        formsDir: 'forms',
        timerPollMs: 60_000,
        env: {
          ...mailEnv(sink, `Mesa de Ayuda <mesa@${OUR_DOMAIN}>`),
          HELPDESK_MAIL_POLL_MS: '600000',
          HELPDESK_MAILBOX_POLL_MS: '0',
          HELPDESK_MAILBOXES: JSON.stringify([box]),
          CITA_IMAP_PASSWORD: imap.password,
        },
      };
    }));
  }, 120_000);
  afterAll(() => stopInOrder(app, sink, imap));

  const tickets = () => app.app.services.instances.list({ procedureId: 'cita-report' }, SUPERVISOR);
  const view = async (id: string) => (await app.call('supervisor', 'GET', `/api/instances/${id}`)).body;
  const poll = () => app.app.services.mailboxes.pollOnce();
  async function complete(instanceId: string, activityId: string, data: unknown): Promise<void> {
    const open = (await view(instanceId)).tasks.find(
      (t: any) => t.activityId === activityId && t.status === 'open',
    );
    expect(open).toBeDefined();
    const done = await app.call('citaCentral', 'POST', `/api/tasks/${open.id}/complete`, data);
    expect(done.status).toBe(200);
  }

  test(
    'given an email from a personal account with an institutional copy, when the cita mailbox is polled, then a ticket opens at step 6 with the sender and the copy recorded; a reply from the copied address with the ticket number threads into it and resumes step 5',
    async () => {
      await imap.deliver(
        plainMail(
          {
            From: 'Lic. Ana Pérez <ana.perez.umf21@gmail.com>',
            To: `mesa@${OUR_DOMAIN}`,
            Cc: 'Dirección UMF 21 <direccion.umf21@issste.gob.mx>',
            Subject: 'Reporte de agenda de citas, julio',
            'Message-ID': '<cita-0001@gmail.com>',
            Date: 'Fri, 10 Jul 2026 09:15:00 -0600',
          },
          'Solicito el reporte de la agenda de citas de medicina familiar de julio.',
        ),
      );

      expect(await poll()).toMatchObject({ 'cita-desk': { opened: 1, refused: 0 } });

      const [ticket] = await tickets();
      expect(ticket).toBeDefined();
      const opened = await view(ticket!.id);
      expect(opened.instance.variables).toMatchObject({
        channel: 'email',
        requesterEmail: 'ana.perez.umf21@gmail.com',
        requesterName: 'Lic. Ana Pérez',
        ccEmails: 'direccion.umf21@issste.gob.mx',
        receivedAt: '2026-07-10T15:15:00.000Z',
      });
      expect(opened.instance.variables.description).toContain('medicina familiar de julio');
      expect(opened.tasks.map((t: any) => t.activityId)).toEqual(['task-receive-email']);

      // Steps 6 and 7: the data are incomplete, the desk asks for them and waits (step 5).
      await complete(ticket!.id, 'task-receive-email', { emailReceivedAt: '2026-07-10T09:15' });
      await complete(ticket!.id, 'task-validate-info', {
        requesterEmail: 'ana.perez.umf21@gmail.com',
        ccEmails: 'direccion.umf21@issste.gob.mx',
        infoValid: false,
        missingFields: ['timeSlot'],
        missingData: 'Falta el horario de la agenda',
      });
      const waiting = await view(ticket!.id);
      expect(waiting.instance.awaiting).toEqual([
        expect.objectContaining({ name: 'requester-reply', activityId: 'wait-requester-reply' }),
      ]);
      expect(waiting.messages.map((m: any) => m.template)).toContain('missing-data-request');

      // A stranger quoting the number does not write into the ticket (it opens its own request).
      await imap.deliver(
        plainMail(
          {
            From: 'otra.unidad@issste.gob.mx',
            Subject: `RE: [${ticket!.businessKey}] Reporte de agenda`,
            'Message-ID': '<cita-0002@issste.gob.mx>',
          },
          'Nosotros también necesitamos el reporte.',
        ),
      );
      await imap.deliver(
        plainMail(
          {
            From: 'Dirección UMF 21 <direccion.umf21@issste.gob.mx>',
            Subject: `RE: [${ticket!.businessKey}] Reporte de agenda`,
            'Message-ID': '<cita-0003@issste.gob.mx>',
            'In-Reply-To': '<cita-0001@gmail.com>',
          },
          'El horario es 08:00-14:00.',
        ),
      );

      expect(await poll()).toMatchObject({ 'cita-desk': { opened: 1, threaded: 1 } });

      const entries = await app.app.services.conversations.list(ticket!.id, 'staff');
      expect(entries.map((e) => e.body).join('\n')).not.toContain('también');
      expect(entries.at(-1)).toMatchObject({
        kind: 'requester',
        via: 'email',
        author: 'requester:direccion.umf21@issste.gob.mx',
        body: expect.stringContaining('08:00-14:00'),
      });
      const resumed = await view(ticket!.id);
      expect(resumed.instance.awaiting ?? []).toEqual([]);
      expect(resumed.instance.variables.requesterReply).toContain('08:00-14:00');
      expect(resumed.tasks.filter((t: any) => t.status === 'open').map((t: any) => t.activityId)).toEqual([
        'task-receive-email',
      ]);
      expect(await tickets()).toHaveLength(2);
    },
    PATH_TIMEOUT,
  );

  test(
    'given a personal account without an institutional copy, when polled, then no ticket opens and the sender gets the rule explained',
    async () => {
      const before = (await tickets()).length;
      await imap.deliver(
        plainMail(
          {
            From: 'pedro.lopez@hotmail.com',
            Subject: 'Reporte de citas urgente',
            'Message-ID': '<cita-0004@hotmail.com>',
          },
          'Necesito el reporte.',
        ),
      );

      expect(await poll()).toMatchObject({ 'cita-desk': { refused: 1 } });

      expect(await tickets()).toHaveLength(before);
      expect(sink.received.filter((m) => m.envelopeTo.includes('pedro.lopez@hotmail.com'))).toHaveLength(1);
    },
    PATH_TIMEOUT,
  );

  test(
    'given a personal account the requester directory flags as institutional, when it writes to the cita mailbox without a copy, then a ticket opens (as on the agent form) and nobody gets a refusal',
    async () => {
      await app.app.services.requesters.create(
        {
          name: 'Enf. Laura Gómez',
          emails: ['laura.gomez.enfermeria@gmail.com'],
          phones: [],
          identifiers: [],
          institutional: true,
        },
        SUPERVISOR,
      );
      const before = (await tickets()).length;
      await imap.deliver(
        plainMail(
          {
            From: 'Enf. Laura Gómez <laura.gomez.enfermeria@gmail.com>',
            Subject: 'Reporte de citas de enfermería',
            'Message-ID': '<cita-0005@gmail.com>',
          },
          'Solicito el reporte de citas de enfermería.',
        ),
      );

      expect(await poll()).toMatchObject({ 'cita-desk': { opened: 1, refused: 0 } });

      const opened = await tickets();
      expect(opened).toHaveLength(before + 1);
      expect(opened.map((t) => t.variables.requesterEmail)).toContain('laura.gomez.enfermeria@gmail.com');
      expect(sink.received.filter((m) => m.envelopeTo.includes('laura.gomez.enfermeria@gmail.com'))).toEqual(
        [],
      );
    },
    PATH_TIMEOUT,
  );

  test('given an agent typing a phone request, when the email is personal without an institutional copy, then the start form answers 422 naming requesterEmail; without an email, or with the copy, it opens', async () => {
    const phone = {
      channel: 'phone',
      requesterName: 'Lic. Ana Pérez',
      description: 'Reporte de agenda de citas',
    };
    const start = (data: unknown) =>
      app.call('citaCentral', 'POST', '/api/procedures/cita-report/instances', data);

    const personal = await start({ ...phone, requesterEmail: 'ana@gmail.com' });
    const none = await start(phone);
    const copied = await start({
      ...phone,
      requesterEmail: 'ana@gmail.com',
      ccEmails: 'direccion.umf21@issste.gob.mx',
    });

    expect(personal.status).toBe(422);
    expect(personal.body.error.details).toEqual([
      expect.objectContaining({ path: 'requesterEmail', reason: 'institutional-email' }),
    ]);
    expect(none.status).toBe(201);
    expect(copied.status).toBe(201);
  });
});

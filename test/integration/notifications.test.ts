import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { FileRecipientDirectory } from '../../src/adapters/mail/file-directory.js';
import { SmtpMailTransport } from '../../src/adapters/mail/smtp-transport.js';
import { HandlebarsMessageRenderer } from '../../src/adapters/mail/template-renderer.js';
import { connectDatabase, type Database } from '../../src/adapters/db/connect.js';
import { bindDeliveryModels } from '../../src/adapters/persistence/delivery-models.js';
import { MongoDeliveryLedger } from '../../src/adapters/persistence/mongo-delivery-ledger.js';
import { MongoOutbox } from '../../src/adapters/persistence/mongo-outbox.js';
import { NotificationDispatcher } from '../../src/app/notification-dispatcher.js';
import type { OutboxMessage } from '../../src/domain/instance.js';
import { startSmtpSink, type SmtpSink } from '../support/smtp-sink.js';
import { waitFor } from '../support/wait.js';
import { startTestApp } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';

const renderer = new HandlebarsMessageRenderer({
  dir: path.resolve('templates/messages'),
  timeZone: 'Europe/Rome',
});
const FROM = 'Mesa de Ayuda <mesa@example.org>';

interface World {
  readonly clock: ManualClock;
  readonly sink: SmtpSink;
  readonly outbox: MongoOutbox;
  readonly ledger: MongoDeliveryLedger;
  /** A ledger on its own connection, as another app instance would have. */
  connectedLedger(): Promise<MongoDeliveryLedger>;
  /** A dispatcher on its own connection, sending to `port` (default: the sink). */
  dispatcher(owner: string, port?: number): Promise<NotificationDispatcher>;
  message(id: string, fields?: Partial<OutboxMessage>): OutboxMessage;
}

async function withWorld(run: (world: World) => Promise<void>): Promise<void> {
  const dbName = `mail_${randomUUID().slice(0, 8)}`;
  const uri = process.env.TEST_MONGODB_URI as string;
  const databases: Database[] = [await connectDatabase(uri, dbName)];
  const [main] = databases as [Database];
  const directory = await FileRecipientDirectory.load(path.resolve('test/fixtures/mail/directory.json'));
  const clock = new ManualClock(new Date('2030-03-04T09:00:00Z'));
  const sink = await startSmtpSink();
  const transports: SmtpMailTransport[] = [];
  const world: World = {
    clock,
    sink,
    outbox: new MongoOutbox(main.models),
    ledger: new MongoDeliveryLedger(main.models, bindDeliveryModels(main.connection)),
    async connectedLedger() {
      const db = await connectDatabase(uri, dbName);
      databases.push(db);
      return new MongoDeliveryLedger(db.models, bindDeliveryModels(db.connection));
    },
    async dispatcher(owner, port = sink.port) {
      const transport = new SmtpMailTransport({ host: '127.0.0.1', port, secure: false, from: FROM });
      transports.push(transport);
      const ledger = await world.connectedLedger();
      // Copies and literal addresses must be allowed (docs/adr/0012): the directory plus the institutional domain.
      const policy = { recipients: directory.mailPolicy(['issste.gob.mx']) };
      return new NotificationDispatcher({ ledger, renderer, directory, transport, clock, owner, policy });
    },
    message: (id, fields = {}) => ({
      id,
      instanceId: 'instance-1',
      activityId: 'send-acknowledgement',
      template: 'ticket-acknowledgement',
      language: 'es',
      to: 'requester',
      variables: {
        ticketNumber: 'CITA-2030-000001',
        procedureName: 'Reporte de citas',
        requesterName: 'Ana López',
        requesterEmail: 'ana.lopez@issste.gob.mx',
      },
      createdAt: clock.now(),
      ...fields,
    }),
  };
  try {
    await run(world);
  } finally {
    transports.forEach((t) => t.close());
    await sink.stop();
    await main.connection.dropDatabase();
    for (const db of databases) await db.close();
  }
}

const byOutboxId = (sink: SmtpSink, id: string) =>
  sink.received.filter((m) => m.headers['x-helpdesk-outbox-id'] === id);
const NOTHING = { sent: 0, failed: 0, undeliverable: 0 };

describe('email notifications from the outbox', () => {
  test('given a Spanish and an Italian message, then each arrives rendered in its language, once', () =>
    withWorld(async ({ sink, outbox, ledger, dispatcher, message }) => {
      await outbox.add([
        message('ack-es', {
          variables: {
            ticketNumber: 'CITA-2030-000001',
            procedureName: 'Reporte de citas',
            requesterName: 'Ana López',
            requesterEmail: 'ana.lopez@issste.gob.mx',
            ccEmails: 'jefatura@issste.gob.mx',
            description: 'No aparece la cita del 5 de marzo',
          },
        }),
        message('assign-it', {
          template: 'desk-assignment',
          language: 'it',
          to: 'first-level',
          variables: {
            ticketNumber: 'MMG-2030-000002',
            procedureName: 'Help desk MMG',
            requesterName: 'Dott.ssa Bianchi',
            taskName: 'Presa in carico',
            dueAt: new Date('2030-03-04T07:14:00Z'),
          },
        }),
      ]);
      const mailer = await dispatcher('app-1');

      expect(await mailer.runOnce()).toEqual({ sent: 2, failed: 0, undeliverable: 0 });
      expect(await mailer.runOnce()).toEqual(NOTHING);

      expect(sink.received).toHaveLength(2);
      const [es] = byOutboxId(sink, 'ack-es');
      expect(es?.envelopeTo).toEqual(['ana.lopez@issste.gob.mx', 'jefatura@issste.gob.mx']);
      expect(es?.headers).toMatchObject({
        'content-language': 'es',
        from: FROM,
        cc: 'jefatura@issste.gob.mx',
      });
      expect(es?.subject).toBe('Ticket CITA-2030-000001 registrado – Reporte de citas');
      expect(es?.body).toContain(
        'Estimado/a Ana López:\n\nHemos registrado su requerimiento con el número de ticket CITA-2030-000001',
      );
      expect(es?.body).toContain('Descripción: No aparece la cita del 5 de marzo');
      const [it] = byOutboxId(sink, 'assign-it');
      expect(it?.envelopeTo).toEqual(['helpdesk.primo-livello@example.org', 'turno.notte@example.org']);
      expect(it?.subject).toBe('Ticket MMG-2030-000002 assegnato – Help desk MMG');
      expect(it?.body).toContain('del richiedente Dott.ssa Bianchi');
      expect(it?.body).toContain('Da gestire entro: 4 marzo 2030 alle ore 08:14 CET');

      const status = await ledger.status('ack-es');
      expect(status).toMatchObject({
        state: 'sent',
        outcome: { attempt: 1, smtpMessageId: es?.headers['message-id'] },
      });
      expect(status.attempts).toEqual([
        expect.objectContaining({
          attempt: 1,
          owner: 'app-1',
          result: expect.objectContaining({ outcome: 'sent' }),
        }),
      ]);
    }));

  test('given two dispatchers racing on the same database, then every message is delivered exactly once', () =>
    withWorld(async ({ sink, outbox, ledger, dispatcher, message }) => {
      const ids = Array.from({ length: 12 }, (_, i) => `race-${i}`);
      await outbox.add(ids.map((id) => message(id, { to: 'mesa.especializada@example.org' })));
      const [a, b] = await Promise.all([dispatcher('app-a'), dispatcher('app-b')]);

      const rounds = [
        ...(await Promise.all([a.runOnce(), b.runOnce()])),
        ...(await Promise.all([a.runOnce(), b.runOnce()])),
      ];

      expect(rounds.reduce((sum, r) => sum + r.sent, 0)).toBe(12);
      expect(sink.received.map((m) => m.headers['x-helpdesk-outbox-id']).sort()).toEqual([...ids].sort());
      for (const id of ids) expect((await ledger.status(id)).attempts).toHaveLength(1);
    }));

  test('given two apps claiming the same attempt at the same instant, then exactly one wins it', () =>
    withWorld(async ({ clock, outbox, ledger, connectedLedger, message }) => {
      await outbox.add([message('contested')]);
      const other = await connectedLedger();
      const claim = (owner: string, on: MongoDeliveryLedger) =>
        on.claim({
          messageId: 'contested',
          attempt: 1,
          owner,
          claimedAt: clock.now(),
          leaseUntil: clock.now(),
        });

      const won = await Promise.all(
        Array.from({ length: 6 }, (_, i) => claim(`app-${i}`, i % 2 ? other : ledger)),
      );

      expect(won.filter(Boolean)).toHaveLength(1);
    }));

  test('given the SMTP server refuses the recipient, then the attempt is recorded, the message stays pending and a later run delivers it', () =>
    withWorld(async ({ clock, sink, outbox, ledger, dispatcher, message }) => {
      await outbox.add([message('refused')]);
      const mailer = await dispatcher('app-1');
      sink.rejectRecipients(450);

      expect(await mailer.runOnce()).toEqual({ sent: 0, failed: 1, undeliverable: 0 });
      const pending = await ledger.status('refused');
      expect(pending.state).toBe('pending');
      expect(pending.attempts).toEqual([
        expect.objectContaining({
          attempt: 1,
          result: expect.objectContaining({ outcome: 'failed', error: expect.stringContaining('450') }),
        }),
      ]);

      sink.rejectRecipients(undefined);
      expect(await mailer.runOnce()).toEqual(NOTHING); // still inside the 30 s backoff
      clock.advance(30_000);
      expect(await mailer.runOnce()).toEqual({ sent: 1, failed: 0, undeliverable: 0 });
      expect(byOutboxId(sink, 'refused')).toHaveLength(1);
      expect(await ledger.status('refused')).toMatchObject({ state: 'sent', outcome: { attempt: 2 } });
    }));

  test('given the SMTP server is down, then the message waits and is delivered once the server is back', () =>
    withWorld(async ({ clock, sink, outbox, ledger, dispatcher, message }) => {
      const down = await startSmtpSink();
      await down.stop();
      await outbox.add([message('server-down')]);

      expect(await (await dispatcher('app-1', down.port)).runOnce()).toEqual({
        sent: 0,
        failed: 1,
        undeliverable: 0,
      });
      const [attempt] = (await ledger.status('server-down')).attempts;
      expect(attempt?.result).toMatchObject({
        outcome: 'failed',
        error: expect.stringMatching(/ECONNREFUSED|connect/),
      });

      clock.advance(30_000);
      expect(await (await dispatcher('app-2')).runOnce()).toEqual({ sent: 1, failed: 0, undeliverable: 0 });
      expect(byOutboxId(sink, 'server-down')).toHaveLength(1);
    }));

  test('given an unknown template or unresolvable recipients, then those messages are undeliverable with the reason, and kept', () =>
    withWorld(async ({ sink, outbox, ledger, dispatcher, message }) => {
      await outbox.add([
        message('no-template', { template: 'no-such-template' }),
        message('no-email', { variables: { ticketNumber: 'CITA-2030-000003', requesterName: 'Sin correo' } }),
        message('no-group', { to: 'night-shift' }),
        message('fine'),
      ]);
      const mailer = await dispatcher('app-1');

      expect(await mailer.runOnce()).toEqual({ sent: 1, failed: 0, undeliverable: 3 });
      expect(await mailer.runOnce()).toEqual(NOTHING);

      expect(sink.received.map((m) => m.headers['x-helpdesk-outbox-id'])).toEqual(['fine']);
      expect(await ledger.status('no-template')).toMatchObject({
        state: 'undeliverable',
        outcome: { reason: 'template <no-such-template> not found for language <es>' },
      });
      expect(await ledger.status('no-email')).toMatchObject({
        state: 'undeliverable',
        outcome: {
          reason:
            'recipient <requester> has no email address (requesterEmail, email, contactEmail are empty)',
        },
      });
      expect(await ledger.status('no-group')).toMatchObject({
        state: 'undeliverable',
        outcome: { reason: 'recipient group <night-shift> is not in the directory' },
      });
      // Kept: each message is still in the outbox (the instance page lists an instance's messages
      // from its steps; these were added without one).
      const kept = ['fine', 'no-email', 'no-group', 'no-template'];
      const stored = await Promise.all(kept.map(async (id) => (await ledger.loadMessage(id))?.id));
      expect(stored).toEqual(kept);
    }));

  test('given an app that claimed an attempt and crashed, then after the 2-minute lease another one sends it', () =>
    withWorld(async ({ clock, sink, outbox, ledger, dispatcher, message }) => {
      await outbox.add([message('orphan')]);
      const now = clock.now();
      await ledger.claim({
        messageId: 'orphan',
        attempt: 1,
        owner: 'crashed',
        claimedAt: now,
        leaseUntil: new Date(now.getTime() + 120_000),
      });
      const mailer = await dispatcher('app-1');

      expect(await mailer.runOnce()).toEqual(NOTHING);
      clock.advance(120_000);
      expect(await mailer.runOnce()).toEqual({ sent: 1, failed: 0, undeliverable: 0 });

      expect(byOutboxId(sink, 'orphan')).toHaveLength(1);
      expect(await ledger.status('orphan')).toMatchObject({ state: 'sent', outcome: { attempt: 2 } });
    }));

  test('given a message older than three days, then it is not sent any more but marked undeliverable', () =>
    withWorld(async ({ clock, sink, outbox, ledger, dispatcher, message }) => {
      await outbox.add([message('stale', { createdAt: new Date('2030-02-28T09:00:00Z') })]);

      expect(await (await dispatcher('app-1')).runOnce()).toEqual({ sent: 0, failed: 0, undeliverable: 1 });
      expect(sink.received).toEqual([]);
      expect(await ledger.status('stale')).toMatchObject({
        state: 'undeliverable',
        outcome: { reason: 'expired: created 2030-02-28T09:00:00.000Z' },
      });
      expect(clock.now().toISOString()).toBe('2030-03-04T09:00:00.000Z');
    }));

  test('given a started dispatcher, then new outbox messages go out without calling runOnce, until it is stopped', () =>
    withWorld(async ({ sink, outbox, ledger, dispatcher, message }) => {
      const ids = () => sink.received.map((m) => m.headers['x-helpdesk-outbox-id']);
      const mailer = await dispatcher('app-1');
      mailer.start(50);
      try {
        await outbox.add([message('background-1')]);
        await waitFor(async () => sink.received.length === 1);
      } finally {
        await mailer.stop();
      }
      await outbox.add([message('after-stop')]);
      await new Promise((resolve) => setTimeout(resolve, 200)); // four of its polling periods
      expect(ids()).toEqual(['background-1']);

      // A later round (another dispatcher, driven here) is where a duplicate would come from:
      // it sends the waiting message only, and the first one still has a single attempt.
      expect(await (await dispatcher('app-2')).runOnce()).toEqual({ sent: 1, failed: 0, undeliverable: 0 });
      expect(ids()).toEqual(['background-1', 'after-stop']);
      expect((await ledger.status('background-1')).attempts).toHaveLength(1);
    }));

  test('given a ticket opened through the API, then its acknowledgement send task reaches the requester', async () => {
    const app = await startTestApp();
    const sink = await startSmtpSink();
    const transport = new SmtpMailTransport({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      from: FROM,
    });
    try {
      const { models, connection } = app.app.database;
      const dispatcher = new NotificationDispatcher({
        ledger: new MongoDeliveryLedger(models, bindDeliveryModels(connection)),
        renderer,
        directory: await FileRecipientDirectory.load(path.resolve('config/directory.json')),
        transport,
        clock: { now: () => new Date() },
      });
      const started = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', {
        requesterName: 'Dra. Pérez',
        requesterEmail: 'perez@issste.gob.mx',
        phone: '+52 55 1234 5678',
        channel: 'email',
      });
      expect(started.status).toBe(201);

      expect(await dispatcher.runOnce()).toEqual({ sent: 1, failed: 0, undeliverable: 0 });

      const [mail] = sink.received;
      expect(mail?.envelopeTo).toEqual(['perez@issste.gob.mx']);
      expect(mail?.subject).toBe(`Ticket ${started.body.businessKey} registrado – Review request`);
      expect(mail?.body).toContain('Estimado/a Dra. Pérez:');
    } finally {
      transport.close();
      await sink.stop();
      await app.stop();
    }
  });
});

import { ImapMailbox } from '../../../src/adapters/mail/imap-mailbox.js';
import { MongoMailboxLedger } from '../../../src/adapters/mail/imap-ledger.js';
import { SmtpMailTransport } from '../../../src/adapters/mail/smtp-transport.js';
import type { EmailIntake } from '../../../src/app/email-intake.js';
import type { MailboxReader } from '../../../src/app/mailbox-ports.js';
import type { MailTransport } from '../../../src/app/notification-ports.js';
import type { Actor } from '../../../src/domain/actor.js';
import { intakeKey } from '../../../src/domain/inbound-mail.js';
import { deskIntake, type DeskIntakeOptions } from '../../support/desk-intake.js';
import type { TestApp } from '../../support/harness.js';
import type { ImapServer } from '../../support/imap-server.js';
import { startMailWorld, stopInOrder } from '../../support/mail-apps.js';
import type { SmtpSink } from '../../support/smtp-sink.js';
import { mailboxEnv, OUR_DOMAIN, plainMail } from './mailbox-support.js';

const SUPERVISOR: Actor = { id: 'sofia', roles: ['supervisor'], groups: [] };

/**
 * What goes wrong while a desk mailbox is read (ADR 0029, 2026-11-29): a refusal reply whose send
 * fails, one Message-ID reused by two messages, messages that always fail, a move the server did
 * not make. Real Dovecot, real SMTP sink, real database; failures are injected around them.
 */
describe('email intake when things fail', () => {
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

  type Options = Pick<DeskIntakeOptions, 'box' | 'transport' | 'reader' | 'start'>;

  /** An intake of `desk` whose refusal replies go to the sink (or through `options.transport`). */
  function intake(options: Options = {}): EmailIntake {
    const transport = options.transport ?? new SmtpMailTransport(app.app.config.smtp!);
    return deskIntake(app, { ...options, transport, ourDomain: OUR_DOMAIN, supervisor: SUPERVISOR });
  }
  const tickets = () => app.app.services.instances.list({ procedureId: 'mail-desk' }, SUPERVISOR);
  const repliesTo = (address: string) => sink.received.filter((mail) => mail.envelopeTo.includes(address));
  const personal = (n: string) =>
    plainMail(
      {
        From: `persona${n}@gmail.com`,
        Subject: `Solicitud personal ${n}`,
        'Message-ID': `<p${n}@gmail.com>`,
      },
      'Necesito el reporte.',
    );

  test('given the SMTP server failing while a refusal is replied, when the next poll runs with it back, then the reply is sent then and only then the message is moved to Refused', async () => {
    const real = new SmtpMailTransport(app.app.config.smtp!);
    let down = true;
    const flaky: MailTransport = {
      send: async (mail) => {
        if (down) throw new Error('SMTP server unreachable');
        return real.send(mail);
      },
    };

    await imap.deliver(personal('1'));
    const failed = await intake({ transport: flaky }).poll();

    expect(failed).toMatchObject({ refused: 0, retried: 1 });
    expect(await imap.subjects('INBOX')).toEqual(['Solicitud personal 1']);

    down = false;
    const retried = await intake({ transport: flaky }).poll();

    expect(retried).toMatchObject({ refused: 1, retried: 0 });
    expect(repliesTo('persona1@gmail.com')).toHaveLength(1);
    expect(await imap.subjects('INBOX')).toEqual([]);
    expect(await imap.subjects('Refused')).toEqual(['Solicitud personal 1']);
  });

  test('given the SMTP server refusing for more polls than the attempt limit, when it recovers, then the reply is sent once and the message goes to Refused, never to Failed', async () => {
    const real = new SmtpMailTransport(app.app.config.smtp!);
    let down = true;
    let tries = 0;
    const outage: MailTransport = {
      send: async (mail) => {
        tries += 1;
        if (down) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:25'), { code: 'ESOCKET' });
        return real.send(mail);
      },
    };
    const options: Options = { transport: outage, box: { maxAttempts: 2, failedFolder: 'Outage-failed' } };
    await imap.deliver(personal('9'));

    const during = [];
    for (let poll = 0; poll < 4; poll += 1) during.push(await intake(options).poll());

    expect(tries).toBe(4);
    for (const summary of during) expect(summary).toMatchObject({ refused: 0, retried: 1, failed: 0 });
    expect(await imap.subjects('INBOX')).toEqual(['Solicitud personal 9']);

    down = false;
    const after = await intake(options).poll();

    expect(after).toMatchObject({ refused: 1, retried: 0, failed: 0 });
    expect(repliesTo('persona9@gmail.com')).toHaveLength(1);
    expect(await imap.subjects('INBOX')).toEqual([]);
    expect(await imap.subjects('Refused')).toContain('Solicitud personal 9');
    expect(await imap.subjects('Outage-failed')).toEqual([]);
  });

  test('given the SMTP server refusing the sender address itself, when polled past the attempt limit, then the message goes to the Failed folder (its fault, not an outage)', async () => {
    const refusing: MailTransport = {
      send: async () => {
        throw Object.assign(new Error("Can't send mail - all recipients were rejected"), {
          code: 'EENVELOPE',
          responseCode: 550,
        });
      },
    };
    const options: Options = { transport: refusing, box: { maxAttempts: 2, failedFolder: 'Bad-sender' } };
    await imap.deliver(personal('8'));

    const first = await intake(options).poll();
    const second = await intake(options).poll();

    expect(first).toMatchObject({ retried: 1, failed: 0 });
    expect(second).toMatchObject({ retried: 0, failed: 1 });
    expect(await imap.subjects('Bad-sender')).toEqual(['Solicitud personal 8']);
    expect(repliesTo('persona8@gmail.com')).toHaveLength(0);
  });

  test('given another poller sending the refusal reply right now, when this one polls, then it leaves the message in the folder (no move without the reply) and counts no failed attempt', async () => {
    const raw = personal('2');
    await imap.deliver(raw);
    const ledger = new MongoMailboxLedger(app.app.database.connection);
    const key = await keyOfOnlyMessage();
    const other = await ledger.claim(`reply:${key}`, new Date()); // the other poller
    if (other.result !== 'claimed') throw new Error(`expected a claim, got ${other.result}`);

    const busy = await intake().poll();

    expect(busy).toMatchObject({ refused: 0, retried: 1, failed: 0 });
    expect(await imap.subjects('INBOX')).toEqual(['Solicitud personal 2']);
    expect(repliesTo('persona2@gmail.com')).toHaveLength(0);

    await ledger.release(`reply:${key}`, other.token); // the other poller's send failed
    expect(await intake().poll()).toMatchObject({ refused: 1 });
    expect(repliesTo('persona2@gmail.com')).toHaveLength(1);
  });

  test('given two different messages under one Message-ID (a fax gateway), when polled, then each opens its own ticket; the same message delivered twice opens one', async () => {
    const fax = (from: string, page: string) =>
      plainMail(
        { From: from, Subject: `Fax ${page}`, 'Message-ID': '<fax-0001@gateway.issste.gob.mx>' },
        `Página ${page} del fax.`,
      );
    await imap.deliver(fax('fax.norte@issste.gob.mx', 'norte'));
    await imap.deliver(fax('fax.sur@issste.gob.mx', 'sur'));
    await imap.deliver(fax('fax.sur@issste.gob.mx', 'sur')); // delivered twice (two aliases)

    const summary = await intake().poll();

    expect(summary).toMatchObject({ opened: 3, retried: 0 });
    const opened = (await tickets()).filter((t) => String(t.variables.subject).startsWith('Fax'));
    expect(opened.map((t) => t.variables.requesterEmail).sort()).toEqual([
      'fax.norte@issste.gob.mx',
      'fax.sur@issste.gob.mx',
    ]);
    expect(await imap.subjects('Processed')).toEqual(
      expect.arrayContaining(['Fax norte', 'Fax sur', 'Fax sur']),
    );
  });

  test('given two messages that always fail ahead of a good one, when polled past the attempt limit, then they go to the Failed folder and the good one is handled', async () => {
    const request = (n: string) =>
      plainMail(
        { From: 'unidad@issste.gob.mx', Subject: `Pedido ${n}`, 'Message-ID': `<pedido-${n}@issste.gob.mx>` },
        `Pedido ${n}.`,
      );
    for (const n of ['roto-1', 'roto-2', 'bueno']) await imap.deliver(request(n));
    const options: Options = {
      box: { batchSize: 2, maxAttempts: 2, failedFolder: 'Needs-agent' },
      start: async (procedureId, input, actor, opts) => {
        if (String((input as Record<string, unknown>).subject).includes('roto'))
          throw new Error('simulated: this message always breaks the start');
        return app.app.services.instances.start(procedureId, input, actor, opts);
      },
    };

    const first = await intake(options).poll();
    const second = await intake(options).poll();
    const third = await intake(options).poll();

    expect(first).toMatchObject({ retried: 2, failed: 0, opened: 0 });
    expect(second).toMatchObject({ retried: 0, failed: 2, opened: 0 });
    expect(third).toMatchObject({ opened: 1, failed: 0 });
    expect((await imap.subjects('Needs-agent')).sort()).toEqual(['Pedido roto-1', 'Pedido roto-2']);
    expect(await imap.subjects('INBOX')).toEqual([]);
  });

  test('given a server that reports a move as not made, when the next poll runs, then the message is moved then (the claim was not marked done)', async () => {
    await imap.deliver(
      plainMail(
        { From: 'unidad.este@issste.gob.mx', Subject: 'Pedido este', 'Message-ID': '<este@issste.gob.mx>' },
        'Pedido del este.',
      ),
    );
    const refusingOnce = (real: MailboxReader): MailboxReader => ({
      session: (work) =>
        real.session((session) =>
          work({
            messages: (limit) => session.messages(limit),
            settle: async () => false,
          }),
        ),
    });

    const notMoved = await intake({ reader: refusingOnce }).poll();
    expect(notMoved).toMatchObject({ opened: 0, retried: 1 });
    expect(await imap.subjects('INBOX')).toEqual(['Pedido este']);

    const moved = await intake().poll();

    expect(moved).toMatchObject({ opened: 1 });
    expect(await imap.subjects('INBOX')).toEqual([]);
    expect((await tickets()).filter((t) => t.variables.subject === 'Pedido este')).toHaveLength(1);
  });

  /** The intake key of the only message in INBOX, read as the intake reads it. */
  async function keyOfOnlyMessage(): Promise<string> {
    const box = app.app.config.mailboxes.find((candidate) => candidate.id === 'desk')!;
    return new ImapMailbox(box).session(async (session) => {
      for await (const mail of session.messages(1)) return intakeKey(box.id, mail);
      throw new Error('no message in INBOX');
    });
  }
});

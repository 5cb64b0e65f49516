import { ImapMailbox } from '../../src/adapters/mail/imap-mailbox.js';
import { MongoMailboxLedger } from '../../src/adapters/mail/imap-ledger.js';
import { HandlebarsMessageRenderer } from '../../src/adapters/mail/template-renderer.js';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { EmailIntake, type EmailIntakeDeps } from '../../src/app/email-intake.js';
import { MailboxRefusals } from '../../src/app/mailbox-refusals.js';
import type { MailboxDefinition, MailboxReader } from '../../src/app/mailbox-ports.js';
import type { MailTransport } from '../../src/app/notification-ports.js';
import type { Actor } from '../../src/domain/actor.js';
import type { InboundMail } from '../../src/domain/inbound-mail.js';
import type { InstanceRecord } from '../../src/domain/instance.js';
import type { TestApp } from './harness.js';

/** Options of {@link deskIntake}. */
export interface DeskIntakeOptions {
  /** Domain of our own Message-IDs. */
  readonly ourDomain: string;
  /** Who looks tickets up when a reply threads. */
  readonly supervisor: Actor;
  /** Overrides of the app's mailbox `desk`. */
  readonly box?: Partial<MailboxDefinition>;
  /** Sends refusal replies; without it none is sent. */
  readonly transport?: MailTransport;
  /** Wraps the real IMAP reader (to inject failures). */
  readonly reader?: (real: MailboxReader) => MailboxReader;
  /** Replaces the app's ticket start. */
  readonly start?: EmailIntakeDeps['tickets']['start'];
  /** Stores attachments and records them on new tickets, as the app does. */
  readonly attachments?: boolean;
  readonly beforeSettle?: (mail: InboundMail) => Promise<void>;
}

/** An intake of the mailbox `desk` on its own IMAP connection, wired to the app's real services (as main.ts does). */
export function deskIntake(app: TestApp, options: DeskIntakeOptions): EmailIntake {
  const { services, config, database, logger } = app.app;
  const box = { ...config.mailboxes.find((candidate) => candidate.id === 'desk')!, ...options.box };
  const ledger = new MongoMailboxLedger(database.connection);
  const real = new ImapMailbox(box);
  return new EmailIntake({
    box,
    reader: options.reader ? options.reader(real) : real,
    tickets: {
      start:
        options.start ??
        ((procedureId, input, actor, opts) => services.instances.start(procedureId, input, actor, opts)),
      find: (id) =>
        services.instances.get(id, options.supervisor).then(
          (view) => view.instance as InstanceRecord,
          () => undefined,
        ),
      instanceOf: async () => undefined,
    },
    reply: (id, input, actor, key) =>
      services.conversations.add(id, { kind: 'requester', ...input }, actor, key),
    ...(options.attachments
      ? {
          entry: (id, input, actor, key) => services.conversations.add(id, input, actor, key),
          attachments: (upload) => services.attachments.store(upload),
        }
      : {}),
    refusals: new MailboxRefusals({
      ledger,
      renderer: new HandlebarsMessageRenderer({ dir: config.messageTemplatesDir }),
      ...(options.transport ? { transport: options.transport } : {}),
      clock: systemClock,
    }),
    ledger,
    clock: systemClock,
    ourDomain: options.ourDomain,
    logger,
    ...(options.beforeSettle ? { beforeSettle: options.beforeSettle } : {}),
  });
}

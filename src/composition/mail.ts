/**
 * Composition root, mail: outbound notifications (docs/adr/0006, links added at delivery per
 * docs/adr/0025) and desk mailboxes read over IMAP (docs/adr/0029).
 */
import type { Logger } from 'pino';
import type { Connection } from 'mongoose';
import { MongoMailboxLedger } from '../adapters/mail/imap-ledger.js';
import { HandlebarsMessageRenderer } from '../adapters/mail/template-renderer.js';
import { bindDeliveryModels } from '../adapters/persistence/delivery-models.js';
import { MongoDeliveryLedger } from '../adapters/persistence/mongo-delivery-ledger.js';
import type { Models } from '../adapters/persistence/models.js';
import type { AttachmentService } from '../app/attachment-service.js';
import type { ConversationService } from '../app/conversation-service.js';
import type { DefinitionsService } from '../app/definitions-service.js';
import type { DirectoryService } from '../app/directory-service.js';
import type { FaultInjector } from '../app/fault-points.js';
import type { InstanceLog } from '../app/instance-log.js';
import type { InstanceService } from '../app/instance-service.js';
import { createMailboxPoller, intakeTickets, type MailboxPoller } from '../app/mailbox-poller.js';
import { MailboxRefusals } from '../app/mailbox-refusals.js';
import type { MessageService } from '../app/message-service.js';
import { NotificationDispatcher } from '../app/notification-dispatcher.js';
import { mailAttachments } from '../app/form-files-mail.js';
import type { MailTransport, MessageRenderer } from '../app/notification-ports.js';
import type { TicketNumbers } from '../app/ports.js';
import { withRequesterLinks } from '../app/requester-link-mail.js';
import type { RequesterLinks } from '../app/requester-links.js';
import { addRequesterReply } from '../app/requester-reply.js';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import { messageIdDomainOf } from '../domain/inbound-mail.js';
import type { MailPolicy } from '../domain/mail-policy.js';

/** Message templates rendered in the configured mail time zone. */
export function messageRenderer(config: Config): HandlebarsMessageRenderer {
  return new HandlebarsMessageRenderer({ dir: config.messageTemplatesDir, timeZone: config.mailTimeZone });
}

/** Delivers the outbox; undefined (and a warning) without an SMTP server. */
export function wireNotifications(deps: {
  models: Models;
  connection: Connection;
  config: Config;
  transport: MailTransport | undefined;
  /** One renderer (and template cache) for every mail the app sends. */
  renderer: MessageRenderer;
  links: RequesterLinks;
  directory: DirectoryService;
  mailPolicy: MailPolicy;
  clock: Clock;
  logger: Logger;
  faults?: FaultInjector;
  /** Ticket files attached to emails by send tasks with `attach` (docs/adr/0032); absent: named only. */
  attachments?: AttachmentService;
}): NotificationDispatcher | undefined {
  const { transport, logger } = deps;
  if (!transport) {
    logger.warn(
      'no SMTP server configured (HELPDESK_SMTP_URL or HELPDESK_SMTP_HOST): notifications stay in the outbox',
    );
    return undefined;
  }
  return new NotificationDispatcher({
    ledger: withRequesterLinks(
      new MongoDeliveryLedger(deps.models, bindDeliveryModels(deps.connection)),
      deps.links,
    ),
    renderer: deps.renderer,
    directory: deps.directory,
    transport,
    clock: deps.clock,
    logger,
    policy: { recipients: deps.mailPolicy },
    ...(deps.faults ? { faults: deps.faults } : {}),
    // form-files: public ticket files mailed up to HELPDESK_MAIL_ATTACHMENTS_MAX_KB in total (ADR 0032).
    ...(deps.attachments
      ? { files: mailAttachments(deps.attachments, deps.config.mailAttachmentsMaxKb * 1024) }
      : {}),
  });
}

/**
 * Email-to-ticket: each configured mailbox opens tickets and threads replies. The IMAP client and
 * MIME parser (imapflow, mailparser: large) load only when a mailbox is configured.
 */
export async function wireMailboxes(deps: {
  connection: Connection;
  config: Config;
  transport: MailTransport | undefined;
  renderer: MessageRenderer;
  instances: InstanceService;
  log: InstanceLog;
  ticketNumbers: TicketNumbers;
  conversations: ConversationService;
  attachments: AttachmentService;
  messages: MessageService;
  definitions: DefinitionsService;
  clock: Clock;
  logger: Logger;
  /** The directory's institutional accounts (ADR 0030): they pass the mailbox's institutional rule. */
  institutional?: (address: string) => boolean;
}): Promise<MailboxPoller> {
  const { config, conversations, clock } = deps;
  const imap = config.mailboxes.length ? await import('../adapters/mail/imap-mailbox.js') : undefined;
  const ledger = new MongoMailboxLedger(deps.connection);
  const replyDeps = {
    conversation: conversations,
    messages: deps.messages,
    log: deps.log,
    definitions: deps.definitions,
  };
  return createMailboxPoller({
    boxes: config.mailboxes,
    ledger,
    readerFor: (box) => {
      if (!imap) throw new Error(`mailbox <${box.id}> is not configured`);
      return new imap.ImapMailbox(box);
    },
    tickets: intakeTickets({ instances: deps.instances, log: deps.log, ticketNumbers: deps.ticketNumbers }),
    reply: (instanceId, input, actor, key) => addRequesterReply(replyDeps, instanceId, input, actor, key),
    attachments: (upload) => deps.attachments.store(upload),
    entry: (instanceId, input, actor, key) => conversations.add(instanceId, input, actor, key),
    refusals: new MailboxRefusals({
      ledger,
      renderer: deps.renderer,
      ...(deps.transport ? { transport: deps.transport } : {}),
      clock,
    }),
    ourDomain: messageIdDomainOf(config.smtp?.from ?? ''),
    clock,
    logger: deps.logger,
    ...(deps.institutional ? { institutional: deps.institutional } : {}),
  });
}

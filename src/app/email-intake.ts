import { createHash } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import type { Clock } from '../domain/clock.js';
import {
  MAX_BODY_CHARS,
  MAX_ENTRY_ATTACHMENTS,
  requesterActor,
  type AttachmentRef,
} from '../domain/conversation.js';
import { isAppError } from '../domain/errors.js';
import { acceptsEmail, type InstitutionalAllowance } from '../domain/forms/institutional-email.js';
import {
  automaticReason,
  instanceIdsIn,
  intakeKey,
  ticketNumberIn,
  type InboundMail,
} from '../domain/inbound-mail.js';
import type { InstanceRecord } from '../domain/instance.js';
import { cut, droppedNote, isRequesterOf, namesOnly, startFormFor } from './email-intake-form.js';
import type {
  AttachmentPort,
  ConversationPort,
  IntakeLogger,
  IntakeTickets,
  RequesterReplyPort,
} from './email-intake-ports.js';
import {
  MailboxBusyError,
  MailboxTransientError,
  type MailboxDefinition,
  type MailboxLedger,
  type MailboxReader,
  type MailboxSession,
  type MailOutcome,
} from './mailbox-ports.js';
import type { MailboxRefusals, RefusalReason } from './mailbox-refusals.js';

/** Collaborators of one mailbox's intake. */
export interface EmailIntakeDeps {
  readonly box: MailboxDefinition;
  readonly reader: MailboxReader;
  readonly tickets: IntakeTickets;
  readonly reply: RequesterReplyPort;
  /** Without it only the attachments' names reach the ticket (in its body). */
  readonly attachments?: AttachmentPort;
  /** Records a new ticket's attachments (needed with `attachments`). */
  readonly entry?: ConversationPort;
  readonly refusals: MailboxRefusals;
  /** Claims the move of each message (one poller moves it). */
  readonly ledger: MailboxLedger;
  readonly clock: Clock;
  /** Domain of our own Message-IDs (that of `HELPDESK_MAIL_FROM`). */
  readonly ourDomain: string;
  readonly logger: IntakeLogger;
  /** The requester directory's institutional accounts (docs/adr/0030), as the start forms count them. */
  readonly institutional?: InstitutionalAllowance;
  /** Test hook: runs after a message's ticket work is committed and before the message is moved. */
  readonly beforeSettle?: (mail: InboundMail) => Promise<void>;
}

/** How one poll went. */
export interface PollSummary {
  readonly opened: number;
  readonly threaded: number;
  readonly refused: number;
  readonly ignored: number;
  /** Left in the folder for the next poll (a failure before the move). */
  readonly retried: number;
  /** Moved to the failed folder after `maxAttempts` failed attempts. */
  readonly failed: number;
}

export type { AttachmentPort, ConversationPort, IntakeLogger, IntakeTickets, RequesterReplyPort };

/** Handling of one message: where it goes. */
type Handled = {
  readonly outcome: MailOutcome;
  readonly kind: 'opened' | 'threaded' | 'refused' | 'ignored';
};

/**
 * Email-to-ticket for one desk mailbox (docs/adr/0029). Each message is handled once across
 * polls, restarts and app processes: its ticket (or conversation entry) is keyed by the intake
 * key (mailbox + Message-ID), committed first, and only then the message is marked \Seen and moved.
 * A failure in between leaves it in the folder; the next poll meets the committed work and moves it.
 */
export class EmailIntake {
  private readonly actor: Actor;

  constructor(private readonly deps: EmailIntakeDeps) {
    this.actor = { id: `mailbox:${deps.box.id}`, roles: ['agent'], groups: [] };
  }

  /** Reads one batch of the mailbox and handles each message. */
  async poll(): Promise<PollSummary> {
    const counts = { opened: 0, threaded: 0, refused: 0, ignored: 0, retried: 0, failed: 0 };
    await this.deps.reader.session(async (session) => {
      for await (const mail of session.messages(this.deps.box.batchSize)) {
        try {
          const handled = await this.handle(mail);
          await this.deps.beforeSettle?.(mail);
          const moved = await this.settle(session, mail, handled.outcome);
          counts[moved ? handled.kind : 'retried'] += 1;
        } catch (error) {
          counts[await this.failed(session, mail, error)] += 1;
        }
      }
    });
    this.deps.logger.debug?.({ mailbox: this.deps.box.id, ...counts }, 'mailbox polled');
    return counts;
  }

  /**
   * A message whose handling failed: left for the next poll, or, after `maxAttempts` failed
   * attempts (counted per delivery, across pollers), moved to the failed folder so that it no
   * longer holds a place in every batch. A `MailboxTransientError` (another poller's work in
   * progress, an SMTP server that is down) is not the message's fault: it is not counted.
   */
  private async failed(
    session: MailboxSession,
    mail: InboundMail,
    error: unknown,
  ): Promise<'retried' | 'failed'> {
    const { ledger, box, clock, logger } = this.deps;
    const where = { mailbox: box.id, uid: mail.uid, messageId: mail.messageId };
    if (error instanceof MailboxTransientError) {
      const level = error instanceof MailboxBusyError ? 'info' : 'warn';
      logger[level]({ ...where, reason: error.message }, 'mailbox message left for the next poll');
      return 'retried';
    }
    const attempt = await ledger
      .failure(`fail:${moveKey(box, mail)}`, clock.now(), box.maxAttempts)
      .catch(() => 0);
    if (attempt < box.maxAttempts) {
      logger.error({ ...where, err: error, attempt }, 'mailbox message left for the next poll');
      return 'retried';
    }
    logger.error(
      { ...where, err: error, attempt, folder: box.failedFolder, subject: mail.subject, from: mail.from },
      `mailbox message moved to ${box.failedFolder} after ${attempt} failed attempts: an agent must look at it`,
    );
    try {
      return (await this.settle(session, mail, 'failed')) ? 'failed' : 'retried';
    } catch (moveError) {
      logger.error({ ...where, err: moveError }, 'mailbox message could not be moved to the failed folder');
      return 'retried';
    }
  }

  /**
   * Moves the message unless another poller has claimed that (two sessions moving one UID at once
   * would both copy it). A claim whose holder died is retaken after the ledger's lease; a move that
   * failed or did not happen releases the claim, so the next poll that still sees the message moves it.
   */
  private async settle(session: MailboxSession, mail: InboundMail, outcome: MailOutcome): Promise<boolean> {
    const { ledger, box, clock, logger } = this.deps;
    const key = `move:${moveKey(box, mail)}`;
    const claim = await ledger.claim(key, clock.now());
    if (claim.result !== 'claimed') return true; // another poller moves it
    let moved: boolean;
    try {
      moved = await session.settle(mail, outcome);
    } catch (error) {
      await ledger.release(key, claim.token).catch(() => undefined);
      throw error;
    }
    if (!moved) {
      await ledger.release(key, claim.token);
      logger.warn(
        { mailbox: box.id, uid: mail.uid, outcome },
        'mailbox message not moved: retried while it is still there',
      );
      return false;
    }
    await ledger.done(key, clock.now());
    return true;
  }

  private async handle(mail: InboundMail): Promise<Handled> {
    const { box, ourDomain, logger } = this.deps;
    const key = intakeKey(box.id, mail);
    if (mail.unreadable) {
      logger.warn({ mailbox: box.id, uid: mail.uid, reason: mail.unreadable }, 'unreadable message refused');
      return { outcome: 'refused', kind: 'refused' };
    }
    const automatic = automaticReason(mail, ourDomain);
    if (automatic) {
      logger.info({ mailbox: box.id, uid: mail.uid, reason: automatic }, 'automatic message ignored');
      return { outcome: 'ignored', kind: 'ignored' };
    }
    if (mail.oversized) return this.refuse(mail, 'too-large', key);
    const ticket = await this.threadOf(mail);
    if (ticket) {
      const files = await this.storeAttachments(ticket, mail);
      const body = cut(
        [mail.text || mail.subject || '(no text)', ...files.notes].join('\n\n'),
        MAX_BODY_CHARS,
      );
      const input = { body, attachments: files.stored, via: 'email' as const };
      await this.deps.reply(ticket.id, input, requesterActor(mail.from), key);
      return { outcome: 'processed', kind: 'threaded' };
    }
    const domains = box.institutionalDomains;
    if (domains.length > 0 && !acceptsEmail(mail.from, mail.cc, { domains }, this.deps.institutional)) {
      return this.refuse(mail, 'institutional-email', key);
    }
    return this.open(mail, key);
  }

  private async open(mail: InboundMail, key: string): Promise<Handled> {
    const { box, tickets, logger } = this.deps;
    const notes = this.deps.attachments && this.deps.entry ? [] : [...namesOnly(mail), ...droppedNote(mail)];
    const input = startFormFor(box, mail, notes);
    let ticket: InstanceRecord;
    try {
      ticket = await tickets.start(box.procedureId, input, this.actor, { idempotencyKey: key });
    } catch (error) {
      if (!isAppError(error) || error.code !== 'VALIDATION_FAILED') throw error;
      // The email cannot fill the start form (a configuration or content problem): an agent looks at it.
      logger.warn(
        { mailbox: box.id, uid: mail.uid, details: error.details },
        `email refused by the start form: ${error.message}`,
      );
      return { outcome: 'refused', kind: 'refused' };
    }
    await this.addAttachments(ticket, mail, key);
    logger.info({ mailbox: box.id, uid: mail.uid, ticket: ticket.businessKey }, 'email opened a ticket');
    return { outcome: 'processed', kind: 'opened' };
  }

  private async refuse(mail: InboundMail, reason: RefusalReason, key: string): Promise<Handled> {
    await this.deps.refusals.reply(this.deps.box, mail, reason, key);
    this.deps.logger.info({ mailbox: this.deps.box.id, uid: mail.uid, reason }, 'email refused');
    return { outcome: 'refused', kind: 'refused' };
  }

  /** The ticket a reply belongs to: by ticket number in the subject or our Message-IDs, sent by its requester. */
  private async threadOf(mail: InboundMail): Promise<InstanceRecord | undefined> {
    const { tickets, ourDomain } = this.deps;
    const number = ticketNumberIn(mail.subject);
    const candidates = [
      ...(number ? [await tickets.instanceOf(number)] : []),
      ...instanceIdsIn(mail.references, ourDomain),
    ].filter((id): id is string => id !== undefined);
    for (const id of [...new Set(candidates)].slice(0, 5)) {
      const head = await tickets.find(id);
      if (head && isRequesterOf(head, mail.from)) return head;
    }
    return undefined;
  }

  /** Stores the attachments (a file the attachment rules refuse is named in `notes` instead). */
  private async storeAttachments(
    ticket: InstanceRecord,
    mail: InboundMail,
  ): Promise<{ stored: AttachmentRef[]; notes: string[] }> {
    const store = this.deps.attachments;
    if (!store) return { stored: [], notes: [...namesOnly(mail), ...droppedNote(mail)] };
    const stored: AttachmentRef[] = [];
    const refused: string[] = [];
    const uploadedBy = requesterActor(mail.from).id;
    for (const file of mail.attachments.slice(0, MAX_ENTRY_ATTACHMENTS)) {
      try {
        const upload = { instanceId: ticket.id, fileName: file.fileName, bytes: file.content, uploadedBy };
        stored.push(await store({ ...upload, visibility: 'public' }));
      } catch (error) {
        if (!isAppError(error)) throw error;
        refused.push(`${file.fileName}: ${error.message}`);
      }
    }
    const notes = [
      ...(refused.length ? [`Attachments not kept: ${refused.join('; ')}`] : []),
      ...droppedNote(mail),
    ];
    return { stored, notes };
  }

  /** A new ticket's attachments, as one requester entry (keyed: a retried poll adds no second one). */
  private async addAttachments(ticket: InstanceRecord, mail: InboundMail, key: string): Promise<void> {
    if (!this.deps.attachments || !this.deps.entry || mail.attachments.length === 0) return;
    const files = await this.storeAttachments(ticket, mail);
    const body = [`Attachments of the email "${cut(mail.subject, 200)}"`, ...files.notes].join('\n');
    const input = { kind: 'requester' as const, body, attachments: files.stored, via: 'email' };
    await this.deps.entry(ticket.id, input, requesterActor(mail.from), `${key}:files`);
  }
}

/** Names one delivery of a message in one folder (a new delivery gets a new UID). */
function moveKey(box: MailboxDefinition, mail: InboundMail): string {
  const name = `${box.id}\n${box.folder}\n${mail.uidValidity}\n${mail.uid}`;
  return createHash('sha256').update(name).digest('hex');
}

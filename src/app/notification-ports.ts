/**
 * Ports of email delivery from the outbox (docs/adr/0006-notifications.md): rendering, recipient
 * directory, mail transport and the delivery ledger that makes each attempt happen once.
 */
import type { OutboxMessage } from '../domain/instance.js';

/** A message rendered for one language: plain-text subject and body. */
export interface RenderedMessage {
  readonly subject: string;
  readonly text: string;
  /** The language whose template file was used (after fallbacks). */
  readonly language: string;
}

/**
 * Renders message templates in `language`, else `fallbackLanguage` (the procedure's), else `en`.
 * Throws AppError TEMPLATE_NOT_FOUND when none has the template, NOTIFICATION_FAILED when it is broken.
 */
export interface MessageRenderer {
  render(
    template: string,
    language: string,
    variables: Record<string, unknown>,
    fallbackLanguage?: string,
  ): Promise<RenderedMessage>;
}

/** Mailbox addresses of groups (lane ids / candidate groups). */
export interface RecipientDirectory {
  /** The group's addresses, or undefined when the directory does not know the group. */
  addressesOf(groupId: string): Promise<readonly string[] | undefined>;
}

/** One email handed to the transport. */
export interface OutgoingMail {
  readonly to: readonly string[];
  readonly cc: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly language: string;
  /** The outbox message id: becomes a stable Message-ID so receivers can drop a duplicate. */
  readonly outboxId: string;
  /** An automatic answer to an inbound message (docs/adr/0029): its Message-ID and `Auto-Submitted: auto-replied`. */
  readonly inReplyTo?: string;
  /** Files attached (a scheduled report's CSV, docs/adr/0027; a ticket's public files, docs/adr/0032). */
  readonly attachments?: readonly MailFile[];
}

/** One file attached to an email. */
export interface MailFile {
  readonly filename: string;
  readonly content: string | Buffer;
  readonly contentType: string;
}

/** The files an outbox message carries, loaded for its email (docs/adr/0032). */
export interface MailAttachments {
  /**
   * The bytes of `message.attachments` that may go by email (public files of the message's own
   * ticket, within the total size limit); the names of those left out (the email points to the
   * tracking page for them). Rejects on database trouble (the attempt is retried).
   */
  load(
    message: OutboxMessage,
  ): Promise<{ readonly files: readonly MailFile[]; readonly omitted: readonly string[] }>;
}

/** Sends email; rejects when the server did not accept the message for any recipient. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<{ readonly messageId: string; readonly rejected: readonly string[] }>;
}

/** How one delivery attempt ended. */
export type AttemptResult =
  | {
      readonly outcome: 'sent';
      readonly at: Date;
      readonly smtpMessageId: string;
      readonly recipients: readonly string[];
    }
  | { readonly outcome: 'failed'; readonly at: Date; readonly error: string; readonly retryAt: Date }
  | { readonly outcome: 'undeliverable'; readonly at: Date; readonly reason: string };

/** A claimed attempt (`<messageId>#<attempt>`), with its result once recorded. */
export interface DeliveryAttempt {
  readonly messageId: string;
  readonly attempt: number;
  readonly owner: string;
  readonly claimedAt: Date;
  /** After this instant an attempt without result may be retaken as attempt + 1. */
  readonly leaseUntil: Date;
  readonly result?: AttemptResult;
}

/** A final outcome, written once per message so finished messages drop out of the pending scan. */
export type FinalOutcome =
  | { readonly state: 'sent'; readonly attempt: number; readonly at: Date; readonly smtpMessageId: string }
  | { readonly state: 'undeliverable'; readonly attempt: number; readonly at: Date; readonly reason: string };

/**
 * Durable delivery bookkeeping. `claim` is the only step that must be atomic: it inserts the
 * attempt with a deterministic id, so of several dispatchers exactly one wins it.
 */
export interface DeliveryLedger {
  /** Ids of outbox messages without a final outcome, oldest first. */
  listPending(limit: number): Promise<string[]>;
  loadMessage(messageId: string): Promise<OutboxMessage | null>;
  /** The message's attempts in order (1, 2, …), read by id. */
  attempts(messageId: string): Promise<DeliveryAttempt[]>;
  /** Inserts the attempt; false when another dispatcher already holds that attempt number. */
  claim(attempt: DeliveryAttempt): Promise<boolean>;
  /** Stores the result on the attempt the caller claimed. */
  recordResult(messageId: string, attempt: number, result: AttemptResult): Promise<void>;
  /** Records the final outcome (the first one recorded wins; repeating it is a no-op). */
  finish(messageId: string, outcome: FinalOutcome): Promise<void>;
}

/** What the dispatcher logs (pino's Logger fits). */
export interface NotificationLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

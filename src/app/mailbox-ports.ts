/**
 * Ports and settings of email-to-ticket (docs/adr/0029): desk mailboxes read over IMAP, each
 * opening tickets of one procedure through its start form.
 */
import type { InboundMail } from '../domain/inbound-mail.js';

/** The start-form fields the parts of an email go to (each optional: a form without the field gets nothing). */
export interface StartFormMapping {
  readonly subject?: string;
  readonly body?: string;
  /** The sender's address (the requester's email, e.g. `requesterEmail`). */
  readonly sender?: string;
  readonly senderName?: string;
  /** Addresses in copy, comma-separated (e.g. `ccEmails`). */
  readonly cc?: string;
  /** ISO 8601 receipt time: the server's INTERNALDATE (the Date header only when there is none). */
  readonly received?: string;
  /** Gets the value `email`. */
  readonly channel?: string;
}

/** Where to reach a mailbox. The password comes from the environment variable the config names. */
export interface ImapAccount {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS (993); otherwise STARTTLS is used when offered. */
  readonly secure: boolean;
  readonly user: string;
  readonly password: string;
}

/** One desk mailbox as configured (`HELPDESK_MAILBOXES` or `config/mailboxes.json`). */
export interface MailboxDefinition {
  readonly id: string;
  readonly imap: ImapAccount;
  /** Folder read for new mail (default `INBOX`). */
  readonly folder: string;
  readonly processedFolder: string;
  readonly refusedFolder: string;
  readonly ignoredFolder: string;
  /** Where a message goes after `maxAttempts` failed attempts (default `Failed`). */
  readonly failedFolder: string;
  /** Failed attempts at one message before it is moved to `failedFolder` (default 5). */
  readonly maxAttempts: number;
  readonly procedureId: string;
  /** Language of the replies this mailbox sends (es, it, en). */
  readonly language: string;
  readonly startForm: StartFormMapping;
  /** Fixed start-form values (e.g. a medical unit), applied before the mapped ones. */
  readonly constants: Readonly<Record<string, string | number | boolean>>;
  /** The institutional email rule on sender and copies (seed 001); empty = off. */
  readonly institutionalDomains: readonly string[];
  /** Messages per poll, largest message read, attachments kept per message. */
  readonly batchSize: number;
  readonly maxMessageBytes: number;
  readonly maxAttachments: number;
  /** Longest subject and body put into the form (longer ones are cut, marked with `…`). */
  readonly maxSubjectChars: number;
  readonly maxBodyChars: number;
}

/** Where a handled message goes. */
export type MailOutcome = 'processed' | 'refused' | 'ignored' | 'failed';

/** An open session on a mailbox folder. */
export interface MailboxSession {
  /** The oldest messages still in the folder (at most `limit`), parsed one at a time as asked for. */
  messages(limit: number): AsyncIterable<InboundMail>;
  /** Marks the message \Seen and moves it to the outcome's folder; false if it was already gone. */
  settle(mail: InboundMail, outcome: MailOutcome): Promise<boolean>;
}

/** Opens sessions on one mailbox (a connection each; closed when `work` ends). */
export interface MailboxReader {
  session<T>(work: (session: MailboxSession) => Promise<T>): Promise<T>;
}

/**
 * How a claim went: `claimed` (this caller does the work: first claim, or a stale unfinished one
 * retaken), `held` (another poller is doing it now), `done` (the work was done).
 */
export type ClaimResult = 'claimed' | 'held' | 'done';

/**
 * A claim's answer. `claimed` carries the holder's token: only the holder's `release` (with its
 * token) drops the claim, so a poller whose claim was retaken after the lease never drops the
 * claim another poller now holds.
 */
export type Claim =
  | { readonly result: 'claimed'; readonly token: string }
  | { readonly result: 'held' }
  | { readonly result: 'done' };

/**
 * Claims on work about one inbound message that two pollers must not both do: sending its refusal
 * reply, moving it. A claim never marked done (its poller died) may be retaken after a lease.
 */
export interface MailboxLedger {
  /**
   * Claims the work named `key` at `now`: `claimed` (with a fresh holder token) when this caller
   * may do it (first claim, a released one, or a stale unfinished one retaken after the lease),
   * `held` when another poller holds an unexpired claim, `done` when the work was done.
   */
  claim(key: string, now: Date): Promise<Claim>;
  /** Marks the work named `key` done. */
  done(key: string, now: Date): Promise<void>;
  /**
   * Drops an unfinished claim (its work failed) so the next poll may claim it at once; only when
   * the claim is still the one `token` names (a claim retaken by another poller is left alone).
   */
  release(key: string, token: string): Promise<void>;
  /**
   * Records one failed attempt at the work named `key` (one unique insert per attempt, so two
   * pollers failing at once both count) and answers the attempt's number, at most `max`.
   */
  failure(key: string, now: Date, max: number): Promise<number>;
}

/**
 * Thrown when a message's handling cannot go on now for a reason that is not the message's fault
 * (the SMTP server is unreachable, another poller is doing its work): the message stays in the
 * folder for the next poll, and the attempt is not counted as a failure (no move to `Failed`).
 */
export class MailboxTransientError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MailboxTransientError';
  }
}

/**
 * Thrown when another poller is doing this message's work right now: the message stays in the
 * folder for the next poll, and the attempt is not counted as a failure.
 */
export class MailboxBusyError extends MailboxTransientError {
  constructor(message: string) {
    super(message);
    this.name = 'MailboxBusyError';
  }
}

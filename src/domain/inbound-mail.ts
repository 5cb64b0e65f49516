/**
 * An email read from a desk mailbox (docs/adr/0029), reduced to what intake needs, and the pure
 * rules applied to it: loop and auto-reply detection, thread references, the intake key.
 */
import { createHash } from 'node:crypto';

/** One attachment of an inbound email (bytes already bounded by the mailbox adapter). */
export interface InboundAttachment {
  readonly fileName: string;
  readonly contentType: string;
  readonly size: number;
  readonly content: Buffer;
}

/** The headers that decide whether a message is automatic (lower-case names, raw values). */
export interface LoopHeaders {
  readonly autoSubmitted?: string;
  readonly precedence?: string;
  readonly autoResponseSuppress?: string;
  /** `undefined`: no Return-Path header; `''`: the null sender `<>`. */
  readonly returnPath?: string;
  readonly listId?: string;
}

/** An email as intake sees it. */
export interface InboundMail {
  /** IMAP UID in the mailbox folder (with `uidValidity`, names the message when it has no Message-ID). */
  readonly uid: number;
  readonly uidValidity: string;
  /** Message-ID without angle brackets, lower-cased; undefined when the message has none. */
  readonly messageId?: string;
  /** In-Reply-To and References ids (no brackets, lower-cased), at most 50. */
  readonly references: readonly string[];
  /** Sender address (From), lower-cased; empty when missing or unparsable. */
  readonly from: string;
  readonly fromName: string;
  readonly cc: readonly string[];
  readonly subject: string;
  /** Plain text (the text part, or the HTML part converted to text). */
  readonly text: string;
  /**
   * When our server took the message: its INTERNALDATE (the Date header only when the server gave
   * none). The Date header is the sender's claim (a wrong clock, a draft sent hours later, a forgery)
   * and must not decide out-of-hours handling (docs/adr/0030).
   */
  readonly receivedAt: Date;
  /** The Date header as sent, when valid (part of the intake key's content digest). */
  readonly sentAt?: Date;
  readonly loop: LoopHeaders;
  readonly attachments: readonly InboundAttachment[];
  /** Set when the message was not downloaded (larger than the limit): only headers are known. */
  readonly oversized?: { readonly size: number; readonly limit: number };
  /** Attachments dropped because there were too many or they were too large (names only). */
  readonly droppedAttachments: readonly string[];
  /** Set when the MIME structure could not be parsed: the message is moved to the refused folder. */
  readonly unreadable?: string;
}

/** Why a message is automatic (never opens a ticket, never gets a reply), or undefined. */
export function automaticReason(mail: InboundMail, ourDomain: string): string | undefined {
  const { loop } = mail;
  const auto = loop.autoSubmitted?.trim().toLowerCase();
  if (auto && auto !== 'no' && !auto.startsWith('no;') && !auto.startsWith('no '))
    return `Auto-Submitted: ${auto}`;
  const precedence = loop.precedence?.trim().toLowerCase();
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence))
    return `Precedence: ${precedence}`;
  if (loop.autoResponseSuppress !== undefined) return 'X-Auto-Response-Suppress';
  if (loop.listId !== undefined) return 'List-Id';
  if (loop.returnPath !== undefined) {
    const returnPath = loop.returnPath.replace(/[<>\s]/g, '').toLowerCase();
    if (returnPath === '') return 'empty Return-Path (a bounce)';
    if (/^(mailer-daemon|postmaster)@/.test(returnPath)) return `Return-Path ${returnPath}`;
  }
  if (/^(mailer-daemon|postmaster|no-?reply)@/.test(mail.from)) return `sender ${mail.from}`;
  if (mail.from === '') return 'no sender address';
  if (mail.messageId && domainOf(mail.messageId) === ourDomain.toLowerCase()) return 'our own Message-ID';
  return undefined;
}

/**
 * The ticket number in a subject: in brackets (`Re: [CITA-2026-000123] …`) first, else as a word
 * (`RE: Ticket CITA-2026-000123 registrado`, the acknowledgement's subject). Only the first 1000
 * characters are read; the patterns have bounded repetitions only.
 */
export function ticketNumberIn(subject: string): string | undefined {
  const text = subject.slice(0, 1000);
  return (
    /\[([A-Z][A-Z0-9]{0,15}-\d{4}-\d{6,9})\]/.exec(text)?.[1] ??
    /\b([A-Z][A-Z0-9]{0,15}-\d{4}-\d{6,9})\b/.exec(text)?.[1]
  );
}

/**
 * Instance ids named by our own Message-IDs among `references` (the SMTP transport makes them
 * `<instanceId=3Aseq=3A…@ourDomain>` from the outbox id), most recent reference first.
 */
export function instanceIdsIn(references: readonly string[], ourDomain: string): string[] {
  const ids: string[] = [];
  for (const reference of [...references].reverse()) {
    if (domainOf(reference) !== ourDomain.toLowerCase()) continue;
    const id = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})=3a/.exec(reference)?.[1];
    if (id && !ids.includes(id)) ids.push(id);
  }
  return ids;
}

/**
 * The key that names a message's intake in one mailbox across polls, restarts and app processes:
 * a digest of the Message-ID and of the message's content (sender, Date header, subject, text),
 * else of UIDVALIDITY and UID. The same message delivered twice meets its first ticket; another
 * message reusing a Message-ID (fax gateways, forgeries) gets its own. Printable, 64 hex characters.
 */
export function intakeKey(
  mailboxId: string,
  mail: Pick<InboundMail, 'messageId' | 'uid' | 'uidValidity' | 'from' | 'sentAt' | 'subject' | 'text'>,
): string {
  const name = mail.messageId
    ? `mid:${mail.messageId}\n${contentDigest(mail)}`
    : `uid:${mail.uidValidity}:${mail.uid}`;
  return createHash('sha256').update(`mailbox\n${mailboxId}\n${name}`).digest('hex');
}

/** A digest of what makes a message this message, whatever its Message-ID says. */
function contentDigest(mail: Pick<InboundMail, 'from' | 'sentAt' | 'subject' | 'text'>): string {
  const parts = [mail.from, mail.sentAt?.toISOString() ?? '', mail.subject, mail.text];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** The domain of an address or Message-ID (after the last `@`), lower-cased. */
export function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at < 0
    ? ''
    : address
        .slice(at + 1)
        .replace(/>$/, '')
        .trim()
        .toLowerCase();
}

/** The domain our Message-IDs carry: the one of the `From` we send with (as the SMTP transport has it). */
export function messageIdDomainOf(from: string): string {
  return /@([^>\s]+)>?\s*$/.exec(from)?.[1]?.toLowerCase() ?? 'helpdesk.invalid';
}

import type { InboundMail } from '../domain/inbound-mail.js';
import type { InstanceRecord } from '../domain/instance.js';
import { REQUESTER_CC_KEY, REQUESTER_EMAIL_KEYS } from '../domain/mail-policy.js';
import type { MailboxDefinition } from './mailbox-ports.js';

/**
 * The start form an email fills (docs/adr/0029): the mailbox's constants, then the mapped parts
 * (sender, name, copies, subject, body, receipt time, channel `email`). Subject and body are cut
 * to the mailbox's limits; `notes` (e.g. attachments that could not be kept) end the body.
 */
export function startFormFor(
  box: Pick<MailboxDefinition, 'startForm' | 'constants' | 'maxSubjectChars' | 'maxBodyChars'>,
  mail: InboundMail,
  notes: readonly string[] = [],
): Record<string, unknown> {
  const map = box.startForm;
  const form: Record<string, unknown> = { ...box.constants };
  const set = (field: string | undefined, value: unknown) => {
    if (field && value !== undefined && value !== '') form[field] = value;
  };
  const body = [mail.text || mail.subject || '(no text)', ...notes].join('\n\n');
  set(map.sender, mail.from);
  set(map.senderName, mail.fromName || mail.from);
  set(map.cc, mail.cc.join(', '));
  set(map.subject, cut(mail.subject, box.maxSubjectChars));
  set(map.body, cut(body, box.maxBodyChars));
  set(map.received, mail.receivedAt.toISOString());
  set(map.channel, 'email');
  return form;
}

/**
 * The text, at most `max` characters (code points), marked with `…` when cut. Reads at most
 * `max + 1` code points, whatever the length of the text (a mail body may be megabytes).
 */
export function cut(text: string, max: number): string {
  let count = 0;
  let kept = 0; // UTF-16 units of the first `max - 1` code points
  for (const char of text) {
    count += 1;
    if (count > max) return `${text.slice(0, kept)}…`;
    if (count < max) kept += char.length;
  }
  return text;
}

/** True when `address` is the ticket's requester or one of its copied addresses. */
export function isRequesterOf(head: InstanceRecord, address: string): boolean {
  const wanted = address.trim().toLowerCase();
  if (wanted === '') return false;
  const vars = head.variables;
  const own = REQUESTER_EMAIL_KEYS.map((k) => vars[k]).filter((v): v is string => typeof v === 'string');
  const copies = typeof vars[REQUESTER_CC_KEY] === 'string' ? vars[REQUESTER_CC_KEY].split(/[,;\s]+/) : [];
  return [...own, ...copies].some((candidate) => candidate.trim().toLowerCase() === wanted);
}

/** Attachments named in the body, when they are not stored. */
export function namesOnly(mail: InboundMail): string[] {
  if (mail.attachments.length === 0) return [];
  const names = mail.attachments.map((file) => `${file.fileName} (${Math.ceil(file.size / 1024)} kB)`);
  return [`Attachments (not stored): ${names.join(', ')}`];
}

/** A note naming the attachments over the mailbox's limits. */
export function droppedNote(mail: InboundMail): string[] {
  return mail.droppedAttachments.length
    ? [`Attachments over the limit, not kept: ${mail.droppedAttachments.slice(0, 20).join(', ')}`]
    : [];
}

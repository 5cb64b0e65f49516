/** MIME parsing of desk mail with mailparser, into the bounded `InboundMail` intake uses. */
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { InboundAttachment, InboundMail, LoopHeaders } from '../../domain/inbound-mail.js';

/** Where a message sits and what the server said about it. */
export interface ServerFacts {
  readonly uid: number;
  readonly uidValidity: string;
  /** The server's INTERNALDATE: the receipt time (epoch 0 or invalid when the server gave none). */
  readonly internalDate: Date;
  readonly size: number;
}

/** Limits applied while parsing. */
export interface ParseLimits {
  readonly maxAttachments: number;
  readonly maxMessageBytes: number;
}

const MAX_REFERENCES = 50;
/** mailparser turns HTML into text; longer HTML is not converted (the text part, if any, is kept). */
const MAX_HTML_CHARS = 2 * 1024 * 1024;

/** Parses a whole message (`source`), keeping at most `maxAttachments` attachments. */
export async function parseMessage(
  source: Buffer,
  facts: ServerFacts,
  limits: ParseLimits,
): Promise<InboundMail> {
  const parsed = await simpleParser(source, { maxHtmlLengthToParse: MAX_HTML_CHARS, skipImageLinks: true });
  const files = parsed.attachments.filter((file) => file.contentDisposition !== 'inline' || file.filename);
  const kept: InboundAttachment[] = files.slice(0, limits.maxAttachments).map((file, index) => ({
    fileName: file.filename?.trim() || `attachment-${index + 1}`,
    contentType: file.contentType,
    size: file.size,
    content: file.content,
  }));
  const dropped = files.slice(limits.maxAttachments).map((file) => file.filename ?? '(unnamed)');
  return build(parsed, facts, { attachments: kept, dropped });
}

/** Parses only the header section of a message too large to download. */
export async function parseHeadersOnly(
  headers: Buffer,
  facts: ServerFacts,
  limit: number,
): Promise<InboundMail> {
  const parsed = await simpleParser(Buffer.concat([headers, Buffer.from('\r\n')]));
  return {
    ...build(parsed, facts, { attachments: [], dropped: [] }),
    oversized: { size: facts.size, limit },
  };
}

/** A message mailparser could not read: kept by its place in the folder, moved aside by intake. */
export function unreadableMail(facts: ServerFacts, reason: string): InboundMail {
  return {
    uid: facts.uid,
    uidValidity: facts.uidValidity,
    references: [],
    from: '',
    fromName: '',
    cc: [],
    subject: '',
    text: '',
    receivedAt: facts.internalDate,
    loop: {},
    attachments: [],
    droppedAttachments: [],
    unreadable: reason.slice(0, 300),
  };
}

function build(
  parsed: ParsedMail,
  facts: ServerFacts,
  files: { attachments: InboundAttachment[]; dropped: string[] },
): InboundMail {
  const from = addresses(parsed.from)[0];
  const messageId = bare(parsed.messageId);
  const sentAt = validDate(parsed.date);
  return {
    uid: facts.uid,
    uidValidity: facts.uidValidity,
    ...(messageId ? { messageId } : {}),
    references: references(parsed),
    from: from?.address ?? '',
    fromName: from?.name ?? '',
    cc: addresses(parsed.cc).map((a) => a.address),
    subject: (parsed.subject ?? '').replace(/\s+/g, ' ').trim(),
    text: textOf(parsed),
    // INTERNALDATE is when our server took it; the Date header is the sender's claim (ADR 0029).
    receivedAt: serverDate(facts.internalDate) ?? sentAt ?? facts.internalDate,
    ...(sentAt ? { sentAt } : {}),
    loop: loopHeaders(parsed),
    attachments: files.attachments,
    droppedAttachments: files.dropped,
  };
}

function textOf(parsed: ParsedMail): string {
  // mailparser fills `text` from the HTML part (html-to-text) when there is no text part.
  return (parsed.text ?? '')
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function addresses(value: AddressObject | AddressObject[] | undefined): { address: string; name: string }[] {
  const list = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return list
    .flatMap((object) => object.value)
    .flatMap((entry) => (entry.group ? entry.group : [entry]))
    .filter((entry) => typeof entry.address === 'string' && entry.address.includes('@'))
    .slice(0, 100)
    .map((entry) => ({ address: (entry.address as string).trim().toLowerCase(), name: entry.name.trim() }));
}

function references(parsed: ParsedMail): string[] {
  const refs = typeof parsed.references === 'string' ? [parsed.references] : (parsed.references ?? []);
  const all = [...refs, ...(parsed.inReplyTo ? [parsed.inReplyTo] : [])]
    .flatMap((ref) => ref.split(/\s+/))
    .map(bare)
    .filter((ref): ref is string => ref !== undefined);
  return [...new Set(all)].slice(-MAX_REFERENCES);
}

function loopHeaders(parsed: ParsedMail): LoopHeaders {
  const raw = (name: string): string | undefined => {
    const line = parsed.headerLines.find((header) => header.key === name)?.line;
    return line === undefined
      ? undefined
      : line
          .slice(line.indexOf(':') + 1)
          .replace(/\s+/g, ' ')
          .trim();
  };
  const fields: [keyof LoopHeaders, string][] = [
    ['autoSubmitted', 'auto-submitted'],
    ['precedence', 'precedence'],
    ['autoResponseSuppress', 'x-auto-response-suppress'],
    ['returnPath', 'return-path'],
    ['listId', 'list-id'],
  ];
  const loop: Record<string, string> = {};
  for (const [key, header] of fields) {
    const value = raw(header);
    if (value !== undefined) loop[key] = value.slice(0, 500);
  }
  return loop;
}

/** A Message-ID without angle brackets, lower-cased (undefined when empty or absurdly long). */
function bare(id: string | undefined): string | undefined {
  const value = id?.trim().replace(/^<|>$/g, '').trim().toLowerCase();
  return value && value.length <= 500 && !/\s/.test(value) ? value : undefined;
}

/** The INTERNALDATE when the server gave one (not missing, not epoch 0). */
function serverDate(value: Date): Date | undefined {
  return Number.isNaN(value.getTime()) || value.getTime() <= 0 ? undefined : value;
}

function validDate(value: Date | string | undefined): Date | undefined {
  const date = value === undefined ? undefined : new Date(value);
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
}

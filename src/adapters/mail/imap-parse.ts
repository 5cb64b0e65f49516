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
/**
 * Characters of HTML turned into text per message, when it has no text of its own (docs/adr/0029).
 * html-to-text is superlinear on some shapes (one wide table: 1.1 s at 1 MB, 15 s at 2 MB), and
 * mailparser would convert each HTML part on its own, so longer HTML is cut and converted once.
 */
export const MAX_HTML_CHARS = 128 * 1024;
/** Characters of text kept per message: far above any body limit, bounds what intake hashes and cuts. */
export const MAX_TEXT_CHARS = 1024 * 1024;
/** Begins the text of a message whose HTML was cut at `MAX_HTML_CHARS`. */
export const HTML_CUT_NOTE = `(HTML over the limit: only its first ${MAX_HTML_CHARS / 1024} kB were converted to text.)`;

/** Parses a whole message (`source`), keeping at most `maxAttachments` attachments. */
export async function parseMessage(
  source: Buffer,
  facts: ServerFacts,
  limits: ParseLimits,
): Promise<InboundMail> {
  // HTML is converted below, bounded, and only without a text part; textAsHtml is never read.
  const parsed = await simpleParser(source, {
    skipHtmlToText: true,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
  const files = parsed.attachments.filter((file) => file.contentDisposition !== 'inline' || file.filename);
  const kept: InboundAttachment[] = files.slice(0, limits.maxAttachments).map((file, index) => ({
    fileName: file.filename?.trim() || `attachment-${index + 1}`,
    contentType: file.contentType,
    size: file.size,
    content: file.content,
  }));
  const dropped = files.slice(limits.maxAttachments).map((file) => file.filename ?? '(unnamed)');
  return build(parsed, facts, await textOf(parsed), { attachments: kept, dropped });
}

/** Parses only the header section of a message too large to download. */
export async function parseHeadersOnly(
  headers: Buffer,
  facts: ServerFacts,
  limit: number,
): Promise<InboundMail> {
  const parsed = await simpleParser(Buffer.concat([headers, Buffer.from('\r\n')]));
  return {
    ...build(parsed, facts, '', { attachments: [], dropped: [] }),
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
  text: string,
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
    text,
    // INTERNALDATE is when our server took it; the Date header is the sender's claim (ADR 0029).
    receivedAt: serverDate(facts.internalDate) ?? sentAt ?? facts.internalDate,
    ...(sentAt ? { sentAt } : {}),
    loop: loopHeaders(parsed),
    attachments: files.attachments,
    droppedAttachments: files.dropped,
  };
}

/** The message's own text parts; without them, its HTML (at most `MAX_HTML_CHARS`) as text. */
async function textOf(parsed: ParsedMail): Promise<string> {
  const own = normalised(parsed.text ?? '');
  return own !== '' || !parsed.html ? own : htmlText(parsed.html);
}

/**
 * HTML as text, by mailparser's own conversion (html-to-text with its nesting guard) of a message
 * holding only that HTML, cut at `MAX_HTML_CHARS` and then led by `HTML_CUT_NOTE`.
 */
async function htmlText(html: string): Promise<string> {
  const bounded = prefix(html, MAX_HTML_CHARS);
  const part = `Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64Lines(bounded)}`;
  const parsed = await simpleParser(Buffer.from(part), {
    maxHtmlLengthToParse: MAX_HTML_CHARS,
    skipTextToHtml: true,
    skipImageLinks: true,
  });
  const text = normalised(parsed.text ?? '');
  if (bounded.length === html.length) return text;
  return text === '' ? HTML_CUT_NOTE : `${HTML_CUT_NOTE}\n\n${text}`;
}

function base64Lines(text: string): string {
  return Buffer.from(text, 'utf8')
    .toString('base64')
    .replace(/.{1,76}/g, '$&\r\n');
}

/** At most `MAX_TEXT_CHARS` of the text, with CRLF as LF and no runs of blank lines. */
function normalised(text: string): string {
  return prefix(text, MAX_TEXT_CHARS)
    .replace(/\r\n?/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** The first `max` UTF-16 units of `text`, one less when the last would be half a surrogate pair. */
function prefix(text: string, max: number): string {
  if (text.length <= max) return text;
  const last = text.charCodeAt(max - 1);
  return text.slice(0, last >= 0xd800 && last <= 0xdbff ? max - 1 : max);
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

/**
 * Attachment rules (docs/adr/0024): how big, how many, which types (decided from the content, never
 * from the name or the sender's Content-Type), and how a sent file name is made safe.
 */
import { AppError, type FieldIssue } from './errors.js';
import type { AttachmentRef } from './conversation.js';

export type { AttachmentRef };

/** Default largest file, in MiB (`HELPDESK_ATTACHMENT_MAX_MB`). */
export const DEFAULT_ATTACHMENT_MAX_MB = 10;
/** Most files one submission (form post) may carry. */
export const MAX_FILES_PER_SUBMISSION = 5;
/** Longest kept file name, in characters. */
export const MAX_FILE_NAME_CHARS = 120;

/** Limits an attachment store applies. */
export interface AttachmentLimits {
  readonly maxBytes: number;
  readonly maxFiles: number;
}

/** The limits for a maximum size in MiB. */
export function attachmentLimits(maxMb: number = DEFAULT_ATTACHMENT_MAX_MB): AttachmentLimits {
  return { maxBytes: Math.round(maxMb * 1024 * 1024), maxFiles: MAX_FILES_PER_SUBMISSION };
}

/** Content types a stored file may have (what sniffing may answer). */
export const ALLOWED_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'application/pdf',
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'text/plain',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/dicom',
]);

/** The file extension downloads of a content type get (a stored name is kept, its extension fixed). */
export const EXTENSION_OF: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'text/plain': 'txt',
  'text/csv': 'csv',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.oasis.opendocument.text': 'odt',
  'application/vnd.oasis.opendocument.spreadsheet': 'ods',
  'application/dicom': 'dcm',
};

/**
 * A file name safe to store and to send back in Content-Disposition: the last path segment,
 * without control, quote, slash or backslash characters, at most MAX_FILE_NAME_CHARS characters,
 * ending in the extension of its sniffed type (`report.pdf.html` sniffed as text becomes `….txt`).
 */
export function safeFileName(sent: string, contentType: string): string {
  const base = sent.split(/[\\/]/).pop() ?? '';
  const cleaned = base
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"'<>:|?*;]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const extension = EXTENSION_OF[contentType] ?? 'bin';
  const dot = cleaned.lastIndexOf('.');
  const stem = (dot > 0 ? cleaned.slice(0, dot) : cleaned).replace(/^\.+/, '').trim() || 'file';
  return `${[...stem].slice(0, MAX_FILE_NAME_CHARS - extension.length - 1).join('')}.${extension}`;
}

/** An AppError refusing a file, naming it (and the form field it came in, if any). */
export function fileRefused(fileName: string, reason: string, message: string, field = 'files'): AppError {
  const issue: FieldIssue = { path: field, reason, message: `${fileName}: ${message}` };
  return new AppError('VALIDATION_FAILED', `file <${fileName}>: ${message}`, [issue]);
}

/** VALIDATION_FAILED unless the size is within the limit (and not empty). */
export function checkSize(fileName: string, size: number, limits: AttachmentLimits): void {
  if (size === 0) throw fileRefused(fileName, 'empty', 'the file is empty');
  if (size > limits.maxBytes) {
    const mb = (limits.maxBytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '');
    throw fileRefused(fileName, 'too-large', `the file is larger than ${mb} MB`);
  }
}

/**
 * The type of plain text content: valid UTF-8 without NUL bytes and not markup (HTML, SVG, XML
 * are refused: a browser could run them); `text/csv` when the sent name ends in `.csv`.
 * Undefined when the bytes are not such text.
 */
export function textType(bytes: Uint8Array, sentName: string): string | undefined {
  if (bytes.includes(0)) return undefined;
  let head: string;
  try {
    // The whole file must be UTF-8 (a few ms for 10 MB); markup is looked for near the start.
    head = new TextDecoder('utf-8', { fatal: true }).decode(bytes).slice(0, 4096);
  } catch {
    return undefined;
  }
  if (looksLikeMarkup(head)) return undefined;
  return /\.csv$/i.test(sentName) ? 'text/csv' : 'text/plain';
}

/** Markup a browser might render or run, looked for near the start (after a BOM and blanks). */
const MARKUP =
  /^\s*<(?:!doctype|html|head|body|script|svg|\?xml|iframe|meta|!--|a\s|div|img|style|object|embed)\b/i;

function looksLikeMarkup(head: string): boolean {
  return (
    MARKUP.test(head.replace(/^\uFEFF/, '').slice(0, 1024)) || /<(?:script|svg|html|iframe)\b/i.test(head)
  );
}

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestApp } from '../../support/harness.js';
import type { ReceivedMail } from '../../support/smtp-sink.js';
import type { WebClient } from '../../support/web-client.js';

export const FORM_FILES_FIXTURES = path.resolve('test/fixtures/form-files');

/** A fixture file's bytes (the conversation fixtures: report.pdf, pixel.png, html-disguised-as.pdf...). */
export function fixture(name: string): Buffer {
  return readFileSync(path.resolve('test/fixtures/conversation', name));
}

/** One file of a multipart post, under the form field `field`. */
export interface FieldFile {
  readonly field: string;
  readonly name: string;
  readonly bytes: Buffer;
}

/**
 * Posts a form as multipart like a browser: `_csrf` first, then the fields, then the files each
 * under its field. Redirects are not followed.
 */
export async function postForm(
  app: TestApp,
  client: WebClient,
  url: string,
  fields: Record<string, string>,
  files: readonly FieldFile[] = [],
): Promise<{ status: number; text: string; location?: string }> {
  const form = new FormData();
  form.append('_csrf', await client.csrfToken());
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const file of files)
    form.append(file.field, new Blob([file.bytes], { type: 'application/octet-stream' }), file.name);
  const response = await fetch(`${app.app.url}${url}`, {
    method: 'POST',
    headers: { cookie: client.cookieHeader(), 'accept-language': 'en' },
    body: form,
    redirect: 'manual',
  });
  const location = response.headers.get('location') ?? undefined;
  return { status: response.status, text: await response.text(), ...(location ? { location } : {}) };
}

/** One attachment of a received mail. */
export interface MailFile {
  readonly name: string;
  readonly type: string;
  readonly bytes: Buffer;
}

/** The attachments of a received MIME message: file name, content type and decoded bytes. */
export function mailAttachments(mail: ReceivedMail): MailFile[] {
  const boundary = /boundary="?([^";]+)"?/i.exec(mail.headers['content-type'] ?? '')?.[1];
  if (!boundary) return [];
  return mail.raw
    .split(`--${boundary}`)
    .map((part): MailFile | undefined => {
      const split = part.indexOf('\r\n\r\n');
      const head = part.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
      if (!/content-disposition:\s*attachment/i.test(head)) return undefined;
      const name = /filename="?([^";\r\n]+)"?/i.exec(head)?.[1] ?? '';
      const type = /content-type:\s*([^;\r\n]+)/i.exec(head)?.[1]?.trim() ?? '';
      const bytes = Buffer.from(part.slice(split + 4).replace(/\s+/g, ''), 'base64');
      return { name, type, bytes };
    })
    .filter((file): file is MailFile => file !== undefined);
}

/** The mail's raw text with quoted-printable soft line breaks removed (to find links in it). */
export function unfolded(mail: ReceivedMail): string {
  return mail.raw.replace(/=\r\n/g, '');
}

/** Ids of the staff attachment links on a page. */
export function attachmentLinks(html: string): string[] {
  return [...html.matchAll(/href="\/attachments\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);
}

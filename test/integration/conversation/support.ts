import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TestApp } from '../../support/harness.js';
import type { WebClient } from '../../support/web-client.js';

export const CONVERSATION_FIXTURES = path.resolve('test/fixtures/conversation');

/** A fixture file's bytes. */
export function fixture(name: string): Buffer {
  return readFileSync(path.join(CONVERSATION_FIXTURES, name));
}

/** Start data of the review-request fixture procedure (language es, lanes l1 and l2). */
export const START = {
  requesterName: 'Rosa Díaz',
  requesterEmail: 'rosa.diaz@example.org',
  phone: '+34 600 111 222',
  channel: 'email',
};

/** Opens a review-request ticket as luis (l1) through the API. */
export async function openTicket(
  app: TestApp,
): Promise<{ instanceId: string; ticket: string; taskId: string }> {
  const started = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', START);
  if (started.status !== 201) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
  return {
    instanceId: started.body.id as string,
    ticket: started.body.businessKey as string,
    taskId: started.body.openTaskIds[0] as string,
  };
}

/** One file of a multipart post. */
export interface PostedFile {
  readonly name: string;
  readonly bytes: Buffer;
  readonly type?: string;
}

/**
 * Posts a multipart form as the logged-in client: `_csrf` first (unless `csrf: false`), then the
 * fields, then the files under `files`. Redirects are not followed.
 */
export async function postMultipart(
  app: TestApp,
  client: WebClient,
  url: string,
  fields: Record<string, string>,
  files: readonly PostedFile[] = [],
  options: { csrf?: boolean } = {},
): Promise<{ status: number; text: string; location?: string }> {
  const form = new FormData();
  if (options.csrf !== false) form.append('_csrf', await client.csrfToken());
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const file of files)
    form.append(
      'files',
      new Blob([file.bytes], { type: file.type ?? 'application/octet-stream' }),
      file.name,
    );
  const response = await fetch(`${app.app.url}${url}`, {
    method: 'POST',
    headers: { cookie: client.cookieHeader(), 'accept-language': 'es' },
    body: form,
    redirect: 'manual',
  });
  const location = response.headers.get('location') ?? undefined;
  return { status: response.status, text: await response.text(), ...(location ? { location } : {}) };
}

/** Ids of the attachments linked from a conversation page, in order. */
export function attachmentLinks(html: string): string[] {
  return [...html.matchAll(/href="\/attachments\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);
}

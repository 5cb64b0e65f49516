import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURES } from '../../support/harness.js';
import { formTokens, startRequesterWorld, type RequesterWorld } from './requester-world.js';

/**
 * A valid tracking link cannot be abused (docs/adr/0025): additions are throttled per link (here 3
 * an hour, `HELPDESK_REQUESTER_LINK_POSTS_PER_HOUR`), and a refused addition stores no file.
 */
let world: RequesterWorld;

describe('limits of a tracking link', () => {
  beforeAll(async () => {
    world = await startRequesterWorld({ env: { HELPDESK_REQUESTER_LINK_POSTS_PER_HOUR: '3' } });
  }, 60_000);
  afterAll(() => world?.close());

  const fixture = (name: string) => readFile(path.join(FIXTURES, 'conversation', name));

  async function trackingLink(email: string) {
    const before = world.sink.received.length;
    const ticket = await world.open(email);
    const link = world.linkIn(await world.mail(email, ticket.businessKey, before), 'r');
    const { csrf } = formTokens(await (await world.fetch(link)).text());
    return { ticket, link, csrf };
  }

  function form(csrf: string, body: string, files: [Buffer, string][] = []): FormData {
    const data = new FormData();
    data.append('_csrf', csrf);
    data.append('body', body);
    for (const [bytes, name] of files) data.append('files', new Blob([bytes]), name);
    return data;
  }

  /** Posts an addition through a tracking link: its status and where it redirects to. */
  async function add(link: string, data: FormData) {
    const answer = await world.fetch(link, { method: 'POST', body: data });
    return { status: answer.status, location: answer.headers.get('location') };
  }
  /** An accepted addition: back to the link's page, announcing it. */
  const added = (link: string) => ({ status: 303, location: `${link}?added=1` });

  const storedFiles = (instanceId: string) =>
    world.app.app.database.connection.collection('attachments').countDocuments({ instanceId });

  test('given a post refused for its body or for one of its files, when it carried files, then no file of it is stored', async () => {
    const { ticket, link, csrf } = await trackingLink('orphans@example.org');
    const notes = await fixture('notes.txt');

    const empty = await world.fetch(link, { method: 'POST', body: form(csrf, '  ', [[notes, 'notes.txt']]) });
    expect(empty.status).toBe(422);
    expect(await empty.text()).toContain('data-reason="required"');
    expect(await storedFiles(ticket.id)).toBe(0);

    // The first file is fine, the second is refused by content: the first is not left behind.
    const mixed = form(csrf, 'Two files', [
      [notes, 'notes.txt'],
      [await fixture('program.exe'), 'program.pdf'],
    ]);
    const refused = await world.fetch(link, { method: 'POST', body: mixed });
    expect(refused.status).toBe(422);
    expect(await storedFiles(ticket.id)).toBe(0);
    const events = (await world.app.call('supervisor', 'GET', `/api/instances/${ticket.id}`)).body.events as {
      type: string;
    }[];
    expect(events.filter((e) => e.type === 'conversation.requester')).toHaveLength(0);
  });

  test('given one link, when more additions than allowed are posted within the hour, then the next is refused with 429 and Retry-After, and other links still work', async () => {
    const { ticket, link, csrf } = await trackingLink('flood@example.org');
    const notes = await fixture('notes.txt');
    expect(await add(link, form(csrf, 'one'))).toEqual(added(link));
    expect((await world.fetch(link, { method: 'POST', body: form(csrf, ' ') })).status).toBe(422); // counts too
    expect(await add(link, form(csrf, 'three'))).toEqual(added(link));

    const flood = await world.fetch(link, {
      method: 'POST',
      body: form(csrf, 'four', [[notes, 'notes.txt']]),
    });

    expect(flood.status).toBe(429);
    const retryAfter = Number(flood.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await storedFiles(ticket.id)).toBe(0);
    const events = (await world.app.call('supervisor', 'GET', `/api/instances/${ticket.id}`)).body.events as {
      type: string;
    }[];
    expect(events.filter((e) => e.type === 'conversation.requester')).toHaveLength(2);
    // Reading is not throttled; another ticket's link posts normally.
    expect((await world.fetch(link)).status).toBe(200);
    const other = await trackingLink('calm@example.org');
    expect(await add(other.link, form(other.csrf, 'hello'))).toEqual(added(other.link));
    // The window is an hour: later, the first link posts again.
    world.clock.advance(3600_000);
    expect(await add(link, form(csrf, 'later'))).toEqual(added(link));
  });
});

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { FIXTURES } from '../../support/harness.js';
import { webLogin } from '../../support/web-client.js';
import { formTokens, startRequesterWorld, type RequesterWorld } from './requester-world.js';

const AGENT = { id: 'luis', roles: ['agent' as const], groups: ['l1', 'central-desk'] };
let world: RequesterWorld;

describe("the requester's tracking page", () => {
  beforeAll(async () => {
    world = await startRequesterWorld();
  }, 60_000);
  afterAll(() => world?.close());

  /** Completes the ticket's open task as luis. */
  async function completeOpenTask(instanceId: string): Promise<void> {
    const head = await world.app.call('supervisor', 'GET', `/api/instances/${instanceId}`);
    const taskId = head.body.instance?.openTaskIds?.[0] ?? head.body.openTaskIds?.[0];
    const done = await world.app.call('agentL1', 'POST', `/api/tasks/${taskId}/complete`, {});
    expect(done.status).toBe(200);
  }

  async function trackingLink(email = 'ana@example.org') {
    const before = world.sink.received.length;
    const ticket = await world.open(email);
    const mail = await world.mail(email, ticket.businessKey, before);
    return { ticket, link: world.linkIn(mail, 'r'), mail };
  }

  test('given the acknowledgement, when its tracking link is opened, then the ticket shows in plain words without internal data', async () => {
    const { ticket, link } = await trackingLink();
    await world.app.app.services.conversations.add(
      ticket.id,
      { kind: 'note', body: 'SECRET-NOTE staff only' },
      AGENT,
    );
    await world.app.app.services.conversations.add(ticket.id, { kind: 'reply', body: 'We are on it' }, AGENT);

    const page = await world.fetch(link);
    const html = await page.text();

    expect(page.status).toBe(200);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(html).toContain(ticket.businessKey);
    expect(html).toContain('In progress');
    expect(html).toContain('Review the request');
    expect(html).toContain('First line');
    expect(html).toContain('We are on it');
    expect(html).not.toContain('SECRET-NOTE');
    expect(html).not.toContain('luis');
    expect(html).not.toContain(ticket.id);
    // In the procedure's language (en) unless the requester picks another.
    expect(await (await world.fetch(`${link}?lang=es`)).text()).toContain('En curso');
  });

  test('given a ticket waiting for requester-reply, when the requester adds information and a file, then the procedure resumes', async () => {
    const { ticket, link } = await trackingLink();
    await completeOpenTask(ticket.id);
    const page = await world.fetch(link);
    const html = await page.text();
    expect(html).toContain('id="rq-waiting"');
    const { csrf, key } = formTokens(html);

    const forged = new FormData();
    forged.append('body', 'forged');
    expect((await world.fetch(link, { method: 'POST', body: forged })).status).toBe(403);

    const empty = new FormData();
    empty.append('_csrf', csrf);
    empty.append('body', '   ');
    const refused = await world.fetch(link, { method: 'POST', body: empty });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('data-reason="required"');

    const form = new FormData();
    form.append('_csrf', csrf);
    form.append('_idempotencyKey', key);
    form.append('body', 'The printer is on floor 3');
    form.append(
      'files',
      new Blob([await readFile(path.join(FIXTURES, 'conversation/notes.txt'))]),
      'notes.txt',
    );
    const posted = await world.fetch(link, { method: 'POST', body: form });

    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toBe(`${link}?added=1&resumed=1`);
    const state = await world.app.call('supervisor', 'GET', `/api/instances/${ticket.id}`);
    const instance = state.body.instance ?? state.body;
    expect(instance.activeActivities).toContain('close');
    expect(instance.variables.requesterReply).toBe('The printer is on floor 3');
    const events = (state.body.events ?? []) as { type: string; actor: string }[];
    expect(
      events.some((e) => e.type === 'conversation.requester' && e.actor === 'requester:ana@example.org'),
    ).toBe(true);
    expect(events.some((e) => e.type === 'message.received' && e.actor === 'requester:ana@example.org')).toBe(
      true,
    );
    expect(events.filter((e) => e.type === 'conversation.requester')).toHaveLength(1); // not the forged one

    const after = await (await world.fetch(link)).text();
    expect(after).toContain('The printer is on floor 3');
    const file = /href="(\/r\/[^"]+\/files\/[0-9a-f-]{36})"/.exec(after)?.[1];
    expect(file).toBeDefined();
    const download = await world.fetch(file!);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  test('given a tracking link, when it is used for the survey or another token is tried, then it is refused', async () => {
    const { link } = await trackingLink();
    const token = link.slice(3);

    expect((await world.fetch(`/s/${token}`)).status).toBe(404);
    expect((await world.fetch(`/r/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await world.fetch('/r/not-a-token')).status).toBe(404);
    expect((await world.fetch(`${link}/files/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  });

  test('given a supervisor, when the links are revoked, then old links stop working and a fresh one from /track works', async () => {
    const { ticket, link } = await trackingLink('rev@example.org');
    const sofia = await webLogin(world.app, 'sofia');
    const instancePage = await sofia.get(`/supervisor/instances/${ticket.id}`);
    expect(instancePage.text).toContain('id="rq-revoke"');

    const revoked = await sofia.post(`/requester-staff/${ticket.id}/revoke`, {
      back: `/supervisor/instances/${ticket.id}`,
    });
    expect(revoked.status).toBe(303);
    expect(revoked.location).toBe(`/supervisor/instances/${ticket.id}?requester=revoked#requester`);

    const gone = await world.fetch(link);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('data-reason="requester.linkError.revoked"');
    const events = (await world.app.call('supervisor', 'GET', `/api/instances/${ticket.id}`)).body.events as {
      type: string;
    }[];
    expect(events.map((e) => e.type)).toContain('requester.links-revoked');

    world.clock.advance(1000); // the clock is manual: a link minted later is later than the revocation
    const before = world.sink.received.length;
    const lookupPage = await world.fetch('/track');
    const cookie = lookupPage.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const csrf = formTokens(await lookupPage.text()).csrf;
    const asked = await world.fetch('/track', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ticketNumber: ticket.businessKey, email: 'REV@example.org' }),
    });
    expect(asked.status).toBe(200);
    const fresh = world.linkIn(await world.mail('rev@example.org', ticket.businessKey, before), 'r');
    expect(fresh).not.toBe(link);
    expect((await world.fetch(fresh)).status).toBe(200);
  });

  test('given a tracking link, when its lifetime (30 days) has passed, then it is refused as expired', async () => {
    const { link } = await trackingLink('late@example.org');
    expect((await world.fetch(link)).status).toBe(200);
    world.clock.advance(31 * 86_400_000);
    const late = await world.fetch(link);
    expect(late.status).toBe(410);
    expect(await late.text()).toContain('data-reason="requester.linkError.expired"');
  });

  test('given the requester-only delivery entry point, when a staff actor or a role-holding requester uses it, then it is refused', async () => {
    const { ticket } = await trackingLink('entry@example.org');
    const { messages } = world.app.app.services;
    const input = { name: 'requester-reply', variables: {} };
    await expect(messages.deliverForRequester(ticket.id, input, AGENT)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(
      messages.deliverForRequester(ticket.id, input, {
        id: 'requester:x@example.org',
        roles: ['agent'],
        groups: [],
      }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

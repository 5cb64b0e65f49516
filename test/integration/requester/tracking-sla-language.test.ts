import { randomUUID } from 'node:crypto';
import { requesterActor } from '../../../src/domain/conversation.js';
import { formTokens, startRequesterWorld, type RequesterWorld } from './requester-world.js';

/**
 * The tracking page with the fixture's SLA policy (test/fixtures/requester/config: `resolution`,
 * 4 hours on a 24/7 calendar, paused while the ticket waits for the requester), and links and pages
 * in the requester's language (the ticket's `requesterLanguage`, else the directory's, else the
 * procedure's: en).
 */
const SUPERVISOR = { id: 'sofia', roles: ['supervisor' as const], groups: [] };
let world: RequesterWorld;

describe("the tracking page's SLA and the requester's language", () => {
  beforeAll(async () => {
    world = await startRequesterWorld({
      configDir: 'config',
      now: new Date('2030-05-14T08:00:00Z'),
      env: { HELPDESK_TIME_ZONE: 'UTC' },
    });
  }, 60_000);
  afterAll(() => world?.close());

  const langOf = (html: string) => /<html lang="(\w+)"/.exec(html)?.[1];
  const expected = (html: string) =>
    [...html.matchAll(/<dt>([^<]*)<\/dt><dd class="rq-expected">([^<]*)<\/dd>/g)].map((m) => [m[1], m[2]]);

  /** Opens a ticket (as agent luis, or on the portal with the page language `portal`) and reads its first mail's link. */
  async function openWithLink(email: string, portal?: string) {
    const before = world.sink.received.length;
    const ticket = portal
      ? await world.app.app.services.instances.startFromPortal(
          'requester-track',
          { requesterName: 'Pia', requesterEmail: email, description: 'label printer jams' },
          requesterActor(email),
          { idempotencyKey: randomUUID(), requesterLanguage: portal },
        )
      : await world.open(email);
    const mail = await world.mail(email, ticket.businessKey, before);
    const url = /http:\/\/requester\.test(\/r\/[A-Za-z0-9_-]{43}(?:\?lang=\w+)?)/.exec(mail.body)?.[1];
    if (!url) throw new Error(`no tracking link in:\n${mail.body}`);
    return { ticket, url, link: world.linkIn(mail, 'r') };
  }

  test('given a ticket under a 4-hour resolution clock, when the requester follows it, then the expected date is shown, hidden while the clock waits for them, and moved by the wait after their addition', async () => {
    const { ticket, link } = await openWithLink('sla@example.org');

    const opened = await (await world.fetch(link)).text();
    expect(expected(opened)).toEqual([['Resolution', 'expected by 14 May 2030, 12:00']]);

    const taskId = (await world.app.call('supervisor', 'GET', `/api/instances/${ticket.id}`)).body.instance
      .openTaskIds[0];
    expect((await world.app.call('agentL1', 'POST', `/api/tasks/${taskId}/complete`, {})).status).toBe(200);
    world.clock.advance(60 * 60_000); // an hour waiting for the requester: the clock is paused
    const waiting = await (await world.fetch(link)).text();
    expect(waiting).toContain('id="rq-waiting"');
    expect(expected(waiting)).toEqual([]);

    const form = new FormData();
    form.append('_csrf', formTokens(waiting).csrf);
    form.append('body', 'The printer is on floor 3');
    const posted = await world.fetch(link, { method: 'POST', body: form });
    expect(posted.headers.get('location')).toBe(`${link}?added=1&resumed=1`);

    const resumed = await (await world.fetch(link)).text();
    expect(expected(resumed)).toEqual([['Resolution', 'expected by 14 May 2030, 13:00']]);
  });

  test('given a requester the directory knows in Italian, when the acknowledgement is mailed, then its link opens the page in Italian', async () => {
    await world.app.app.services.requesters.create(
      {
        name: 'Giulia Rossi',
        emails: ['giulia@example.org'],
        phones: [],
        identifiers: [],
        institutional: false,
        language: 'it',
      },
      SUPERVISOR,
    );
    const { url, link } = await openWithLink('giulia@example.org');

    expect(url).toBe(`${link}?lang=it`);
    expect(langOf(await (await world.fetch(url)).text())).toBe('it');
    // Without the query, the page still speaks the requester's language.
    expect(langOf(await (await world.fetch(link)).text())).toBe('it');
  });

  test('given a ticket opened on the Spanish portal page (requesterLanguage), when its links are followed, then the pages are in Spanish, and a requester nobody knows gets the procedure language', async () => {
    const picked = await openWithLink('pick@example.org', 'es');
    expect(picked.url).toBe(`${picked.link}?lang=es`);
    expect(langOf(await (await world.fetch(picked.link)).text())).toBe('es');
    // An explicit choice on the page wins.
    expect(langOf(await (await world.fetch(`${picked.link}?lang=it`)).text())).toBe('it');

    const unknown = await openWithLink('nobody@example.org');
    expect(unknown.url).toBe(`${unknown.link}?lang=en`);
    const italianBrowser = { headers: { 'accept-language': 'it-IT,it;q=0.9' } };
    expect(langOf(await (await world.fetch(unknown.link, italianBrowser)).text())).toBe('en');
  });
});

import { formTokens, startRequesterWorld, type RequesterWorld } from './requester-world.js';

let world: RequesterWorld;

describe('the /track lookup', () => {
  beforeAll(async () => {
    world = await startRequesterWorld();
  }, 60_000);
  afterAll(() => world?.close());

  /** Posts the lookup form like a browser (cookie + hidden token), from a fresh GET. */
  async function lookup(ticketNumber: string, email: string, extra: Record<string, string> = {}) {
    const page = await world.fetch('/track');
    const cookie = page.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const { csrf } = formTokens(await page.text());
    const answer = await world.fetch('/track', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ticketNumber, email, ...extra }),
    });
    const html = await answer.text();
    return {
      status: answer.status,
      html: html.replace(/name="_csrf" value="[^"]*"/g, ''),
      retryAfter: answer.headers.get('retry-after'),
    };
  }

  test('given the lookup form, when ticket and email match or not, then the answer is the same and only a match sends a link', async () => {
    const ticket = await world.open('look@example.org');
    await world.mail('look@example.org', ticket.businessKey); // the acknowledgement
    const before = world.sink.received.length;

    const match = await lookup(ticket.businessKey.toLowerCase(), 'Look@Example.org');
    const wrongEmail = await lookup(ticket.businessKey, 'someone@example.org');
    const unknownTicket = await lookup('RQ-1999-999999', 'look@example.org');

    expect(match.status).toBe(200);
    expect(wrongEmail).toEqual(match);
    expect(unknownTicket).toEqual(match);
    const mail = await world.mail('look@example.org', 'Tracking link', before);
    expect((await world.fetch(world.linkIn(mail, 'r'))).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(world.sink.received.slice(before)).toHaveLength(1);
  });

  test('given the lookup form, when it is posted without its CSRF token or with the honeypot filled, then nothing is sent', async () => {
    const ticket = await world.open('pot@example.org');
    await world.mail('pot@example.org', ticket.businessKey);
    const before = world.sink.received.length;
    const forged = await world.fetch('/track', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ticketNumber: ticket.businessKey, email: 'pot@example.org' }),
    });
    expect(forged.status).toBe(403);
    const bot = await lookup(ticket.businessKey, 'pot@example.org', { website: 'http://spam.example' });
    expect(bot.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(world.sink.received.slice(before)).toHaveLength(0);
  });

  test('given many lookups, when an email or an address passes its limit, then the answer is 429 with Retry-After', async () => {
    for (let i = 0; i < 5; i++)
      expect((await lookup('RQ-1999-000001', 'flood@example.org')).status).toBe(200);
    const perEmail = await lookup('RQ-1999-000001', 'flood@example.org');
    expect(perEmail.status).toBe(429);
    expect(Number(perEmail.retryAfter)).toBeGreaterThan(0);

    // Per address (10 per window, the earlier lookups of this file included): other emails are refused too.
    let last = 200;
    for (let i = 0; i < 12 && last !== 429; i++)
      last = (await lookup('RQ-1999-000001', `n${i}@example.org`)).status;
    expect(last).toBe(429);
  });

  test('given many unknown tokens from one address, when the limit is passed, then link pages answer 429', async () => {
    let status = 404;
    for (let i = 0; i < 40 && status !== 429; i++)
      status = (await world.fetch(`/r/${String(i).padStart(43, 'x')}`)).status;
    expect(status).toBe(429);
  });
});

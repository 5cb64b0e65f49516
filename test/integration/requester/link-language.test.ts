import { startRequesterWorld, type RequesterWorld } from './requester-world.js';

/** The requester fixture's procedure is in English (`language` = en). */
let world: RequesterWorld;

describe("requester links in the procedure's language", () => {
  beforeAll(async () => {
    world = await startRequesterWorld();
  }, 60_000);
  afterAll(() => world?.close());

  const italian = { headers: { 'accept-language': 'it-IT,it;q=0.9' } };
  const langOf = (html: string) => /<html lang="(\w+)"/.exec(html)?.[1];

  test("given an expired tracking link, when an Italian browser opens it, then the refusal is in the procedure's language", async () => {
    const before = world.sink.received.length;
    const ticket = await world.open('lang@example.org');
    const link = world.linkIn(await world.mail('lang@example.org', ticket.businessKey, before), 'r');
    world.clock.advance(31 * 86_400_000);

    const late = await world.fetch(link, italian);

    expect(late.status).toBe(410);
    const html = await late.text();
    expect(html).toContain('data-reason="requester.linkError.expired"');
    expect(langOf(html)).toBe('en');
  });

  test("given an unknown link, when an Italian browser opens it, then the refusal is in the visitor's language", async () => {
    const unknown = await world.fetch(`/r/${'B'.repeat(43)}`, italian);

    expect(unknown.status).toBe(404);
    expect(langOf(await unknown.text())).toBe('it');
  });

  test('given the login page and the portal, then requesters find the portal and the tracking lookup in their language', async () => {
    const login = await world.fetch('/login', italian);
    const loginHtml = await login.text();
    expect(loginHtml).toContain('href="/portal?lang=it"');
    expect(loginHtml).toContain('href="/track?lang=it"');
    expect(loginHtml).toContain('Seguire la mia richiesta');

    const portal = await world.fetch('/portal?lang=es');
    expect(portal.status).toBe(200);
    const portalHtml = await portal.text();
    expect(portalHtml).toContain('id="portal-track"');
    expect(portalHtml).toContain('href="/track?lang=es"');
    expect((await world.fetch('/track?lang=es')).status).toBe(200);
  });
});

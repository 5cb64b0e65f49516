import { webLogin } from '../../support/web-client.js';
import { startRequesterWorld, type RequesterWorld } from './requester-world.js';

const SUPERVISOR = { id: 'sofia', roles: ['supervisor' as const], groups: [] };
let world: RequesterWorld;

describe("the requester's satisfaction survey", () => {
  beforeAll(async () => {
    world = await startRequesterWorld();
  }, 60_000);
  afterAll(() => world?.close());

  async function view(instanceId: string) {
    return (await world.app.call('supervisor', 'GET', `/api/instances/${instanceId}`)).body;
  }

  /** Runs the fixture to its survey: review, the requester's reply, close. */
  async function toSurvey(email: string) {
    const ticket = await world.open(email);
    for (const step of ['review', 'reply', 'close']) {
      if (step === 'reply') {
        await world.app.app.services.messages.deliver(
          ticket.id,
          { name: 'requester-reply', variables: {} },
          SUPERVISOR,
        );
        continue;
      }
      const taskId = (await view(ticket.id)).instance.openTaskIds[0];
      expect((await world.app.call('agentL1', 'POST', `/api/tasks/${taskId}/complete`, {})).status).toBe(200);
    }
    return ticket;
  }

  async function answer(link: string, fields: Record<string, string>) {
    const page = await world.fetch(link);
    const html = await page.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? fields._csrf ?? '';
    return world.fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, ...fields }),
    });
  }

  test('given the survey email, when the requester answers once, then the answer is audited and the link is used up', async () => {
    const before = world.sink.received.length;
    const ticket = await toSurvey('sur@example.org');
    const mail = await world.mail('sur@example.org', 'Satisfaction survey', before);
    const link = world.linkIn(mail, 's');
    const trackingLink = world.linkIn(mail, 'r');

    expect((await world.fetch(`/r/${link.slice(3)}`)).status).toBe(404); // a survey link is not a tracking link
    const form = await world.fetch(link);
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('name="rating"');

    const forged = await world.fetch(link, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ rating: '1' }),
    });
    expect(forged.status).toBe(403);
    const bad = await answer(link, { rating: '7', comment: 'x' });
    expect(bad.status).toBe(422);
    const tooLong = await answer(link, { rating: '4', comment: 'y'.repeat(2001) });
    expect(tooLong.status).toBe(422);

    const ok = await answer(link, { rating: '4', comment: 'Quick and kind' });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('id="rq-thanks"');
    const events = (await view(ticket.id)).events as {
      type: string;
      actor: string;
      data: Record<string, unknown>;
    }[];
    const answered = events.filter((e) => e.type === 'survey.answered');
    expect(answered).toHaveLength(1);
    expect(answered[0]!.data).toEqual({ rating: 4, comment: 'Quick and kind', via: 'link' });
    expect(answered[0]!.actor).toBe('requester:sur@example.org');
    // The head of that step carries it for the reports (docs/adr/0025).
    expect((await view(ticket.id)).instance.variables.satisfaction).toMatchObject({ rating: 4, via: 'link' });

    const again = await world.fetch(link);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('data-reason="requester.linkError.used"');
    // The tracking page of the same email still works and shows the answer in the history.
    expect(await (await world.fetch(trackingLink)).text()).toContain('rq-survey');
    // A paper ballot for an answered ticket is refused: one answer per ticket.
    const luis = await webLogin(world.app, 'luis');
    const paper = await luis.post(`/requester-staff/${ticket.id}/paper-ballot`, {
      rating: '2',
      back: '/inbox',
    });
    expect(paper.location).toContain('requester=ballot-answered');
    expect(
      ((await view(ticket.id)).events as { type: string }[]).filter((e) => e.type === 'survey.answered'),
    ).toHaveLength(1);
  });

  test('given a requester without email, when the survey step runs, then the pages flag it and an agent records a paper ballot', async () => {
    const ticket = await toSurvey('');
    const messages = (await view(ticket.id)).messages as { template: string }[];
    expect(messages.map((m) => m.template)).toContain('satisfaction-survey');

    const sofia = await webLogin(world.app, 'sofia');
    const page = await sofia.get(`/supervisor/instances/${ticket.id}`);
    expect(page.text).toContain('id="rq-no-email"');

    const luis = await webLogin(world.app, 'luis');
    const taskId = (await view(ticket.id)).instance.openTaskIds[0];
    const taskPage = await luis.get(`/tasks/${encodeURIComponent(taskId)}`);
    expect(taskPage.text).toContain('id="rq-no-email"');
    const invalid = await luis.post(`/requester-staff/${ticket.id}/paper-ballot`, {
      rating: '',
      back: '/inbox',
    });
    expect(invalid.location).toContain('requester=ballot-required');
    const recorded = await luis.post(`/requester-staff/${ticket.id}/paper-ballot`, {
      rating: '5',
      comment: 'boleta',
      back: `/tasks/${encodeURIComponent(taskId)}`,
    });
    expect(recorded.status).toBe(303);
    expect(recorded.location).toBe(`/tasks/${encodeURIComponent(taskId)}?requester=ballot#requester`);
    const after = await sofia.get(`/supervisor/instances/${ticket.id}`);
    expect(after.text).toContain('data-rating="5"');
    expect(after.text).not.toContain('id="rq-no-email"');
    const events = (await view(ticket.id)).events as {
      type: string;
      actor: string;
      data: Record<string, unknown>;
    }[];
    expect(events.find((e) => e.type === 'survey.answered')).toMatchObject({
      actor: 'luis',
      data: { via: 'paper', rating: 5 },
    });
  });

  test('given an agent who may not see the ticket, when they post a paper ballot, then it is refused', async () => {
    const ticket = await world.open('other@example.org');
    const marta = await webLogin(world.app, 'marta');
    const refused = await marta.post(`/requester-staff/${ticket.id}/paper-ballot`, { rating: '3' });
    expect(refused.status).toBe(403);
    const revoke = await marta.post(`/requester-staff/${ticket.id}/revoke`, {});
    expect(revoke.status).toBe(403);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, USERS, type TestApp } from '../../support/harness.js';
import { Scenario } from '../../support/scenario.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin, type WebClient } from '../../support/web-client.js';

const PROCEDURE = 'review-request';
const stored = readFileSync(path.join(FIXTURES, 'processes', `${PROCEDURE}.bpmn`), 'utf8');
const intake = {
  requesterName: 'Ana Pérez',
  requesterEmail: 'ana@example.org',
  phone: '555 123 4567',
  channel: 'phone',
};
const ANALYST = { id: 'ana', roles: ['analyst' as const], groups: [] };

/** The `<tr data-business-key=…>` keys of the instance list, in page order. */
const listed = (html: string) => [...html.matchAll(/data-business-key="([^"]+)"/g)].map((m) => m[1]);
/** The audit rows `[type, actor]` of an instance page. */
const auditRows = (html: string) =>
  [...html.matchAll(/data-event-type="([^"]+)">[\s\S]*?<td class="sv-actor">([^<]*)<\/td>/g)].map((m) => [
    m[1],
    m[2],
  ]);
/** The page with the attribute escapes Handlebars writes (`&#x3D;`, `&amp;`) undone. */
const decoded = (html: string) => html.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);

describe('supervisor pages: instance list, instance page, diagram XML, access', () => {
  let app: TestApp;
  let sofia: WebClient;
  let luis: WebClient;
  let waiting: Scenario; // in «Review»
  let handled: Scenario; // passed to L2 («Handle at L2»)
  let overdue: Scenario; // sla-escalation with a 1 s timer nobody fires (scheduler polls once a minute)

  beforeAll(async () => {
    app = await startWebApp({ timerPollMs: 60_000 });
    [sofia, luis] = await Promise.all([
      webLogin(app, USERS.supervisor.user),
      webLogin(app, USERS.agentL1.user),
    ]);
    waiting = await Scenario.start(app, PROCEDURE, 'agentL1', intake);
    handled = await Scenario.start(app, PROCEDURE, 'agentL1', { ...intake, requesterName: 'Bruno' });
    await handled.complete('review', 'agentL1', { solved: false, priority: 'blocking' });
    overdue = await Scenario.start(app, 'sla-escalation', 'agentL1', {});
    await new Promise((resolve) => setTimeout(resolve, 1_100));
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
  });

  test('given three tickets, when the supervisor opens the list, then all show newest first with their current step', async () => {
    const page = await sofia.get('/supervisor/instances');

    expect(page.status).toBe(200);
    expect(listed(page.text)).toEqual([overdue.businessKey, handled.businessKey, waiting.businessKey]);
    const row =
      new RegExp(`data-business-key="${handled.businessKey}"[\\s\\S]*?</tr>`).exec(page.text)?.[0] ?? '';
    expect(row).toContain('Handle at L2');
    expect(row).toContain('Review request');
    expect(row).toContain('luis');
  });

  test.each([
    ['status=completed', () => []],
    ['status=running&procedure=review-request', () => [handled.businessKey, waiting.businessKey]],
    ['procedure=sla-escalation', () => [overdue.businessKey]],
    ['overdue=1', () => [overdue.businessKey]],
    ['overdue=1&status=running', () => [overdue.businessKey]],
    ['overdue=1&status=cancelled', () => []],
    ['ticket=', () => [overdue.businessKey, handled.businessKey, waiting.businessKey]],
    [`from=${day(-1)}&to=${day(1)}`, () => [overdue.businessKey, handled.businessKey, waiting.businessKey]],
    [`from=${day(2)}`, () => []],
    [`to=${day(-2)}`, () => []],
  ])('given the filter %s, then the list shows exactly the matching tickets', async (query, expected) => {
    const page = await sofia.get(`/supervisor/instances?${query}`);

    expect(page.status).toBe(200);
    expect(listed(page.text)).toEqual(expected());
  });

  test('given part of a ticket number in another case, then only that ticket is listed', async () => {
    const part = handled.businessKey.slice(-6).toLowerCase();
    const page = await sofia.get(
      `/supervisor/instances?ticket=${encodeURIComponent(`rev-${new Date().getUTCFullYear()}-${part}`)}`,
    );

    expect(listed(page.text)).toEqual([handled.businessKey]);
  });

  test('given regex characters in the ticket filter, then they match literally (nothing), not as a pattern', async () => {
    const page = await sofia.get('/supervisor/instances?ticket=.*');

    expect(page.status).toBe(200);
    expect(listed(page.text)).toEqual([]);
  });

  test('given bad filters, then the form comes back with the fields marked and the values kept', async () => {
    const page = await sofia.get(
      '/supervisor/instances?status=lost&from=2030-02-30&to=2030-03-01&ticket=REV',
    );

    expect(page.status).toBe(422);
    expect(page.text).toContain('id="e-status"');
    expect(page.text).toContain('id="e-from"');
    expect(page.text).toContain('value="2030-02-30"');
    expect(page.text).toContain('value="REV"');
    expect(listed(page.text)).toEqual([]);
  });

  test('given page 2 of a short list, then it is empty and links back to page 1 with the filters', async () => {
    const page = await sofia.get('/supervisor/instances?procedure=review-request&page=2');

    expect(page.status).toBe(200);
    expect(listed(page.text)).toEqual([]);
    expect(decoded(page.text)).toContain('href="/supervisor/instances?procedure=review-request&page=1"');
    expect(page.text).not.toContain('rel="next"');
  });

  test('given a ticket, when the supervisor opens it, then version, variables, tasks, messages and the audit trail show', async () => {
    const page = await sofia.get(`/supervisor/instances/${handled.instanceId}`);

    expect(page.status).toBe(200);
    expect(page.text).toContain(`data-definition-id="${PROCEDURE}@1"`);
    expect(page.text).toMatch(/data-variable="requesterName"[\s\S]*?Bruno/);
    expect(page.text).toMatch(/data-variable="priority"[\s\S]*?blocking/);
    expect(page.text).toMatch(/data-activity-id="review"[\s\S]*?sv-status-completed/);
    expect(page.text).toMatch(/data-activity-id="handle"[\s\S]*?sv-status-open/);
    expect(page.text).toContain('data-message="ticket-acknowledgement"');
    expect(auditRows(page.text)).toEqual([
      ['instance.started', 'luis'],
      ['task.completed', 'luis'],
    ]);
    const markers = JSON.parse(/id="sv-diagram-markers">([^<]*)<\/script>/.exec(page.text)![1]!);
    expect(markers.active).toEqual(['handle']);
    expect(markers.completed).toEqual(
      expect.arrayContaining(['start', 'acknowledge', 'review', 'gw-approved']),
    );
    expect(page.text).toContain('/assets/bpmn-js/bpmn-navigated-viewer.production.min.js');
    expect(page.text).toContain('/assets/js/supervisor-diagram.js');
  });

  test('given a ticket with a pending timer, then the timer and its due time are listed and it is marked overdue', async () => {
    const page = await sofia.get(`/supervisor/instances/${overdue.instanceId}`);

    expect(page.text).toMatch(
      /data-timer="warn" class="sv-overdue"[\s\S]*?SLA warning[\s\S]*?Specialised desk work/,
    );
    expect(page.text).toContain('data-timer="breach"');
  });

  test('given a newer version deployed, then the diagram XML is still the version the ticket runs on', async () => {
    const renamed = stored.replace('name="Handle at L2"', 'name="Handle at second level"');
    const { version } = await app.app.services.definitions.deploy(PROCEDURE, renamed, ANALYST);
    expect(version.version).toBe(2);
    const newer = await Scenario.start(app, PROCEDURE, 'agentL1', intake);

    const old = await fetch(`${app.app.url}/supervisor/instances/${waiting.instanceId}/diagram.bpmn`, {
      headers: { cookie: sofia.cookieHeader() },
    });
    const current = await sofia.get(`/supervisor/instances/${newer.instanceId}/diagram.bpmn`);

    expect(old.status).toBe(200);
    expect(old.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(await old.text()).toBe(stored);
    expect(current.text).toBe(renamed);
    expect((await sofia.get(`/supervisor/instances/${newer.instanceId}`)).text).toContain(
      `data-definition-id="${PROCEDURE}@2"`,
    );
  });

  test('given no reason, when cancelling, then the page says the reason is required and nothing changes', async () => {
    const answer = await sofia.post(`/supervisor/instances/${waiting.instanceId}/cancel`, { reason: '   ' });

    expect(answer.status).toBe(422);
    expect(answer.text).toContain('id="e-reason"');
    expect((await waiting.view()).instance.status).toBe('running');
  });

  test('given a reason, when cancelling, then the ticket is cancelled and the audit trail names the supervisor', async () => {
    const answer = await sofia.post(`/supervisor/instances/${waiting.instanceId}/cancel`, {
      reason: 'Duplicado de otro ticket',
    });

    expect(answer.status).toBe(303);
    expect(answer.location).toBe(`/supervisor/instances/${waiting.instanceId}?cancelled=1`);
    const page = await sofia.get(answer.location!);
    expect(auditRows(page.text)).toEqual([
      ['instance.started', 'luis'],
      ['instance.cancelled', 'sofia'],
    ]);
    expect(page.text).toContain('Duplicado de otro ticket');
    expect(page.text).not.toContain('action="/supervisor/instances/' + waiting.instanceId + '/cancel"');
    const again = await sofia.post(`/supervisor/instances/${waiting.instanceId}/cancel`, { reason: 'again' });
    expect(again.status).toBe(409);
  });

  test('given an unknown instance, then its page and diagram are 404', async () => {
    expect((await sofia.get('/supervisor/instances/no-such-instance')).status).toBe(404);
    expect((await sofia.get('/supervisor/instances/no-such-instance/diagram.bpmn')).status).toBe(404);
  });

  test.each([
    '/supervisor/instances',
    '/supervisor/dashboard',
    '/supervisor/instances/ID',
    '/supervisor/instances/ID/diagram.bpmn',
  ])('given an agent, when opening %s, then it is 403', async (url) => {
    const page = await luis.get(url.replace('ID', handled.instanceId));

    expect(page.status).toBe(403);
    expect(page.text).not.toContain(handled.businessKey);
  });

  test('given an agent, when posting a cancel, then it is 403 and the ticket still runs', async () => {
    const answer = await luis.post(`/supervisor/instances/${handled.instanceId}/cancel`, { reason: 'mine' });

    expect(answer.status).toBe(403);
    expect((await handled.view()).instance.status).toBe('running');
  });

  test('given an admin, then the supervisor pages open', async () => {
    const root = await webLogin(app, USERS.admin.user);

    expect((await root.get('/supervisor/instances')).status).toBe(200);
    expect((await root.get(`/supervisor/instances/${handled.instanceId}`)).status).toBe(200);
  });
  test('given 26 tickets, then page 1 lists the newest 25 with a next link and page 2 the oldest one', async () => {
    for (let i = 0; i < 22; i++) await Scenario.start(app, PROCEDURE, 'agentL1', intake); // 4 already
    const first = await sofia.get('/supervisor/instances');
    const second = await sofia.get('/supervisor/instances?page=2');

    expect(listed(first.text)).toHaveLength(25);
    expect(decoded(first.text)).toContain('href="/supervisor/instances?page=2" rel="next"');
    expect(listed(second.text)).toEqual([waiting.businessKey]);
    expect(second.text).not.toContain('rel="next"');
  });
});

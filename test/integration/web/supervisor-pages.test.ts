import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, USERS, type TestApp } from '../../support/harness.js';
import { ManualClock } from '../../support/manual-clock.js';
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
  // sla-escalation with a 1 s timer nobody fires: the pages read a manual clock moved 2 s on, so
  // the timer is overdue there, while the backstop sweep (which fires timers overdue by 30 s on
  // the same clock) never reaches it, however slow the machine. Agenda runs on real time, though:
  // its scan would fire the 1 s job at its first poll, so it polls once an hour (as two-processes
  // does) and never comes round during the file.
  let overdue: Scenario;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    app = await startWebApp({ timerPollMs: 3_600_000, clock });
    [sofia, luis] = await Promise.all([
      webLogin(app, USERS.supervisor.user),
      webLogin(app, USERS.agentL1.user),
    ]);
    // The clock stands still unless moved: a few ms between tickets keeps "newest first" defined.
    waiting = await Scenario.start(app, PROCEDURE, 'agentL1', intake);
    clock.advance(10);
    handled = await Scenario.start(app, PROCEDURE, 'agentL1', { ...intake, requesterName: 'Bruno' });
    await handled.complete('review', 'agentL1', { solved: false, priority: 'blocking' });
    clock.advance(10);
    overdue = await Scenario.start(app, 'sla-escalation', 'agentL1', {});
    clock.advance(2_000);
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
    // Values as the forms name them: the option's label, the field's label beside the key.
    expect(page.text).toContain(
      '<tr data-variable="priority"><th scope="row">Priority <code>priority</code></th><td>Blocking</td></tr>',
    );
    expect(page.text).toContain(
      '<tr data-variable="channel"><th scope="row">Channel <code>channel</code></th><td>Phone</td></tr>',
    );
    expect(page.text).toMatch(/data-activity-id="review"[\s\S]*?sv-status-completed/);
    expect(page.text).toMatch(/data-activity-id="handle"[\s\S]*?sv-status-open[\s\S]*?<td>L2<\/td>/); // lane name
    expect(page.text).toContain('data-message="ticket-acknowledgement"');
    expect(auditRows(page.text)).toEqual([
      ['instance.started', 'luis'],
      ['task.completed', 'luis'],
    ]);
    // Readable events (sofia reads Italian): label, step, the values set; the JSON folded.
    const completed = /data-event-type="task.completed">[\s\S]*?<\/tr>/.exec(page.text)?.[0] ?? '';
    expect(completed).toContain(
      '<span class="audit-label">Attività completata</span>: <span class="audit-subject">Review</span>',
    );
    expect(completed).toContain(
      '<li data-change="priority"><span class="audit-field">Priority</span>: Blocking</li>',
    );
    expect(completed).toMatch(/<details class="audit-json"><summary>Dati grezzi \(JSON\)<\/summary><pre>\{/);
    expect(page.text).not.toContain('<code>task.completed</code>');
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

  test('given a ticket waiting in a task with boundary timers, then only the task is its step, and the list and the inbox show the same due instant, named', async () => {
    const list = await sofia.get('/supervisor/instances?procedure=sla-escalation');
    const inbox = await sofia.get('/inbox?procedure=sla-escalation');
    const instance = await sofia.get(`/supervisor/instances/${overdue.instanceId}`);
    const dashboard = await sofia.get('/supervisor/dashboard');

    const row =
      new RegExp(`data-business-key="${overdue.businessKey}"[\\s\\S]*?</tr>`).exec(list.text)?.[0] ?? '';
    const steps = (html: string) => [...html.matchAll(/class="sv-step">([^<]*)</g)].map((m) => m[1]);
    expect(steps(row)).toEqual(['Specialised desk work']);
    expect(steps(instance.text)).toEqual(['Specialised desk work']);
    expect(dashboard.text).toContain('data-key="sla-escalation:work"');
    expect(dashboard.text).not.toContain('data-key="sla-escalation:warn"');
    expect(dashboard.text).not.toContain('data-key="sla-escalation:breach"');
    // One rule for "due" (domain/due.ts): the same instant, and both say it is the task's timer.
    const inboxRow =
      new RegExp(`data-ticket="${overdue.businessKey}"[\\s\\S]*?</tr>`).exec(inbox.text)?.[0] ?? '';
    const listDue = /data-field="next-due">([^<]*)</.exec(row)?.[1]?.trim();
    const inboxDue = /data-field="due">\s*([^<]*?)\s*</.exec(inboxRow)?.[1];
    expect(listDue).toBeTruthy();
    expect(inboxDue).toBe(listDue);
    for (const html of [row, inboxRow]) {
      expect(html).toMatch(/data-due-kind="task-timer">Timer dell&#x27;attività: SLA warning</);
    }
  });

  test('given a newer version deployed, then the diagram XML is still the version the ticket runs on', async () => {
    const renamed = stored.replace('name="Handle at L2"', 'name="Handle at second level"');
    const { version } = await app.app.services.definitions.deploy(PROCEDURE, renamed, ANALYST);
    expect(version.version).toBe(2);
    clock.advance(10);
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
    for (let i = 0; i < 22; i++) {
      clock.advance(10);
      await Scenario.start(app, PROCEDURE, 'agentL1', intake); // 4 already
    }
    const first = await sofia.get('/supervisor/instances');
    const second = await sofia.get('/supervisor/instances?page=2');

    expect(listed(first.text)).toHaveLength(25);
    expect(decoded(first.text)).toContain('href="/supervisor/instances?page=2" rel="next"');
    expect(listed(second.text)).toEqual([waiting.businessKey]);
    expect(second.text).not.toContain('rel="next"');
  });
});

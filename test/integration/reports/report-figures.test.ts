import path from 'node:path';
import { periodOf } from '../../../src/domain/reports/period.js';
import { FIXTURES, startTestApp, USERS, type TestApp, type UserName } from '../../support/harness.js';
import { ManualClock } from '../../support/manual-clock.js';
import { seedWebAccounts } from '../../support/web-accounts.js';
import { webLogin, type WebClient } from '../../support/web-client.js';

const REPORTS = path.join(FIXTURES, 'reports');
const SUPERVISOR = { id: USERS.supervisor.user, roles: ['supervisor' as const], groups: [] };
const MIN = 60_000;
const DAY = '2030-03-12';

/**
 * The fixture (review-request, SLA `resolution` 2 h on a 24/7 calendar, zone UTC), on Tuesday
 * 2030-03-12 and the evening before:
 * - T1 opened 09:00, reviewed (solved) 09:30 by luis, closed 10:00: first response 30, resolved 60, met;
 * - T2 opened 09:10, reviewed (not solved) 10:10, handled at L2 12:10 by marta: 60, 180, breached, 2 groups;
 * - T3 opened 11:00, claimed and given back, reviewed 11:20, closed 11:40: 20, 40, met, reassigned once;
 * - T4 opened 13:00, still open at the end of the day;
 * - T5 opened Monday 23:00, reviewed 00:30, closed 00:50: 90, 110, met (closed in the period, not opened).
 */
describe('report figures on a fixture of tickets with known times', () => {
  let app: TestApp;
  let sofia: WebClient;
  const clock = new ManualClock(new Date('2030-03-11T23:00:00Z'));

  beforeAll(async () => {
    app = await startTestApp({
      clock,
      processesDir: path.join(REPORTS, 'processes'),
      configDir: path.join(REPORTS, 'config'),
      timerPollMs: 60_000,
      env: { HELPDESK_TIME_ZONE: 'UTC' },
    });
    const t5 = await open('2030-03-11T23:00:00Z');
    await complete(t5, 'review', '2030-03-12T00:30:00Z', 'agentL1', {
      solved: true,
      priority: 'non-blocking',
    });
    await complete(t5, 'close', '2030-03-12T00:50:00Z', 'agentL1', {});
    const t1 = await open('2030-03-12T09:00:00Z');
    const t2 = await open('2030-03-12T09:10:00Z');
    await complete(t1, 'review', '2030-03-12T09:30:00Z', 'agentL1', {
      solved: true,
      priority: 'non-blocking',
    });
    await complete(t1, 'close', '2030-03-12T10:00:00Z', 'agentL1', {});
    await complete(t2, 'review', '2030-03-12T10:10:00Z', 'agentL1b', { solved: false, priority: 'blocking' });
    const t3 = await open('2030-03-12T11:00:00Z');
    const review3 = await taskOf(t3, 'review');
    expect((await app.call('agentL1', 'POST', `/api/tasks/${review3}/claim`)).status).toBe(200);
    expect((await app.call('agentL1', 'POST', `/api/tasks/${review3}/unclaim`)).status).toBe(200);
    await complete(t3, 'review', '2030-03-12T11:20:00Z', 'agentL1b', {
      solved: true,
      priority: 'non-blocking',
    });
    await complete(t3, 'close', '2030-03-12T11:40:00Z', 'agentL1b', {});
    // A public reply on T2 by marta: its words are only in the conversation.
    clock.set('2030-03-12T11:50:00Z');
    const marta = { id: USERS.agentL2.user, roles: ['agent' as const], groups: USERS.agentL2.groups };
    await app.app.services.conversations.add(
      t2,
      { kind: 'reply', body: 'Hemos reiniciado el visor PACS' },
      marta,
    );
    await complete(t2, 'handle', '2030-03-12T12:10:00Z', 'agentL2', { solution: 'Replaced the cable' });
    await open('2030-03-12T13:00:00Z');
    clock.set('2030-03-12T18:00:00Z');
    await seedWebAccounts(app);
    sofia = await webLogin(app, USERS.supervisor.user);
  }, 60_000);

  afterAll(() => app?.stop());

  async function open(at: string): Promise<string> {
    clock.set(at);
    const body = {
      requesterName: 'Ada',
      requesterEmail: 'ada@example.org',
      phone: '+34 600 000 000',
      channel: 'phone',
    };
    const started = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', body);
    expect(started.status).toBe(201);
    return started.body.id as string;
  }

  async function taskOf(id: string, activityId: string): Promise<string> {
    const view = (await app.call('supervisor', 'GET', `/api/instances/${id}`)).body;
    return view.tasks.find((t: any) => t.activityId === activityId && t.status === 'open').id;
  }

  async function complete(id: string, activityId: string, at: string, user: UserName, data: object) {
    clock.set(at);
    const done = await app.call(user, 'POST', `/api/tasks/${await taskOf(id, activityId)}/complete`, data);
    expect(done.status).toBe(200);
  }

  test('given the five tickets, when the day is reported, then every figure matches the hand-computed one', async () => {
    const period = periodOf('day', DAY, 'UTC');
    const { total, targets } = await app.app.services.reports.report(SUPERVISOR, { period, groupBy: 'none' });
    expect(total).toMatchObject({ opened: 4, closed: 4, backlog: 1 });
    // First response 20, 30, 60, 90 min: median (nearest rank 2 of 4) 30, p90 (rank 4) 90.
    expect(total.firstResponse).toEqual({ count: 4, median: 30 * MIN, p90: 90 * MIN });
    // Resolution 40, 60, 110, 180 min.
    expect(total.resolution).toEqual({ count: 4, median: 60 * MIN, p90: 180 * MIN });
    expect(targets).toEqual(['resolution']);
    expect(total.sla[0]).toMatchObject({ target: 'resolution', met: 3, breached: 1, compliance: 0.75 });
    // T1 and T5: one group, never reassigned nor escalated; T2 went to L2, T3 was given back.
    expect(total.firstContact).toEqual({ count: 2, of: 4, rate: 0.5 });
    expect(total.reassigned).toEqual({ count: 1, of: 4, rate: 0.25 });
    expect(total.surveyed).toEqual({ count: 0, of: 4, rate: 0 });
  });

  test('given the day, when grouped by priority, agent and group, then each row counts its own tickets', async () => {
    const period = periodOf('day', DAY, 'UTC');
    const byPriority = await app.app.services.reports.report(SUPERVISOR, { period, groupBy: 'dim:priority' });
    const rows = Object.fromEntries(byPriority.rows.map((row) => [row.key, row]));
    expect(rows['non-blocking']).toMatchObject({ opened: 2, closed: 3 });
    expect(rows.blocking).toMatchObject({ opened: 1, closed: 1, sla: [{ met: 0, breached: 1 }] });
    expect(rows['']).toMatchObject({ opened: 1, closed: 0, backlog: 1 });
    const byAgent = await app.app.services.reports.report(SUPERVISOR, { period, groupBy: 'agent' });
    const agents = Object.fromEntries(byAgent.rows.map((row) => [row.key, row.closed]));
    // luis worked T5 and T1, and claimed T3 before giving it back; lucia T2 and T3; marta T2.
    expect(agents).toEqual({ luis: 3, lucia: 2, marta: 1, '': 0 });
    const byGroup = await app.app.services.reports.report(SUPERVISOR, { period, groupBy: 'group' });
    expect(Object.fromEntries(byGroup.rows.map((row) => [row.key, row.closed]))).toEqual({ l1: 4, l2: 1 });
  });

  test('given the day, when the tickets behind a figure are listed, then they are exactly those counted', async () => {
    const period = periodOf('day', DAY, 'UTC');
    const request = { period, groupBy: 'none' as const };
    const breached = await app.app.services.reports.tickets(
      SUPERVISOR,
      request,
      'breached:resolution',
      undefined,
      50,
    );
    expect(breached.map((t) => t.openedAt)).toEqual([Date.parse('2030-03-12T09:10:00Z')]);
    const backlog = await app.app.services.reports.tickets(SUPERVISOR, request, 'backlog', undefined, 50);
    expect(backlog.map((t) => t.status)).toEqual(['running']);
  });

  test('given the previous day, when reported, then only T5 counts as opened and nothing as closed', async () => {
    const period = periodOf('day', '2030-03-11', 'UTC');
    const { total } = await app.app.services.reports.report(SUPERVISOR, { period, groupBy: 'none' });
    expect(total).toMatchObject({ opened: 1, closed: 0, backlog: 1 });
  });

  test('given the day, when sofia opens the report page, then the table shows the figures and links each to its tickets', async () => {
    const page = await sofia.get(
      `/supervisor/reports?kind=day&day=${DAY}&groupBy=dim:priority&procedure=review-request`,
    );
    expect(page.status).toBe(200);
    const html = page.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    const total = /<tr class="rp-total" data-group="\*">([\s\S]*?)<\/tr>/.exec(html)![1]!;
    expect(total).toMatch(/data-figure="opened"><a href="[^"]*metric=opened">4<\/a>/);
    expect(total).toMatch(/data-figure="sla-resolution">75 %/);
    expect(total).toMatch(/data-figure="fcr"><a href="[^"]*">50 %<\/a>/);
    expect(html).toContain('id="rp-chart-closed"');
    expect(html).toContain('href="/supervisor/reports?kind=day&day=2030-03-11');
    const link = /data-figure="sla-resolution">75 % \(<a href="[^"]*" [^>]*>3<\/a> \/ <a href="([^"]+)"/.exec(
      total,
    )![1]!;
    const list = await sofia.get(link);
    expect(list.status).toBe(200);
    expect(list.text.match(/<tr data-id=/g)).toHaveLength(1);
    expect(list.text).toMatch(/REV-2030-\d+/);
  });

  test('given the day, when sofia exports the CSV, then it has her language, one line per group and the total', async () => {
    const csv = await sofia.get(`/supervisor/reports.csv?kind=day&day=${DAY}&groupBy=dim:priority`);
    expect(csv.status).toBe(200);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trimEnd()
      .split('\r\n');
    // sofia reads Italian; durations in minutes, rates in percent.
    expect(lines[0]).toMatch(/^Periodo,Gruppo,Aperti,Chiusi,Ancora aperti,/);
    expect(lines).toHaveLength(5);
    expect(lines[4]).toBe('2030-03-12,Totale,4,4,1,30,90,60,180,75,3,1,50,25,,0');
  });

  test('given a bad grouping, when the report is asked for, then the answer is 400 naming the parameter', async () => {
    const page = await sofia.get(`/supervisor/reports?kind=day&day=${DAY}&groupBy=dim:nope`);
    expect(page.status).toBe(400);
    expect(page.text).toContain('groupBy');
  });

  test('given the day, when sofia opens the heatmap, then each step lists its stays, median and tickets waiting now', async () => {
    const page = await sofia.get(`/supervisor/reports/heatmap?kind=day&day=${DAY}&procedure=review-request`);
    expect(page.status).toBe(200);
    // review: T1 30, T2 60, T3 20, T4 open (waiting now); T5 entered review the day before.
    expect(page.text).toMatch(
      /<tr data-activity="review" data-level="1"><th scope="row">Review<\/th><td>4<\/td><td>30 min<\/td><td>1 h 00 min<\/td><td>1<\/td>/,
    );
    expect(page.text).toMatch(
      /<tr data-activity="handle" data-level="4"><th scope="row">Handle at L2<\/th><td>1<\/td><td>2 h 00 min<\/td>/,
    );
  });

  test('given the day, when sofia searches by words, requester and state, then only the matching tickets are listed', async () => {
    const rows = async (query: string) => {
      const page = await sofia.get(`/supervisor/reports/search?kind=day&day=${DAY}&${query}`);
      expect(page.status).toBe(200);
      return [...page.text.matchAll(/<tr data-id="([^"]+)"><th scope="row"><a [^>]*>([^<]+)</g)].map(
        (m) => m[2],
      );
    };
    // T2's L2 solution is the only one mentioning the cable.
    const cable = await rows('words=CABLE');
    expect(cable).toHaveLength(1);
    expect(await rows('requester=ada%40example.org')).toHaveLength(5);
    expect(await rows('requester=ada%40example.org&status=running')).toHaveLength(1);
    expect(await rows(`ticket=${encodeURIComponent(cable[0]!)}`)).toEqual(cable);
    expect(await rows('words=nothing-like-this')).toEqual([]);
  });

  test('given a reply in the conversation, when sofia searches by its words, then only that ticket is listed', async () => {
    const page = await sofia.get(
      `/supervisor/reports/search?kind=day&day=${DAY}&words=${encodeURIComponent('Visor pacs')}`,
    );
    expect(page.status).toBe(200);
    const found = [...page.text.matchAll(/<tr data-id="([^"]+)">/g)].map((m) => m[1]);
    // T2 is the ticket opened at 09:10 (its solution mentions the cable, its reply the viewer).
    const cable = await sofia.get(`/supervisor/reports/search?kind=day&day=${DAY}&words=cable`);
    expect(found).toEqual([...cable.text.matchAll(/<tr data-id="([^"]+)">/g)].map((m) => m[1]));
    expect(found).toHaveLength(1);
    // Words of the reply and of the fields together still find it; a word of neither does not.
    const both = await sofia.get(`/supervisor/reports/search?kind=day&day=${DAY}&words=visor+cable`);
    expect([...both.text.matchAll(/<tr data-id="([^"]+)">/g)].map((m) => m[1])).toEqual(found);
    const none = await sofia.get(`/supervisor/reports/search?kind=day&day=${DAY}&words=visor+impresora`);
    expect(none.text).not.toMatch(/<tr data-id=/);
  });

  test('given the day, when grouped by procedure version, then the row names the version and counts its tickets', async () => {
    const period = periodOf('day', DAY, 'UTC');
    const { rows } = await app.app.services.reports.report(SUPERVISOR, { period, groupBy: 'version' });
    expect(rows.map((row) => [row.key, row.opened, row.closed])).toEqual([['review-request v1', 4, 4]]);
    const page = await sofia.get(`/supervisor/reports?kind=day&day=${DAY}&groupBy=version`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<option value="version" selected>');
    expect(page.text).toContain('data-group="review-request v1"');
  });

  test('given the grouped report, when sofia follows a bar of the chart, then it lists the tickets the bar counts', async () => {
    const page = await sofia.get(`/supervisor/reports?kind=day&day=${DAY}&groupBy=dim:priority`);
    const html = page.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    const chart = /<figure class="sv-chart" id="rp-chart-closed">([\s\S]*?)<\/figure>/.exec(html)![1]!;
    const bars = [
      ...chart.matchAll(
        /<a href="([^"]+)" class="rp-bar-link">\s*<g class="sv-bar" data-label="([^"]*)" data-count="(\d+)"/g,
      ),
    ];
    expect(bars.map((bar) => [bar[2], bar[3]])).toEqual([
      ['non-blocking', '3'],
      ['blocking', '1'],
      ['—', '0'],
    ]);
    const list = await sofia.get(bars[0]![1]!);
    expect(list.status).toBe(200);
    expect(list.text.match(/<tr data-id=/g)).toHaveLength(3);
    expect(list.text).toContain('data-metric="closed"');
    const compliance =
      /<figure class="sv-chart" id="rp-chart-compliance">[\s\S]*?<a href="([^"]+)" class="rp-bar-link">/.exec(
        html,
      )![1]!;
    expect(compliance).toContain('metric=met%3Aresolution');
    expect((await sofia.get(compliance)).text.match(/<tr data-id=/g)).toHaveLength(3);
  });

  test('given the day, when sofia opens the printable view, then it shows the scope, figures and charts without the form and the links to other pages', async () => {
    const page = await sofia.get(
      `/supervisor/reports?kind=day&day=${DAY}&groupBy=dim:priority&procedure=review-request&print=1`,
    );
    expect(page.status).toBe(200);
    const html = page.text.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');
    expect(html).toContain('class="supervisor rp-report rp-print"');
    expect(html).toMatch(/id="rp-print-scope">[^<]*Review request · [^<]*: [^<]+</);
    expect(html).not.toContain('class="rp-filters"');
    expect(html).not.toContain('id="rp-csv"');
    expect(html).toMatch(/<tr class="rp-total" data-group="\*">[\s\S]*?metric=opened">4<\/a>/);
    expect(html).toContain('id="rp-chart-closed"');
    expect(html).toMatch(/id="rp-period" data-key="2030-03-12"/);
  });
});

import path from 'node:path';
import { FIXTURES, USERS, type TestApp } from '../../support/harness.js';
import { Scenario } from '../../support/scenario.js';
import { ManualClock } from '../../support/manual-clock.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin, type WebClient } from '../../support/web-client.js';

const MINUTE = 60_000;
const SLA_APP = path.join(FIXTURES, 'sla-app');
/** Wednesday 2030-03-06, 13:00 in Rome; the week runs from Monday 2030-03-04. */
const NOW = '2030-03-06T12:00:00Z';

/** The text of `<li data-kpi="name">`. */
const kpi = (html: string, name: string) =>
  new RegExp(`data-kpi="${name}"[^>]*>([\\s\\S]*?)</li>`).exec(html)?.[1] ?? '';
const kpiValue = (html: string, name: string) =>
  /class="sv-kpi-value">([^<]*)</.exec(kpi(html, name))?.[1]?.trim();

describe('supervisor dashboard: figures for a known set of tickets (office-desk, 30-minute SLA)', () => {
  const clock = new ManualClock(new Date(0));
  let app: TestApp;
  let sofia: WebClient;
  let overdue: Scenario;

  /** Opens a ticket at `start` and, when `end` is given, works it to completion then. */
  async function ticket(start: string, end?: string): Promise<Scenario> {
    clock.set(start);
    const s = await Scenario.start(app, 'office-desk', 'agentL1', {});
    if (end) {
      clock.set(end);
      for (const step of ['register', 'wait-requester', 'resolve']) await s.complete(step, 'agentL1');
    }
    return s;
  }

  beforeAll(async () => {
    app = await startWebApp({
      clock,
      processesDir: path.join(SLA_APP, 'processes'),
      configDir: path.join(SLA_APP, 'config'),
      timerPollMs: 60_000,
    });
    await ticket('2030-02-26T09:00:00Z', '2030-02-26T09:15:00Z'); // last week: 15 min
    await ticket('2030-03-04T09:00:00Z', '2030-03-04T09:10:00Z'); // this week: 10 min
    await ticket('2030-03-05T09:00:00Z', '2030-03-05T09:20:00Z'); // this week: 20 min
    overdue = await ticket('2030-03-06T08:00:00Z'); // open, SLA due 08:30
    await ticket('2030-03-06T11:50:00Z'); // open, SLA due 12:20
    const cancelled = await ticket('2030-03-06T10:00:00Z');
    clock.set('2030-03-06T10:30:00Z');
    expect(
      (
        await app.call('supervisor', 'POST', `/api/instances/${cancelled.instanceId}/cancel`, {
          reason: 'dup',
        })
      ).status,
    ).toBe(200);
    clock.set(NOW);
    sofia = await webLogin(app, USERS.supervisor.user);
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  test('then open, overdue, opened and closed this week, and the median time to close are right', async () => {
    const page = await sofia.get('/supervisor/dashboard');

    expect(page.status).toBe(200);
    expect(kpiValue(page.text, 'open')).toBe('2');
    expect(kpiValue(page.text, 'overdue')).toBe('1');
    expect(kpiValue(page.text, 'opened-this-week')).toBe('5');
    expect(kpiValue(page.text, 'closed-this-week')).toBe('3'); // two completed, one cancelled
    expect(page.text).toContain(`data-kpi="median-time-to-close" data-ms="${15 * MINUTE}"`); // of 10, 15, 20 min
    expect(kpiValue(page.text, 'median-time-to-close')).toBe('15 min');
  });

  test('then tickets are tabled by procedure and state, and open ones by step', async () => {
    const page = await sofia.get('/supervisor/dashboard');
    const row = /<tr data-procedure-id="office-desk">([\s\S]*?)<\/tr>/.exec(page.text)?.[1] ?? '';
    const cells = Object.fromEntries(
      [...row.matchAll(/data-status="(\w+)">(\d+)</g)].map((m) => [m[1], Number(m[2])]),
    );

    expect(cells).toEqual({ running: 2, completed: 3, cancelled: 1, failed: 0, total: 6 });
    expect(page.text).toMatch(
      /<tr data-key="office-desk:register"><th scope="row">Register · Office desk<\/th><td>2<\/td>/,
    );
  });

  test('then the charts are inline SVG with a title and one labelled bar per row', async () => {
    const page = await sofia.get('/supervisor/dashboard');
    const chart =
      /<figure class="sv-chart" id="chart-open-by-procedure">([\s\S]*?)<\/figure>/.exec(page.text)?.[1] ?? '';

    expect(chart).toMatch(/<svg [^>]*role="img" aria-labelledby="chart-open-by-procedure-title"/);
    expect(chart).toMatch(/<title id="chart-open-by-procedure-title">[^<]+<\/title>/);
    expect(chart).toMatch(/<g class="sv-bar" data-label="Office desk" data-count="2">/);
    expect(chart).toContain('>Office desk</text>');
    expect(page.text).not.toMatch(/<script(?! type="application\/json")[^>]*>[^<]/); // no inline script
    expect(page.text).not.toContain('style=');
  });

  test('given the overdue filter, then the list shows the ticket whose SLA clock is past due', async () => {
    const page = await sofia.get('/supervisor/instances?overdue=1');

    expect([...page.text.matchAll(/data-business-key="([^"]+)"/g)].map((m) => m[1])).toEqual([
      overdue.businessKey,
    ]);
    expect(page.text).toMatch(/class="sv-overdue"/);
  });

  test('given the SLA clock on the instance page, then target, state and due time are shown', async () => {
    const page = await sofia.get(`/supervisor/instances/${overdue.instanceId}`);

    expect(page.text).toMatch(
      /<tr data-sla="resolution" class="sv-overdue">[\s\S]*?Resolution[\s\S]*?30 min/,
    );
  });
});

import path from 'node:path';
import { connectDatabase, type Database } from '../../../src/adapters/db/connect.js';
import {
  backfillReportsOnStart,
  reportRebuildOn,
} from '../../../src/adapters/persistence/mongo-report-rebuild.js';
import { rebuildReports } from '../../../src/app/reports-rebuild.js';
import { periodOf } from '../../../src/domain/reports/period.js';
import { FIXTURES, startTestApp, USERS, type TestApp, type UserName } from '../../support/harness.js';
import { ManualClock } from '../../support/manual-clock.js';
import { seedWebAccounts } from '../../support/web-accounts.js';
import { webLogin } from '../../support/web-client.js';

const REPORTS = path.join(FIXTURES, 'reports');
const SUPERVISOR = { id: USERS.supervisor.user, roles: ['supervisor' as const], groups: [] };
const DAY = '2030-03-12';
const quiet = { info: () => undefined, error: () => undefined };

/**
 * Rebuilding the reporting read model from the step history (docs/adr/0035): the facts of tickets
 * that existed before the model (here: the model's collections dropped) are folded again, and a
 * second run changes nothing.
 */
describe('rebuild of the reporting read model', () => {
  let app: TestApp;
  let database: Database;
  const clock = new ManualClock(new Date('2030-03-12T09:00:00Z'));
  const dbName = `t_${Date.now().toString(36)}_rb`;

  beforeAll(async () => {
    app = await startTestApp({
      clock,
      dbName,
      processesDir: path.join(REPORTS, 'processes'),
      configDir: path.join(REPORTS, 'config'),
      timerPollMs: 60_000,
      env: { HELPDESK_TIME_ZONE: 'UTC' },
    });
    database = await connectDatabase(process.env.TEST_MONGODB_URI!, dbName);
    const t1 = await open('2030-03-12T09:00:00Z');
    const t2 = await open('2030-03-12T09:10:00Z');
    await complete(t1, 'review', '2030-03-12T09:30:00Z', 'agentL1', {
      solved: true,
      priority: 'non-blocking',
    });
    await complete(t1, 'close', '2030-03-12T10:00:00Z', 'agentL1', {});
    await complete(t2, 'review', '2030-03-12T10:10:00Z', 'agentL1b', { solved: false, priority: 'blocking' });
    await complete(t2, 'handle', '2030-03-12T12:10:00Z', 'agentL2', { solution: 'Replaced the cable' });
    await open('2030-03-12T13:00:00Z');
    clock.set('2030-03-12T18:00:00Z');
  }, 60_000);

  afterAll(async () => {
    await database?.close();
    await app?.stop();
  });

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

  async function complete(id: string, activityId: string, at: string, user: UserName, data: object) {
    clock.set(at);
    const view = (await app.call('supervisor', 'GET', `/api/instances/${id}`)).body;
    const task = view.tasks.find((t: any) => t.activityId === activityId && t.status === 'open').id;
    expect((await app.call(user, 'POST', `/api/tasks/${task}/complete`, data)).status).toBe(200);
  }

  const report = async () => {
    const period = periodOf('day', DAY, 'UTC');
    const reports = app.app.services.reports;
    return {
      total: (await reports.report(SUPERVISOR, { period, groupBy: 'none' })).total,
      byAgent: (await reports.report(SUPERVISOR, { period, groupBy: 'agent' })).rows,
      heatmap: await reports.heatmap(SUPERVISOR, period, 'review-request'),
    };
  };
  const dropModel = async () => {
    for (const name of ['report_facts', 'report_buckets'])
      await database.connection.db!.collection(name).deleteMany({});
  };
  const rows = async (name: string) => database.connection.db!.collection(name).countDocuments();

  test('given tickets without report facts, when rebuilt from their history, then the report is as it was, and a second run writes nothing', async () => {
    const before = await report();
    expect(before.total).toMatchObject({ opened: 3, closed: 2, backlog: 1 });
    await dropModel();
    expect((await report()).total).toMatchObject({ opened: 0, closed: 0 });

    const deps = await reportRebuildOn(database, 'UTC', 2);
    const first = await rebuildReports(deps);

    expect(first).toEqual({ seen: 3, written: 3, current: 0, skipped: 0 });
    expect(await report()).toEqual(before);
    const [facts, buckets] = [await rows('report_facts'), await rows('report_buckets')];
    const again = await rebuildReports(await reportRebuildOn(database, 'UTC'));
    expect(again).toEqual({ seen: 3, written: 0, current: 3, skipped: 0 });
    expect([await rows('report_facts'), await rows('report_buckets')]).toEqual([facts, buckets]);
    expect(await report()).toEqual(before);
  }, 60_000);

  test('given filters, when rebuilt for another procedure or a later opening date, then no ticket is looked at', async () => {
    const deps = await reportRebuildOn(database, 'UTC');
    expect(await rebuildReports(deps, { procedureId: 'complaints' })).toMatchObject({ seen: 0 });
    expect(await rebuildReports(deps, { since: new Date('2030-03-13T00:00:00Z') })).toMatchObject({
      seen: 0,
    });
    expect(await rebuildReports(deps, { since: new Date('2030-03-12T09:05:00Z') })).toMatchObject({
      seen: 2,
    });
  });

  test('given the current day and a past one, when the live backlog is asked for, then the current day shows the tickets open now and the past day none', async () => {
    const reports = app.app.services.reports;
    const today = periodOf('day', DAY, 'UTC');
    expect(await reports.openNow(SUPERVISOR, { period: today })).toBe(1);
    expect(await reports.openNow(SUPERVISOR, { period: today, procedureId: 'complaints' })).toBe(0);
    expect(
      await reports.openNow(SUPERVISOR, { period: periodOf('day', '2030-03-11', 'UTC') }),
    ).toBeUndefined();
  });

  test('given the current day, when sofia opens the report page and its XLSX export, then the page shows the live backlog and the workbook downloads', async () => {
    await seedWebAccounts(app);
    const sofia = await webLogin(app, USERS.supervisor.user);
    const page = await sofia.get(`/supervisor/reports?kind=day&day=${DAY}&procedure=review-request`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/id="rp-open-now"><strong>[^<]*1[^<]*<\/strong>/);
    expect(page.text).toContain('id="rp-xlsx"');
    const past = await sofia.get(`/supervisor/reports?kind=day&day=2030-03-11`);
    expect(past.text).not.toContain('id="rp-open-now"');
    const xlsx = await fetch(`${app.app.url}/supervisor/reports.xlsx?kind=day&day=${DAY}`, {
      headers: { cookie: sofia.cookieHeader() },
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(xlsx.headers.get('content-disposition')).toContain('report-all-2030-03-12.xlsx');
    expect(
      Buffer.from(await xlsx.arrayBuffer())
        .subarray(0, 2)
        .toString('latin1'),
    ).toBe('PK');
  }, 60_000);

  test('given a database with tickets and no report facts, when an app process starts, then it backfills once and later starts do not', async () => {
    await dropModel();
    const options = { timeZone: 'UTC', owner: 'test', now: () => clock.now(), logger: quiet };

    const done = await backfillReportsOnStart(database, options);

    expect(done).toEqual({ seen: 3, written: 3, current: 0, skipped: 0 });
    expect((await report()).total).toMatchObject({ opened: 3, closed: 2, backlog: 1 });
    await dropModel();
    expect(await backfillReportsOnStart(database, options)).toBeUndefined();
    const marker = await database.connection
      .db!.collection('migrations')
      .findOne({ _id: 'report-facts-backfill-v1' as never });
    expect(marker).toMatchObject({ state: 'done' });
  }, 60_000);
});

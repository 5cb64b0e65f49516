import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { FileCalendarRegistry } from '../../../src/adapters/calendar/file-calendar-registry.js';
import { connectDatabase, type Database } from '../../../src/adapters/db/connect.js';
import { MongoReportStore } from '../../../src/adapters/persistence/mongo-report-store.js';
import type { NotificationDispatcher } from '../../../src/app/notification-dispatcher.js';
import { ReportSchedules } from '../../../src/app/reports-schedule.js';
import type { ReportsService } from '../../../src/app/reports-service.js';
import type { ReportSchedule } from '../../../src/domain/reports/schedule.js';
import { ManualClock } from '../../support/manual-clock.js';
import { factsOnlyReports } from './facts-only-reports.js';
import { KeptMail, scheduleKit } from './schedule-kit.js';

/**
 * Scheduled reports following a business calendar (docs/adr/0035), on `chile-office`
 * (America/Santiago, Mon–Fri 08:30–17:30, Chilean public holidays). In September 2030 the
 * 18th (Wed), 19th (Thu) and the bridge day 20th (Fri) are holidays.
 */
describe('scheduled reports with a business calendar', () => {
  let database: Database;
  const clock = new ManualClock(new Date('2030-09-14T15:00:00Z'));
  const mail = new KeptMail();
  let schedules: ReportSchedules;
  let dispatcher: NotificationDispatcher;
  /** One job run, then the dispatcher delivers what it queued. */
  const runDue = async () => {
    const queued = await schedules.runDue();
    await dispatcher.runOnce();
    return queued;
  };
  const daily: ReportSchedule = {
    id: 'cl-daily',
    name: 'Daily review',
    period: 'day',
    timeZone: 'UTC',
    calendar: 'chile-office',
    groupBy: 'none',
    kind: 'figures',
    recipients: [{ email: 'quality@example.org', language: 'es' }],
  };

  beforeAll(async () => {
    database = await connectDatabase(process.env.TEST_MONGODB_URI!, `t_${randomUUID().slice(0, 8)}`);
    const calendars = await FileCalendarRegistry.load(path.resolve('config/calendars'));
    const facts = new MongoReportStore(database.connection);
    await facts.init();
    const reports = factsOnlyReports(facts, clock);
    const kit = scheduleKit(database.connection, clock, reports, mail, calendars);
    await kit.runs.init();
    schedules = kit.process([daily], 'test');
    dispatcher = kit.dispatcher;
  });
  afterAll(() => database?.close());

  const sentKeys = () =>
    mail.sent.map((m) => /cl-daily-(.+)\.csv/.exec(m.attachments?.[0]?.filename ?? '')?.[1]);

  test('given the calendar, when the job runs over a weekend and three holidays, then each open day is sent once, on the next open day, in the calendar zone', async () => {
    // Saturday: closed, nothing is sent.
    expect(await runDue()).toEqual([]);
    // Monday 02:00 UTC is still Sunday 23:00 in Santiago: closed, nothing sent (the zone is the calendar's).
    clock.set('2030-09-16T02:00:00Z');
    expect(await runDue()).toEqual([]);
    // Monday 01:00 in Santiago: Friday's review (the last open day), once.
    clock.set('2030-09-16T04:00:00Z');
    expect(await runDue()).toEqual(['cl-daily:2030-09-13']);
    clock.set('2030-09-16T20:00:00Z');
    expect(await runDue()).toEqual([]);
    // Tuesday: Monday's.
    clock.set('2030-09-17T12:00:00Z');
    expect(await runDue()).toEqual(['cl-daily:2030-09-16']);
    // Wednesday to Friday are holidays: nothing is sent.
    for (const day of ['2030-09-18', '2030-09-19', '2030-09-20']) {
      clock.set(`${day}T15:00:00Z`);
      expect(await runDue()).toEqual([]);
    }
    // Monday 23rd: Tuesday's review (the holidays themselves are never reported).
    clock.set('2030-09-23T12:00:00Z');
    expect(await runDue()).toEqual(['cl-daily:2030-09-17']);
    expect(sentKeys()).toEqual(['2030-09-13', '2030-09-16', '2030-09-17']);
    expect(mail.sent[0]!.to).toEqual(['quality@example.org']);
  });

  test('given a schedule naming an unknown calendar, when the schedules are built, then the error names the field', async () => {
    const calendars = await FileCalendarRegistry.load(path.resolve('config/calendars'));
    const build = () =>
      new ReportSchedules({
        schedules: [daily, { ...daily, id: 'other', calendar: 'atlantis' }],
        reports: {} as ReportsService,
        runs: {} as never,
        label: () => '',
        clock,
        calendars,
        owner: 'test',
      });
    expect(build).toThrow(/schedules\[1\]\.calendar: calendar <atlantis> not found/);
  });
});

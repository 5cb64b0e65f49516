import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { loadSchedules } from '../../../src/adapters/scheduler/report-job.js';
import { ChildApp } from '../../support/child-app.js';
import { FIXTURES } from '../../support/harness.js';
import { startSmtpSink, type SmtpSink, mailEnv } from '../../support/smtp-sink.js';
import { waitFor } from '../../support/wait.js';

const CONFIG = path.join(FIXTURES, 'reports', 'config');

describe('scheduled reports', () => {
  let sink: SmtpSink;
  let apps: ChildApp[] = [];

  afterEach(async () => {
    await Promise.all(apps.map((app) => app.stop()));
    apps = [];
    await sink?.stop();
  });

  test('given two app processes running the report job every second, then each schedule sends its last period once, in the recipient language, with the CSV attached', async () => {
    sink = await startSmtpSink();
    const dbName = `t_${randomUUID().slice(0, 8)}`;
    const env = {
      HELPDESK_CONFIG_DIR: CONFIG,
      HELPDESK_PROCESSES_DIR: path.join(FIXTURES, 'reports', 'processes'),
      ...mailEnv(sink, 'Help desk <desk@example.org>'),
      HELPDESK_REPORT_JOB_EVERY_MS: '1000',
      // The dispatcher looks at the outbox every 200 ms (10 s by default): more chances to send twice.
      HELPDESK_MAIL_POLL_MS: '200',
      HELPDESK_TIME_ZONE: 'Europe/Rome',
    };
    apps = await Promise.all([ChildApp.start(dbName, 200, { env }), ChildApp.start(dbName, 200, { env })]);
    const reports = () => sink.received.filter((mail) => /X-Helpdesk-Outbox-Id: report:/i.test(mail.raw));
    await waitFor(async () => (reports().length >= 2 ? true : undefined), 30_000);
    // Several more job runs on both processes: still one mail per schedule and period.
    await new Promise((resolve) => setTimeout(resolve, 4000));
    const mails = reports();
    expect(mails).toHaveLength(2);
    const daily = mails.find((mail) => mail.envelopeTo.includes('quality@example.org'))!;
    expect(daily.subject).toMatch(/^Report Revisione giornaliera: \d{4}-\d{2}-\d{2}$/);
    expect(daily.raw).toMatch(/filename="?daily-review-\d{4}-\d{2}-\d{2}\.csv/);
    expect(daily.raw).toContain('Content-Type: text/csv');
    const weekly = mails.find((mail) => mail.envelopeTo.includes('l2.desk@example.org'))!;
    expect(weekly.envelopeTo).toEqual(['l2.desk@example.org', 'l2.lead@example.org']);
    expect(weekly.raw).toMatch(/filename="?weekly-quality-\d{4}-W\d{2}\.csv/);
  }, 90_000);

  test('given the shipped schedules, when loaded, then the seed 000 daily review lists the tickets opened that day', async () => {
    const shipped = await loadSchedules(path.resolve('config/reports/schedules.json'));
    expect(shipped.map((s) => [s.id, s.period, s.kind])).toEqual([
      ['rad-daily-open-review', 'day', 'opened'],
      ['rad-weekly-quality', 'week', 'figures'],
      ['rec-monthly-by-service', 'month', 'figures'],
    ]);
  });

  test('given a schedules file with mistakes, when it is loaded, then every mistake is named by its field', async () => {
    const loading = loadSchedules(path.join(FIXTURES, 'reports', 'bad', 'schedules.json'));
    await expect(loading).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const error = (await loading.catch((e: unknown) => e)) as { details: { path: string }[] };
    expect(error.details.map((issue) => issue.path)).toEqual([
      'schedules[0].id',
      'schedules[0].period',
      'schedules[0].timeZone',
      'schedules[0].groupBy',
      'schedules[0].kind',
      'schedules[0].recipients',
      'schedules[1].recipients[0].language',
      'schedules[1].recipients[0]',
      'schedules[1].recipients[0].email',
      'schedules[1].recipients[1].email', // no domain: refused at send time too
      'schedules[1].recipients[2].group', // not a directory group id (it would act as an address)
    ]);
  });
});

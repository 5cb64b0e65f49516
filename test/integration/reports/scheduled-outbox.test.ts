import { randomUUID } from 'node:crypto';
import { connectDatabase, type Database } from '../../../src/adapters/db/connect.js';
import { MongoReportStore } from '../../../src/adapters/persistence/mongo-report-store.js';
import type { TicketFacts } from '../../../src/domain/reports/facts.js';
import type { ReportSchedule } from '../../../src/domain/reports/schedule.js';
import { ManualClock } from '../../support/manual-clock.js';
import { bareFacts } from './bare-facts.js';
import { factsOnlyReports } from './facts-only-reports.js';
import { KeptMail, scheduleKit } from './schedule-kit.js';

const HOUR = 3_600_000;
const at = (iso: string) => Date.parse(iso);

/** A ticket of procedure `p` (version 2) as the read model holds it. */
function ticket(id: string, openedAt: string, more: Partial<TicketFacts> = {}): TicketFacts {
  const establishment = { dims: { establishment: 'Hospital Norte' }, groups: ['l1'] };
  return bareFacts(id, 3, at(openedAt), { version: 2, ...establishment, ...more });
}

function daily(id: string, more: Partial<ReportSchedule> = {}): ReportSchedule {
  return {
    id,
    name: `Review ${id}`,
    period: 'day',
    timeZone: 'UTC',
    procedureId: 'p',
    groupBy: 'none',
    kind: 'figures',
    recipients: [{ email: 'quality@example.org', language: 'en' }],
    ...more,
  };
}

/**
 * Scheduled reports sent by the outbox (docs/adr/0027): queued as outbox messages
 * `report:<runId>:<i>`, delivered and retried by the notification dispatcher, each run recorded
 * `sent` or `failed`, stale claims taken over, missed periods caught up. Manual clock; one
 * database; each test has its own schedule ids.
 */
describe('scheduled reports through the outbox', () => {
  let database: Database;
  const clock = new ManualClock(new Date('2030-03-13T06:00:00Z'));
  const mail = new KeptMail();
  let kit: ReturnType<typeof scheduleKit>;
  const mailsOf = (scheduleId: string) =>
    mail.sent.filter((m) => m.outboxId.startsWith(`report:${scheduleId}:`));

  beforeAll(async () => {
    database = await connectDatabase(process.env.TEST_MONGODB_URI!, `t_${randomUUID().slice(0, 8)}`);
    const facts = new MongoReportStore(database.connection);
    await facts.init();
    // Tuesday 12 March 2030 (UTC): T1 opened 09:00, answered 09:30, closed 10:00; T2 opened 11:00, still
    // open; T0 opened the day before (not listed).
    await facts.save(
      ticket('t1', '2030-03-12T09:00:00Z', {
        status: 'completed',
        firstResponseAt: at('2030-03-12T09:30:00Z'),
        resolvedAt: at('2030-03-12T10:00:00Z'),
        closedAt: at('2030-03-12T10:00:00Z'),
        agents: ['luis'],
        sla: [{ id: 'resolution', status: 'met', targetMs: 2 * HOUR, elapsedMs: HOUR }],
      }),
      ['2030-03'],
    );
    await facts.save(ticket('t2', '2030-03-12T11:00:00Z', { dims: { establishment: '=Sur' } }), ['2030-03']);
    await facts.save(ticket('t0', '2030-03-11T15:00:00Z'), ['2030-03']);
    const reports = factsOnlyReports(facts, clock);
    kit = scheduleKit(database.connection, clock, reports, mail);
    await kit.runs.init();
  });
  afterAll(() => database?.close());

  test('given the per-ticket daily review, when the job and the dispatcher run, then each recipient gets the CSV of the tickets opened that day and the run ends sent', async () => {
    clock.set('2030-03-13T06:00:00Z');
    const schedule = daily('open-review', {
      kind: 'opened',
      recipients: [
        { email: 'quality@example.org', language: 'en' },
        { group: 'quality', language: 'es' },
      ],
    });
    const job = kit.process([schedule], 'a');
    expect(await job.runDue()).toEqual(['open-review:2030-03-12']);
    expect(await kit.runs.find('open-review:2030-03-12')).toMatchObject({
      status: 'queued',
      messageIds: ['report:open-review:2030-03-12:0', 'report:open-review:2030-03-12:1'],
    });
    await kit.dispatcher.runOnce();
    const [english, spanish] = mailsOf('open-review');
    expect(english).toMatchObject({
      to: ['quality@example.org'],
      subject: 'Report Review open-review: 2030-03-12',
    });
    expect(spanish).toMatchObject({ to: ['q1@example.org', 'q2@example.org'], language: 'es' });
    expect(english!.attachments).toEqual([
      expect.objectContaining({
        filename: 'open-review-2030-03-12.csv',
        contentType: 'text/csv; charset=utf-8',
      }),
    ]);
    const csv = String(english!.attachments![0]!.content)
      .replace(/^\uFEFF/, '')
      .split('\r\n');
    expect(csv).toEqual([
      'Ticket,Procedure,Version,Opened,State,Closed,Still open,First response (min),Resolution (min),SLA resolution,establishment,Agent,Group',
      "K-t2,p,2,2030-03-12 11:00,running,,yes,,,,'=Sur,,l1",
      'K-t1,p,2,2030-03-12 09:00,completed,2030-03-12 10:00,no,30,60,met,Hospital Norte,luis,l1',
      '',
    ]);
    expect(String(spanish!.attachments![0]!.content)).toContain('Ticket,Procedimiento,Versión');
    // The next run sees every message delivered and records the run.
    expect(await job.runDue()).toEqual([]);
    expect(await kit.runs.find('open-review:2030-03-12')).toMatchObject({
      status: 'sent',
      recipients: ['quality@example.org', 'q1@example.org', 'q2@example.org'],
    });
  });

  test('given the backlog kind, when sent, then the CSV lists only the tickets of the day still open at its end', async () => {
    clock.set('2030-03-13T06:30:00Z');
    const job = kit.process([daily('backlog-review', { kind: 'backlog' })], 'a');
    expect(await job.runDue()).toEqual(['backlog-review:2030-03-12']);
    await kit.dispatcher.runOnce();
    const [sent] = mailsOf('backlog-review');
    const lines = String(sent!.attachments![0]!.content).trimEnd().split('\r\n');
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(['K-t2']);
  });

  test('given the mail server down at the first attempt, when it recovers, then the report is sent once after the backoff and the run ends sent', async () => {
    clock.set('2030-03-13T07:00:00Z');
    const job = kit.process([daily('flaky')], 'a');
    expect(await job.runDue()).toEqual(['flaky:2030-03-12']);
    mail.failures = 1;
    expect(await kit.dispatcher.runOnce()).toMatchObject({ sent: 0, failed: 1 });
    expect(await job.runDue()).toEqual([]);
    expect(await kit.runs.find('flaky:2030-03-12')).toMatchObject({ status: 'queued' });
    clock.advance(30_000);
    expect(await kit.dispatcher.runOnce()).toMatchObject({ sent: 0, failed: 0 }); // still in the backoff
    clock.advance(60_000);
    expect(await kit.dispatcher.runOnce()).toMatchObject({ sent: 1 });
    await kit.dispatcher.runOnce();
    expect(mailsOf('flaky')).toHaveLength(1);
    expect(await job.runDue()).toEqual([]);
    expect(await kit.runs.find('flaky:2030-03-12')).toMatchObject({ status: 'sent' });
    expect((await kit.ledger.attempts('report:flaky:2030-03-12:0')).map((a) => a.result?.outcome)).toEqual([
      'failed',
      'sent',
    ]);
  });

  test('given a process that died right after claiming a run, when another process runs the job, then it takes the run over once the claim is stale and sends it', async () => {
    clock.set('2030-03-13T08:00:00Z');
    const claim = (id: string, claimedAt: Date) =>
      kit.runs.claim({
        id: `${id}:2030-03-12`,
        scheduleId: id,
        periodKey: '2030-03-12',
        claimedAt,
        owner: 'dead',
      });
    // What a process leaves when it dies between the claim and queueing: a run `claimed` forever.
    expect(await claim('crashed', new Date(clock.now().getTime() - HOUR))).toBe(true);
    // A claim a live process made a minute ago is left alone.
    expect(await claim('busy', new Date(clock.now().getTime() - 60_000))).toBe(true);
    const other = kit.process([daily('crashed'), daily('busy')], 'b');
    expect(await other.runDue()).toEqual(['crashed:2030-03-12']);
    await kit.dispatcher.runOnce();
    expect(mailsOf('crashed')).toHaveLength(1);
    expect(mailsOf('busy')).toHaveLength(0);
    expect(await other.runDue()).toEqual([]);
    expect(await kit.runs.find('crashed:2030-03-12')).toMatchObject({ status: 'sent', owner: 'b' });
  });

  test('given no process running for three days, when the job runs again, then the missed days are sent oldest first, once, and nothing before the schedule first ran', async () => {
    clock.set('2030-03-13T10:00:00Z');
    const job = kit.process([daily('catch-up')], 'a');
    expect(await job.runDue()).toEqual(['catch-up:2030-03-12']);
    clock.set('2030-03-16T10:00:00Z');
    expect(await job.runDue()).toEqual(['catch-up:2030-03-13', 'catch-up:2030-03-14', 'catch-up:2030-03-15']);
    expect(await job.runDue()).toEqual([]);
    await kit.dispatcher.runOnce();
    expect(mailsOf('catch-up').map((m) => m.attachments?.[0]?.filename)).toEqual([
      'catch-up-2030-03-12.csv',
      'catch-up-2030-03-13.csv',
      'catch-up-2030-03-14.csv',
      'catch-up-2030-03-15.csv',
    ]);
  });

  test('given two processes running the job at the same moment, then each period is queued and sent once', async () => {
    clock.set('2030-03-13T12:00:00Z');
    const schedules = [daily('twice'), daily('twice-weekly', { period: 'week' })];
    const [a, b] = [kit.process(schedules, 'a'), kit.process(schedules, 'b')];
    const queued = (await Promise.all([a.runDue(), b.runDue(), a.runDue(), b.runDue()])).flat();
    expect(queued.sort()).toEqual(['twice-weekly:2030-W10', 'twice:2030-03-12']);
    await kit.dispatcher.runOnce();
    expect(await Promise.all([a.runDue(), b.runDue()])).toEqual([[], []]);
    expect(mail.sent.filter((m) => m.outboxId.startsWith('report:twice:2030-03-12:'))).toHaveLength(1);
    expect(mail.sent.filter((m) => m.outboxId.startsWith('report:twice-weekly:'))).toHaveLength(1);
  });
});

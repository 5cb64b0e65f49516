/**
 * Benchmark (a script, not a timed test): a month's report over N tickets on the embedded FerretDB
 * (docs/adr/0027). Seeds N tickets' facts straight into the month buckets (the layout the recorder
 * writes), then times the report a supervisor asks for: reading the month by `_id`, the figures
 * grouped by a dimension, by agent, the CSV, and the report page as served over HTTP (the real
 * route and templates on a local Express server, without the session layer).
 * Usage: npm run bench:reports [-- <tickets>]  (default 100000; on a busy machine e.g. `-- 20000`)
 */
import { randomUUID } from 'node:crypto';
import { connectDatabase } from '../src/adapters/db/connect.js';
import { MongoReportStore } from '../src/adapters/persistence/mongo-report-store.js';
import { ReportsService } from '../src/app/reports-service.js';
import type { TicketFacts } from '../src/domain/reports/facts.js';
import { periodOf } from '../src/domain/reports/period.js';
import { reportCsv } from '../src/app/reports-csv.js';
import { startBenchDatabase } from './bench-support.js';
import { timePage } from './report-page-timer.js';

const TICKETS = Number(process.argv[2] ?? 100_000);
const ZONE = 'UTC';
const MONTH = '2030-03';
const SUPERVISOR = { id: 'sofia', roles: ['supervisor' as const], groups: [] };
const log = (message: string) => process.stderr.write(`${message}\n`);
const HOUR = 3_600_000;

/** A ticket opened in March 2030 with times, SLA results, people and stays spread like a desk's. */
function ticket(i: number): TicketFacts {
  const openedAt = Date.UTC(2030, 2, 1) + Math.floor((i / TICKETS) * 30 * 24 * HOUR);
  const closed = i % 10 !== 0;
  const resolution = ((i * 7919) % 48) * HOUR + 600_000;
  const visits = ['review', 'handle', 'close'].slice(0, 1 + (i % 3)).map((a, k) => ({
    a,
    in: openedAt + k * 1800_000,
    out: openedAt + (k + 1) * 1800_000,
  }));
  return {
    id: `bench-${i}`,
    seq: 4,
    procedureId: i % 4 === 0 ? 'complaints' : 'radiology-support',
    version: 1,
    businessKey: `RAD-2030-${String(i).padStart(6, '0')}`,
    status: closed ? 'completed' : 'running',
    channel: ['phone', 'email', 'portal'][i % 3]!,
    dims: { establishment: `Hospital ${i % 25}`, outcome: i % 2 ? 'solved' : 'derived' },
    openedAt,
    firstResponseAt: openedAt + ((i * 31) % 120) * 60_000,
    ...(closed ? { resolvedAt: openedAt + resolution, closedAt: openedAt + resolution } : {}),
    sla: [
      { id: 'first-response', status: 'met', targetMs: 2 * HOUR, elapsedMs: 1800_000, overByMs: -5400_000 },
      {
        id: 'resolution',
        status: closed ? (resolution > 24 * HOUR ? 'breached' : 'met') : 'running',
        targetMs: 24 * HOUR,
        elapsedMs: resolution,
        ...(closed ? { overByMs: resolution - 24 * HOUR } : {}),
      },
    ],
    reassignments: i % 9 === 0 ? 1 : 0,
    escalations: i % 13 === 0 ? 1 : 0,
    agents: [`agent${i % 40}`],
    groups: i % 3 ? ['l1-it-technician'] : ['l1-it-technician', 'l2-medical-technologist'],
    ...(i % 5 === 0 ? { satisfaction: { rating: 1 + (i % 5), via: 'web' } } : {}),
    visits,
  };
}

async function timed<T>(label: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await work();
  log(`${label}: ${(performance.now() - started).toFixed(0)} ms`);
  return result;
}

async function main(): Promise<void> {
  const db = await startBenchDatabase('bench-reports');
  const database = await connectDatabase(db.uri, `reports_${randomUUID().slice(0, 8)}`);
  try {
    const store = new MongoReportStore(database.connection);
    await store.init();
    log(`seeding ${TICKETS} tickets' facts into month ${MONTH}…`);
    const seedStarted = performance.now();
    const facts = Array.from({ length: TICKETS }, (_, i) => ticket(i));
    await store.bulkLoad(MONTH, facts);
    log(`seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
    const service = (now: string) =>
      new ReportsService({
        facts: store,
        store: { listInstances: () => Promise.resolve([]) },
        definitions: { list: () => Promise.resolve([]) },
        clock: { now: () => new Date(now) },
        timeZone: ZONE,
      });
    // A month that has ended is cached a minute (page, CSV, drill-downs); the current one never is.
    const reports = service('2030-06-01T00:00:00Z');
    const period = periodOf('month', `${MONTH}-01`, ZONE);
    const request = { period, groupBy: 'dim:establishment' as const };
    const first = await timed('month report, by establishment (read + figures)', () =>
      service('2030-03-15T00:00:00Z').report(SUPERVISOR, request),
    );
    await timed('read the month (buckets by _id)', () => store.month(MONTH));
    await timed('month report, by agent (read + figures)', () =>
      reports.report(SUPERVISOR, { period, groupBy: 'agent' }),
    );
    const again = await timed('month report, by establishment (cached month)', () =>
      reports.report(SUPERVISOR, request),
    );
    const all = await store.month(MONTH);
    const { computeReport } = await import('../src/domain/reports/figures.js');
    await timed('figures only', async () =>
      computeReport(all, {
        from: period.from.getTime(),
        to: period.to.getTime(),
        groupBy: 'dim:establishment',
      }),
    );
    await timed('CSV of the report', async () =>
      reportCsv(again, { period, groupBy: request.groupBy }, (key) => key),
    );
    const procedures = [
      {
        catalog: {
          procedureId: 'radiology-support',
          name: 'Radiology support',
          reportDimensions: [{ variable: 'establishment', label: 'Establishment' }],
        },
      },
    ];
    const pageService = (now: string) =>
      new ReportsService({
        facts: store,
        store: { listInstances: () => Promise.resolve([]) },
        definitions: { list: () => Promise.resolve(procedures as never) },
        clock: { now: () => new Date(now) },
        timeZone: ZONE,
      });
    const url = `/supervisor/reports?kind=month&day=${MONTH}-01&groupBy=dim:establishment`;
    // The current month is never cached: every view reads the month again.
    await timePage(
      'report page over HTTP, by establishment (read + figures + HTML)',
      pageService('2030-03-15T00:00:00Z'),
      url,
      log,
    );
    await timePage(
      'report page over HTTP, by agent (read + figures + HTML)',
      pageService('2030-03-15T00:00:00Z'),
      url.replace('dim:establishment', 'agent'),
      log,
    );
    process.stdout.write(
      `${JSON.stringify({ tickets: TICKETS, opened: first.total.opened, closed: first.total.closed, rows: first.rows.length })}\n`,
    );
  } finally {
    await database.close();
    await db.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

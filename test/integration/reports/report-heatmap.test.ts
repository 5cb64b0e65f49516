import { randomUUID } from 'node:crypto';
import { connectDatabase, type Database } from '../../../src/adapters/db/connect.js';
import { MongoReportStore } from '../../../src/adapters/persistence/mongo-report-store.js';
import type { ReportsService } from '../../../src/app/reports-service.js';
import type { ActivityVisit, TicketFacts } from '../../../src/domain/reports/facts.js';
import { periodOf } from '../../../src/domain/reports/period.js';
import { ManualClock } from '../../support/manual-clock.js';
import { bareFacts } from './bare-facts.js';
import { factsOnlyReports } from './facts-only-reports.js';

const HOUR = 3_600_000;
const SUPERVISOR = { id: 'sofia', roles: ['supervisor' as const], groups: [] };

function facts(id: string, seq: number, visits: ActivityVisit[]): TicketFacts {
  return bareFacts(id, seq, visits[0]!.in, { visits });
}

/**
 * The heatmap near a period's end (docs/adr/0027, 2026-11-29): a stay entered in March and left in
 * April is in March's bucket still open and in April's bucket finished. Three stays at `review`
 * begun in March: 1 h and 2 h (left in March) and 6 h (entered 31 March 20:00, left 1 April 02:00).
 * Hand-computed over all three: median 2 h, p90 6 h (nearest rank); leaving out the April one would
 * give 1 h and 2 h.
 */
describe('diagram heatmap across a month boundary', () => {
  let database: Database;
  let reports: ReportsService;

  beforeAll(async () => {
    database = await connectDatabase(process.env.TEST_MONGODB_URI!, `t_${randomUUID().slice(0, 8)}`);
    const store = new MongoReportStore(database.connection);
    await store.init();
    const t = (iso: string) => Date.parse(iso);
    await store.save(
      facts('y', 3, [{ a: 'review', in: t('2030-03-10T10:00:00Z'), out: t('2030-03-10T11:00:00Z') }]),
      ['2030-03'],
    );
    await store.save(
      facts('z', 3, [{ a: 'review', in: t('2030-03-11T10:00:00Z'), out: t('2030-03-11T12:00:00Z') }]),
      ['2030-03'],
    );
    const entered = t('2030-03-31T20:00:00Z');
    await store.save(facts('x', 2, [{ a: 'review', in: entered }]), ['2030-03']);
    await store.save(
      facts('x', 3, [
        { a: 'review', in: entered, out: t('2030-04-01T02:00:00Z') },
        { a: 'close', in: t('2030-04-01T02:00:00Z') },
      ]),
      ['2030-04'],
    );
    reports = factsOnlyReports(store, new ManualClock(new Date('2030-04-10T12:00:00Z')));
  });
  afterAll(() => database?.close());

  test('given a stay entered in March and left in April, when March is shown, then its time counts in the median and p90', async () => {
    const steps = await reports.heatmap(SUPERVISOR, periodOf('month', '2030-03-15', 'UTC'), 'p');
    expect(steps.find((s) => s.activityId === 'review')).toEqual({
      activityId: 'review',
      passed: 3,
      medianMs: 2 * HOUR,
      p90Ms: 6 * HOUR,
      waitingNow: 0,
    });
    expect(steps.map((s) => s.activityId)).toEqual(['review']);
  });
});

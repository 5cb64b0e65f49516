import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { AgendaScheduler } from '../../src/adapters/scheduler/agenda-scheduler.js';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { startTestApp } from '../support/harness.js';
import { waitFor } from '../support/wait.js';

const BACKLOG = 2000;

/**
 * Makes `count` timer jobs due a minute ago: one through the app's scheduler adapter, the rest
 * copies of its document (a unique upsert per job scans the job table on FerretDB, far too slow
 * for a test setup), for timers of instances that do not exist: each is a cheap no-op once it runs.
 */
async function overdueJobs(dbName: string, count: number): Promise<void> {
  const client = await MongoClient.connect(process.env.TEST_MONGODB_URI!);
  try {
    const db = client.db(dbName);
    const scheduler = new AgendaScheduler(
      db,
      { processEveryMs: 60_000, lockLifetimeMs: 10_000 },
      systemClock,
    );
    const dueAt = new Date(Date.now() - 60_000);
    const timer = (i: number) => ({
      activityId: 'warn',
      executionId: `warn_${i}`,
      dueAt,
      timerType: 'timeDuration',
      value: 'PT1S',
    });
    await scheduler.schedule('gone-0', [timer(0)]);
    const jobs = db.collection('agendaJobs');
    const { _id, ...template } = (await jobs.findOne({}))!;
    const copies = Array.from({ length: count - 1 }, (_, n) => ({
      ...template,
      data: { instanceId: `gone-${n + 1}`, activityId: 'warn', executionId: `warn_${n + 1}` },
    }));
    for (let i = 0; i < copies.length; i += 500) await jobs.insertMany(copies.slice(i, i + 500));
    expect(await jobs.countDocuments({})).toBe(count);
  } finally {
    await client.close();
  }
}

describe('ready first, catch up after', () => {
  test(`given ${BACKLOG} overdue timer jobs, when an app starts, then it answers /health within 10 s reporting that it catches up, and then works the backlog off`, async () => {
    const dbName = `t_${randomUUID().slice(0, 8)}`;
    await overdueJobs(dbName, BACKLOG);

    const startedAt = Date.now();
    const app = await startTestApp({ dbName });
    try {
      const first = await app.call(null, 'GET', '/health');
      expect(Date.now() - startedAt).toBeLessThan(10_000);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({ status: 'ok', database: 'up', catchingUp: true });
      // Counting 2,000 jobs may outlast one /health on a busy machine: the next answer has it.
      const health = await waitFor(
        async () => {
          const report = await app.call(null, 'GET', '/health');
          return report.body.backlog.overdueTimerJobs === null ? null : report;
        },
        10_000,
        100,
      );

      expect(Date.now() - startedAt).toBeLessThan(10_000);
      expect(health!.body.catchingUp).toBe(true);
      // No timer job ran before the listener: (nearly) the whole backlog is still there.
      expect(health!.body.backlog.overdueTimerJobs).toBeGreaterThan(BACKLOG - 50);
      expect(health!.body.backlog.pendingEmails).toBe(0);

      // The backlog drains while requests are answered promptly.
      await waitFor(
        async () => {
          const later = await app.call(null, 'GET', '/health');
          return later.body.backlog.overdueTimerJobs < BACKLOG - 10;
        },
        30_000,
        250,
      );
      const askedAt = Date.now();
      const procedures = await app.call('analyst', 'GET', '/api/procedures');
      expect(procedures.status).toBe(200);
      expect(Date.now() - askedAt).toBeLessThan(2000);
    } finally {
      await app.stop();
    }
  }, 300_000);
});

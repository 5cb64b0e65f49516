import { randomUUID } from 'node:crypto';
import { MongoInstanceStore } from '../../src/adapters/persistence/mongo-instance-store.js';
import { MongoTaskRepository } from '../../src/adapters/persistence/mongo-task-repository.js';
import { ChildApp, inBatches, inPool, type LogLine } from '../support/child-app.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { seedTickets } from '../support/seed-tickets.js';
import { waitFor } from '../support/wait.js';
import { REVIEW_INTAKE } from '../support/review-intake.js';

const COUNT = 200;
/** Tickets in the database before the races, and races (overridable to try the test at a smaller size). */
const SEEDED = Number(process.env.TWO_PROCESSES_SEEDED ?? 10_000);
const RACES = Number(process.env.TWO_PROCESSES_RACES ?? 1000);
const luis = { id: 'luis', roles: ['agent' as const], groups: ['l1', 'central-desk'] };
const intake = REVIEW_INTAKE;
const range = Array.from({ length: COUNT }, (_, i) => i);

/** Timers a child fired, from its log: scheduler jobs that fired plus what its backstop sweep fired. */
function timersFiredBy(child: ChildApp): number {
  const jobs = child.logs.filter(
    (line: LogLine) => line.msg === 'timer job handled' && line.result === 'fired',
  );
  const swept = child.logs
    .filter((line: LogLine) => line.msg === 'timer sweep fired overdue timers the scheduler had not')
    .reduce((sum, line) => sum + Number(line.fired ?? 0), 0);
  return jobs.length + swept;
}

describe('two app processes against one database', () => {
  let a: ChildApp;
  let b: ChildApp;
  /** A third app in the test's own process: seeds tickets through the service, reads by _id. */
  let seeder: TestApp;
  beforeAll(async () => {
    const dbName = `t_${randomUUID().slice(0, 8)}`;
    // The children log at info: each timer job they run is a line the first test counts.
    // Eight timer jobs at once per process (default 4): more of them race for the same due timers.
    const env = { HELPDESK_TIMER_CONCURRENCY: '8' };
    [a, b] = await Promise.all([
      ChildApp.start(dbName, 200, { logLevel: 'info', env }),
      ChildApp.start(dbName, 200, { logLevel: 'info', env }),
    ]);
    // The seeder runs no timer work of its own (its scheduler scans once at start, when there are no
    // jobs, and its sweep never comes round): the children fire every timer, and the test drives
    // the seeder's sweep explicitly.
    seeder = await startTestApp({
      dbName,
      timerPollMs: 3_600_000,
      env: { HELPDESK_TIMER_SWEEP_MS: '3600000' },
    });
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop(), seeder?.stop()]);
  });

  test(`given ${COUNT} tasks with a 1 s boundary timer, then each escalation fires exactly once`, async () => {
    const started = await inBatches(range, 10, (i) =>
      (i % 2 ? a : b).call('agentL1', 'POST', '/api/procedures/sla-escalation/instances', {}),
    );
    expect(started.every((s) => s.status === 201)).toBe(true);
    const ids = started.map((s) => s.body.id as string);

    // Poll one list query (heads only): a timer that fired is no longer pending on its instance.
    const warned = async () => {
      const list = await a.call('supervisor', 'GET', '/api/instances?procedureId=sla-escalation&limit=500');
      const pending = (i: { timers: { activityId: string }[] }) =>
        i.timers.some((t) => t.activityId === 'warn');
      return list.body.filter((i: { timers: { activityId: string }[] }) => !pending(i)).length;
    };
    await waitFor(async () => (await warned()) === COUNT, 300_000, 500);
    // Give duplicates their chance before counting: a backstop sweep over everything due (grace 0)
    // finds nothing left to fire, and no scheduler job (nor a retry of one) is left to run: a job
    // document may stay behind when two processes ran it, but without a next run it never runs again.
    expect(await seeder.app.services.timers.fireOverdue(0, 1000)).toBe(0);
    const jobs = () =>
      seeder.app.database.connection
        .db!.collection('agendaJobs')
        .countDocuments({ name: 'bpmn-timer', nextRunAt: { $ne: null } });
    await waitFor(async () => (await jobs()) === 0, 300_000, 500);
    const fired = async (id: string) => {
      const view = await a.call('supervisor', 'GET', `/api/instances/${id}`);
      return view.body.events.filter((e: { type: string }) => e.type === 'timer.fired').length;
    };
    const counts = await inBatches(ids, 20, fired);
    expect(counts).toEqual(ids.map(() => 1));
    const messages = await inBatches(
      ids,
      20,
      async (id) => (await b.call('supervisor', 'GET', `/api/instances/${id}`)).body.messages.length,
    );
    expect(messages).toEqual(ids.map(() => 1));
    // Both processes really ran timer jobs, and between them fired each timer once.
    const [byA, byB] = [timersFiredBy(a), timersFiredBy(b)];
    process.stderr.write(`two processes: timers fired by A ${byA}, by B ${byB}\n`);
    expect(byA).toBeGreaterThan(0);
    expect(byB).toBeGreaterThan(0);
    expect(byA + byB).toBe(COUNT);
  }, 600_000);

  test(`given ${SEEDED} tickets already in the database, when ${RACES} tasks are each completed twice at once through the two processes, then one 200 and one 409 each, never a 500`, async () => {
    const seeding = Date.now();
    // The races run on seeded tickets: the ones opened through the service first, then copies.
    const tickets = await seedTickets(seeder, 'review-request', intake, luis, SEEDED);
    const seeded = Date.now();
    const started = tickets.slice(0, RACES);
    const reviews = started.map((ticket) => ticket.openTaskIds[0] as string);

    const raced = Date.now();
    const outcomes = await inPool(reviews, 5, async (taskId) => {
      const data = { solved: false, priority: 'blocking' };
      const results = await Promise.all([
        a.call('agentL1', 'POST', `/api/tasks/${taskId}/complete`, data),
        b.call('agentL1b', 'POST', `/api/tasks/${taskId}/complete`, data),
      ]);
      return results
        .map((r) => r.status)
        .sort()
        .join(',');
    });
    const done = Date.now();
    process.stderr.write(
      `two processes: seeded ${SEEDED} tickets in ${seeded - seeding} ms; ` +
        `${RACES} races in ${done - raced} ms\n`,
    );
    expect(outcomes.filter((o) => o !== '200,409')).toEqual([]);

    // Read straight from the log and projections by _id (no roll-forward, no collection scans).
    const { models, connection } = seeder.app.database;
    const store = new MongoInstanceStore(models);
    const tasks = new MongoTaskRepository(models);
    const trail = async (id: string) => {
      const [head, second, third] = await Promise.all([
        store.loadHead(id),
        store.findTransition(id, 2),
        store.findTransition(id, 3),
      ]);
      const open = await Promise.all((head?.openTaskIds ?? []).map((taskId) => tasks.findById(taskId)));
      const openTasks = open.map((task) => `${task?.activityId}:${task?.status}`).join(',');
      return `seq=${head?.seq}|${second?.event.type}|${third ? 'extra step' : 'end'}|${openTasks}`;
    };
    const expected = started.map(() => 'seq=2|task.completed|end|handle:open');
    await waitFor(
      async () => {
        const trails = await inPool(started, 10, (ticket) => trail(ticket.id));
        return trails.every((t, i) => t === expected[i]) || undefined;
      },
      30_000,
      1000,
    ).catch(async () => {
      expect(await inPool(started, 10, (ticket) => trail(ticket.id))).toEqual(expected);
    });
    // Every step's marker is gone once the reconcilers have looked (losers' markers included).
    const markers = () => connection.db!.collection('pending_steps').countDocuments();
    await waitFor(async () => (await markers()) === 0, 30_000, 500);
    process.stderr.write(`two processes: checked the trails and markers in ${Date.now() - done} ms\n`);
  }, 1_800_000);
});

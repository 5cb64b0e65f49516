import type { Actor } from '../../src/domain/actor.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { REVIEW_INTAKE } from '../support/review-intake.js';

/** Collections that grow with history: only ever read or written by `_id` on the hot paths. */
const HISTORY = ['instances', 'instance_events', 'tasks', 'outbox', 'definitions', 'ticket_keys', 'counters'];
/** Collections searched by `_id` on the hot paths, whose lookups must use the `_id` index. */
const BY_ID = [...HISTORY, 'open_instances', 'open_tasks', 'recent_closed', 'procedure_latest'];

const agent: Actor = { id: 'luis', roles: ['agent'], groups: ['l1', 'central-desk'] };
const specialist: Actor = { id: 'marta', roles: ['agent'], groups: ['l2', 'specialised-desk'] };
const supervisor: Actor = { id: 'sofia', roles: ['supervisor'], groups: [] };
const intake = REVIEW_INTAKE;

/** One database operation the app sent through mongoose. */
interface Operation {
  readonly collection: string;
  readonly method: string;
  readonly filter: unknown;
}

describe('the embedded database at desk scale: open work never reads the history', () => {
  const clock = new ManualClock(new Date('2030-03-06T09:00:00Z'));
  let app: TestApp;
  let operations: Operation[] | undefined;

  /** Opens a review ticket and, when `close`, works it to its end (review -> L2 handling). */
  async function reviewTicket(close: boolean): Promise<string> {
    const { instances, tasks } = app.app.services;
    const started = await instances.start('review-request', intake, agent);
    if (!close) return started.id;
    const [review] = await tasks.list({}, agent).then((l) => l.filter((t) => t.instanceId === started.id));
    await tasks.complete(review!.id, { priority: 'blocking' }, agent);
    const [handle] = await tasks
      .list({}, specialist)
      .then((l) => l.filter((t) => t.instanceId === started.id));
    await tasks.complete(handle!.id, { solution: 'replaced the cable' }, specialist);
    return started.id;
  }

  /** The operations `work` sends, as mongoose reports them. */
  async function recorded(work: () => Promise<unknown>): Promise<Operation[]> {
    operations = [];
    try {
      await work();
      return operations;
    } finally {
      operations = undefined;
    }
  }

  beforeAll(async () => {
    app = await startTestApp({ clock, timerPollMs: 60_000 });
    app.app.database.connection.set('debug', (collection: string, method: string, ...args: unknown[]) => {
      operations?.push({ collection, method, filter: args[0] });
    });
    // The one-time indexing of the procedure pointers (a scan of the versions, done once per database).
    await app.app.services.definitions.list();
    for (let i = 0; i < 8; i++) await reviewTicket(true);
    await reviewTicket(false);
  }, 120_000);
  afterAll(async () => {
    app?.app.database.connection.set('debug', false);
    await app?.stop();
  });

  test('given the embedded database, then `_id` finds are answered from the `_id` index (explain)', async () => {
    const db = app.app.database.connection.db!;
    const info = await db.admin().command({ buildInfo: 1 });
    if (!info.ferretdbVersion) return; // a real MongoDB: its planner is not FerretDB's SQLite plan
    for (const name of BY_ID) {
      const plan = await db
        .collection(name)
        .find({ _id: 'probe' as never })
        .explain();
      expect({ name, pushdown: plan.filterPushdown }).toEqual({ name, pushdown: true });
      expect(JSON.stringify(plan.queryPlanner)).toMatch(/SEARCH \S+ USING INDEX \S+__id_/);
    }
  });

  test('given closed tickets, then start, complete, timer fire, sweep, promotion, inbox, instance page, lists and dashboard touch the history by `_id` only', async () => {
    const { instances, tasks, inbox, monitoring, timers } = app.app.services;
    const open = await instances.start('review-request', intake, agent);
    const ops = await recorded(async () => {
      const started = await instances.start('review-request', intake, agent);
      const [review] = (await tasks.list({}, agent)).filter((t) => t.instanceId === started.id);
      await inbox.entries(await tasks.list({ limit: 500 }, agent));
      await tasks.complete(review!.id, { priority: 'blocking' }, agent);
      await instances.get(open.id, supervisor);
      await monitoring.search({ status: 'running' }, supervisor);
      await monitoring.search({ overdue: '1' }, supervisor);
      await monitoring.dashboard(supervisor);
      const timed = await instances.start('sla-escalation', {}, agent);
      clock.advance(2000); // the 1-second warning is due
      expect(await timers.fireOverdue(0)).toBeGreaterThanOrEqual(1);
      await timers.promote(600_000);
      expect((await instances.get(timed.id, supervisor)).events.map((e) => e.type)).toContain('timer.fired');
    });

    expect(ops.length).toBeGreaterThan(0);
    const scans = ops.filter(
      (op) => HISTORY.includes(op.collection) && !op.method.startsWith('insert') && !isIdFilter(op.filter),
    );
    expect(scans).toEqual([]);
  });

  test('given closed tickets, then the open-work collections hold only the open work', async () => {
    const db = app.app.database.connection.db!;
    const running = await instancesIn('running');
    const openTasks = await app.app.services.tasks.list({ limit: 500 }, supervisor);

    expect(await db.collection('open_instances').countDocuments()).toBe(running);
    expect(await db.collection('open_tasks').countDocuments()).toBe(openTasks.length);
    expect(await db.collection('instances').countDocuments()).toBeGreaterThan(running);
    expect(await db.collection('recent_closed').countDocuments()).toBe(await instancesIn('completed'));
  });

  test('given the list of running tickets, then closed ones are left out and completed history is still paged', async () => {
    const { monitoring } = app.app.services;
    const running = await monitoring.search({ status: 'running' }, supervisor);
    const completed = await monitoring.search({ status: 'completed' }, supervisor);

    expect(running.rows.length).toBe(await instancesIn('running'));
    expect(running.rows.every((row) => row.status === 'running')).toBe(true);
    expect(completed.rows.length).toBe(8);
    expect(completed.rows.every((row) => row.status === 'completed')).toBe(true);
  });

  async function instancesIn(status: string): Promise<number> {
    return app.app.database.connection.db!.collection('instances').countDocuments({ status });
  }
});

/** `{ _id: "<string>" }` and nothing else: the only filter FerretDB answers from an index. */
function isIdFilter(filter: unknown): boolean {
  if (typeof filter !== 'object' || filter === null) return false;
  const keys = Object.keys(filter);
  return keys.length === 1 && keys[0] === '_id' && typeof (filter as { _id: unknown })._id === 'string';
}

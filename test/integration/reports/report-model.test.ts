import { randomUUID } from 'node:crypto';
import { connectDatabase, type Database } from '../../../src/adapters/db/connect.js';
import {
  CHUNK_TICKETS,
  MongoReportStore,
  TAIL_TICKETS,
} from '../../../src/adapters/persistence/mongo-report-store.js';
import type { Transition } from '../../../src/app/ports.js';
import { ReportRecorder } from '../../../src/app/reports-recorder.js';
import { bareFacts } from './bare-facts.js';

/** A committed step of ticket `id` at minute `minute` of 2030-03-05 (UTC). */
function transition(
  id: string,
  seq: number,
  type: string,
  actor: string,
  minute: number,
  status: 'running' | 'completed' = 'running',
): Transition {
  const at = new Date(Date.UTC(2030, 2, 5, 8, minute));
  return {
    event: { instanceId: id, seq, type, actor, at, data: {} },
    head: {
      id,
      procedureId: 'review-request',
      definitionId: 'review-request@1',
      businessKey: `REV-${id}`,
      engineVersion: 'x',
      seq,
      status,
      engineState: null,
      variables: { priority: 'blocking' },
      timers: [],
      activeActivities: status === 'running' ? ['review'] : [],
      completedActivities: [],
      openTaskIds: [],
      startedAt: new Date(Date.UTC(2030, 2, 5, 8, 0)),
      startedBy: 'luis',
      updatedAt: at,
      ...(status === 'completed' ? { endedAt: at } : {}),
    },
    effects: { openTasks: [], closeTasks: [], assign: [], scheduleTimers: [], cancelTimers: [], outbox: [] },
  };
}

describe('reporting read model on the embedded database', () => {
  let database: Database;
  const log = new Map<string, Transition>();
  const steps = { findTransition: async (id: string, seq: number) => log.get(`${id}:${seq}`) ?? null };
  const recorderOn = (store: MongoReportStore) =>
    new ReportRecorder({
      facts: store,
      steps,
      dimensions: async () => [{ variable: 'priority', label: 'P' }],
      timeZone: 'UTC',
    });
  const committed = (t: Transition) => (log.set(`${t.event.instanceId}:${t.event.seq}`, t), t);

  beforeAll(async () => {
    database = await connectDatabase(process.env.TEST_MONGODB_URI!, `t_${randomUUID().slice(0, 8)}`);
  });
  afterAll(() => database?.close());

  test('given a step applied twice and a step the model missed, then the facts count each step once', async () => {
    const store = new MongoReportStore(database.connection);
    await store.init();
    const recorder = recorderOn(store);
    const started = committed(transition('t1', 1, 'instance.started', 'luis', 0));
    await recorder.apply(started);
    await recorder.apply(started);
    committed(transition('t1', 2, 'task.unclaimed', 'luis', 5));
    // Step 2's effects never ran here (its writer died); step 3 folds it from the log first.
    await recorder.apply(committed(transition('t1', 3, 'task.completed', 'luis', 30, 'completed')));
    await recorder.apply(log.get('t1:2')!);
    const facts = await store.load('t1');
    expect(facts).toMatchObject({
      seq: 3,
      reassignments: 1,
      status: 'completed',
      firstResponseAt: Date.UTC(2030, 2, 5, 8, 30),
    });
    // Reports read the facts without the stays; the heatmap reads the stays on their own.
    expect((await store.month('2030-03')).filter((t) => t.id === 't1')).toEqual([
      { ...facts, visits: [], text: undefined },
    ]);
    expect((await store.visits('2030-03')).filter((t) => t.id === 't1')).toEqual([
      { id: 't1', seq: 3, procedureId: 'review-request', visits: facts!.visits, text: 'blocking' },
    ]);
    expect(facts!.visits).toEqual([
      { a: 'review', in: Date.UTC(2030, 2, 5, 8, 0), out: Date.UTC(2030, 2, 5, 8, 30) },
    ]);
  });

  test('given two processes writing one month at once, then no ticket is lost and each keeps its latest step', async () => {
    const [a, b] = [new MongoReportStore(database.connection), new MongoReportStore(database.connection)];
    const facts = (id: string, seq: number) => bareFacts(id, seq, Date.UTC(2030, 3, 2));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).save(facts(`c${i}`, 1), ['2030-04'])),
    );
    // A later step of c0 written by the other process: the reader keeps the higher step.
    await a.save(facts('c0', 2), ['2030-04']);
    const month = await new MongoReportStore(database.connection).month('2030-04');
    expect(month).toHaveLength(40);
    expect(month.find((t) => t.id === 'c0')!.seq).toBe(2);
  });

  test(`given more than ${CHUNK_TICKETS} tickets from one process, then they spill into a second chunk and all are read`, async () => {
    const store = new MongoReportStore(database.connection);
    for (let i = 0; i < CHUNK_TICKETS + 5; i++)
      await store.save(bareFacts(`m${i}`, 1, Date.UTC(2030, 4, 2)), ['2030-05']);
    expect(await store.month('2030-05')).toHaveLength(CHUNK_TICKETS + 5);
  }, 120_000);

  describe("a slot's tail row", () => {
    const facts = (id: string, seq: number, minute = 0) =>
      bareFacts(id, seq, Date.UTC(2030, 6, 2), {
        visits: [{ a: 'review', in: Date.UTC(2030, 6, 2, 8, minute) }],
      });

    test(`given more tickets than a tail holds (${TAIL_TICKETS}), when some take later steps, then each is read once with its latest step and stays`, async () => {
      const store = new MongoReportStore(database.connection);
      const count = TAIL_TICKETS * 2 + 3;
      for (let i = 0; i < count; i++) await store.save(facts(`f${i}`, 1), ['2030-07']);
      // Tickets folded into a chunk long ago, and one still in the tail, move on.
      for (const id of ['f0', 'f1', `f${count - 1}`]) await store.save(facts(id, 2, 30), ['2030-07']);

      const reader = new MongoReportStore(database.connection);
      const month = await reader.month('2030-07');
      const visits = await reader.visits('2030-07');

      expect(month).toHaveLength(count);
      expect(visits).toHaveLength(count);
      const latest = ['f0', 'f1', `f${count - 1}`];
      expect(
        month
          .filter((t) => t.seq === 2)
          .map((t) => t.id)
          .sort(),
      ).toEqual([...latest].sort());
      expect(month.every((t) => t.visits.length === 0)).toBe(true);
      for (const id of latest)
        expect(visits.find((t) => t.id === id)!.visits).toEqual([
          { a: 'review', in: Date.UTC(2030, 6, 2, 8, 30) },
        ]);
    }, 60_000);

    test('given a reader reading while the writer folds its tail into the chunks, then no ticket saved before a read is missing from it', async () => {
      const store = new MongoReportStore(database.connection);
      const reader = new MongoReportStore(database.connection);
      const saved: string[] = [];
      let writing = true;
      const writer = (async () => {
        for (let i = 0; i < TAIL_TICKETS * 3; i++) {
          await store.save(facts(`r${i}`, 1), ['2030-08']);
          saved.push(`r${i}`);
        }
        writing = false;
      })();
      const missed: string[] = [];
      let reads = 0;
      while (writing) {
        const before = [...saved];
        const read = new Set((await reader.month('2030-08')).map((t) => t.id));
        missed.push(...before.filter((id) => !read.has(id)));
        reads++;
      }
      await writer;

      expect(missed).toEqual([]);
      expect(reads).toBeGreaterThan(3);
      expect(await reader.month('2030-08')).toHaveLength(TAIL_TICKETS * 3);
    }, 120_000);
  });
});

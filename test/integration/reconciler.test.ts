import path from 'node:path';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { BpmnEngineRunner } from '../../src/adapters/engine/bpmn-engine-runner.js';
import { FileFormValidator } from '../../src/adapters/forms/file-form-validator.js';
import { MongoInstanceStore } from '../../src/adapters/persistence/mongo-instance-store.js';
import { MongoOutbox } from '../../src/adapters/persistence/mongo-outbox.js';
import { MongoPendingSteps } from '../../src/adapters/persistence/mongo-pending-steps.js';
import { MongoTaskRepository } from '../../src/adapters/persistence/mongo-task-repository.js';
import { MongoTicketNumbers } from '../../src/adapters/persistence/mongo-ticket-numbers.js';
import { InstanceLog } from '../../src/app/instance-log.js';
import { InstanceService } from '../../src/app/instance-service.js';
import type { InstanceStore, Outbox, TaskRepository, TimerScheduler } from '../../src/app/ports.js';
import { StepReconciler } from '../../src/app/reconciler.js';
import { TaskService } from '../../src/app/task-service.js';
import { FIXTURES, startTestApp, type TestApp } from '../support/harness.js';
import { waitFor } from '../support/wait.js';
import { REVIEW_INTAKE } from '../support/review-intake.js';

const intake = REVIEW_INTAKE;
const luis = { id: 'luis', roles: ['agent' as const], groups: ['l1', 'central-desk'] };
type CrashPoint = 'tasks' | 'outbox' | 'timers' | 'head';
const crash = () => Promise.reject(new Error('process died after the commit'));

describe('reconciler: committed steps reach their projections without anyone reading the instance', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      timerPollMs: 60_000,
      // Markers are left alone for 3 s: long enough to see what the crash left behind, even on a busy machine.
      env: { HELPDESK_RECONCILE_EVERY_MS: '200', HELPDESK_RECONCILE_AFTER_MS: '3000' },
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  /** The instance service of a second "process" that dies right before the given effect write. */
  function crashingStarts(point: CrashPoint): InstanceService {
    const { models, connection } = app.app.database;
    const store = new MongoInstanceStore(models);
    const tasks = new MongoTaskRepository(models);
    const outbox = new MongoOutbox(models);
    const crashingStore: InstanceStore = Object.assign(Object.create(store) as InstanceStore, {
      saveHead: point === 'head' ? crash : store.saveHead.bind(store),
    });
    const crashingTasks: TaskRepository = Object.assign(Object.create(tasks) as TaskRepository, {
      apply: point === 'tasks' ? crash : tasks.apply.bind(tasks),
    });
    const crashingOutbox: Outbox = {
      add: point === 'outbox' ? crash : outbox.add.bind(outbox),
      listForInstance: outbox.listForInstance.bind(outbox),
    };
    // Scheduling a job is the reconciler's to do in every case (this "process" has no scheduler).
    const scheduler: TimerScheduler = {
      schedule: point === 'timers' ? crash : async () => {},
      cancel: async () => {},
      isRunning: () => true,
    };
    const log = new InstanceLog({
      store: crashingStore,
      tasks: crashingTasks,
      outbox: crashingOutbox,
      scheduler,
      pending: new MongoPendingSteps(connection, systemClock),
      retry: { attempts: 2, baseDelayMs: 1 },
    });
    return new InstanceService({
      definitions: app.app.services.definitions,
      engine: new BpmnEngineRunner(),
      log,
      store,
      tasks,
      outbox,
      forms: new FileFormValidator(path.join(FIXTURES, 'forms')),
      ticketNumbers: new MongoTicketNumbers(models),
      clock: systemClock,
    });
  }

  /** Everything the ticket's projections hold, read straight from the database (no roll-forward). */
  async function projections(instanceId: string) {
    const { models, connection } = app.app.database;
    const head = await new MongoInstanceStore(models).loadHead(instanceId);
    const tasks = await Promise.all(
      (head?.openTaskIds ?? []).map((id) => new MongoTaskRepository(models).findById(id)),
    );
    const messages = await new MongoOutbox(models).listForInstance(instanceId);
    const jobs = await connection
      .db!.collection('agendaJobs')
      .countDocuments({ 'data.instanceId': instanceId });
    const markers = await connection.db!.collection('pending_steps').countDocuments({ instanceId });
    return {
      seq: head?.seq ?? 0,
      tasks: tasks.map((task) => `${task?.activityId}:${task?.status}`),
      messages: messages.length,
      jobs,
      markers,
    };
  }

  test.concurrent.each<CrashPoint>(['tasks', 'outbox', 'timers', 'head'])(
    'given a process that dies after committing a start, right before writing the %s, then the ticket, its task, messages, timers and head appear within seconds',
    async (point) => {
      const starts = crashingStarts(point);

      const review = await starts.start('review-request', intake, luis);
      const escalation = await starts.start('sla-escalation', {}, luis);

      // A start without timers writes no timers: only the other crash points hit it.
      expect((await projections(review.id)).seq).toBe(point === 'timers' ? 1 : 0);
      expect((await projections(escalation.id)).seq).toBe(0);
      const settled = (id: string) => async () => {
        const found = await projections(id);
        return found.seq === 1 && found.markers === 0 ? found : undefined;
      };
      expect(await waitFor(settled(review.id), 10_000, 100)).toEqual({
        seq: 1,
        tasks: ['review:open'],
        messages: 1,
        jobs: 0,
        markers: 0,
      });
      expect(await waitFor(settled(escalation.id), 10_000, 100)).toEqual({
        seq: 1,
        tasks: ['work:open'],
        messages: 0,
        jobs: 1, // the 1 s warning; the 30 min breach waits on the head (horizon)
        markers: 0,
      });
    },
    30_000,
  );

  test('given a completion committed by a process that died before its projections, then the next task opens by itself', async () => {
    const started = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', intake);
    const { models, connection } = app.app.database;
    const store = new MongoInstanceStore(models);
    const tasks = new MongoTaskRepository(models);
    const log = new InstanceLog({
      store,
      tasks: Object.assign(Object.create(tasks) as TaskRepository, { apply: crash }),
      outbox: new MongoOutbox(models),
      scheduler: { schedule: async () => {}, cancel: async () => {}, isRunning: () => true },
      pending: new MongoPendingSteps(connection, systemClock),
      retry: { attempts: 1, baseDelayMs: 1 },
    });
    const dying = new TaskService({
      definitions: app.app.services.definitions,
      engine: new BpmnEngineRunner(),
      log,
      tasks,
      forms: new FileFormValidator(path.join(FIXTURES, 'forms')),
      clock: systemClock,
    });

    await dying.complete(started.body.openTaskIds[0], { solved: false, priority: 'blocking' }, luis);

    const found = await waitFor(async () => {
      const now = await projections(started.body.id);
      return now.seq === 2 && now.markers === 0 ? now : undefined;
    }, 10_000);
    expect(found?.tasks).toEqual(['handle:open']);
    expect((await tasks.findById(started.body.openTaskIds[0]))?.status).toBe('completed');
  });

  test('given markers whose step another writer committed, or that no step was ever committed for, then they are dropped (the latter once abandoned)', async () => {
    const started = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', intake);
    const { connection } = app.app.database;
    const pending = new MongoPendingSteps(connection, systemClock);
    // A loser marked seq 1 after the winner had settled it; nobody ever committed step 2.
    await pending.mark(started.body.id, 1);
    await pending.mark(started.body.id, 2);
    const reconciler = new StepReconciler({ log: logOf(app), pending, settleMs: 0, abandonMs: 60_000 });
    const mine = async () =>
      (await pending.listStale(0, 1000)).filter((m) => m.instanceId === started.body.id).map((m) => m.seq);

    await reconciler.run();
    expect(await mine()).toEqual([2]);

    await new StepReconciler({ log: logOf(app), pending, settleMs: 0, abandonMs: 0 }).run();
    expect(await mine()).toEqual([]);
  });
});

/** A log on the app's database (the app's own is not exposed). */
function logOf(app: TestApp): InstanceLog {
  const { models } = app.app.database;
  return new InstanceLog({
    store: new MongoInstanceStore(models),
    tasks: new MongoTaskRepository(models),
    outbox: new MongoOutbox(models),
    scheduler: { schedule: async () => {}, cancel: async () => {}, isRunning: () => true },
  });
}

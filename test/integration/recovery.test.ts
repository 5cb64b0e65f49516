import path from 'node:path';
import { BpmnEngineRunner } from '../../src/adapters/engine/bpmn-engine-runner.js';
import { FileFormValidator } from '../../src/adapters/forms/file-form-validator.js';
import { MongoInstanceStore } from '../../src/adapters/persistence/mongo-instance-store.js';
import { MongoOutbox } from '../../src/adapters/persistence/mongo-outbox.js';
import { MongoTaskRepository } from '../../src/adapters/persistence/mongo-task-repository.js';
import { InstanceLog } from '../../src/app/instance-log.js';
import type { InstanceStore, TaskRepository, TimerScheduler, Transition } from '../../src/app/ports.js';
import { TaskService } from '../../src/app/task-service.js';
import { FIXTURES, startTestApp, type TestApp } from '../support/harness.js';
import { REVIEW_INTAKE } from '../support/review-intake.js';

const intake = REVIEW_INTAKE;
const luis = { id: 'luis', roles: ['agent' as const], groups: ['l1'] };
const noScheduler: TimerScheduler = {
  schedule: async () => {},
  cancel: async () => {},
  isRunning: () => true,
};

describe('recovery', () => {
  let app: TestApp;
  beforeAll(async () => {
    // No reconciler here: these tests show what the log itself does (see reconciler.test.ts).
    app = await startTestApp({ timerPollMs: 60_000, env: { HELPDESK_RECONCILE_EVERY_MS: '0' } });
  });
  afterAll(async () => {
    await app.stop();
  });

  /** A review task of a fresh ticket. */
  async function openReview(): Promise<{ instanceId: string; taskId: string }> {
    const started = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', intake);
    return { instanceId: started.body.id, taskId: started.body.openTaskIds[0] };
  }

  /** A task service on the app's database whose store and task projection may misbehave. */
  function serviceWith(overrides: { store?: Partial<InstanceStore>; tasks?: Partial<TaskRepository> }) {
    const { models } = app.app.database;
    const realStore = new MongoInstanceStore(models);
    const realTasks = new MongoTaskRepository(models);
    const bind = <T extends object>(real: T, extra: Partial<T> = {}): T =>
      new Proxy(real, {
        get: (target, key) => {
          const own = (extra as Record<PropertyKey, unknown>)[key];
          const value = own ?? (target as Record<PropertyKey, unknown>)[key];
          return typeof value === 'function' ? value.bind(own ? extra : target) : value;
        },
      });
    const log = new InstanceLog({
      store: bind<InstanceStore>(realStore, overrides.store),
      tasks: bind<TaskRepository>(realTasks, overrides.tasks),
      outbox: new MongoOutbox(models),
      scheduler: noScheduler,
      retry: { attempts: 3, baseDelayMs: 1 },
    });
    const service = new TaskService({
      definitions: app.app.services.definitions,
      engine: new BpmnEngineRunner(),
      log,
      tasks: realTasks,
      forms: new FileFormValidator(path.join(FIXTURES, 'forms')),
      clock: { now: () => new Date() },
    });
    return { service, store: realStore };
  }

  const decision = { solved: false, priority: 'blocking' };
  const eventTypes = async (instanceId: string) =>
    (await app.call('supervisor', 'GET', `/api/instances/${instanceId}`)).body.events.map((e: any) => e.type);

  test('given a writer whose projections fail after its commit, then the step still succeeds and the next load rolls it forward', async () => {
    const { instanceId, taskId } = await openReview();
    const { service, store } = serviceWith({
      tasks: { apply: () => Promise.reject(new Error('crash after commit')) },
    });

    const head = await service.complete(taskId, decision, luis);

    expect(head.seq).toBe(2);
    expect((await store.loadHead(instanceId))!.seq).toBe(1);
    const after = await app.call('supervisor', 'GET', `/api/instances/${instanceId}`);
    expect(after.body.instance.seq).toBe(2);
    expect(after.body.events.map((e: any) => e.type)).toEqual(['instance.started', 'task.completed']);
    expect(after.body.tasks.map((t: any) => [t.activityId, t.status]).sort()).toEqual([
      ['handle', 'open'],
      ['review', 'completed'],
    ]);
    const again = await app.call('agentL1', 'POST', `/api/tasks/${taskId}/complete`, decision);
    expect(again.status).toBe(409);
  });

  test('given the commit insert went through but its answer was lost, when the writer reads its seq back, then it reports success once', async () => {
    const { instanceId, taskId } = await openReview();
    const { service, store } = serviceWith({});
    const real = new MongoInstanceStore(app.app.database.models);
    const lostAnswer = serviceWith({
      store: {
        commit: async (transition: Transition) => {
          await real.commit(transition);
          throw new Error('connection timed out');
        },
      },
    }).service;

    const head = await lostAnswer.complete(taskId, decision, luis);

    expect(head.seq).toBe(2);
    expect((await store.loadHead(instanceId))!.seq).toBe(2);
    expect(await eventTypes(instanceId)).toEqual(['instance.started', 'task.completed']);
    await expect(service.complete(taskId, decision, luis)).rejects.toMatchObject({ code: 'TASK_NOT_OPEN' });
  });

  test('given the commit insert fails with SQLITE_BUSY before writing, then it is tried again and succeeds', async () => {
    const { instanceId, taskId } = await openReview();
    const real = new MongoInstanceStore(app.app.database.models);
    let failures = 0;
    const { service } = serviceWith({
      store: {
        commit: async (transition: Transition) => {
          if (failures++ < 2) throw new Error('database is locked (5) (SQLITE_BUSY)');
          await real.commit(transition);
        },
      },
    });

    const head = await service.complete(taskId, decision, luis);

    expect(head.seq).toBe(2);
    expect(failures).toBe(3);
    expect(await eventTypes(instanceId)).toEqual(['instance.started', 'task.completed']);
  });

  test('given an ambiguous commit failure while another writer took that seq, then the writer redoes its work on the new state and is told the task is no longer open', async () => {
    const { instanceId, taskId } = await openReview();
    const { service } = serviceWith({
      store: {
        commit: async () => {
          // Meanwhile another process completes the task; our own insert never lands.
          const other = await app.call('agentL1b', 'POST', `/api/tasks/${taskId}/complete`, decision);
          expect(other.status).toBe(200);
          throw new Error('connection timed out');
        },
      },
    });

    // The insert's CONFLICT sends the use case round again (retryOnConflict); the task is gone by then.
    await expect(service.complete(taskId, decision, luis)).rejects.toMatchObject({ code: 'TASK_NOT_OPEN' });
    const view = await app.call('supervisor', 'GET', `/api/instances/${instanceId}`);
    expect(view.body.events.map((e: any) => [e.type, e.actor])).toEqual([
      ['instance.started', 'luis'],
      ['task.completed', 'lucia'],
    ]);
  });

  test('given a due timer whose scheduler job never ran, when the backstop sweep runs, then it fires once', async () => {
    const started = await app.call('agentL1', 'POST', '/api/procedures/sla-escalation/instances', {});
    await new Promise((resolve) => setTimeout(resolve, 1300));
    const timers = app.app.services.timers;
    expect(await timers.fireOverdue(0)).toBe(1);
    expect(await timers.fireOverdue(0)).toBe(0);
    const view = await app.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
    expect(view.body.events.filter((e: any) => e.type === 'timer.fired')).toHaveLength(1);
    expect(view.body.instance.timers.map((t: any) => t.activityId)).toEqual(['breach']);
  });
});

import { BpmnEngineRunner } from '../../src/adapters/engine/bpmn-engine-runner.js';
import { MongoInstanceStore } from '../../src/adapters/persistence/mongo-instance-store.js';
import { MongoOutbox } from '../../src/adapters/persistence/mongo-outbox.js';
import { MongoTaskRepository } from '../../src/adapters/persistence/mongo-task-repository.js';
import { FileFormValidator } from '../../src/adapters/forms/file-form-validator.js';
import { InstanceLog } from '../../src/app/instance-log.js';
import { TaskService } from '../../src/app/task-service.js';
import type { TimerScheduler } from '../../src/app/ports.js';
import { startTestApp, FIXTURES, type TestApp } from '../support/harness.js';
import path from 'node:path';

const intake = {
  requesterName: 'Ana',
  requesterEmail: 'ana@example.org',
  phone: '555 123 4567',
  channel: 'phone',
};

describe('recovery', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ timerPollMs: 60_000 });
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given a writer that crashed after committing a step but before updating tasks and head, when the instance is next loaded, then the step is rolled forward', async () => {
    const started = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', intake);
    const view = await app.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
    const review = view.body.tasks.find((t: any) => t.activityId === 'review');

    const { models } = app.app.database;
    const store = new MongoInstanceStore(models);
    const realTasks = new MongoTaskRepository(models);
    const crashingTasks = {
      ...realTasks,
      findById: realTasks.findById.bind(realTasks),
      list: realTasks.list.bind(realTasks),
      apply: () => Promise.reject(new Error('crash after commit')),
    };
    const noScheduler: TimerScheduler = {
      schedule: async () => {},
      cancel: async () => {},
      isRunning: () => true,
    };
    const crashingLog = new InstanceLog({
      store,
      tasks: crashingTasks,
      outbox: new MongoOutbox(models),
      scheduler: noScheduler,
    });
    const crashing = new TaskService({
      definitions: app.app.services.definitions,
      engine: new BpmnEngineRunner(),
      log: crashingLog,
      tasks: realTasks,
      forms: new FileFormValidator(path.join(FIXTURES, 'forms')),
      clock: { now: () => new Date() },
    });
    await expect(
      crashing.complete(
        review.id,
        { solved: false, priority: 'blocking' },
        { id: 'luis', roles: ['agent'], groups: ['l1'] },
      ),
    ).rejects.toThrow('crash after commit');
    expect((await store.loadHead(started.body.id))!.seq).toBe(1);

    const after = await app.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
    expect(after.body.instance.seq).toBe(2);
    expect(after.body.events.map((e: any) => e.type)).toEqual(['instance.started', 'task.completed']);
    expect(after.body.tasks.map((t: any) => [t.activityId, t.status]).sort()).toEqual([
      ['handle', 'open'],
      ['review', 'completed'],
    ]);
    const again = await app.call('agentL1', 'POST', `/api/tasks/${review.id}/complete`, {
      priority: 'blocking',
    });
    expect(again.status).toBe(409);
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

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { systemClock } from '../../src/adapters/clock/system-clock.js';
import { BpmnEngineRunner } from '../../src/adapters/engine/bpmn-engine-runner.js';
import { FileFormValidator } from '../../src/adapters/forms/file-form-validator.js';
import { MongoInstanceStore } from '../../src/adapters/persistence/mongo-instance-store.js';
import { MongoOutbox } from '../../src/adapters/persistence/mongo-outbox.js';
import { MongoPendingSteps } from '../../src/adapters/persistence/mongo-pending-steps.js';
import { MongoTaskRepository } from '../../src/adapters/persistence/mongo-task-repository.js';
import { MongoTicketNumbers } from '../../src/adapters/persistence/mongo-ticket-numbers.js';
import { calledInstanceId } from '../../src/app/call-plan.js';
import { InstanceLog } from '../../src/app/instance-log.js';
import { InstanceService } from '../../src/app/instance-service.js';
import type { InstanceStore } from '../../src/app/ports.js';
import { FIXTURES, type TestApp } from '../support/harness.js';
import { waitFor } from '../support/wait.js';
import { startWebApp } from '../support/web-accounts.js';
import { webLogin } from '../support/web-client.js';
import { REVIEW_INTAKE } from '../support/review-intake.js';

const CALL = path.join(FIXTURES, 'bpmn', 'call');
const intake = REVIEW_INTAKE;
const luis = { id: 'luis', roles: ['agent' as const], groups: ['l1', 'central-desk'] };
const crash = () => Promise.reject(new Error('process died after the commit'));

describe('call activities: a procedure calls another deployed procedure as its own ticket', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startWebApp({
      processesDir: path.join(CALL, 'processes'),
      timerPollMs: 60_000,
      env: {
        HELPDESK_RECONCILE_EVERY_MS: '200',
        HELPDESK_RECONCILE_AFTER_MS: '300',
        // A shared, loaded test machine: a cold engine step may take seconds (not under test here).
        HELPDESK_ENGINE_MAX_STEP_MS: '20000',
      },
    });
  }, 60_000);
  afterAll(async () => {
    await app.stop();
  });

  const instance = async (id: string) => (await app.call('supervisor', 'GET', `/api/instances/${id}`)).body;
  const startParent = async () => {
    const started = await app.call('agentL1', 'POST', '/api/procedures/call-parent/instances', intake);
    expect(started.status).toBe(201);
    const parent = await instance(started.body.id);
    return { parent, childId: String(parent.instance.calls[0].instanceId) };
  };

  test('given a ticket reaching a call activity, then the called ticket opens with the in-mappings, both are linked, and completing it resumes the caller with the out-mappings', async () => {
    const { parent, childId } = await startParent();

    expect(parent.instance).toMatchObject({ status: 'running', activeActivities: ['desk'] });
    expect(parent.instance.calls).toEqual([
      expect.objectContaining({
        activityId: 'desk',
        status: 'running',
        attempt: 1,
        businessKey: expect.stringMatching(/^CALLC-/),
      }),
    ]);
    const child = await instance(childId);
    expect(child.instance).toMatchObject({
      procedureId: 'call-child',
      businessKey: parent.instance.calls[0].businessKey,
      calledBy: {
        instanceId: parent.instance.id,
        businessKey: parent.instance.businessKey,
        activityId: 'desk',
        depth: 1,
      },
      variables: { customer: 'Ana', byPhone: true, ticketNumber: parent.instance.calls[0].businessKey },
    });
    expect(child.tasks.map((task: { activityId: string }) => task.activityId)).toEqual(['solve']);

    const done = await app.call('agentL2', 'POST', `/api/tasks/${child.instance.openTaskIds[0]}/complete`, {
      solved: true,
      priority: 'blocking',
    });
    expect(done.status).toBe(200);

    const resumed = await instance(parent.instance.id);
    expect(resumed.instance).toMatchObject({
      status: 'running',
      activeActivities: ['confirm'],
      variables: { resolution: 'blocking', solved: true, requesterName: 'Ana' },
    });
    expect(resumed.instance.calls[0]).toMatchObject({ instanceId: childId, status: 'completed' });
    expect(resumed.events.at(-1)).toMatchObject({
      type: 'call.completed',
      actor: 'marta',
      data: { activityId: 'desk', instanceId: childId, variables: { resolution: 'blocking', solved: true } },
    });
    expect((await instance(childId)).instance.status).toBe('completed');

    // Both instance pages link to each other.
    const sofia = await webLogin(app, 'sofia');
    const parentPage = await sofia.get(`/supervisor/instances/${parent.instance.id}`);
    expect(parentPage.text).toContain(`data-called-id="${childId}"`);
    const childPage = await sofia.get(`/supervisor/instances/${childId}`);
    expect(childPage.text).toContain(`data-caller-id="${parent.instance.id}"`);
  }, 30_000);

  test('given a caller with a running called ticket, when a supervisor cancels the caller, then the called ticket and its task are cancelled too', async () => {
    const { parent, childId } = await startParent();
    const taskId = (await instance(childId)).instance.openTaskIds[0];

    const cancelled = await app.call('supervisor', 'POST', `/api/instances/${parent.instance.id}/cancel`, {
      reason: 'duplicate',
    });

    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    const child = await instance(childId);
    expect(child.instance.status).toBe('cancelled');
    expect(child.events.at(-1)).toMatchObject({
      type: 'instance.cancelled',
      data: { reason: expect.stringContaining(parent.instance.businessKey), by: parent.instance.id },
    });
    expect(child.tasks.find((task: { id: string }) => task.id === taskId)).toMatchObject({
      status: 'cancelled',
    });
    expect((await instance(parent.instance.id)).instance.calls[0]).toMatchObject({ status: 'cancelled' });
  }, 30_000);

  test('given a called ticket cancelled on its own, then its caller gets an incident naming the call activity; a retry calls again (attempt 2)', async () => {
    const { parent, childId } = await startParent();

    await app.call('supervisor', 'POST', `/api/instances/${childId}/cancel`, { reason: 'wrong desk' });

    const stopped = await instance(parent.instance.id);
    expect(stopped.instance).toMatchObject({ status: 'incident', activeActivities: ['desk'] });
    expect(stopped.instance.error).toMatch(/^call activity <desk>: called ticket <CALLC-.*> was cancelled$/);
    expect(stopped.instance.calls[0]).toMatchObject({ status: 'cancelled' });

    const retried = await app.call('supervisor', 'POST', `/api/instances/${parent.instance.id}/retry`);
    expect(retried.body).toMatchObject({ status: 'running' });
    const again = await instance(parent.instance.id);
    expect(again.instance.calls).toEqual([
      expect.objectContaining({ instanceId: childId, status: 'cancelled', attempt: 1 }),
      expect.objectContaining({ status: 'running', attempt: 2 }),
    ]);
    expect((await instance(again.instance.calls[1].instanceId)).instance.status).toBe('running');
  }, 30_000);

  test('given a called procedure that ends at once, then the caller has moved past the call activity when the start answers', async () => {
    const started = await app.call('agentL1', 'POST', '/api/procedures/call-instant/instances', {});
    expect(started.status).toBe(201);

    const parent = await instance(started.body.id);
    expect(parent.instance).toMatchObject({ status: 'running', activeActivities: ['after'] });
    expect(parent.instance.calls[0]).toMatchObject({
      status: 'completed',
      businessKey: expect.stringMatching(/^CALLE-/),
    });
    // out variables="all" never copies the called ticket's number over the caller's.
    expect(parent.instance.variables.ticketNumber).toBe(parent.instance.businessKey);
  }, 30_000);

  test('given a procedure calling itself without a wait, then the tenth called ticket stops in an incident naming the activity', async () => {
    const started = await app.call('agentL1', 'POST', '/api/procedures/call-self/instances', {});
    expect(started.status).toBe(201);

    let current = await instance(started.body.id);
    const chain = [current.instance.status];
    for (let depth = 1; depth <= 10; depth++) {
      current = await instance(current.instance.calls[0].instanceId);
      expect(current.instance.calledBy.depth).toBe(depth);
      chain.push(current.instance.status);
    }
    expect(chain).toEqual([...Array(10).fill('running'), 'incident']);
    expect(current.instance.error).toBe(
      'call activity <again>: calls nested deeper than 10 (a procedure calling itself?)',
    );
    expect(current.instance.calls).toBeUndefined();
  }, 60_000);

  test('given a call activity naming a procedure that is not deployed, then its ticket gets an incident naming the activity', async () => {
    const started = await app.call('agentL1', 'POST', '/api/procedures/call-missing/instances', {});

    const parent = await instance(started.body.id);
    expect(parent.instance.status).toBe('incident');
    expect(parent.instance.error).toMatch(
      /^call activity <nowhere>: cannot start <not-deployed>: procedure <not-deployed> not found/,
    );
  }, 30_000);

  test('given call activities with code, an unsupported binding or a pin without a version, then deploy refuses them naming each', async () => {
    const xml = readFileSync(path.join(CALL, 'extra', 'call-broken.bpmn'), 'utf8');

    const refused = await app.call('analyst', 'PUT', '/api/procedures/call-broken', xml, 'application/xml');

    expect(refused.status).toBe(422);
    const messages = refused.body.error.details.map((d: { message: string }) => d.message).join('\n');
    expect(messages).toContain('call activity <java> calledElement "Call Child" must be a procedure id');
    expect(messages).toContain('call activity <java> uses camunda:variableMappingClass');
    expect(messages).toContain('call activity <pinned> needs camunda:calledElementVersion');
  });

  test.each(['before the head', 'after the head, before the called ticket'])(
    'given a process that dies after committing a caller step %s, then the reconciler opens the called ticket (once)',
    async (point) => {
      const { models, connection } = app.app.database;
      const store = new MongoInstanceStore(models);
      const crashingStore: InstanceStore = Object.assign(Object.create(store) as InstanceStore, {
        saveHead: point === 'before the head' ? crash : store.saveHead.bind(store),
      });
      const log = new InstanceLog({
        store: crashingStore,
        tasks: new MongoTaskRepository(models),
        outbox: new MongoOutbox(models),
        scheduler: { schedule: async () => {}, cancel: async () => {}, isRunning: () => true },
        pending: new MongoPendingSteps(connection, systemClock),
        retry: { attempts: 1, baseDelayMs: 1 },
      });
      log.useCalls({ apply: crash });
      const dying = new InstanceService({
        definitions: app.app.services.definitions,
        engine: new BpmnEngineRunner(),
        log,
        store,
        tasks: new MongoTaskRepository(models),
        outbox: new MongoOutbox(models),
        forms: new FileFormValidator(path.join(FIXTURES, 'forms')),
        ticketNumbers: new MongoTicketNumbers(models),
        clock: systemClock,
      });

      const head = await dying.start('call-parent', intake, luis);

      const childId = calledInstanceId(head.id, head.calls![0]!.executionId, 1);
      expect(await store.loadHead(childId)).toBeNull();
      const child = (await waitFor(async () => (await store.loadHead(childId)) ?? undefined, 15_000, 100))!;
      expect(child).toMatchObject({ calledBy: { instanceId: head.id }, status: 'running', seq: 1 });
      const parent = await instance(head.id);
      expect(parent.instance.calls[0]).toMatchObject({ instanceId: childId, businessKey: child.businessKey });
      // The reconciler and later loads apply the start again: the called ticket still has one step.
      await app.call('supervisor', 'GET', `/api/instances/${head.id}`);
      expect((await instance(childId)).events).toHaveLength(1);
    },
    30_000,
  );

  test('given a version 2 of the called procedure, then a pinned call opens version 1 and a latest call opens version 2', async () => {
    const v2 = readFileSync(path.join(CALL, 'extra', 'call-child-v2.bpmn'), 'utf8');
    const deployed = await app.call('analyst', 'PUT', '/api/procedures/call-child', v2, 'application/xml');
    expect(deployed.status).toBeLessThan(300);

    const pinned = await app.call('agentL1', 'POST', '/api/procedures/call-pinned/instances', {});
    const pinnedChild = await instance((await instance(pinned.body.id)).instance.calls[0].instanceId);
    const { childId } = await startParent();
    const latestChild = await instance(childId);

    expect(pinnedChild.instance.definitionId).toBe('call-child@1');
    expect(pinnedChild.tasks.map((task: { activityId: string }) => task.activityId)).toEqual(['solve']);
    expect(latestChild.instance.definitionId).toBe('call-child@2');
    expect(latestChild.tasks.map((task: { activityId: string }) => task.activityId)).toEqual(['solve-v2']);
  }, 30_000);
});

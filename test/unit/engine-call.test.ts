import { readFileSync } from 'node:fs';
import BpmnModdle from 'bpmn-moddle';
import { createRequire } from 'node:module';
import { buildCatalog } from '../../src/adapters/bpmn/catalog.js';
import { BpmnEngineRunner } from '../../src/adapters/engine/bpmn-engine-runner.js';
import { calledInstanceId, planCalls } from '../../src/app/call-plan.js';
import { mapVariables, MAX_CALL_DEPTH } from '../../src/domain/call.js';
import type { InstanceRecord } from '../../src/domain/instance.js';
import type { ProcedureCatalog } from '../../src/domain/procedure.js';

const require = createRequire(import.meta.url);
const camunda = require('camunda-bpmn-moddle/resources/camunda.json') as object;
const xmlOf = (name: string) => readFileSync(`test/fixtures/bpmn/call/processes/${name}.bpmn`, 'utf8');
const parent = { id: 'call-parent@1', xml: xmlOf('call-parent') };

async function catalogOf(name: string): Promise<ProcedureCatalog> {
  const { rootElement } = await new BpmnModdle({ camunda }).fromXML(xmlOf(name));
  return buildCatalog(rootElement as never, name);
}

function head(overrides: Partial<InstanceRecord> = {}): InstanceRecord {
  const now = new Date('2026-11-28T10:00:00Z');
  return {
    id: 'caller-1',
    procedureId: 'call-parent',
    definitionId: 'call-parent@1',
    businessKey: 'CALLP-2026-000001',
    engineVersion: 'test',
    seq: 1,
    status: 'running',
    engineState: null,
    variables: {},
    timers: [],
    activeActivities: [],
    completedActivities: [],
    openTaskIds: [],
    startedAt: now,
    startedBy: 'luis',
    updatedAt: now,
    ...overrides,
  };
}

describe('call activities in the runner', () => {
  const runner = new BpmnEngineRunner();

  test('given a process reaching a call activity, then the run waits on it and names the called procedure', async () => {
    const outcome = await runner.start(parent, { requesterName: 'Ana', channel: 'phone' });

    expect(outcome.status).toBe('running');
    expect(outcome.calls).toEqual([
      { activityId: 'desk', executionId: expect.any(String), calledElement: 'call-child' },
    ]);
    expect(outcome.activeActivities).toEqual(['desk']);
  });

  test('given a procedure calling itself (its process id is the called procedure id), then the engine waits instead of running the process in itself', async () => {
    const self = { id: 'call-self@1', xml: xmlOf('call-self') };

    const outcome = await runner.start(self, {});

    expect(outcome.status).toBe('running');
    expect(outcome.calls).toEqual([
      { activityId: 'again', executionId: expect.any(String), calledElement: 'call-self' },
    ]);
  });

  test('given a waiting call activity, when the state is resumed, then the call is announced again (same execution)', async () => {
    const started = await runner.start(parent, {});

    const resumed = await runner.resume(parent, started.engineState, { kind: 'resume' });

    expect(resumed.calls).toEqual(started.calls);
  });

  test('given a waiting call activity, when it is completed with output variables, then they join the instance and the run moves on', async () => {
    const started = await runner.start(parent, { requesterName: 'Ana' });
    const call = started.calls![0]!;

    const resumed = await runner.resume(parent, started.engineState, {
      kind: 'complete-call',
      activityId: call.activityId,
      executionId: call.executionId,
      variables: { resolution: 'blocking' },
    });

    expect(resumed.status).toBe('running');
    expect(resumed.calls ?? []).toEqual([]);
    expect(resumed.variables).toMatchObject({ requesterName: 'Ana', resolution: 'blocking' });
    expect(resumed.waitingTasks.map((task) => task.activityId)).toEqual(['confirm']);
  });

  test('given a completion for an execution that is not waiting, then the runner refuses it naming the activity', async () => {
    const started = await runner.start(parent, {});

    await expect(
      runner.resume(parent, started.engineState, {
        kind: 'complete-call',
        activityId: 'desk',
        executionId: 'desk_unknown',
        variables: {},
      }),
    ).rejects.toThrow('call activity <desk> is no longer waiting');
  });
});

describe('call activity catalog and plan', () => {
  test('given camunda:in/out mappings, then the catalog keeps them (businessKey ignored) and they map data only', async () => {
    const catalog = await catalogOf('call-parent');
    const spec = catalog.callActivities?.desk;

    expect(spec).toMatchObject({ calledElement: 'call-child', binding: 'latest' });
    expect(spec?.inputs).toEqual([
      { kind: 'variable', source: 'requesterName', target: 'customer' },
      { kind: 'expression', expression: ' channel == "phone" ', target: 'byPhone' },
    ]);
    expect(mapVariables(spec!.inputs, { requesterName: 'Ana', channel: 'phone', ticketNumber: 'X' })).toEqual(
      {
        customer: 'Ana',
        byPhone: true,
      },
    );
    expect(mapVariables([{ kind: 'all' }], { a: 1, ticketNumber: 'X' })).toEqual({ a: 1 });
    expect(mapVariables([{ kind: 'variable', source: 'constructor', target: 'c' }], {})).toEqual({ c: null });
  });

  test('given a pinned version, then the catalog records the binding and the version', async () => {
    expect((await catalogOf('call-pinned')).callActivities?.desk).toMatchObject({
      binding: 'version',
      version: 1,
    });
  });

  test('given a new wait, then the plan starts a called ticket with a deterministic id; the same wait later starts nothing', async () => {
    const catalog = await catalogOf('call-parent');
    const outcome = await new BpmnEngineRunner().start(parent, { requesterName: 'Ana', channel: 'email' });
    const step = { previous: head(), catalog, actor: { id: 'luis' } };

    const first = planCalls(step, outcome);
    const again = planCalls({ ...step, previous: head({ calls: first.calls }) }, outcome);

    const executionId = outcome.calls![0]!.executionId;
    const id = calledInstanceId('caller-1', executionId, 1);
    expect(first.calls).toEqual([expect.objectContaining({ instanceId: id, status: 'running', attempt: 1 })]);
    expect(first.effects?.start).toEqual([
      expect.objectContaining({
        instanceId: id,
        procedureId: 'call-child',
        variables: { customer: 'Ana', byPhone: false },
        calledBy: expect.objectContaining({ instanceId: 'caller-1', activityId: 'desk', depth: 1 }),
      }),
    ]);
    expect(again.effects).toBeUndefined();
    expect(calledInstanceId('caller-1', executionId, 2)).not.toBe(id);
  });

  test('given a caller that ends, then its running call is cancelled; a called ticket that ends returns to its caller', async () => {
    const catalog = await catalogOf('call-parent');
    const running = {
      activityId: 'desk',
      executionId: 'desk_1',
      instanceId: 'c1',
      procedureId: 'call-child',
      attempt: 1,
      status: 'running' as const,
    };
    const ended = {
      status: 'cancelled' as const,
      engineState: null,
      variables: {},
      waitingTasks: [],
      armedTimers: [],
      firedTimers: [],
      sentMessages: [],
      completedActivities: [],
      activeActivities: [],
    };
    const caller = {
      instanceId: 'p',
      businessKey: 'P-1',
      procedureId: 'call-parent',
      activityId: 'desk',
      executionId: 'desk_0',
      depth: 1,
    };

    const plan = planCalls(
      { previous: head({ calls: [running], calledBy: caller }), catalog, actor: { id: 's' } },
      ended,
    );

    expect(plan.calls).toEqual([{ ...running, status: 'cancelled' }]);
    expect(plan.effects).toEqual({ cancel: ['c1'], returnToCaller: true });
  });

  test(`given a ticket at depth ${MAX_CALL_DEPTH}, then a further call is refused as an incident naming the activity`, async () => {
    const catalog = await catalogOf('call-parent');
    const outcome = await new BpmnEngineRunner().start(parent, {});
    const calledBy = {
      instanceId: 'p',
      businessKey: 'P-1',
      procedureId: 'x',
      activityId: 'a',
      executionId: 'a_1',
      depth: MAX_CALL_DEPTH,
    };

    const plan = planCalls({ previous: head({ calledBy }), catalog, actor: { id: 's' } }, outcome);

    expect(plan.refused?.activityId).toBe('desk');
    expect(plan.refused?.reason).toMatch(/call activity <desk>: calls nested deeper than 10/);
  });
});

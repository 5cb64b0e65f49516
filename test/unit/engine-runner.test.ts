import { readFileSync } from 'node:fs';
import { BpmnEngineRunner } from '../../src/adapters/engine/bpmn-engine-runner.js';
import { WorkerEngine } from '../../src/adapters/engine/worker-engine.js';
import type { EngineDefinition, RunOutcome } from '../../src/app/procedure-engine.js';

const xml = readFileSync('test/fixtures/processes/review-request.bpmn', 'utf8');

describe('BpmnEngineRunner', () => {
  test('given a waiting user task, when it is completed after a recover, then the instance moves on by the condition', async () => {
    const runner = new BpmnEngineRunner();
    const definition = { id: 'review-request@1', xml };
    const started = await runner.start(definition, {});
    const [review] = started.waitingTasks;
    const resumed = await runner.resume(definition, JSON.parse(JSON.stringify(started.engineState)), {
      kind: 'complete-task',
      executionId: review!.executionId,
      data: { solved: true, priority: 'non-blocking' },
    });
    expect(resumed.waitingTasks.map((t) => t.activityId)).toEqual(['close']);
    expect(resumed.completedActivities).toEqual(['review', 'gw-approved']);
  }, 5000);
});

describe('BpmnEngineRunner variables across resumes', () => {
  const loopXml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="x">
  <bpmn:process id="loop" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="ask" />
    <bpmn:userTask id="ask" />
    <bpmn:sequenceFlow id="f2" sourceRef="ask" targetRef="gw" />
    <bpmn:exclusiveGateway id="gw" default="f-again" />
    <bpmn:sequenceFlow id="f-done" sourceRef="gw" targetRef="end"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${ solved == true }</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f-again" sourceRef="gw" targetRef="ask" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

  test('given a loop that re-asks a question, when the answer changes, then the condition sees the new value', async () => {
    const runner = new BpmnEngineRunner();
    const definition = { id: 'loop@1', xml: loopXml };
    const answer = async (state: unknown, executionId: string, solved: boolean) =>
      runner.resume(definition, state, { kind: 'complete-task', executionId, data: { solved } });
    const started = await runner.start(definition, {});
    const first = await answer(started.engineState, started.waitingTasks[0]!.executionId, false);
    expect(first.waitingTasks.map((t) => t.activityId)).toEqual(['ask']);
    const second = await answer(first.engineState, first.waitingTasks[0]!.executionId, true);
    expect(second.status).toBe('completed');
    expect(second.variables).toMatchObject({ solved: true });
  }, 5000);
});

describe('BpmnEngineRunner sub-processes', () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="nested" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="desk-work" />
    <bpmn:subProcess id="desk-work">
      <bpmn:startEvent id="inner-start" />
      <bpmn:sequenceFlow id="i1" sourceRef="inner-start" targetRef="perform" />
      <bpmn:userTask id="perform" />
      <bpmn:sequenceFlow id="i2" sourceRef="perform" targetRef="inner-end" />
      <bpmn:endEvent id="inner-end" />
    </bpmn:subProcess>
    <bpmn:sequenceFlow id="f2" sourceRef="desk-work" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

  test('given a user task inside a sub-process, when it is completed after a recover, then the instance completes', async () => {
    const runner = new BpmnEngineRunner();
    const definition = { id: 'nested@1', xml };
    const started = await runner.start(definition, {});
    expect(started.waitingTasks.map((t) => t.activityId)).toEqual(['perform']);
    const done = await runner.resume(definition, started.engineState, {
      kind: 'complete-task',
      executionId: started.waitingTasks[0]!.executionId,
      data: {},
    });
    expect(done.status).toBe('completed');
  }, 5000);
});

describe('BpmnEngineRunner intermediate timers', () => {
  const xml = (definition: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="x">
  <bpmn:process id="wait" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="until" />
    <bpmn:intermediateCatchEvent id="until"><bpmn:timerEventDefinition>${definition}</bpmn:timerEventDefinition></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f2" sourceRef="until" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

  test.each([
    ['timeDate', '<bpmn:timeDate>2099-01-01T08:00:00Z</bpmn:timeDate>', 'timeDate'],
    ['timeDuration', '<bpmn:timeDuration>P2D</bpmn:timeDuration>', 'timeDuration'],
  ])(
    'given an intermediate %s timer, then it is armed, not run in-process, and firing it completes the instance',
    async (_name, definition, timerType) => {
      const runner = new BpmnEngineRunner();
      const procedure = { id: `wait-${timerType}@1`, xml: xml(definition) };
      const started = await runner.start(procedure, {});
      expect(started.status).toBe('running');
      expect(started.armedTimers).toEqual([expect.objectContaining({ activityId: 'until', timerType })]);
      const timer = started.armedTimers[0]!;
      const fired = await runner.resume(procedure, started.engineState, {
        kind: 'fire-timer',
        activityId: timer.activityId,
        executionId: timer.executionId,
      });
      expect(fired.status).toBe('completed');
      expect(fired.firedTimers.map((t) => t.activityId)).toEqual(['until']);
    },
    5000,
  );
});

const fixture = (name: string) => readFileSync(`test/fixtures/bpmn/${name}`, 'utf8');

describe('BpmnEngineRunner budget (issue 9)', () => {
  test('given a gateway that loops to itself with no wait, when the instance starts, then the step ends as an incident naming the gateway', async () => {
    const runner = new BpmnEngineRunner();
    const started = Date.now();
    const outcome = await runner.start(
      { id: 'gateway-loop@1', xml: fixture('engine/gateway-loop.bpmn') },
      {},
    );
    expect(outcome.status).toBe('incident');
    expect(outcome.incident).toEqual({ activityId: 'gw', reason: expect.stringContaining('<gw>') });
    expect(outcome.error).toMatch(/more than 100 times in one step/);
    expect(outcome.engineState).toBeNull();
    expect(Date.now() - started).toBeLessThan(5000);
  }, 10_000);

  test('given the per-activity bound lifted, when the gateway loop overflows the stack, then the RangeError becomes an incident, not a throw', async () => {
    const runner = new BpmnEngineRunner({ budget: { maxVisits: 1e9, maxActivities: 1e9, maxStepMs: 1e9 } });
    const outcome = await runner.start(
      { id: 'gateway-loop@1', xml: fixture('engine/gateway-loop.bpmn') },
      {},
    );
    expect(outcome.status).toBe('incident');
    expect(outcome.error).toMatch(/activity <gw>: the engine overflowed its stack/);
  }, 30_000);

  test.each([
    ['sequential', 'true'],
    ['parallel', 'false'],
  ])(
    'given a %s multi-instance task with cardinality 200000 from a variable, then the step stops at the activity bound',
    async (_kind, sequential) => {
      const runner = new BpmnEngineRunner({ budget: { maxActivities: 2000 } });
      const xml = fixture('engine/mi-count.bpmn').replace(
        'isSequential="true"',
        `isSequential="${sequential}"`,
      );
      const started = Date.now();
      const outcome = await runner.start({ id: `mi-count-${sequential}@1`, xml }, { n: 200_000 });
      expect(outcome.status).toBe('incident');
      expect(outcome.incident).toEqual({
        activityId: 'each',
        reason: 'activity <each>: more than 2000 activity starts in one step',
      });
      expect(Date.now() - started).toBeLessThan(5000);
    },
    10_000,
  );

  test('given a wall-time bound of 0 ms, then the first activity start past it stops the step with the limit named', async () => {
    const runner = new BpmnEngineRunner({ budget: { maxStepMs: 0 } });
    const xml = fixture('engine/mi-count.bpmn');
    const outcome = await runner.start({ id: 'mi-count-time@1', xml }, { n: 100_000 });
    expect(outcome.status).toBe('incident');
    expect(outcome.error).toMatch(/step ran for more than 0 ms/);
  }, 10_000);

  test('given a small count, then the multi-instance task runs to completion within the budget', async () => {
    const runner = new BpmnEngineRunner();
    const outcome = await runner.start(
      { id: 'mi-count-small@1', xml: fixture('engine/mi-count.bpmn') },
      { n: 50 },
    );
    expect(outcome.status).toBe('completed');
  }, 10_000);
});

describe('BpmnEngineRunner refuses scripts (second layer)', () => {
  test('given a script task reached at run time, then the step ends as an incident naming it and no script runs', async () => {
    const runner = new BpmnEngineRunner();
    const outcome = await runner.start({ id: 'script@1', xml: fixture('script-task.bpmn') }, {});
    expect(outcome.status).toBe('incident');
    expect(outcome.incident).toEqual({
      activityId: 'run-script',
      reason: 'script at <run-script> refused: this engine runs no scripts',
    });
  }, 5000);

  test('given a condition in the safe expression language, then it is still evaluated as an expression', async () => {
    const runner = new BpmnEngineRunner();
    const definition = { id: 'review-request@1', xml };
    const started = await runner.start(definition, {});
    const resumed = await runner.resume(definition, started.engineState, {
      kind: 'complete-task',
      executionId: started.waitingTasks[0]!.executionId,
      data: { solved: false, priority: 'blocking' },
    });
    expect(resumed.status).toBe('running');
    expect(resumed.completedActivities).toContain('gw-approved');
  }, 5000);
});

describe('BpmnEngineRunner repeating timers', () => {
  const zero = { id: 'zero-cycle@1', xml: fixture('engine/boundary-zero-cycle.bpmn') };

  test('given an R/PT0S boundary cycle started directly, then it is armed (not completed in-process) and the step returns', async () => {
    const runner = new BpmnEngineRunner();
    const started = await runner.start(zero, {});
    expect(started.status).toBe('running');
    expect(started.sentMessages).toEqual([]);
    expect(started.waitingTasks.map((t) => t.activityId)).toEqual(['work']);
    expect(started.armedTimers).toEqual([
      expect.objectContaining({ activityId: 'nag', timerType: 'timeCycle', value: 'R/PT0S' }),
    ]);
    expect(started.armedTimers[0]!.timeoutMs).toBeGreaterThan(0);
  }, 5000);

  test('given the zero cycle fired once by the scheduler, then it is not re-armed and the reason names the minimum period', async () => {
    const runner = new BpmnEngineRunner();
    const started = await runner.start(zero, {});
    const timer = started.armedTimers[0]!;
    const fired = await runner.resume(zero, started.engineState, {
      kind: 'fire-timer',
      activityId: timer.activityId,
      executionId: timer.executionId,
      firings: 0,
    });
    expect(fired.status).toBe('running');
    expect(fired.sentMessages.map((m) => m.activityId)).toEqual(['remind']);
    expect(fired.armedTimers).toEqual([]);
    expect(fired.waitingTasks.map((t) => t.activityId)).toEqual(['work']);
    expect(fired.disarmedTimers).toEqual([
      expect.objectContaining({
        activityId: 'nag',
        reason: expect.stringMatching(/below the minimum of 60000 ms/),
      }),
    ]);
  }, 5000);

  test('given a 5-minute cycle that has fired the maximum number of times, then it is not re-armed', async () => {
    const runner = new BpmnEngineRunner({ cycles: { maxFirings: 3 } });
    const fiveMinutes = { id: 'five-cycle@1', xml: zero.xml.replace('>R/PT0S<', '>R/PT5M<') };
    const started = await runner.start(fiveMinutes, {});
    const timer = started.armedTimers[0]!;
    const action = { kind: 'fire-timer' as const, activityId: 'nag', executionId: timer.executionId };
    const again = await runner.resume(fiveMinutes, started.engineState, { ...action, firings: 1 });
    expect(again.armedTimers).toEqual([expect.objectContaining({ activityId: 'nag', timeoutMs: 300_000 })]);
    const last = await runner.resume(fiveMinutes, started.engineState, { ...action, firings: 2 });
    expect(last.armedTimers).toEqual([]);
    expect(last.disarmedTimers?.[0]?.reason).toBe('timer cycle <nag> fired 3 times (limit 3): not re-armed');
  }, 5000);
});

describe('BpmnEngineRunner multi-instance user tasks (issue 16)', () => {
  const review = { id: 'budget-review@1', xml: fixture('budget/processes/budget-review.bpmn') };

  test('given parallel then sequential multi-instance user tasks, then every item is a task and each can be completed', async () => {
    const runner = new BpmnEngineRunner();
    let outcome = await runner.start(review, { count: 2 });
    expect(outcome.waitingTasks.map((t) => t.activityId)).toEqual(['check', 'check']);
    const [first, second] = outcome.waitingTasks.map((t) => t.executionId);
    const complete = async (executionId: string) =>
      runner.resume(review, outcome.engineState, { kind: 'complete-task', executionId, data: {} });
    outcome = await complete(second!);
    expect(outcome.waitingTasks.map((t) => t.executionId)).toEqual([first]);
    outcome = await complete(first!);
    expect(outcome.waitingTasks.map((t) => t.activityId)).toEqual(['sign']);
    const signFirst = outcome.waitingTasks[0]!.executionId;
    await expect(complete(second!)).rejects.toMatchObject({ code: 'TASK_NOT_OPEN' });
    outcome = await complete(signFirst);
    expect(outcome.waitingTasks.map((t) => t.activityId)).toEqual(['sign']);
    expect(outcome.waitingTasks[0]!.executionId).not.toBe(signFirst);
    outcome = await complete(outcome.waitingTasks[0]!.executionId);
    expect(outcome.status).toBe('completed');
  }, 10_000);
});

describe('WorkerEngine (engine steps on their own thread)', () => {
  test('given a waiting task, then steps run on the thread and an AppError keeps its code across it', async () => {
    const engine = new WorkerEngine();
    try {
      const definition = { id: 'review-request@1', xml };
      const started = await engine.start(definition, {});
      expect(started.waitingTasks.map((t) => t.activityId)).toEqual(['review']);
      await expect(
        engine.resume(definition, started.engineState, {
          kind: 'complete-task',
          executionId: 'gone',
          data: {},
        }),
      ).rejects.toMatchObject({ name: 'AppError', code: 'TASK_NOT_OPEN' });
    } finally {
      await engine.close();
    }
  }, 30_000);

  test('given two threads, when one runs a long step, then a step of another instance is answered meanwhile', async () => {
    const lifted = { maxVisits: 1e9, maxActivities: 1e9, maxStepMs: 1e9 };
    const engine = new WorkerEngine({ budget: lifted, hardLimitMs: 4000, threads: 2 });
    try {
      const quick = { id: 'review-request@1', xml };
      await Promise.all([engine.start(quick, {}), engine.start(quick, {})]); // both threads started
      const long = engine.start(
        { id: 'mi-count@1', xml: fixture('engine/mi-count.bpmn') },
        { n: 10_000_000 },
      );
      const began = Date.now();
      expect((await engine.start(quick, {})).status).toBe('running');
      expect(Date.now() - began).toBeLessThan(2000);
      expect((await long).status).toBe('incident');
    } finally {
      await engine.close();
    }
  }, 30_000);

  test('given a step its budget does not stop, when it overruns the hard limit, then its thread is stopped, the step is an incident and the next step runs on a new thread', async () => {
    const lifted = { maxVisits: 1e9, maxActivities: 1e9, maxStepMs: 1e9 };
    const engine = new WorkerEngine({ budget: lifted, hardLimitMs: 3000 });
    try {
      // Thread start-up is not step time.
      expect((await engine.start({ id: 'review-request@1', xml }, {})).status).toBe('running');
      const items = { id: 'mi-count@1', xml: fixture('engine/mi-count.bpmn') };
      const outcome = await engine.start(items, { n: 10_000_000 });
      expect(outcome.status).toBe('incident');
      expect(outcome.error).toBe('engine step ran for more than 3000 ms: its thread was stopped');
      expect((await engine.start({ id: 'review-request@1', xml }, {})).status).toBe('running');
    } finally {
      await engine.close();
    }
  }, 30_000);
});

describe('BpmnEngineRunner multi-instance collection, completion condition and sub-processes (issue 16)', () => {
  const reviewXml = (loop: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="x">
  <bpmn:process id="mi" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:userTask id="review">${loop}</bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="after" />
    <bpmn:userTask id="after" />
    <bpmn:sequenceFlow id="f3" sourceRef="after" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;
  const services = { services: ['radiology', 'cardiology', 'it'] };
  const items = (outcome: RunOutcome) =>
    outcome.waitingTasks.map((t) => `${t.activityId}${t.item ? ` ${t.item.index}/${t.item.count}` : ''}`);
  const complete = (definition: EngineDefinition, outcome: RunOutcome, data: Record<string, unknown> = {}) =>
    new BpmnEngineRunner().resume(definition, JSON.parse(JSON.stringify(outcome.engineState)), {
      kind: 'complete-task',
      executionId: outcome.waitingTasks[0]!.executionId,
      data,
    });

  test.each([
    ['false', ['review 1/3', 'review 2/3', 'review 3/3']],
    ['true', ['review 1/3']],
  ])(
    'given a multi-instance task over camunda:collection (isSequential=%s), then one task opens per item and the last completion moves on',
    async (sequential, opened) => {
      const definition = {
        id: `mi-collection-${sequential}@1`,
        xml: reviewXml(
          `<bpmn:multiInstanceLoopCharacteristics isSequential="${sequential}" camunda:collection="\${ services }" camunda:elementVariable="service" />`,
        ),
      };
      let outcome = await new BpmnEngineRunner().start(definition, services);
      expect(items(outcome)).toEqual(opened);
      outcome = await complete(definition, outcome);
      outcome = await complete(definition, outcome);
      expect(items(outcome)).toEqual(['review 3/3']);
      outcome = await complete(definition, outcome);
      expect(items(outcome)).toEqual(['after']);
    },
    20_000,
  );

  test.each([['true'], ['false']])(
    'given a completion condition (isSequential=%s), when an item makes it true, then the other items close and the flow moves on',
    async (sequential) => {
      const definition = {
        id: `mi-condition-${sequential}@1`,
        xml: reviewXml(
          `<bpmn:multiInstanceLoopCharacteristics isSequential="${sequential}"><bpmn:loopCardinality>3</bpmn:loopCardinality><bpmn:completionCondition xsi:type="bpmn:tFormalExpression">\${ approved == true }</bpmn:completionCondition></bpmn:multiInstanceLoopCharacteristics>`,
        ),
      };
      const started = await new BpmnEngineRunner().start(definition, {});
      const notYet = await complete(definition, started, { approved: false });
      expect(items(notYet)).toEqual(sequential === 'true' ? ['review 2/3'] : ['review 2/3', 'review 3/3']);
      const approved = await complete(definition, notYet, { approved: true });
      expect(items(approved)).toEqual(['after']);
      expect(approved.completedActivities).toContain('review');
    },
    20_000,
  );

  test('given a multi-instance sub-process with a user task and a receive task inside, then it starts (no stack overflow), each item waits and the flow moves on after the last', async () => {
    const definition = { id: 'mi-sub-process@1', xml: fixture('engine/mi-sub-process-waits.bpmn') };
    const runner = new BpmnEngineRunner();
    let outcome = await runner.start(definition, {});
    expect(outcome.status).toBe('running');
    expect(items(outcome)).toEqual(['check', 'check']);
    for (let round = 0; round < 2; round++) outcome = await complete(definition, outcome);
    expect((outcome.awaiting ?? []).map((a) => a.activityId)).toEqual(['wait-reply', 'wait-reply']);
    for (let round = 0; round < 2; round++) {
      outcome = await runner.resume(definition, JSON.parse(JSON.stringify(outcome.engineState)), {
        kind: 'deliver',
        event: 'message',
        name: 'reply',
        targets: (outcome.awaiting ?? []).slice(0, 1),
        variables: {},
      });
    }
    expect(items(outcome)).toEqual(['after']);
    expect(outcome.activeActivities).toEqual(['after']);
  }, 20_000);

  test('given a plain start and a message start, when started plainly, then activeActivities lists activities only (no sequence flow)', async () => {
    const definition = { id: 'two-starts@1', xml: fixture('engine/plain-and-message-start.bpmn') };
    const started = await new BpmnEngineRunner().start(definition, {});
    expect(items(started)).toEqual(['triage']);
    expect(started.activeActivities).toEqual(['triage']);
  }, 10_000);
});

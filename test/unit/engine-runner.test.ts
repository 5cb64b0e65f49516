import { readFileSync } from 'node:fs';
import { BpmnEngineRunner } from '../../src/adapters/engine/bpmn-engine-runner.js';

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

import { readFileSync } from 'node:fs';
import { BpmnEngineRunner } from '../../src/adapters/engine/bpmn-engine-runner.js';
import { parseDefinition } from '../../src/adapters/bpmn/parse-definition.js';

/** Data-only camunda:inputOutput mappings (issue 13, ADR 0031). */
const loop = {
  id: 'input-output-loop@1',
  xml: readFileSync('test/fixtures/compat/input-output-loop.bpmn', 'utf8'),
};
const io = (parameters: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="x">
  <bpmn:process id="io" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:userTask id="work"><bpmn:extensionElements><camunda:inputOutput>${parameters}</camunda:inputOutput></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe('camunda:inputOutput data-only mappings', () => {
  test('given inputs and an output driving a loop, then inputs are set when the task starts, the output when it completes, and the loop ends after three attempts', async () => {
    const runner = new BpmnEngineRunner();
    let outcome = await runner.start(loop, {});
    expect(outcome.variables).toMatchObject({ attempts: 0, channel: 'phone' });
    const seen: unknown[] = [];
    for (let i = 0; i < 5 && outcome.status === 'running'; i++) {
      const [task] = outcome.waitingTasks;
      outcome = await runner.resume(loop, JSON.parse(JSON.stringify(outcome.engineState)), {
        kind: 'complete-task',
        executionId: task!.executionId,
        data: {},
      });
      seen.push(outcome.variables.attempts);
    }
    expect(seen).toEqual([1, 2, 3]);
    expect(outcome.status).toBe('completed');
  }, 10_000);

  test('given an output expression reading the task data, then the mapped variable holds its value after the completion', async () => {
    const runner = new BpmnEngineRunner();
    const definition = {
      id: 'io@1',
      xml: io(
        '<camunda:outputParameter name="total">${ amount * 2 }</camunda:outputParameter><camunda:outputParameter name="empty" />',
      ),
    };
    const started = await runner.start(definition, {});
    const done = await runner.resume(definition, started.engineState, {
      kind: 'complete-task',
      executionId: started.waitingTasks[0]!.executionId,
      data: { amount: 21 },
    });
    expect(done.status).toBe('completed');
    expect(done.variables).toMatchObject({ amount: 21, total: 42, empty: null });
  }, 10_000);

  test('given a list mapping, a bad name and a broken expression, when deployed, then each is refused naming the task', async () => {
    const xml = io(
      '<camunda:inputParameter name="items"><camunda:list><camunda:value>a</camunda:value></camunda:list></camunda:inputParameter>' +
        '<camunda:inputParameter name="bad name">x</camunda:inputParameter>' +
        '<camunda:outputParameter name="total">${ amount * }</camunda:outputParameter>',
    );
    await expect(parseDefinition(xml, 'io', 'io.bpmn')).rejects.toMatchObject({
      code: 'PROCEDURE_INVALID',
      details: expect.arrayContaining([
        expect.objectContaining({
          path: 'work',
          reason: 'camunda-input-output',
          message: expect.stringContaining('"items" is a list'),
        }),
        expect.objectContaining({
          path: 'work',
          reason: 'camunda-input-output',
          message: expect.stringContaining('"bad name"'),
        }),
        expect.objectContaining({ path: 'work', reason: 'expression' }),
      ]),
    });
  });
});

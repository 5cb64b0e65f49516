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

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BpmnEngineRunner } from '../../src/adapters/engine/bpmn-engine-runner.js';
import type { RunOutcome } from '../../src/app/procedure-engine.js';
import { safeExpressions } from '../../src/adapters/engine/safe-expressions.js';

/**
 * Inclusive gateways, error and escalation events, terminate end events and compensation
 * through the runner (issue 16): every step is a recover from the saved state, as in the app
 * (the state goes through JSON, as through the database).
 */
const runner = new BpmnEngineRunner();

function definition(name: string) {
  return { id: `${name}@1`, xml: readFileSync(path.resolve('test/fixtures/compat', `${name}.bpmn`), 'utf8') };
}

/** Completes the waiting task of `activityId` with `data` after a recover from the JSON state. */
async function complete(
  name: string,
  previous: RunOutcome,
  activityId: string,
  data: Record<string, unknown> = {},
): Promise<RunOutcome> {
  const task = previous.waitingTasks.find((waiting) => waiting.activityId === activityId);
  if (!task)
    throw new Error(`<${activityId}> is not waiting (${previous.waitingTasks.map((t) => t.activityId)})`);
  const state = JSON.parse(JSON.stringify(previous.engineState)) as unknown;
  return runner.resume(definition(name), state, {
    kind: 'complete-task',
    executionId: task.executionId,
    data,
  });
}

const waiting = (outcome: RunOutcome) => outcome.waitingTasks.map((task) => task.activityId).sort();

describe('inclusive gateways', () => {
  test('given an inclusive split taking two of three branches, when both are done in either order, then the join waits for both and the process completes once', async () => {
    for (const order of [
      ['finance', 'legal'],
      ['legal', 'finance'],
    ]) {
      const started = await runner.start(definition('inclusive-split-join'), {});
      let outcome = await complete('inclusive-split-join', started, 'decide', { route: 'a', amount: 500 });
      expect(waiting(outcome)).toEqual(['finance', 'legal']);
      outcome = await complete('inclusive-split-join', outcome, order[0]!);
      expect(waiting(outcome)).toEqual([order[1]]);
      outcome = await complete('inclusive-split-join', outcome, order[1]!);
      expect(waiting(outcome)).toEqual(['close']);
      outcome = await complete('inclusive-split-join', outcome, 'close');
      expect(outcome.status).toBe('completed');
      expect(outcome.completedActivities.filter((id) => id === 'close')).toHaveLength(1);
    }
  }, 20_000);

  test('given an inclusive split where no condition holds, when the default branch is done, then the join fires', async () => {
    const started = await runner.start(definition('inclusive-split-join'), {});
    let outcome = await complete('inclusive-split-join', started, 'decide', { route: 'b', amount: 5 });
    expect(waiting(outcome)).toEqual(['general']);
    outcome = await complete('inclusive-split-join', outcome, 'general');
    expect(waiting(outcome)).toEqual(['close']);
  }, 10_000);
});

describe('error events', () => {
  test('given an error end event in a sub-process, when it is reached after a recover, then the boundary catches it and the handler runs', async () => {
    const started = await runner.start(definition('error-end-caught-by-boundary'), {});
    let outcome = await complete('error-end-caught-by-boundary', started, 'try-fix', {
      approved: false,
      route: 'a',
    });
    expect(waiting(outcome)).toEqual(['replace']);
    outcome = await complete('error-end-caught-by-boundary', outcome, 'replace');
    expect(outcome.status).toBe('completed');
    expect(outcome.completedActivities).toContain('end-replaced');
  }, 10_000);

  test('given an error event sub-process, when the error end is reached, then the event sub-process runs', async () => {
    const started = await runner.start(definition('error-event-sub-process'), {});
    let outcome = await complete('error-event-sub-process', started, 'work', { approved: false, route: 'a' });
    expect(waiting(outcome)).toEqual(['apologise']);
    outcome = await complete('error-event-sub-process', outcome, 'apologise');
    expect(outcome.status).toBe('completed');
  }, 10_000);
});

describe('escalation events', () => {
  test('given a non-interrupting escalation boundary, when the sub-process escalates, then both the sub-process and the supervisor go on', async () => {
    const started = await runner.start(definition('escalation-non-interrupting'), {});
    let outcome = await complete('escalation-non-interrupting', started, 'assess', {
      amount: 500,
      route: 'a',
    });
    expect(waiting(outcome)).toEqual(['finish', 'supervise']);
    outcome = await complete('escalation-non-interrupting', outcome, 'supervise');
    outcome = await complete('escalation-non-interrupting', outcome, 'finish');
    expect(outcome.status).toBe('completed');
  }, 10_000);

  test('given an interrupting escalation end event, when it is reached, then the sub-process is left for the boundary path', async () => {
    const started = await runner.start(definition('escalation-end-interrupting'), {});
    let outcome = await complete('escalation-end-interrupting', started, 'assess');
    expect(waiting(outcome)).toEqual(['take-over']);
    outcome = await complete('escalation-end-interrupting', outcome, 'take-over');
    expect(outcome.status).toBe('completed');
  }, 10_000);
});

describe('terminate end events', () => {
  test('given two open branches, when one reaches a terminate end after a recover, then the process completes and the other task is gone', async () => {
    const started = await runner.start(definition('terminate-parallel-branch'), {});
    expect(waiting(started)).toEqual(['resolve', 'wait-feedback']);
    const outcome = await complete('terminate-parallel-branch', started, 'resolve');
    expect(outcome.status).toBe('completed');
    expect(outcome.waitingTasks).toEqual([]);
  }, 10_000);

  test('given a terminate end inside a sub-process, when it is reached, then only the sub-process ends', async () => {
    const started = await runner.start(definition('terminate-in-sub-process'), {});
    const outcome = await complete('terminate-in-sub-process', started, 'fix');
    expect(waiting(outcome)).toEqual(['after']);
  }, 10_000);
});

describe('compensation', () => {
  test('given a completed task with a compensation handler, when compensation is thrown after a recover, then the handler runs', async () => {
    const started = await runner.start(definition('compensation-throw'), {});
    let outcome = await complete('compensation-throw', started, 'book');
    outcome = await complete('compensation-throw', outcome, 'confirm', { approved: false, route: 'a' });
    expect(waiting(outcome)).toEqual(['cancel-slot']);
    outcome = await complete('compensation-throw', outcome, 'cancel-slot');
    expect(outcome.status).toBe('completed');
  }, 10_000);
});

describe('safe expressions', () => {
  test('given a value that is not text (a standard loop maximum), when the engine resolves it, then it is returned as it is instead of crashing the start', () => {
    expect(safeExpressions().resolveExpression(3, {})).toBe(3);
  });
});

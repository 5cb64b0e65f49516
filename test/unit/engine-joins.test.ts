import { EventEmitter } from 'node:events';
import { readFileSync } from 'node:fs';
import { Engine } from 'bpmn-engine';
import * as Elements from 'bpmn-elements';
import BpmnModdle from 'bpmn-moddle';
import Serializer, { TypeResolver } from 'moddle-context-serializer';
import { BpmnEngineRunner } from '../../src/adapters/engine/bpmn-engine-runner.js';
import { JoinSafeParallelGateway } from '../../src/adapters/engine/join-safe-gateway.js';
import { quietTimers } from '../../src/adapters/engine/quiet-timers.js';
import { safeExpressions } from '../../src/adapters/engine/safe-expressions.js';
import type { RunOutcome } from '../../src/app/procedure-engine.js';

const fixture = (name: string) => readFileSync(`test/fixtures/bpmn/joins/${name}.bpmn`, 'utf8');

/**
 * The two shapes, each with both completion orders (and the other exclusive choice). `steps`
 * are the user tasks completed one by one; `waiting` is what must be open after each step
 * (sorted; the last step ends the instance).
 */
const SHAPES = [
  {
    shape: 'issue #200: default flow straight into an exclusive merge before the join',
    file: 'default-flow-into-merge',
    orders: [
      {
        variables: {},
        steps: ['notify-requester', 'check-records', 'close'],
        waiting: [['check-records'], ['close'], []],
      },
      {
        variables: {},
        steps: ['check-records', 'notify-requester', 'close'],
        waiting: [['notify-requester'], ['close'], []],
      },
      { variables: { skipCheck: true }, steps: ['notify-requester', 'close'], waiting: [['close'], []] },
    ],
  },
  {
    shape: 'multiple parents: exclusive merges (one fed by a boundary timer) feeding the join',
    file: 'merge-feeds-join',
    orders: [
      {
        variables: { escalate: false },
        steps: ['triage', 'record', 'resolve'],
        waiting: [['record', 'resolve'], ['resolve'], []],
      },
      {
        variables: { escalate: false },
        steps: ['triage', 'resolve', 'record'],
        waiting: [['record', 'resolve'], ['record'], []],
      },
      {
        variables: { escalate: true },
        steps: ['triage', 'record', 'escalate'],
        waiting: [['escalate', 'record'], ['escalate'], []],
      },
      {
        variables: { escalate: true },
        steps: ['record', 'triage', 'escalate'],
        waiting: [['triage'], ['escalate'], []],
      },
    ],
  },
] as const;

/** A started instance that can complete its open tasks one at a time. */
interface Driver {
  complete(activityId: string): Promise<{ waiting: string[]; ended: boolean; ends: number }>;
}

/** In one engine, never recovered: tasks are signalled on the running execution. */
async function inProcess(xml: string, variables: Record<string, unknown>): Promise<Driver> {
  const moddle = new BpmnModdle();
  const types = TypeResolver({ ...Elements, ParallelGateway: JoinSafeParallelGateway } as never);
  const sourceContext = Serializer((await moddle.fromXML(xml)) as never, types);
  const listener = new EventEmitter();
  let ends = 0;
  listener.on('activity.end', (api: { type: string }) => {
    if (api.type === 'bpmn:EndEvent') ends += 1;
  });
  const engine = new Engine({
    name: 'joins',
    sourceContext,
    variables,
    timers: quietTimers(),
    expressions: safeExpressions(),
  } as never);
  const execution = await engine.execute({ listener });
  const postponed = () => execution.getPostponed().filter((api) => api.type === 'bpmn:UserTask');
  return {
    async complete(activityId) {
      const task = postponed().find((api) => api.id === activityId);
      if (!task) throw new Error(`task <${activityId}> is not open`);
      task.signal({});
      await settle();
      return { waiting: postponed().map((api) => api.id), ended: execution.state === 'idle', ends };
    },
  };
}

/** Through the runner: every completion recovers a fresh engine from the saved (JSON) state. */
async function acrossRecover(xml: string, variables: Record<string, unknown>): Promise<Driver> {
  const runner = new BpmnEngineRunner();
  const definition = { id: `joins-${Math.random()}`, xml };
  let outcome: RunOutcome = await runner.start(definition, variables);
  let ends = 0;
  return {
    async complete(activityId) {
      const task = outcome.waitingTasks.find((t) => t.activityId === activityId);
      if (!task) throw new Error(`task <${activityId}> is not open`);
      const state = JSON.parse(JSON.stringify(outcome.engineState)) as unknown;
      outcome = await runner.resume(definition, state, {
        kind: 'complete-task',
        executionId: task.executionId,
        data: {},
      });
      ends += outcome.completedActivities.filter((id) => id === 'end').length;
      return {
        waiting: outcome.waitingTasks.map((t) => t.activityId),
        ended: outcome.status === 'completed',
        ends,
      };
    },
  };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe.each([
  ['in one engine', inProcess],
  ['across recover/resume', acrossRecover],
])('parallel join %s', (_mode, drive) => {
  test.each(SHAPES)(
    'given the $shape, in every completion order, the join waits for both branches',
    async (shape) => {
      for (const order of shape.orders) {
        const instance = await drive(fixture(shape.file), order.variables);
        for (const [index, step] of order.steps.entries()) {
          const after = await instance.complete(step);
          const last = index === order.steps.length - 1;
          // then: the other branch's task is still open, and the end event has not run early
          expect({ step, waiting: [...after.waiting].sort() }).toEqual({
            step,
            waiting: order.waiting[index],
          });
          expect({ step, ended: after.ended, ends: after.ends }).toEqual({
            step,
            ended: last,
            ends: last ? 1 : 0,
          });
        }
      }
    },
    10000,
  );
});

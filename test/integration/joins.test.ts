import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, startTestApp, type TestApp } from '../support/harness.js';

/**
 * Parallel joins end to end: deployed over HTTP by an analyst, started and worked through
 * the task API (each completion recovers the instance from the database).
 */
const SHAPES = [
  {
    shape: 'issue #200 (default flow straight into an exclusive merge)',
    procedureId: 'join-default-merge',
    file: 'default-flow-into-merge.bpmn',
    orders: [
      ['notify-requester', 'check-records', 'close'],
      ['check-records', 'notify-requester', 'close'],
    ],
  },
  {
    shape: 'multiple parents (exclusive merges feeding the join)',
    procedureId: 'join-merge-feeds',
    file: 'merge-feeds-join.bpmn',
    orders: [
      ['triage', 'record', 'resolve'],
      ['triage', 'resolve', 'record'],
    ],
  },
] as const;

describe('parallel joins through the app', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
    for (const { procedureId, file } of SHAPES) {
      const xml = readFileSync(path.join(FIXTURES, 'bpmn', 'joins', file), 'utf8');
      const deployed = await app.call(
        'analyst',
        'PUT',
        `/api/procedures/${procedureId}`,
        xml,
        'application/xml',
      );
      expect(deployed.status).toBe(201);
    }
  });
  afterAll(async () => {
    await app.stop();
  });

  async function openTasks(instanceId: string): Promise<{ id: string; activityId: string }[]> {
    const tasks = await app.call('agentL1', 'GET', '/api/tasks');
    return tasks.body.filter((t: any) => t.instanceId === instanceId && t.status === 'open');
  }

  test.each(SHAPES)(
    'given the $shape shape, when its tasks are completed in either order, then the join waits and the instance completes once',
    async ({ procedureId, orders }) => {
      for (const order of orders) {
        // The procedures have no start form: with no data, each exclusive split takes its non-default path.
        const started = await app.call('agentL1', 'POST', `/api/procedures/${procedureId}/instances`, {});
        expect(started).toMatchObject({ status: 201 });
        const instanceId: string = started.body.id;
        for (const [index, activityId] of order.entries()) {
          const task = (await openTasks(instanceId)).find((t) => t.activityId === activityId);
          expect({ order, activityId, open: Boolean(task) }).toEqual({ order, activityId, open: true });
          const done = await app.call('agentL1', 'POST', `/api/tasks/${task!.id}/complete`, {});
          expect(done.status).toBe(200);
          const view = await app.call('supervisor', 'GET', `/api/instances/${instanceId}`);
          const last = index === order.length - 1;
          // then: until the last task, the instance runs and its end event has not completed early
          expect({ order, activityId, status: view.body.instance.status }).toEqual({
            order,
            activityId,
            status: last ? 'completed' : 'running',
          });
          const ends = view.body.instance.completedActivities.filter((id: string) => id === 'end');
          expect({ order, activityId, ends: ends.length }).toEqual({ order, activityId, ends: last ? 1 : 0 });
        }
        expect(await openTasks(instanceId)).toEqual([]);
      }
    },
  );
});

import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/harness.js';

const intake = {
  requesterName: 'Ana',
  requesterEmail: 'ana@example.org',
  phone: '555 123 4567',
  channel: 'phone',
};
const RACES = 20;

describe('two app processes against one database', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    const dbName = `t_${randomUUID().slice(0, 8)}`;
    a = await startTestApp({ dbName, timerPollMs: 60_000 });
    b = await startTestApp({ dbName, timerPollMs: 60_000 });
  });
  afterAll(async () => {
    await a.stop();
    await b.stop();
  });

  test(`given ${RACES} tasks, when each is completed twice at once through two apps, then exactly one wins each race`, async () => {
    const instances = await Promise.all(
      Array.from({ length: RACES }, () =>
        a.call('agentL1', 'POST', '/api/procedures/review-request/instances', intake),
      ),
    );
    const statuses: number[][] = [];
    for (const instance of instances) {
      const view = await a.call('supervisor', 'GET', `/api/instances/${instance.body.id}`);
      const review = view.body.tasks.find((t: any) => t.activityId === 'review');
      const data = { solved: false, priority: 'blocking' };
      const results = await Promise.all([
        a.call('agentL1', 'POST', `/api/tasks/${review.id}/complete`, data),
        b.call('agentL1b', 'POST', `/api/tasks/${review.id}/complete`, data),
      ]);
      statuses.push(results.map((r) => r.status).sort());
      expect(results.filter((r) => r.status === 409).map((r) => r.body.error.code)).toEqual([
        expect.stringMatching(/^(CONFLICT|TASK_NOT_OPEN)$/),
      ]);
    }
    expect(statuses).toEqual(Array.from({ length: RACES }, () => [200, 409]));

    for (const instance of instances) {
      const view = await b.call('supervisor', 'GET', `/api/instances/${instance.body.id}`);
      expect(view.body.events.map((e: any) => e.type)).toEqual(['instance.started', 'task.completed']);
      expect(view.body.tasks.filter((t: any) => t.activityId === 'handle')).toHaveLength(1);
    }
  });

  test('given two agents claim one task at once, then one gets it and the other a conflict', async () => {
    const started = await a.call('agentL1', 'POST', '/api/procedures/review-request/instances', intake);
    const view = await a.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
    const review = view.body.tasks.find((t: any) => t.activityId === 'review');
    const results = await Promise.all([
      a.call('agentL1', 'POST', `/api/tasks/${review.id}/claim`),
      b.call('agentL1b', 'POST', `/api/tasks/${review.id}/claim`),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner = results.find((r) => r.status === 200)!.body.assignee;
    const loser = winner === 'luis' ? 'agentL1b' : 'agentL1';
    const blocked = await a.call(loser, 'POST', `/api/tasks/${review.id}/complete`, { priority: 'blocking' });
    expect(blocked.body.error.code).toBe('TASK_NOT_ASSIGNED_TO_YOU');
  });
});

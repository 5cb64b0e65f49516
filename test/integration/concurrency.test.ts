import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/harness.js';
import { REVIEW_INTAKE } from '../support/review-intake.js';

const intake = REVIEW_INTAKE;

describe('two app instances in one process against one database', () => {
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

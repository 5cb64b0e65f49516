import { randomUUID } from 'node:crypto';
import { ChildApp, inBatches } from '../support/child-app.js';
import { waitFor } from '../support/wait.js';

const COUNT = 200;
const intake = {
  requesterName: 'Ana',
  requesterEmail: 'ana@example.org',
  phone: '555 123 4567',
  channel: 'phone',
};
const range = Array.from({ length: COUNT }, (_, i) => i);

describe('two app processes against one database', () => {
  let a: ChildApp;
  let b: ChildApp;
  beforeAll(async () => {
    const dbName = `t_${randomUUID().slice(0, 8)}`;
    [a, b] = await Promise.all([ChildApp.start(dbName), ChildApp.start(dbName)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  test(`given ${COUNT} tasks with a 1 s boundary timer, then each escalation fires exactly once`, async () => {
    const started = await inBatches(range, 10, (i) =>
      (i % 2 ? a : b).call('agentL1', 'POST', '/api/procedures/sla-escalation/instances', {}),
    );
    expect(started.every((s) => s.status === 201)).toBe(true);
    const ids = started.map((s) => s.body.id as string);

    // Poll one list query (heads only): a timer that fired is no longer pending on its instance.
    const warned = async () => {
      const list = await a.call('supervisor', 'GET', '/api/instances?procedureId=sla-escalation&limit=500');
      const pending = (i: { timers: { activityId: string }[] }) =>
        i.timers.some((t) => t.activityId === 'warn');
      return list.body.filter((i: { timers: { activityId: string }[] }) => !pending(i)).length;
    };
    await waitFor(async () => (await warned()) === COUNT, 300_000, 2000);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const fired = async (id: string) => {
      const view = await a.call('supervisor', 'GET', `/api/instances/${id}`);
      return view.body.events.filter((e: { type: string }) => e.type === 'timer.fired').length;
    };
    const counts = await inBatches(ids, 20, fired);
    expect(counts).toEqual(ids.map(() => 1));
    const messages = await inBatches(
      ids,
      20,
      async (id) => (await b.call('supervisor', 'GET', `/api/instances/${id}`)).body.messages.length,
    );
    expect(messages).toEqual(ids.map(() => 1));
  }, 600_000);

  test(`given ${COUNT} tasks, when each is completed twice at once through the two processes, then one 200 and one 409 each`, async () => {
    const started = await inBatches(range, 10, (i) =>
      (i % 2 ? a : b).call('agentL1', 'POST', '/api/procedures/review-request/instances', intake),
    );
    const reviews = await inBatches(started, 10, async (s) => {
      const view = await a.call('supervisor', 'GET', `/api/instances/${s.body.id}`);
      return view.body.tasks.find((t: { activityId: string }) => t.activityId === 'review').id as string;
    });
    const outcomes = await inBatches(reviews, 5, async (taskId) => {
      const data = { solved: false, priority: 'blocking' };
      const results = await Promise.all([
        a.call('agentL1', 'POST', `/api/tasks/${taskId}/complete`, data),
        b.call('agentL1b', 'POST', `/api/tasks/${taskId}/complete`, data),
      ]);
      return results
        .map((r) => r.status)
        .sort()
        .join(',');
    });
    expect(outcomes).toEqual(reviews.map(() => '200,409'));

    const trails = await inBatches(started, 10, async (s) => {
      const view = await b.call('supervisor', 'GET', `/api/instances/${s.body.id}`);
      const handles = view.body.tasks.filter((t: { activityId: string }) => t.activityId === 'handle').length;
      return `${view.body.events.map((e: { type: string }) => e.type).join('>')}|handle=${handles}`;
    });
    expect(trails).toEqual(started.map(() => 'instance.started>task.completed|handle=1'));
  }, 600_000);
});

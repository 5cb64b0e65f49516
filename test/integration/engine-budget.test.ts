import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { FIXTURES, startTestApp, USERS, type TestApp } from '../support/harness.js';
import { startWebApp } from '../support/web-accounts.js';
import { webLogin } from '../support/web-client.js';

const BUDGET = path.join(FIXTURES, 'bpmn', 'budget');
const dirs = { processesDir: path.join(BUDGET, 'processes'), formsDir: path.join(BUDGET, 'forms') };
const eventTypes = (view: any) => view.body.events.map((e: any) => e.type);

/** Polls `/health` until `done` settles; returns each answer's latency in ms. */
async function healthLatencies(app: TestApp, done: Promise<unknown>): Promise<number[]> {
  let finished = false;
  void done.finally(() => (finished = true));
  const latencies: number[] = [];
  for (let i = 0; i < 200 && !finished; i++) {
    const sent = Date.now();
    const answer = await fetch(`${app.app.url}/health`);
    await answer.text();
    latencies.push(Date.now() - sent);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return latencies;
}

describe('engine budget and incidents (issue 9)', () => {
  const dbName = `t_${randomUUID().slice(0, 8)}`;
  let firstId: string;
  let laterId: string;

  test('given a tight activity budget, when a ticket starts a 100-item loop, then it is committed as an incident naming the activity and the limit', async () => {
    const tight = await startTestApp({ ...dirs, dbName, env: { HELPDESK_ENGINE_MAX_ACTIVITIES: '50' } });
    try {
      const started = await tight.call('agentL1', 'POST', '/api/procedures/budget-items/instances', {
        count: 100,
      });
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({
        status: 'incident',
        error: 'activity <each>: more than 50 activity starts in one step',
        openTaskIds: [],
      });
      firstId = started.body.id;
      const view = await tight.call('supervisor', 'GET', `/api/instances/${firstId}`);
      expect(view.body.events.at(-1)).toMatchObject({
        type: 'instance.incident',
        actor: USERS.agentL1.user,
        data: { activityId: 'each', step: 'instance.started', stepData: { variables: { count: 100 } } },
      });
      const listed = await tight.call('supervisor', 'GET', '/api/instances?status=incident');
      expect(listed.body.map((i: any) => i.id)).toEqual([firstId]);

      // A task completion the budget stops leaves the task open; the instance takes no more steps.
      const later = await tight.call('agentL1', 'POST', '/api/procedures/budget-later/instances', {
        count: 100,
      });
      expect(later.body.status).toBe('running');
      laterId = later.body.id;
      const [ask] = later.body.openTaskIds;
      const stopped = await tight.call('agentL1', 'POST', `/api/tasks/${ask}/complete`, {});
      expect(stopped.body).toMatchObject({ status: 'incident', openTaskIds: [ask] });
      const refused = await tight.call('agentL1', 'POST', `/api/tasks/${ask}/complete`, {});
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'INSTANCE_NOT_RUNNING' });
    } finally {
      await tight.stop();
    }
  }, 60_000);

  test('given the default budget, when a ticket starts a 200000-item loop, then /health answers within 1 s throughout and the step ends as an incident', async () => {
    const app = await startWebApp({ ...dirs, dbName });
    try {
      const start = app.call('agentL1', 'POST', '/api/procedures/budget-items/instances', { count: 200_000 });
      const [latencies, started] = await Promise.all([healthLatencies(app, start), start]);
      expect(latencies.length).toBeGreaterThan(0);
      expect(Math.max(...latencies)).toBeLessThan(1000);
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({
        status: 'incident',
        error: 'activity <each>: more than 2000 activity starts in one step',
      });

      // A supervisor sees both incidents in the list filter and on the instance page, with the retry button.
      const sofia = await webLogin(app, USERS.supervisor.user);
      const list = await sofia.get('/supervisor/instances?status=incident');
      expect(list.status).toBe(200);
      expect(list.text.match(/sv-status-incident/g)).toHaveLength(3);
      const page = await sofia.get(`/supervisor/instances/${firstId}`);
      expect(page.text).toContain('class="sv-status sv-status-incident"');
      expect(page.text).toContain('data-incident-activity="each"');
      expect(page.text).toContain(`action="/supervisor/instances/${firstId}/retry"`);

      // With the budget raised (this app's default), the retry re-runs the start from the last good state.
      const retried = await sofia.post(`/supervisor/instances/${firstId}/retry`, {});
      expect(retried.status).toBe(303);
      expect(retried.location).toBe(`/supervisor/instances/${firstId}?retried=1`);
      const after = await app.call('supervisor', 'GET', `/api/instances/${firstId}`);
      expect(after.body.instance).toMatchObject({ status: 'running', activeActivities: ['close'] });
      expect(after.body.instance.error).toBeUndefined();
      expect(after.body.events.at(-1)).toMatchObject({
        type: 'instance.retried',
        actor: USERS.supervisor.user,
        data: { step: 'instance.started' },
      });
      expect(after.body.tasks.map((t: any) => [t.activityId, t.status])).toEqual([['close', 'open']]);

      // The stopped task completion is retried: the task is completed by its agent, the next one opens.
      const resumed = await app.call('supervisor', 'POST', `/api/instances/${laterId}/retry`);
      expect(resumed.body).toMatchObject({ status: 'running', activeActivities: ['close'] });
      const laterView = await app.call('supervisor', 'GET', `/api/instances/${laterId}`);
      expect(laterView.body.tasks.map((t: any) => [t.activityId, t.status, t.completedBy])).toEqual([
        ['ask', 'completed', USERS.agentL1.user],
        ['close', 'open', undefined],
      ]);

      // Retrying the unbounded one fails again (a new audited incident); then it is cancelled.
      const again = await app.call('supervisor', 'POST', `/api/instances/${started.body.id}/retry`);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ status: 'incident', seq: started.body.seq + 1 });
      expect(eventTypes(await app.call('supervisor', 'GET', `/api/instances/${started.body.id}`))).toEqual([
        'instance.incident',
        'instance.incident',
      ]);
      const forbidden = await app.call('agentL1', 'POST', `/api/instances/${started.body.id}/retry`);
      expect(forbidden.status).toBe(403);
      const cancelled = await app.call('supervisor', 'POST', `/api/instances/${started.body.id}/cancel`, {
        reason: 'loop of 200000 items',
      });
      expect(cancelled.body).toMatchObject({ status: 'cancelled' });
      const notIncident = await app.call('supervisor', 'POST', `/api/instances/${started.body.id}/retry`);
      expect(notIncident.status).toBe(409);
    } finally {
      await app.stop();
    }
  }, 90_000);
});

describe('multi-instance user tasks (issue 16)', () => {
  test('given two items, then the parallel review opens two tasks, each completable, then the sequential sign-off one at a time', async () => {
    const app = await startTestApp(dirs);
    try {
      const started = await app.call('agentL1', 'POST', '/api/procedures/budget-review/instances', {
        count: 2,
      });
      expect(started.status).toBe(201);
      const open = async () => {
        const view = await app.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
        return view.body.tasks.filter((t: any) => t.status === 'open');
      };
      const checks = await open();
      expect(checks.map((t: any) => t.activityId)).toEqual(['check', 'check']);
      for (const task of checks) {
        const done = await app.call('agentL1', 'POST', `/api/tasks/${task.id}/complete`, {});
        expect(done.status).toBe(200);
      }
      for (let item = 0; item < 2; item++) {
        const [sign, ...rest] = await open();
        expect([sign.activityId, rest]).toEqual(['sign', []]);
        const done = await app.call('agentL1', 'POST', `/api/tasks/${sign.id}/complete`, {});
        expect(done.status).toBe(200);
      }
      const view = await app.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
      expect(view.body.instance.status).toBe('completed');
      expect(view.body.tasks.filter((t: any) => t.status === 'completed')).toHaveLength(4);
    } finally {
      await app.stop();
    }
  }, 60_000);
});

describe('repeating timers are capped at run time', () => {
  const nagTimers = (view: any) => view.body.instance.timers.filter((t: any) => t.activityId === 'nag');

  /** Starts a ticket with a 5-minute reminder cycle and fires its timer as the scheduler would. */
  async function firing(env: Record<string, string>) {
    const app = await startTestApp({ ...dirs, timerPollMs: 60_000, env });
    const started = await app.call('agentL1', 'POST', '/api/procedures/budget-nag/instances', {});
    expect(started.status).toBe(201);
    const view = () => app.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
    const fire = (timer: any) =>
      app.app.services.timers.fire({
        instanceId: started.body.id,
        activityId: 'nag',
        executionId: timer.executionId,
      });
    return { app, started, view, fire };
  }

  test('given a cap of 2 firings, then the cycle is re-armed once with its count and the second firing does not re-arm it', async () => {
    const { app, started, view, fire } = await firing({ HELPDESK_TIMER_CYCLE_MAX_FIRINGS: '2' });
    try {
      expect(await fire(started.body.timers[0])).toBe('fired');
      const [second] = nagTimers(await view());
      expect(second).toMatchObject({ timerType: 'timeCycle', value: 'R5/PT5M', firings: 1 });
      expect(await fire(second)).toBe('fired');
      const after = await view();
      expect(nagTimers(after)).toEqual([]);
      expect(after.body.events.at(-1)).toMatchObject({
        type: 'timer.fired',
        data: {
          notRearmed: [
            { activityId: 'nag', reason: 'timer cycle <nag> fired 2 times (limit 2): not re-armed' },
          ],
        },
      });
      expect(after.body.instance.status).toBe('running');
      expect(after.body.tasks.map((t: any) => [t.activityId, t.status])).toEqual([['work', 'open']]);
    } finally {
      await app.stop();
    }
  }, 60_000);

  test('given a minimum period of 10 minutes, then the 5-minute cycle fires once and is not re-armed, and the audit says why', async () => {
    const { app, started, view, fire } = await firing({ HELPDESK_TIMER_CYCLE_MIN_PERIOD_MS: '600000' });
    try {
      expect(await fire(started.body.timers[0])).toBe('fired');
      const after = await view();
      expect(nagTimers(after)).toEqual([]);
      expect(after.body.events.at(-1).data.notRearmed).toEqual([
        {
          activityId: 'nag',
          reason: expect.stringMatching(
            /^timer cycle <nag> period of \d+ ms is below the minimum of 600000 ms/,
          ),
        },
      ]);
    } finally {
      await app.stop();
    }
  }, 60_000);
});

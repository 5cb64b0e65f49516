import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { waitFor } from '../support/wait.js';

const firedEvents = (view: any) => view.body.events.filter((e: any) => e.type === 'timer.fired');

/**
 * Lets every path to a duplicate run before counting firings: the backstop sweep over everything
 * due (grace 0) finds nothing left to fire, and no job of the timer (nor a retry) is left to run.
 */
async function settle(app: TestApp, activityId: string): Promise<void> {
  expect(await app.app.services.timers.fireOverdue(0)).toBe(0);
  const jobs = app.app.database.connection.db!.collection('agendaJobs');
  await waitFor(
    async () =>
      (await jobs.countDocuments({
        name: 'bpmn-timer',
        'data.activityId': activityId,
        nextRunAt: { $ne: null },
      })) === 0,
    30_000,
  );
}

describe('SLA timers through Agenda', () => {
  test('given a task with a 1 s non-interrupting SLA warning, then the warning fires once and the task stays open', async () => {
    const app = await startTestApp();
    try {
      const started = await app.call('agentL1', 'POST', '/api/procedures/sla-escalation/instances', {});
      expect(started.status).toBe(201);
      expect(started.body.timers.map((t: any) => t.activityId).sort()).toEqual(['breach', 'warn']);
      const view = await waitFor(async () => {
        const v = await app.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
        return firedEvents(v).length ? v : null;
      });
      await settle(app, 'warn');
      const later = await app.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
      expect(firedEvents(later)).toHaveLength(1);
      expect(firedEvents(view)[0]).toMatchObject({ actor: 'system:timer', data: { activityId: 'warn' } });
      expect(later.body.messages.map((m: any) => m.template)).toEqual(['escalation-notice']);
      expect(later.body.tasks.filter((t: any) => t.status === 'open').map((t: any) => t.activityId)).toEqual([
        'work',
      ]);
      expect(later.body.instance.timers.map((t: any) => t.activityId)).toEqual(['breach']);

      const work = later.body.tasks.find((t: any) => t.activityId === 'work');
      const done = await app.call('agentL2', 'POST', `/api/tasks/${work.id}/complete`, {});
      expect(done.body).toMatchObject({ status: 'completed', timers: [] });
    } finally {
      await app.stop();
    }
  });

  test('given the app stops with a pending timer, when a new app starts on the same database, then the timer fires once there', async () => {
    const dbName = `t_${randomUUID().slice(0, 8)}`;
    const first = await startTestApp({ dbName, timerPollMs: 60_000 });
    const started = await first.call('agentL1', 'POST', '/api/procedures/sla-escalation/instances', {});
    await first.stop();

    const second = await startTestApp({ dbName });
    try {
      const view = await waitFor(async () => {
        const v = await second.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
        return firedEvents(v).length ? v : null;
      });
      await settle(second, 'warn');
      const later = await second.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
      expect(firedEvents(later)).toHaveLength(1);
      expect(view!.body.instance.status).toBe('running');
    } finally {
      await second.stop();
    }
  });

  test('given a stale or duplicate timer job, then firing it changes nothing', async () => {
    const app = await startTestApp({ timerPollMs: 60_000 });
    try {
      const started = await app.call('agentL1', 'POST', '/api/procedures/sla-escalation/instances', {});
      const warn = started.body.timers.find((t: any) => t.activityId === 'warn');
      const timers = app.app.services.timers;
      const job = { instanceId: started.body.id, activityId: 'warn', executionId: warn.executionId };
      const results = await Promise.all([timers.fire(job), timers.fire(job)]);
      expect(results.sort()).toEqual(['fired', 'stale']);
      expect(await timers.fire({ ...job, executionId: 'warn_unknown_0' })).toBe('stale');
      expect(await timers.fire({ ...job, instanceId: 'no-such-instance' })).toBe('stale');
      const view = await app.call('supervisor', 'GET', `/api/instances/${started.body.id}`);
      expect(firedEvents(view)).toHaveLength(1);
    } finally {
      await app.stop();
    }
  });
  test('given timers beyond the horizon, then only near ones become jobs until promotion hands over the rest', async () => {
    const clock = new ManualClock(new Date());
    const app = await startTestApp({
      clock,
      env: { HELPDESK_TIMER_HORIZON_MS: '10000' },
      timerPollMs: 60_000,
    });
    try {
      const jobs = app.app.database.connection.db!.collection('agendaJobs');
      const jobTimers = async () =>
        (await jobs.find({ name: 'bpmn-timer' }).toArray())
          .map((job) => (job.data as { activityId: string }).activityId)
          .sort();
      await app.call('agentL1', 'POST', '/api/procedures/sla-escalation/instances', {});

      expect(await jobTimers()).toEqual(['warn']);

      expect(await app.app.services.timers.promote(10_000)).toBe(1);
      expect(await jobTimers()).toEqual(['warn']);

      clock.advance(30 * 60_000 - 5_000);
      expect(await app.app.services.timers.promote(10_000)).toBe(1);
      expect(await jobTimers()).toEqual(['breach', 'warn']);
      await app.app.services.timers.promote(10_000);
      expect(await jobTimers()).toEqual(['breach', 'warn']);
    } finally {
      await app.stop();
    }
  });
});

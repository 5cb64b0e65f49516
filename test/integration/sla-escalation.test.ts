import path from 'node:path';
import { FIXTURES, startTestApp, type TestApp } from '../support/harness.js';
import { ManualClock } from '../support/manual-clock.js';
import { startSmtpSink, type SmtpSink, mailEnv, mailTo } from '../support/smtp-sink.js';

const SLA_APP = path.join(FIXTURES, 'sla-app');
const events = async (app: TestApp, id: string) =>
  (await app.call('supervisor', 'GET', `/api/instances/${id}`)).body;
const openTask = (view: any, activityId: string) =>
  view.tasks.find((t: any) => t.activityId === activityId && t.status === 'open');

async function startOfficeApp(clock: ManualClock, sink?: SmtpSink) {
  return startTestApp({
    clock,
    ...(sink
      ? {
          env: {
            ...mailEnv(sink, 'Help desk <desk@example.org>'),
            HELPDESK_MAIL_POLL_MS: '100',
            HELPDESK_MAIL_TIME_ZONE: 'Europe/Rome',
          },
        }
      : {}),
    processesDir: path.join(SLA_APP, 'processes'),
    configDir: path.join(SLA_APP, 'config'),
    // Agenda never reaches 2030 during the test; the sweep (driven by the clock) fires instead.
    timerPollMs: 60_000,
  });
}

describe('SLA clocks on a business calendar (Rome office, Mon-Fri 08:00-20:00)', () => {
  test('given a ticket opened on Friday at 19:50, then its 30-minute SLA warns at Monday 08:14 and breaches at 08:20, escalating once per level', async () => {
    const clock = new ManualClock(new Date('2030-03-01T18:50:00Z'));
    const sink = await startSmtpSink();
    const app = await startOfficeApp(clock, sink);
    try {
      const started = await app.call('agentL1', 'POST', '/api/procedures/office-desk/instances', {});
      expect(started.status).toBe(201);
      expect(started.body.sla).toEqual([expect.objectContaining({ id: 'resolution', status: 'running' })]);
      const id = started.body.id;
      const [resolution] = (await events(app, id)).instance.sla;
      expect(resolution).toMatchObject({ id: 'resolution', status: 'running', targetMs: 1_800_000 });
      expect(new Date(resolution.warnAt).toISOString()).toBe('2030-03-04T07:14:00.000Z');
      expect(new Date(resolution.dueAt).toISOString()).toBe('2030-03-04T07:20:00.000Z');

      clock.set('2030-03-04T07:13:59Z');
      expect(await app.app.services.timers.fireOverdue(0)).toBe(0);

      clock.set('2030-03-04T07:14:30Z');
      expect(await app.app.services.timers.fireOverdue(0)).toBe(1);
      const warned = await events(app, id);
      expect(warned.events.map((e: any) => e.type)).toContain('sla.warning');
      expect(warned.messages).toEqual([
        expect.objectContaining({ template: 'escalation-notice', to: 'desk@example.org' }),
      ]);
      const warningMail = await mailTo(sink, 'desk@example.org');
      expect(warningMail!.subject).toContain(started.body.businessKey);

      clock.set('2030-03-04T07:21:00Z');
      expect(await app.app.services.timers.fireOverdue(0)).toBe(1);
      expect(await app.app.services.timers.fireOverdue(0)).toBe(0);
      const breached = await events(app, id);
      const breach = breached.events.find((e: any) => e.type === 'sla.breach');
      expect(breach).toMatchObject({
        actor: 'system:timer',
        data: { clock: 'resolution', levels: [{ level: 2 }] },
      });
      expect(openTask(breached, 'escalation:resolution')).toMatchObject({
        candidateGroups: ['l2'],
        formKey: 'sla-escalation',
      });
      expect(breached.instance.sla[0]).toMatchObject({ status: 'running', escalated: [1, 2] });
      expect(breached.instance.timers).toEqual([]);
      expect((await mailTo(sink, 'l2.lead@example.org')).envelopeTo).toEqual([
        'l2.desk@example.org',
        'l2.lead@example.org',
      ]);

      const escalation = openTask(breached, 'escalation:resolution');
      const refused = await app.call('agentL2', 'POST', `/api/tasks/${escalation.id}/complete`, {});
      expect(refused.status).toBe(422);
      const acknowledged = await app.call('agentL2', 'POST', `/api/tasks/${escalation.id}/complete`, {
        actionTaken: 'Called the L1 desk, ticket is being worked on',
      });
      expect(acknowledged.status).toBe(200);
      const after = await events(app, id);
      expect(after.events.at(-1)).toMatchObject({ type: 'escalation.acknowledged', actor: 'marta' });
      expect(after.instance.activeActivities).toEqual(['register']);
      expect(openTask(after, 'escalation:resolution')).toBeUndefined();
    } finally {
      await app.stop();
      await sink.stop();
    }
  });

  test('given the ticket waits for the requester, then the clock pauses, resumes, and the result is stored at the stop', async () => {
    const clock = new ManualClock(new Date('2030-03-05T08:00:00Z'));
    const app = await startOfficeApp(clock);
    try {
      const { body: started } = await app.call(
        'agentL1',
        'POST',
        '/api/procedures/office-desk/instances',
        {},
      );
      clock.set('2030-03-05T08:10:00Z');
      await complete(app, started.id, 'register');
      const paused = (await events(app, started.id)).instance.sla[0];
      expect(paused).toMatchObject({ status: 'paused', elapsedMs: 600_000 });
      expect(paused.dueAt).toBeUndefined();

      clock.set('2030-03-05T10:00:00Z');
      await complete(app, started.id, 'wait-requester');
      const resumed = await events(app, started.id);
      expect(new Date(resumed.instance.sla[0].dueAt).toISOString()).toBe('2030-03-05T10:20:00.000Z');
      // The BPMN reminder timer names the calendar: one business hour from 11:00 Rome.
      const reminder = resumed.instance.timers.find((t: any) => t.activityId === 'resolve-reminder');
      expect(new Date(reminder.dueAt).toISOString()).toBe('2030-03-05T11:00:00.000Z');

      clock.set('2030-03-05T10:15:00Z');
      await complete(app, started.id, 'resolve');
      const done = await events(app, started.id);
      expect(done.instance.sla[0]).toMatchObject({ status: 'met', overByMs: -300_000 });
      const last = done.events.at(-1);
      expect(last.data.slaResults).toEqual([
        { id: 'resolution', status: 'met', overByMs: -300_000, targetMs: 1_800_000 },
      ]);
    } finally {
      await app.stop();
    }
  });

  test('given no SLA timer ever fires (the process holding it died), when the ticket is resolved after the breach, then it is breached at the real instant and the contacts are still told', async () => {
    const clock = new ManualClock(new Date('2030-03-05T08:00:00Z'));
    const app = await startOfficeApp(clock);
    try {
      const { body: started } = await app.call(
        'agentL1',
        'POST',
        '/api/procedures/office-desk/instances',
        {},
      );
      clock.set('2030-03-05T08:05:00Z');
      await complete(app, started.id, 'register');
      clock.set('2030-03-05T08:06:00Z');
      await complete(app, started.id, 'wait-requester');

      clock.set('2030-03-05T08:45:00Z');
      await complete(app, started.id, 'resolve');

      const done = await events(app, started.id);
      const last = done.events.at(-1);
      expect(done.instance.status).toBe('completed');
      expect(last.data.slaResults).toEqual([
        {
          id: 'resolution',
          status: 'breached',
          overByMs: 14 * 60_000,
          targetMs: 1_800_000,
          breachedAt: '2030-03-05T08:31:00.000Z',
        },
      ]);
      expect(last.data.slaEscalations).toEqual([
        expect.objectContaining({
          threshold: 'warning',
          reachedAt: '2030-03-05T08:25:00.000Z',
          levels: [expect.objectContaining({ level: 1, action: 'notified' })],
        }),
        expect.objectContaining({
          threshold: 'breach',
          reachedAt: '2030-03-05T08:31:00.000Z',
          levels: [expect.objectContaining({ level: 2, group: 'l2', action: 'notified' })],
        }),
      ]);
      expect(done.messages.map((m: any) => m.to).sort()).toEqual(['desk@example.org', 'l2']);
      expect(done.tasks.filter((t: any) => t.status === 'open')).toEqual([]);
      expect(await app.app.services.timers.fireOverdue(0)).toBe(0);
      expect((await events(app, started.id)).messages).toHaveLength(2);
    } finally {
      await app.stop();
    }
  });

  test('given the breach timer was lost while the ticket stays open, then the next step escalates once, opening the L2 task', async () => {
    const clock = new ManualClock(new Date('2030-03-05T08:00:00Z'));
    const app = await startOfficeApp(clock);
    try {
      const { body: started } = await app.call(
        'agentL1',
        'POST',
        '/api/procedures/office-desk/instances',
        {},
      );

      clock.set('2030-03-05T08:40:00Z');
      await complete(app, started.id, 'register');

      const view = await events(app, started.id);
      const step = view.events.at(-1);
      expect(step.type).toBe('task.completed');
      expect(step.data.slaEscalations.map((e: any) => [e.threshold, e.levels[0].action])).toEqual([
        ['warning', 'escalated'],
        ['breach', 'escalated'],
      ]);
      expect(openTask(view, 'escalation:resolution')).toMatchObject({ candidateGroups: ['l2'] });
      expect(view.instance.sla[0]).toMatchObject({ escalated: [1, 2] });
      expect(await app.app.services.timers.fireOverdue(0)).toBe(0);
      clock.set('2030-03-05T08:50:00Z');
      await complete(app, started.id, 'wait-requester');
      const after = await events(app, started.id);
      expect(after.events.filter((e: any) => e.data?.slaEscalations)).toHaveLength(1);
      expect(after.messages).toHaveLength(2);
    } finally {
      await app.stop();
    }
  });

  test('given a BPMN timer names a calendar that does not exist, then the deploy is refused naming the timer', async () => {
    const clock = new ManualClock(new Date('2030-03-05T08:00:00Z'));
    const app = await startOfficeApp(clock);
    try {
      const { readFile } = await import('node:fs/promises');
      const xml = (await readFile(path.join(SLA_APP, 'processes/office-desk.bpmn'), 'utf8')).replace(
        'value="rome-office"',
        'value="atlantis-office"',
      );
      const response = await app.call(
        'analyst',
        'PUT',
        '/api/procedures/office-desk',
        xml,
        'application/xml',
      );
      expect(response.status).toBe(422);
      expect(response.body.error.details).toEqual([
        expect.objectContaining({ path: 'resolve-reminder', reason: 'calendar-missing' }),
      ]);
    } finally {
      await app.stop();
    }
  });
});

async function complete(app: TestApp, instanceId: string, activityId: string) {
  const view = await events(app, instanceId);
  const task = openTask(view, activityId);
  const done = await app.call('agentL1', 'POST', `/api/tasks/${task.id}/complete`, {});
  expect(done.status).toBe(200);
}

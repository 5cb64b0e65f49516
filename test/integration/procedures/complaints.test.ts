import { startTestApp, type TestApp } from '../../support/harness.js';
import { Scenario } from '../../support/scenario.js';

/** complaints (seed 004, SSU Cochabamba): every path of docs/procedures.md (REC-1…REC-4). */
const DAY = 86_400_000;
/** A path is 10-20 HTTP round trips through the engine and FerretDB: allow for a loaded machine. */
const PATH_TIMEOUT = 120_000;
const PLATFORM = ['service-platform'];
const SERVICE = ['involved-service'];
const MEETING = ['involved-service', 'service-platform'];

const intake = {
  requesterName: 'Sra. Rosa Mamani',
  requesterEmail: 'rosa.mamani@example.bo',
  phone: '+591 4 425 1234',
  channel: 'in-person',
  involvedService: 'outpatient',
  complaintText: 'Esperé cuatro horas para la consulta de medicina interna sin recibir información',
};
const recommendations = (round: number) => ({
  problemAnalysis: `Análisis ${round}: falta de información sobre demoras en consulta externa`,
  recommendations: `Recomendación ${round}: informar la demora estimada al paciente en admisión`,
});
const meeting = (meetingDate: string) => ({
  meetingDate,
  attendees: 'Jefe de consulta externa, Plataforma',
  followUpNotes: 'Se revisa el avance de las acciones recomendadas',
});

describe('complaints: Gestión de quejas y reclamos, every documented path', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ processesDir: 'processes', formsDir: 'forms' });
  });
  afterAll(async () => {
    await app.stop();
  });

  /** Steps 1 and 2: the platform identifies the problem and sends recommendations to the service. */
  async function recommended() {
    const s = await Scenario.start(app, 'complaints', 'recPlatform', intake);
    expect(s.businessKey).toMatch(/^REC-\d{4}-\d{6}$/);
    await s.expectTasks({ 'task-identify-problem': PLATFORM });
    await s.complete('task-identify-problem', 'recPlatform', {
      problemSummary: 'Demora sin información en consulta externa',
      category: 'waiting-time',
      apologyOffered: true,
    });
    await s.expectTasks({ 'task-recommendations': PLATFORM });
    expect(await s.messages()).toEqual([]);
    await s.complete('task-recommendations', 'recPlatform', recommendations(1));
    await s.expectTasks({ 'task-resolve-complaint': SERVICE });
    await s.expectTimer('timer-weekly-follow-up', 'task-resolve-complaint', 7 * DAY);
    return s;
  }

  async function resolve(s: Scenario, resolved: boolean) {
    await s.complete('task-resolve-complaint', 'recService', {
      actionsTaken: resolved ? 'Se habilitó un panel de turnos en admisión' : 'Se instruyó al personal',
      resolved,
    });
  }

  /** Answer to the user (the survey is sent) and step 4 for the monthly statistics. */
  async function answeredAndLearned(s: Scenario, alsoOpen: Record<string, string[]> = {}) {
    await s.expectTasks({ 'task-respond-user': PLATFORM, ...alsoOpen });
    await s.complete('task-respond-user', 'recPlatform', {
      responseToUser: 'Se le informa de las medidas adoptadas y se le ofrecen disculpas',
      responseChannel: 'phone',
    });
    await s.expectTasks({ 'task-learn-rectify': PLATFORM, ...alsoOpen });
    await s.complete('task-learn-rectify', 'recPlatform', {
      category: 'waiting-time',
      involvedService: 'outpatient',
      improvementActions: 'Panel de turnos y aviso de demoras',
    });
  }

  test(
    'REC-1: given a complaint the involved service resolves within a week, then the user is answered, surveyed and the case learned from',
    async () => {
      const s = await recommended();

      const stolen = await s.attempt('task-resolve-complaint', 'recPlatform', {
        actionsTaken: 'xxxxxx',
        resolved: true,
      });
      expect(stolen.status).toBe(403);
      expect(stolen.body.error.code).toBe('TASK_NOT_OFFERED_TO_YOU');

      await resolve(s, true);
      expect(await s.timers()).toEqual([]);
      await answeredAndLearned(s);
      await s.expectEnded(['end-complaint-closed']);
      const view = await s.view();
      expect(view.instance.variables).toMatchObject({
        ticketNumber: s.businessKey,
        channel: 'in-person',
        involvedService: 'outpatient',
        category: 'waiting-time',
        apologyOffered: true,
        resolved: true,
        responseChannel: 'phone',
      });
      expect(view.instance.completedActivities).not.toContain('task-weekly-meeting');
      expect(view.messages.map((m: any) => [m.template, m.to, m.language])).toEqual([
        ['desk-assignment', 'involved-service', 'es'],
        ['satisfaction-survey', 'requester', 'es'],
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'REC-2: given the service does not resolve it, when the recommendations are repeated (loop) and the service is notified again, then it is resolved and closed',
    async () => {
      const s = await recommended();
      await resolve(s, false);
      await s.expectTasks({ 'task-recommendations': PLATFORM });
      expect(await s.timers()).toEqual([]);
      await s.complete('task-recommendations', 'recPlatform', recommendations(2));
      await s.expectTasks({ 'task-resolve-complaint': SERVICE });
      await s.expectTimer('timer-weekly-follow-up', 'task-resolve-complaint', 7 * DAY);
      await resolve(s, true);
      await answeredAndLearned(s);
      await s.expectEnded(['end-complaint-closed']);
      expect(await s.variables()).toMatchObject({ resolved: true, ...recommendations(2) });
      expect(await s.messages()).toEqual(['desk-assignment', 'desk-assignment', 'satisfaction-survey']);
    },
    PATH_TIMEOUT,
  );

  test(
    'REC-3: given a resolution taking more than two weeks, when the weekly cycle fires twice, then two follow-up meetings are offered to both lanes and recorded',
    async () => {
      const s = await recommended();
      const first = await s.fireTimer('timer-weekly-follow-up');
      await s.expectTasks({ 'task-resolve-complaint': SERVICE, 'task-weekly-meeting': MEETING });
      await s.complete('task-weekly-meeting', 'recService', meeting('2025-05-07'));
      await s.expectTasks({ 'task-resolve-complaint': SERVICE });

      const [next] = await s.timers();
      expect(next).toMatchObject({ activityId: 'timer-weekly-follow-up' });
      expect(next!.executionId).not.toBe(first.executionId);
      expect(Date.parse(next!.dueAt)).toBeGreaterThan(Date.parse(first.dueAt));

      await s.fireTimer('timer-weekly-follow-up');
      await s.expectTasks({ 'task-resolve-complaint': SERVICE, 'task-weekly-meeting': MEETING });
      await s.complete('task-weekly-meeting', 'recPlatform', meeting('2025-05-14'));
      await resolve(s, true);
      expect(await s.timers()).toEqual([]);
      await answeredAndLearned(s);
      await s.expectEnded(['end-weekly-meeting-held', 'end-complaint-closed']);

      const view = await s.view();
      const meetings = view.tasks.filter((t: any) => t.activityId === 'task-weekly-meeting');
      expect(meetings.map((t: any) => [t.status, t.completedBy])).toEqual([
        ['completed', 'servicio'],
        ['completed', 'plataforma'],
      ]);
      expect(view.events.filter((e: any) => e.type === 'timer.fired')).toHaveLength(2);
      expect(view.instance.variables).toMatchObject({ meetingDate: '2025-05-14' });
      expect(await s.messages()).toEqual(['desk-assignment', 'satisfaction-survey']);
    },
    PATH_TIMEOUT,
  );

  test(
    'REC-4: given a weekly meeting still open when the complaint is resolved, then the case ends only once the meeting is recorded',
    async () => {
      const s = await recommended();
      await s.fireTimer('timer-weekly-follow-up');
      await resolve(s, true);
      expect(await s.timers()).toEqual([]);
      await answeredAndLearned(s, { 'task-weekly-meeting': MEETING });
      await s.expectTasks({ 'task-weekly-meeting': MEETING });
      expect((await s.view()).instance.status).toBe('running');
      await s.complete('task-weekly-meeting', 'recService', meeting('2025-05-07'));
      await s.expectEnded(['end-weekly-meeting-held', 'end-complaint-closed']);
      expect(await s.messages()).toEqual(['desk-assignment', 'satisfaction-survey']);
    },
    PATH_TIMEOUT,
  );

  test(
    'given «3. Resolver la queja» with its weekly cycle, then the timer names the task it is attached to and the task carries the first due date (7 days)',
    async () => {
      const s = await recommended();
      const weekly = await s.expectTimer('timer-weekly-follow-up', 'task-resolve-complaint', 7 * DAY);
      expect(weekly.attachedTo).toBe('task-resolve-complaint');
      expect((await s.task('task-resolve-complaint')).dueAt).toBe(weekly.dueAt);
    },
    PATH_TIMEOUT,
  );

  test('given an intake without complaint text and with an unknown service, then 422 lists both', async () => {
    const { complaintText: _c, ...partial } = intake;
    const res = await app.call('recPlatform', 'POST', '/api/procedures/complaints/instances', {
      ...partial,
      involvedService: 'cafeteria',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: any) => [d.path, d.reason])).toEqual([
      ['involvedService', 'option'],
      ['complaintText', 'required'],
    ]);
  });
});

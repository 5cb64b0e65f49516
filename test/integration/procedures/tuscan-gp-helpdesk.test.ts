import { startTestApp, type TestApp } from '../../support/harness.js';
import { Scenario } from '../../support/scenario.js';
import { FileCalendarRegistry } from '../../../src/adapters/calendar/file-calendar-registry.js';

/** tuscan-gp-helpdesk (seed 003, Regione Toscana MMG/PLS): every path of docs/procedures.md (MMG-1…MMG-7). */
const HOUR = 3_600_000;
/** The restore-time timer counts the desk's opening hours (Mon-Fri 8-20, Italian holidays). */
const tuscanyHours = async () => (await FileCalendarRegistry.load('config/calendars')).get('tuscany-gp');
/** A path is 10-20 HTTP round trips through the engine and FerretDB: allow for a loaded machine. */
const PATH_TIMEOUT = 120_000;
const FIRST = ['first-level'];
const SECOND = ['second-level'];

type Channel = 'phone' | 'fax' | 'email' | 'web-tracking' | 'voicemail';
const intake = (channel: Channel, receivedOutsideHours = false) => ({
  channel,
  requesterName: 'Dott. Marco Bianchi',
  requesterId: 'MMG-FI-0421',
  requesterEmail: 'marco.bianchi@example.it',
  requesterPhone: '+39 055 123 4567',
  description: 'La cartella clinica non invia i certificati di malattia',
  // Computed from receivedAt and the desk calendar (docs/adr/0030): 21:10 is after closing time.
  receivedAt: receivedOutsideHours ? '2025-03-12T21:10' : '2025-03-12T09:41',
});
const closure = {
  solution: 'Certificato reinviato dopo il ripristino del servizio',
  closedAt: '2025-03-12T12:05',
  closingOperator: 'operatore1',
  confirmedBy: 'Dott. Marco Bianchi',
};

describe('tuscan-gp-helpdesk: Help desk MMG/PLS, every documented path', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ processesDir: 'processes', formsDir: 'forms' });
  });
  afterAll(async () => {
    await app.stop();
  });

  /** Registration and classification; the trouble ticket goes to the requester. */
  async function registered(s: Scenario, failureType: 'blocking' | 'non-blocking', before: string[] = []) {
    await s.expectTasks({ 'task-register-classify': FIRST });
    expect(await s.messages()).toEqual(before);
    await s.complete('task-register-classify', 'mmgFirst', {
      takenInChargeBy: 'operatore1',
      failureType,
      problemArea: 'sick-leave-certificates',
    });
    await s.expectTasks({ 'task-resolve-checklist': FIRST });
    expect(await s.messages()).toEqual([...before, 'ticket-acknowledgement']);
  }

  async function checklist(s: Scenario, resolved: boolean) {
    await s.complete('task-resolve-checklist', 'mmgFirst', {
      checklistUsed: [
        {
          checklistId: 'inps-sick-leave',
          itemId: 'resend',
          label: 'Certificato reinviato e ricevuta di protocollo ottenuta',
          checkedBy: 'operatore1',
          checkedAt: '2025-03-12T10:02:00.000Z',
        },
      ],
      proceduresStarted: 'Verifica credenziali e reinvio del certificato',
      resolved,
    });
  }

  /** First level escalates to `escalationTarget`; the second level answers. */
  async function escalated(s: Scenario, escalationTarget: 'internal' | 'as' | 'rt' | 'estar') {
    await s.expectTasks({ 'task-escalate': FIRST });
    await s.complete('task-escalate', 'mmgFirst', {
      escalationTarget,
      escalationReason: 'Non risolto con la checklist concordata',
    });
    await s.expectTasks({ 'task-second-level': SECOND });
    await s.expectTimer('timer-restore-time', 'task-second-level', 4 * HOUR, await tuscanyHours());
  }

  async function secondLevel(s: Scenario) {
    await s.complete('task-second-level', 'mmgSecond', {
      externalReference: 'EST-7781',
      secondLevelActions: 'Ripristinato il servizio di invio certificati',
    });
  }

  async function closed(s: Scenario, ends = ['end-request-closed']) {
    await s.expectTasks({ 'task-register-closure': FIRST });
    const done = await s.complete('task-register-closure', 'mmgFirst', closure);
    expect(done.status).toBe('completed');
    await s.expectEnded(ends);
  }

  test(
    'MMG-1: given a request within hours, when a non-blocking failure is solved with the checklist, then the first level records the closure',
    async () => {
      const s = await Scenario.start(app, 'tuscan-gp-helpdesk', 'mmgFirst', intake('phone'));
      expect(s.businessKey).toMatch(/^MMG-\d{4}-\d{6}$/);
      await registered(s, 'non-blocking');

      const stolen = await s.attempt('task-resolve-checklist', 'mmgSecond', {
        proceduresStarted: 'xxxxxx',
        resolved: true,
      });
      expect(stolen.status).toBe(403);
      expect(stolen.body.error.code).toBe('TASK_NOT_OFFERED_TO_YOU');

      await checklist(s, true);
      await closed(s);
      const view = await s.view();
      expect(view.instance.variables).toMatchObject({
        ticketNumber: s.businessKey,
        channel: 'phone',
        receivedOutsideHours: false,
        receivedAt: '2025-03-12T09:41',
        takenInChargeBy: 'operatore1',
        failureType: 'non-blocking',
        resolved: true,
        ...closure,
      });
      expect(view.instance.completedActivities).not.toContain('task-take-over-at-reopening');
      expect(view.messages.map((m: any) => [m.template, m.to, m.language])).toEqual([
        ['ticket-acknowledgement', 'requester', 'it'],
        ['closure-notice', 'requester', 'it'],
      ]);
    },
    PATH_TIMEOUT,
  );

  test.each([
    ['MMG-2', 'web-tracking', 'blocking', 'internal'],
    ['MMG-3', 'fax', 'non-blocking', 'as'],
    ['MMG-4', 'email', 'blocking', 'rt'],
    ['MMG-5', 'phone', 'blocking', 'estar'],
  ] as const)(
    '%s: given a %s request with a %s failure not solved at the first level, when it is escalated to %s, then the second level acts and the first level records the closure',
    async (_path, channel, failureType, escalationTarget) => {
      const s = await Scenario.start(app, 'tuscan-gp-helpdesk', 'mmgFirst', intake(channel));
      await registered(s, failureType);
      await checklist(s, false);
      await escalated(s, escalationTarget);
      await secondLevel(s);
      expect(await s.timers()).toEqual([]);
      await closed(s);
      expect(await s.variables()).toMatchObject({
        channel,
        failureType,
        resolved: false,
        escalationTarget,
        secondLevelActions: 'Ripristinato il servizio di invio certificati',
      });
      expect(await s.messages()).toEqual(['ticket-acknowledgement', 'desk-assignment', 'closure-notice']);
      // The chosen second level's contacts are picked from the directory at delivery (issue 15).
      expect((await s.view()).messages[1]).toMatchObject({ to: 'second-level-${escalationTarget}' });
    },
    PATH_TIMEOUT,
  );

  test(
    'MMG-6: given a voicemail received outside hours, then it is taken over at reopening before registration and solved at the first level',
    async () => {
      const s = await Scenario.start(app, 'tuscan-gp-helpdesk', 'mmgFirst', intake('voicemail', true));
      await s.expectTasks({ 'task-take-over-at-reopening': FIRST });
      await s.complete('task-take-over-at-reopening', 'mmgFirst', {
        takenOverAt: '2025-03-13T08:00',
        reopeningNotes: 'Messaggio in segreteria delle 21:10',
      });
      await registered(s, 'non-blocking', ['out-of-hours']);
      await checklist(s, true);
      await closed(s);
      expect(await s.variables()).toMatchObject({
        channel: 'voicemail',
        receivedOutsideHours: true,
        takenOverAt: '2025-03-13T08:00',
      });
      // The courtesy reply with the service hours comes first (docs/adr/0030).
      expect(await s.messages()).toEqual(['out-of-hours', 'ticket-acknowledgement', 'closure-notice']);
    },
    PATH_TIMEOUT,
  );

  test(
    'MMG-7: given the second level open for 4 hours, when the restore-time timer fires, then the first level is warned and the intervention stays open until closed',
    async () => {
      const s = await Scenario.start(app, 'tuscan-gp-helpdesk', 'mmgFirst', intake('phone'));
      await registered(s, 'blocking');
      await checklist(s, false);
      await escalated(s, 'internal');
      await s.fireTimer('timer-restore-time');
      await s.expectTasks({ 'task-second-level': SECOND });
      expect(await s.timers()).toEqual([]);
      const warning = (await s.view()).messages.at(-1);
      expect(warning).toMatchObject({ template: 'escalation-notice', to: 'first-level', language: 'it' });
      await secondLevel(s);
      await closed(s, ['end-restore-warning-sent', 'end-request-closed']);
      expect(await s.messages()).toEqual([
        'ticket-acknowledgement',
        'desk-assignment',
        'escalation-notice',
        'closure-notice',
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'given the second level with its restore-time timer, then the timer names the task it is attached to and the task carries that due date',
    async () => {
      const s = await Scenario.start(app, 'tuscan-gp-helpdesk', 'mmgFirst', intake('phone'));
      await registered(s, 'blocking');
      await checklist(s, false);
      await escalated(s, 'internal');
      const restore = await s.expectTimer(
        'timer-restore-time',
        'task-second-level',
        4 * HOUR,
        await tuscanyHours(),
      );
      expect(restore.attachedTo).toBe('task-second-level');
      expect((await s.task('task-second-level')).dueAt).toBe(restore.dueAt);
    },
    PATH_TIMEOUT,
  );

  test('given an intake without description and received time, then 422 lists both as required', async () => {
    const { description: _d, receivedAt: _r, ...partial } = intake('phone');
    const res = await app.call('mmgFirst', 'POST', '/api/procedures/tuscan-gp-helpdesk/instances', partial);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: any) => [d.path, d.reason])).toEqual([
      ['description', 'required'],
      ['receivedAt', 'required'],
    ]);
  });
});

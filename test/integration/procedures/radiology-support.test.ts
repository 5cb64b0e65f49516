import { startTestApp, type TestApp } from '../../support/harness.js';
import { Scenario } from '../../support/scenario.js';

/** radiology-support (seed 000, MEDBUS): every path of docs/procedures.md (RAD-1…RAD-9). */
const HOUR = 3_600_000;
/** A path is 10-20 HTTP round trips through the engine and FerretDB: allow for a loaded machine. */
const PATH_TIMEOUT = 120_000;
const L1 = ['l1-it-technician'];
const L2 = ['l2-medical-technologist'];
const L3 = ['l3-radiologist'];
const VENDOR = ['vendor-carestream'];

const intake = (channel: 'phone' | 'email') => ({
  channel,
  requesterName: 'TM Carolina Soto',
  description: 'No carga el visor de imágenes en el PACS',
});
const contactData = {
  requesterEmail: 'csoto@hospital-osorno.cl',
  phone: '+56 64 233 5000',
  mobilePhone: '+56 9 8765 4321',
  establishment: 'Hospital Base de Osorno',
};
const closeData = {
  solution: 'Visor reinstalado y verificado con la usuaria',
  closureNotes: 'Sin observaciones',
};

describe('radiology-support: Mesa de Ayuda MEDBUS, every documented path', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ processesDir: 'processes', formsDir: 'forms' });
  });
  afterAll(async () => {
    await app.stop();
  });

  /** Start, identify a registered (or new) user and reach «Atender requerimiento». */
  async function identified(registered = true, channel: 'phone' | 'email' = 'phone') {
    const s = await Scenario.start(app, 'radiology-support', 'radL1', intake(channel));
    expect(s.businessKey).toMatch(/^RAD-\d{4}-\d{6}$/);
    await s.expectTasks({ 'task-identify-requester': L1 });
    await s.complete('task-identify-requester', 'radL1', {
      requesterName: 'TM Carolina Soto',
      registeredUser: registered,
    });
    const next = registered ? 'task-confirm-user-data' : 'task-register-user';
    await s.expectTasks({ [next]: L1 });
    expect(await s.messages()).toEqual([]);
    await s.complete(next, 'radL1', contactData);
    await s.expectTasks({ 'task-attend-request': L1 });
    expect(await s.messages()).toEqual(['ticket-acknowledgement']);
    return s;
  }

  async function attend(s: Scenario, outcome: string) {
    await s.complete('task-attend-request', 'radL1', {
      description: 'No carga el visor de imágenes en el PACS',
      actionsTaken: 'Se reinició el servicio del visor',
      outcome,
    });
  }

  async function review(s: Scenario, reviewOutcome: string) {
    await s.expectTasks({ 'task-review-request': L2 });
    await s.complete('task-review-request', 'radL2', {
      informationRequested: 'Captura de pantalla del error',
      finalResponse: reviewOutcome === 'resolved' ? 'Se corrigió la configuración del visor' : '',
      userAccepted: reviewOutcome === 'resolved',
      reviewOutcome,
    });
  }

  async function interconsult(s: Scenario) {
    await s.expectTasks({ 'task-attend-interconsult': L3 });
    await s.complete('task-attend-interconsult', 'radL3', {
      radiologistResponse: 'Informe revisado con el médico tratante',
      reportAmended: true,
    });
  }

  async function carestream(s: Scenario, caseNumber: string) {
    await s.expectTasks({ 'task-manage-carestream': VENDOR });
    await s.complete('task-manage-carestream', 'radVendor', { vendorCaseNumber: caseNumber });
    // Carestream's desk is mailed the case (directory group vendor-carestream, ADR 0021).
    expect((await s.view()).messages.at(-1)).toMatchObject({
      template: 'vendor-case',
      to: 'vendor-carestream',
    });
    // The ticket now waits for Carestream's answer (receive task on message vendor-reply).
    await s.expectTasks([]);
    const reply = await s.app.call('radL2', 'POST', `/api/instances/${s.instanceId}/messages`, {
      name: 'vendor-reply',
      variables: { vendorResponse: 'Parche aplicado en el servidor de imágenes' },
    });
    expect(reply.status).toBe(200);
  }

  async function closed(s: Scenario, ends = ['end-ticket-closed']) {
    await s.expectTasks({ 'task-close-ticket': L1 });
    const done = await s.complete('task-close-ticket', 'radL1', closeData);
    expect(done.status).toBe('completed');
    await s.expectEnded(ends);
  }

  test(
    'RAD-1: given a registered user, when the IT technician solves it (with phone training), then the data are confirmed, the ticket acknowledged and closed by L1',
    async () => {
      const s = await identified(true);

      const stolen = await s.attempt('task-attend-request', 'radVendor', {
        description: 'x',
        outcome: 'solved',
      });
      expect(stolen.status).toBe(403);
      expect(stolen.body.error.code).toBe('TASK_NOT_OFFERED_TO_YOU');

      await s.complete('task-attend-request', 'radL1', {
        description: 'No carga el visor de imágenes en el PACS',
        phoneTraining: true,
        outcome: 'solved',
      });
      await closed(s);
      const view = await s.view();
      expect(view.instance.variables).toMatchObject({
        ticketNumber: s.businessKey,
        channel: 'phone',
        registeredUser: true,
        requesterEmail: 'csoto@hospital-osorno.cl',
        establishment: 'Hospital Base de Osorno',
        phoneTraining: true,
        outcome: 'solved',
        solution: closeData.solution,
      });
      expect(view.instance.completedActivities).not.toContain('task-register-user');
      expect(view.messages.map((m: any) => [m.template, m.to, m.language])).toEqual([
        ['ticket-acknowledgement', 'requester', 'es'],
        ['closure-notice', 'requester', 'es'],
        ['satisfaction-survey', 'requester', 'es'],
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'RAD-2: given a user not yet registered, when L1 registers them and solves it, then the ticket closes',
    async () => {
      const s = await identified(false, 'email');
      await attend(s, 'solved');
      await closed(s);
      const view = await s.view();
      expect(view.instance.variables).toMatchObject({
        channel: 'email',
        registeredUser: false,
        outcome: 'solved',
      });
      expect(view.instance.completedActivities).toContain('task-register-user');
      expect(view.instance.completedActivities).not.toContain('task-confirm-user-data');
      expect(await s.messages()).toEqual(['ticket-acknowledgement', 'closure-notice', 'satisfaction-survey']);
    },
    PATH_TIMEOUT,
  );

  test(
    'RAD-3: given a query on the medical report, when L1 coordinates an interconsult, then the radiologist answers and L1 closes',
    async () => {
      const s = await identified();
      await attend(s, 'radiologist');
      await interconsult(s);
      await closed(s);
      expect(await s.variables()).toMatchObject({ outcome: 'radiologist', reportAmended: true });
      expect(await s.messages()).toEqual(['ticket-acknowledgement', 'closure-notice', 'satisfaction-survey']);
    },
    PATH_TIMEOUT,
  );

  test(
    'RAD-4: given L1 derives it to the medical technologist, when L2 resolves it and the user accepts, then L1 closes',
    async () => {
      const s = await identified();
      await attend(s, 'l2');
      await s.expectTimer('timer-l2-review-overdue', 'task-review-request', 4 * HOUR);
      await review(s, 'resolved');
      await closed(s);
      expect(await s.variables()).toMatchObject({
        outcome: 'l2',
        reviewOutcome: 'resolved',
        userAccepted: true,
      });
      expect(await s.messages()).toEqual(['ticket-acknowledgement', 'closure-notice', 'satisfaction-survey']);
    },
    PATH_TIMEOUT,
  );

  test(
    'RAD-5: given L2 escalates to the radiologist, then the radiologist answers and L1 closes',
    async () => {
      const s = await identified();
      await attend(s, 'l2');
      await review(s, 'radiologist');
      await interconsult(s);
      await closed(s);
      expect(await s.variables()).toMatchObject({ outcome: 'l2', reviewOutcome: 'radiologist' });
      expect(await s.messages()).toEqual(['ticket-acknowledgement', 'closure-notice', 'satisfaction-survey']);
    },
    PATH_TIMEOUT,
  );

  test(
    'RAD-6: given L2 escalates to Carestream, then Carestream answers back to L2, who verifies with the user (new 4 h timer) before L1 closes',
    async () => {
      const s = await identified();
      await attend(s, 'l2');
      await review(s, 'vendor');
      await carestream(s, 'CS-2025-0001');
      await s.expectTimer('timer-l2-review-overdue', 'task-review-request', 4 * HOUR);
      await review(s, 'resolved');
      await closed(s);
      expect(await s.variables()).toMatchObject({
        reviewOutcome: 'resolved',
        vendorCaseNumber: 'CS-2025-0001',
      });
      expect(await s.messages()).toEqual([
        'ticket-acknowledgement',
        'vendor-case',
        'closure-notice',
        'satisfaction-survey',
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'RAD-7: given L1 derives it to Carestream, then Carestream answers to L2, who verifies, and L1 closes',
    async () => {
      const s = await identified();
      await attend(s, 'vendor');
      await carestream(s, 'CS-2025-0002');
      await review(s, 'resolved');
      await closed(s);
      expect(await s.variables()).toMatchObject({ outcome: 'vendor', reviewOutcome: 'resolved' });
      expect(await s.messages()).toEqual([
        'ticket-acknowledgement',
        'vendor-case',
        'closure-notice',
        'satisfaction-survey',
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'RAD-8: given Carestream twice and then an interconsult, then the vendor and review loops run again and L1 closes',
    async () => {
      const s = await identified();
      await attend(s, 'vendor');
      await carestream(s, 'CS-2025-0003');
      await review(s, 'vendor');
      await carestream(s, 'CS-2025-0004');
      await review(s, 'radiologist');
      await interconsult(s);
      await closed(s);
      const view = await s.view();
      expect(view.instance.variables).toMatchObject({
        reviewOutcome: 'radiologist',
        vendorCaseNumber: 'CS-2025-0004',
      });
      const done = view.tasks.filter((t: any) => t.status === 'completed').map((t: any) => t.activityId);
      expect(done.filter((id: string) => id === 'task-manage-carestream')).toHaveLength(2);
      expect(done.filter((id: string) => id === 'task-review-request')).toHaveLength(2);
      expect(await s.messages()).toEqual([
        'ticket-acknowledgement',
        'vendor-case',
        'vendor-case',
        'closure-notice',
        'satisfaction-survey',
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'RAD-9: given the L2 review open for 4 hours, when the timer fires, then the quality administrator is notified and the review stays open until resolved',
    async () => {
      const s = await identified();
      await attend(s, 'l2');
      await s.expectTimer('timer-l2-review-overdue', 'task-review-request', 4 * HOUR);
      await s.fireTimer('timer-l2-review-overdue');
      await s.expectTasks({ 'task-review-request': L2 });
      expect(await s.timers()).toEqual([]);
      const notice = (await s.view()).messages.at(-1);
      expect(notice).toMatchObject({ template: 'escalation-notice', to: 'quality-admin', language: 'es' });
      await review(s, 'resolved');
      await closed(s, ['end-quality-notified', 'end-ticket-closed']);
      expect(await s.messages()).toEqual([
        'ticket-acknowledgement',
        'escalation-notice',
        'closure-notice',
        'satisfaction-survey',
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'given the L2 review with its 4 h timer, then the timer names the task it is attached to and the task carries that due date',
    async () => {
      const s = await identified();
      await attend(s, 'l2');
      const overdue = await s.expectTimer('timer-l2-review-overdue', 'task-review-request', 4 * HOUR);
      expect(overdue.attachedTo).toBe('task-review-request');
      expect((await s.task('task-review-request')).dueAt).toBe(overdue.dueAt);
    },
    PATH_TIMEOUT,
  );

  test('given an intake without requester name and with an unknown channel, then 422 lists both', async () => {
    const res = await app.call('radL1', 'POST', '/api/procedures/radiology-support/instances', {
      channel: 'fax',
      description: 'x',
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: any) => [d.path, d.reason])).toEqual([
      ['channel', 'option'],
      ['requesterName', 'required'],
    ]);
  });
});

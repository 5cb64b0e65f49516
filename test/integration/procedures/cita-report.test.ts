import { readFileSync } from 'node:fs';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { Scenario } from '../../support/scenario.js';
import { CITA_REQUEST, CITA_START } from '../../support/cita-request.js';

/**
 * cita-report (seed 001, ISSSTE «Reporte de citas»): every path of docs/procedures.md
 * (CITA-1…CITA-8), the validation of intake and step-7 data, and the institutional email rule.
 */
const MINUTE = 60_000;
/** A path is 10-20 HTTP round trips through the engine and FerretDB: allow for a loaded machine. */
const PATH_TIMEOUT = 120_000;
const REQUESTER = ['requester'];
const CENTRAL = ['central-desk'];
const SPECIALISED = ['specialised-desk'];
const REPORT_PDF = readFileSync('test/fixtures/conversation/report.pdf');

const intake = (channel: 'portal' | 'phone' | 'email') => ({ channel, ...CITA_START });
const validInfo = { ...CITA_REQUEST, infoValid: true };
const emailReceived = { emailReceivedAt: '2025-07-10T09:15', emailNotes: 'Solicita el reporte de agenda' };
const classification = { category: 'cita-medica-reporte-agenda', priority: 'medium' };

describe('cita-report: Reporte de citas (ISSSTE), every documented path', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ processesDir: 'processes', formsDir: 'forms' });
  });
  afterAll(async () => {
    await app.stop();
  });

  /** Steps 4-6 for a phone request, 6 for an email request, then 7 and 8. */
  async function throughValidation(s: Scenario, channel: 'phone' | 'email') {
    if (channel === 'phone') {
      await s.expectTasks({ 'task-request-email': CENTRAL });
      await s.complete('task-request-email', 'citaCentral', { emailRequested: true });
    }
    await s.expectTasks({ 'task-receive-email': CENTRAL });
    await s.complete('task-receive-email', 'citaCentral', emailReceived);
    await s.expectTasks({ 'task-validate-info': CENTRAL });
    await s.complete('task-validate-info', 'citaCentral', validInfo);
    await s.expectTasks({ 'task-register-classify': CENTRAL });
    await s.complete('task-register-classify', 'citaCentral', classification);
  }

  /** Steps 9 (No) -> 12 -> 13 -> 14 -> 15, ending at step 16. */
  async function throughSpecialisedDesk(s: Scenario) {
    await s.expectTasks({ 'task-me-receive': SPECIALISED });
    await s.complete('task-me-receive', 'citaSpecialised', { receivedBy: 'Especialista de turno' });
    await s.expectTasks({ 'task-me-perform': SPECIALISED });
    await s.complete('task-me-perform', 'citaSpecialised', {
      workNotes: 'Reporte de agenda generado en SIMEF',
      reportReference: 'ME-REP-0042',
    });
    await s.expectTasks({ 'task-me-document-notify': SPECIALISED });
    await s.complete('task-me-document-notify', 'citaSpecialised', {
      activitiesLog: 'Reporte enviado por correo a la unidad',
      notificationSent: true,
    });
    await s.expectTasks({ 'task-validate-attention': CENTRAL });
  }

  /** Steps 9 (Yes) -> 10 -> 11, ending at step 16. */
  async function centralDeskGenerates(s: Scenario) {
    await s.complete('task-evaluate-request', 'citaCentral', { canGenerateReport: true });
    await s.expectTasks({ 'task-generate-report': CENTRAL });
    // Step 10 requires the report file (a public filepicker, docs/adr/0032): stored first, then referenced.
    const reportFile = await app.app.services.attachments.store({
      instanceId: s.instanceId,
      fileName: 'reporte-agenda.pdf',
      bytes: REPORT_PDF,
      visibility: 'public',
      uploadedBy: 'mesa',
    });
    await s.complete('task-generate-report', 'citaCentral', {
      reportReference: 'MCS-REP-0001',
      reportFile: [reportFile],
    });
    await s.expectTasks({ 'task-document-activities': CENTRAL });
    await s.complete('task-document-activities', 'citaCentral', {
      activitiesLog: 'Reporte generado y enviado',
    });
    await s.expectTasks({ 'task-validate-attention': CENTRAL });
  }

  /** Steps 16 (Yes) -> 18 -> 19. */
  async function solvedAndClosed(s: Scenario, ends: string[] = ['end-ticket-closed']) {
    await s.complete('task-validate-attention', 'citaCentral', { solved: true, validationNotes: 'Conforme' });
    await s.expectTasks({ 'task-close-ticket': CENTRAL });
    const closed = await s.complete('task-close-ticket', 'citaCentral', {
      closureNotes: 'Atendido en tiempo',
    });
    expect(closed.status).toBe('completed');
    await s.expectEnded(ends);
  }

  test(
    'CITA-1: given a portal request, when the requester captures it and the central desk can generate the report, then it goes 2-3 -> 9 -> 10 -> 11 -> 16 -> 18 -> 19 and closes',
    async () => {
      const s = await Scenario.start(app, 'cita-report', 'citaRequester', intake('portal'));
      expect(s.businessKey).toMatch(/^CITA-\d{4}-\d{6}$/);
      await s.expectTasks({ 'task-capture-portal-request': REQUESTER });

      const stolen = await s.attempt('task-capture-portal-request', 'citaSpecialised', CITA_REQUEST);
      expect(stolen.status).toBe(403);
      expect(stolen.body.error.code).toBe('TASK_NOT_OFFERED_TO_YOU');

      await s.complete('task-capture-portal-request', 'citaRequester', CITA_REQUEST);
      await s.expectTasks({ 'task-evaluate-request': CENTRAL });
      await centralDeskGenerates(s);
      await solvedAndClosed(s);

      const view = await s.view();
      for (const skipped of ['task-request-email', 'task-validate-info', 'task-register-classify']) {
        expect(view.instance.completedActivities).not.toContain(skipped);
      }
      expect(view.instance.variables).toMatchObject({
        ticketNumber: s.businessKey,
        channel: 'portal',
        requesterName: 'Lic. Ana Pérez',
        requesterEmail: 'ana.perez@issste.gob.mx',
        canGenerateReport: true,
        reportReference: 'MCS-REP-0001',
        solved: true,
        closureNotes: 'Atendido en tiempo',
      });
      expect(view.messages).toEqual([
        expect.objectContaining({
          template: 'report-delivery',
          to: 'requester',
          language: 'es',
          attachments: [expect.objectContaining({ name: 'reporte-agenda.pdf', visibility: 'public' })],
        }),
        expect.objectContaining({ template: 'satisfaction-survey', to: 'requester', language: 'es' }),
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'CITA-2: given a phone request, when the email is requested, received and the data are valid, then it is registered, the central desk generates the report and it closes',
    async () => {
      const s = await Scenario.start(app, 'cita-report', 'citaCentral', intake('phone'));
      await throughValidation(s, 'phone');
      await s.expectTasks({ 'task-evaluate-request': CENTRAL });
      await centralDeskGenerates(s);
      await solvedAndClosed(s);
      expect(await s.variables()).toMatchObject({
        channel: 'phone',
        emailRequested: true,
        emailReceivedAt: '2025-07-10T09:15',
        infoValid: true,
        category: 'cita-medica-reporte-agenda',
        priority: 'medium',
        canGenerateReport: true,
        solved: true,
      });
      expect(await s.messages()).toEqual(['report-delivery', 'satisfaction-survey']);
    },
    PATH_TIMEOUT,
  );

  test(
    'CITA-3: given an email request the central desk cannot solve, then it is assigned to the specialised desk (12-15) and validated and closed by the central desk',
    async () => {
      const s = await Scenario.start(app, 'cita-report', 'citaCentral', intake('email'));
      await throughValidation(s, 'email');
      await s.complete('task-evaluate-request', 'citaCentral', { canGenerateReport: false });
      await throughSpecialisedDesk(s);
      await solvedAndClosed(s);
      const view = await s.view();
      expect(view.instance.completedActivities).not.toContain('task-request-email');
      expect(view.instance.variables).toMatchObject({
        channel: 'email',
        canGenerateReport: false,
        receivedBy: 'Especialista de turno',
        reportReference: 'ME-REP-0042',
        notificationSent: true,
        solved: true,
      });
      expect(view.messages.map((m: any) => [m.template, m.to])).toEqual([
        ['desk-assignment', 'specialised-desk'],
        ['report-delivery', 'requester'],
        ['satisfaction-survey', 'requester'],
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'CITA-4: given invalid information at step 7, when the central desk answers «No», then the missing data are requested by email, the ticket waits for the requester (step 5), and the reply goes to step 6 until valid',
    async () => {
      const s = await Scenario.start(app, 'cita-report', 'citaCentral', intake('email'));
      await s.complete('task-receive-email', 'citaCentral', emailReceived);
      await s.complete('task-validate-info', 'citaCentral', {
        ...CITA_REQUEST,
        timeSlot: 'sin horario',
        infoValid: false,
        missingFields: ['timeSlot'],
        missingData: 'Horario de la agenda incorrecto',
      });
      await s.expectTasks([]);
      const waiting = await s.view();
      expect(waiting.instance.awaiting).toEqual([
        expect.objectContaining({
          kind: 'message',
          name: 'requester-reply',
          activityId: 'wait-requester-reply',
        }),
      ]);
      const [missing] = waiting.messages;
      expect(missing).toMatchObject({
        template: 'missing-data-request',
        to: 'requester',
        variables: expect.objectContaining({ missingData: 'Horario de la agenda incorrecto' }),
      });

      const reply = await app.call('citaCentral', 'POST', `/api/instances/${s.instanceId}/messages`, {
        name: 'requester-reply',
        variables: { requesterReply: 'Horario 08:00-14:00' },
      });
      expect(reply.status).toBe(200);
      await s.expectTasks({ 'task-receive-email': CENTRAL });
      await s.complete('task-receive-email', 'citaCentral', { emailReceivedAt: '2025-07-10T11:40' });
      await s.expectTasks({ 'task-validate-info': CENTRAL });
      await s.complete('task-validate-info', 'citaCentral', validInfo);
      await s.expectTasks({ 'task-register-classify': CENTRAL });
      await s.complete('task-register-classify', 'citaCentral', classification);
      await centralDeskGenerates(s);
      await solvedAndClosed(s);
      expect(await s.variables()).toMatchObject({
        infoValid: true,
        timeSlot: '08:00-14:00',
        emailReceivedAt: '2025-07-10T11:40',
      });
      expect(await s.messages()).toEqual(['missing-data-request', 'report-delivery', 'satisfaction-survey']);
    },
    PATH_TIMEOUT,
  );

  test(
    'CITA-5: given the specialised desk did not solve it, when step 16 answers «No», then the central desk re-assigns (17 -> 12) and it is validated again',
    async () => {
      const s = await Scenario.start(app, 'cita-report', 'citaCentral', intake('phone'));
      await throughValidation(s, 'phone');
      await s.complete('task-evaluate-request', 'citaCentral', { canGenerateReport: false });
      await throughSpecialisedDesk(s);
      await s.complete('task-validate-attention', 'citaCentral', {
        solved: false,
        validationNotes: 'Faltan citas',
      });
      await s.expectTasks({ 'task-reassign': CENTRAL });
      await s.complete('task-reassign', 'citaCentral', {
        reassignReason: 'El reporte no incluye el turno vespertino',
      });
      await throughSpecialisedDesk(s);
      await solvedAndClosed(s);
      expect(await s.variables()).toMatchObject({
        reassignReason: 'El reporte no incluye el turno vespertino',
        solved: true,
      });
      expect(await s.messages()).toEqual([
        'desk-assignment',
        'report-delivery',
        'desk-assignment',
        'report-delivery',
        'satisfaction-survey',
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'CITA-6: given the central desk report does not satisfy the user, then it is re-assigned to the specialised desk and closed after validation',
    async () => {
      const s = await Scenario.start(app, 'cita-report', 'citaRequester', intake('portal'));
      await s.complete('task-capture-portal-request', 'citaRequester', CITA_REQUEST);
      await centralDeskGenerates(s);
      await s.complete('task-validate-attention', 'citaCentral', { solved: false });
      await s.expectTasks({ 'task-reassign': CENTRAL });
      await s.complete('task-reassign', 'citaCentral', {
        reassignReason: 'El usuario requiere el detalle por consultorio',
      });
      await throughSpecialisedDesk(s);
      await solvedAndClosed(s);
      expect(await s.messages()).toEqual([
        'report-delivery',
        'desk-assignment',
        'report-delivery',
        'satisfaction-survey',
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'CITA-7: given step 14 open for 30 minutes, when the SLA warning fires, then the level-1 escalation notice goes to the specialised desk and the task stays open',
    async () => {
      const s = await Scenario.start(app, 'cita-report', 'citaCentral', intake('email'));
      await throughValidation(s, 'email');
      await s.complete('task-evaluate-request', 'citaCentral', { canGenerateReport: false });
      await s.complete('task-me-receive', 'citaSpecialised', { receivedBy: 'Especialista de turno' });
      await s.expectTasks({ 'task-me-perform': SPECIALISED });
      await s.expectTimer('timer-me-sla-warning', 'task-me-perform', 30 * MINUTE);
      await s.expectTimer('timer-me-sla-breach', 'task-me-perform', 60 * MINUTE);

      await s.fireTimer('timer-me-sla-warning');
      await s.expectTasks({ 'task-me-perform': SPECIALISED });
      expect((await s.timers()).map((t) => t.activityId)).toEqual(['timer-me-sla-breach']);
      const notice = (await s.view()).messages.at(-1);
      // The level-1 notice goes to level 1 of the specialised desk's matrix (figure 3), as its text says.
      expect(notice).toMatchObject({ template: 'escalation-notice', to: 'cita-me-level-1' });

      await s.complete('task-me-perform', 'citaSpecialised', { workNotes: 'Reporte generado con retraso' });
      expect(await s.timers()).toEqual([]);
      await s.complete('task-me-document-notify', 'citaSpecialised', {
        activitiesLog: 'Reporte enviado por correo a la unidad',
        notificationSent: true,
      });
      await solvedAndClosed(s, ['end-sla-warned', 'end-ticket-closed']);
      expect(await s.messages()).toEqual([
        'desk-assignment',
        'escalation-notice',
        'report-delivery',
        'satisfaction-survey',
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'CITA-8: given step 14 unattended for 60 minutes, when the breach fires, then the task is withdrawn, the central desk escalates per matrix and re-assigns (17 -> 12)',
    async () => {
      const s = await Scenario.start(app, 'cita-report', 'citaCentral', intake('email'));
      await throughValidation(s, 'email');
      await s.complete('task-evaluate-request', 'citaCentral', { canGenerateReport: false });
      await s.complete('task-me-receive', 'citaSpecialised', { receivedBy: 'Especialista de turno' });
      await s.fireTimer('timer-me-sla-warning');
      await s.fireTimer('timer-me-sla-breach');

      await s.expectTasks({ 'task-escalate-matrix': CENTRAL });
      const view = await s.view();
      expect(await s.timers()).toEqual([]);
      expect(view.tasks.find((t: any) => t.activityId === 'task-me-perform').status).toBe('cancelled');

      const noLevel3 = await s.attempt('task-escalate-matrix', 'citaCentral', {
        escalationMatrix: 'me',
        escalationLevel: '3',
      });
      expect(noLevel3.status).toBe(422); // the matrices have two levels (figures 2-4)
      await s.complete('task-escalate-matrix', 'citaCentral', {
        escalationMatrix: 'me',
        escalationLevel: '2',
        escalationNotes: 'Coordinador de la Mesa Especializada avisado',
      });
      await s.expectTasks({ 'task-reassign': CENTRAL });
      // The chosen matrix level is mailed: directory group cita-me-level-2.
      expect((await s.view()).messages.at(-1)).toMatchObject({
        template: 'escalation-notice',
        to: 'cita-${escalationMatrix}-level-${escalationLevel}',
      });
      await s.complete('task-reassign', 'citaCentral', { reassignReason: 'SLA de 60 minutos excedido' });
      await s.expectTasks({ 'task-me-receive': SPECIALISED });
      await s.complete('task-me-receive', 'citaSpecialised', { receivedBy: 'Especialista nivel 2' });
      await s.expectTimer('timer-me-sla-warning', 'task-me-perform', 30 * MINUTE);
      await s.complete('task-me-perform', 'citaSpecialised', {
        workNotes: 'Reporte generado tras escalación',
      });
      await s.complete('task-me-document-notify', 'citaSpecialised', {
        activitiesLog: 'Reporte enviado por correo a la unidad',
        notificationSent: true,
      });
      await solvedAndClosed(s, ['end-sla-warned', 'end-ticket-closed']);
      expect(await s.variables()).toMatchObject({
        escalationMatrix: 'me',
        escalationLevel: '2',
        receivedBy: 'Especialista nivel 2',
      });
      expect(await s.messages()).toEqual([
        'desk-assignment',
        'escalation-notice',
        'escalation-notice',
        'desk-assignment',
        'report-delivery',
        'satisfaction-survey',
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'given step 14 with its SLA timers, then each timer names the task it is attached to and the task carries the earliest due date (30 min)',
    async () => {
      const s = await Scenario.start(app, 'cita-report', 'citaRequester', intake('portal'));
      await s.complete('task-capture-portal-request', 'citaRequester', CITA_REQUEST);
      await s.complete('task-evaluate-request', 'citaCentral', { canGenerateReport: false });
      await s.complete('task-me-receive', 'citaSpecialised', { receivedBy: 'Especialista de turno' });
      const warning = await s.expectTimer('timer-me-sla-warning', 'task-me-perform', 30 * MINUTE);
      const timers = await s.timers();
      expect(timers).toHaveLength(2);
      expect(timers).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ activityId: 'timer-me-sla-warning', attachedTo: 'task-me-perform' }),
          expect.objectContaining({ activityId: 'timer-me-sla-breach', attachedTo: 'task-me-perform' }),
        ]),
      );
      expect((await s.task('task-me-perform')).dueAt).toBe(warning.dueAt);
    },
    PATH_TIMEOUT,
  );

  describe('invalid data is rejected with the specific items listed', () => {
    test(
      'given an intake without channel and requester, then 422 VALIDATION_FAILED lists both as required',
      async () => {
        const res = await app.call('citaCentral', 'POST', '/api/procedures/cita-report/instances', {
          medicalUnit: 'UMF 21',
        });
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(res.body.error.details.map((d: any) => [d.path, d.reason])).toEqual([
          ['channel', 'required'],
          ['requesterName', 'required'],
        ]);
      },
      PATH_TIMEOUT,
    );

    test(
      'given a portal capture without phone and with a bad date, then 422 lists phone required and the date type',
      async () => {
        const s = await Scenario.start(app, 'cita-report', 'citaRequester', intake('portal'));
        const { phone: _phone, ...withoutPhone } = CITA_REQUEST;
        const res = await s.attempt('task-capture-portal-request', 'citaRequester', {
          ...withoutPhone,
          consultationDate: '14/07/2025',
        });
        expect(res.status).toBe(422);
        expect(res.body.error.details).toEqual([
          expect.objectContaining({ path: 'phone', reason: 'required' }),
          expect.objectContaining({ path: 'consultationDate', reason: 'type' }),
        ]);
        await s.expectTasks({ 'task-capture-portal-request': REQUESTER });
      },
      PATH_TIMEOUT,
    );

    test(
      'given step 7 with a required item missing, when validated as correct, then 422 phone required',
      async () => {
        const s = await Scenario.start(app, 'cita-report', 'citaCentral', intake('email'));
        await s.complete('task-receive-email', 'citaCentral', emailReceived);
        const { phone: _phone, ...withoutPhone } = CITA_REQUEST;
        const res = await s.attempt('task-validate-info', 'citaCentral', {
          ...withoutPhone,
          infoValid: true,
        });
        expect(res.status).toBe(422);
        expect(res.body.error.details.map((d: any) => [d.path, d.reason])).toEqual([['phone', 'required']]);
        await s.expectTasks({ 'task-validate-info': CENTRAL });
        expect(await s.messages()).toEqual([]);
      },
      PATH_TIMEOUT,
    );

    test(
      'given step 7 with the phone missing, when answered «No» (infoValid=false), then the agent must say which item is missing (422 missingFields) and, once said, the missing data are requested',
      async () => {
        const s = await Scenario.start(app, 'cita-report', 'citaCentral', intake('email'));
        await s.complete('task-receive-email', 'citaCentral', emailReceived);
        const { phone: _phone, ...withoutPhone } = CITA_REQUEST;
        const answer = { ...withoutPhone, infoValid: false, missingData: 'Falta el teléfono' };
        const res = await s.attempt('task-validate-info', 'citaCentral', answer);
        expect(res.status).toBe(422);
        expect(res.body.error.details.map((d: any) => [d.path, d.reason])).toEqual([
          ['missingFields', 'required'],
        ]);
        await s.expectTasks({ 'task-validate-info': CENTRAL });
        expect(await s.messages()).toEqual([]);

        await s.complete('task-validate-info', 'citaCentral', { ...answer, missingFields: ['phone'] });
        await s.expectTasks([]);
        expect(await s.variables()).toMatchObject({ infoValid: false, missingFields: ['phone'] });
        expect(await s.messages()).toEqual(['missing-data-request']);
      },
      PATH_TIMEOUT,
    );
  });

  describe('institutional email rule (seed 001: institutional account, or personal with an institutional one in copy)', () => {
    async function atStep7() {
      const s = await Scenario.start(app, 'cita-report', 'citaCentral', intake('email'));
      await s.complete('task-receive-email', 'citaCentral', emailReceived);
      return s;
    }
    const personal = { ...validInfo, requesterEmail: 'ana.perez@gmail.com' };

    test(
      'given a personal email without institutional copy validated as correct, then 422 institutional-email on requesterEmail',
      async () => {
        const s = await atStep7();
        const res = await s.attempt('task-validate-info', 'citaCentral', {
          ...personal,
          ccEmails: 'mesa.central@example.org',
        });
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('VALIDATION_FAILED');
        expect(res.body.error.details).toEqual([
          {
            path: 'requesterEmail',
            reason: 'institutional-email',
            message: expect.stringContaining('institutional email rule'),
          },
        ]);
        await s.expectTasks({ 'task-validate-info': CENTRAL });
      },
      PATH_TIMEOUT,
    );

    test(
      'given a personal email with an institutional address in copy, then step 7 is accepted and the ticket is registered',
      async () => {
        const s = await atStep7();
        await s.complete('task-validate-info', 'citaCentral', {
          ...personal,
          ccEmails: 'mesa.central@example.org, direccion@umf21.issste.gob.mx',
        });
        await s.expectTasks({ 'task-register-classify': CENTRAL });
        expect(await s.variables()).toMatchObject({
          requesterEmail: 'ana.perez@gmail.com',
          ccEmails: 'mesa.central@example.org, direccion@umf21.issste.gob.mx',
        });
      },
      PATH_TIMEOUT,
    );

    test(
      'given a personal email without copy, when step 7 answers «No», then it is accepted and the missing data (institutional account) are requested',
      async () => {
        const s = await atStep7();
        await s.complete('task-validate-info', 'citaCentral', {
          ...personal,
          infoValid: false,
          missingFields: ['institutionalEmail'],
          missingData: 'Reenviar desde la cuenta institucional o con copia a una institucional',
        });
        await s.expectTasks([]);
        expect(await s.messages()).toEqual(['missing-data-request']);
      },
      PATH_TIMEOUT,
    );

    test(
      'given a portal capture with a personal email, then 422 institutional-email (the portal asks for the institutional account)',
      async () => {
        const s = await Scenario.start(app, 'cita-report', 'citaRequester', intake('portal'));
        const res = await s.attempt('task-capture-portal-request', 'citaRequester', {
          ...CITA_REQUEST,
          requesterEmail: 'ana.perez@gmail.com',
        });
        expect(res.status).toBe(422);
        expect(res.body.error.details.map((d: any) => [d.path, d.reason])).toEqual([
          ['requesterEmail', 'institutional-email'],
        ]);
      },
      PATH_TIMEOUT,
    );
  });
});

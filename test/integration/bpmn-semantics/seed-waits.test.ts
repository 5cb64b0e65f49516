import { startTestApp, type TestApp } from '../../support/harness.js';
import { radiologyTicketPastIdentification } from '../../support/radiology-ticket.js';
import { Scenario } from '../../support/scenario.js';

/**
 * The seeds wait for people outside the desk with receive tasks (issue 16, ADR 0031): the Tuscan
 * desk and cita step 5 wait for the requester (`requester-reply`), radiology waits for Carestream
 * (`vendor-reply`). While they wait, the resolution clocks pause; a boundary timer limits the wait.
 */
const PATH_TIMEOUT = 120_000;

const tuscanIntake = {
  channel: 'phone',
  requesterName: 'Dott. Marco Bianchi',
  requesterEmail: 'marco.bianchi@example.it',
  description: 'La cartella clinica non invia i certificati di malattia',
  receivedAt: '2025-03-12T09:41',
};
const askTheDoctor = {
  proceduresStarted: 'Verifica delle credenziali del medico',
  resolved: false,
  requesterInfoNeeded: true,
  missingData: 'Numero di protocollo del certificato non inviato',
};

describe('seed procedures wait for the requester and the vendor with receive tasks', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ processesDir: 'processes', formsDir: 'forms' });
  });
  afterAll(async () => {
    await app.stop();
  });

  const clock = async (s: Scenario, id: string) =>
    ((await s.view()).instance.sla as { id: string; status: string }[]).find((c) => c.id === id);
  const send = (s: Scenario, name: string, variables: Record<string, unknown>) =>
    app.call('supervisor', 'POST', `/api/instances/${s.instanceId}/messages`, { name, variables });

  async function tuscanAtChecklist(): Promise<Scenario> {
    const s = await Scenario.start(app, 'tuscan-gp-helpdesk', 'mmgFirst', tuscanIntake);
    await s.complete('task-register-classify', 'mmgFirst', {
      takenInChargeBy: 'operatore1',
      failureType: 'blocking',
    });
    await s.expectTasks(['task-resolve-checklist']);
    return s;
  }

  test(
    'given the Tuscan first level needs information from the doctor, when it asks, then the request is mailed, the ticket waits on requester-reply with the restore clock paused, and the reply brings the checklist back with the clock running',
    async () => {
      const s = await tuscanAtChecklist();
      const missing = await s.attempt('task-resolve-checklist', 'mmgFirst', {
        ...askTheDoctor,
        missingData: '',
      });
      expect(missing.status).toBe(422);
      expect(missing.body.error.details.map((d: any) => d.path)).toEqual(['missingData']);

      await s.complete('task-resolve-checklist', 'mmgFirst', askTheDoctor);

      await s.expectTasks([]);
      const view = await s.view();
      expect(view.instance.awaiting).toEqual([
        expect.objectContaining({
          kind: 'message',
          name: 'requester-reply',
          activityId: 'wait-requester-reply',
        }),
      ]);
      expect(view.messages.at(-1)).toMatchObject({ template: 'missing-data-request', to: 'requester' });
      expect(await clock(s, 'restore')).toMatchObject({ status: 'paused' });

      const reply = await send(s, 'requester-reply', { requesterReply: 'Protocollo 2025/1234' });
      expect(reply.status).toBe(200);
      await s.expectTasks(['task-resolve-checklist']);
      expect(await clock(s, 'restore')).toMatchObject({ status: 'running' });
      expect(await s.variables()).toMatchObject({ requesterReply: 'Protocollo 2025/1234' });
    },
    PATH_TIMEOUT,
  );

  test(
    'given the Tuscan ticket waiting for the doctor, when a working day passes without reply, then the wait ends and the checklist is offered again',
    async () => {
      const s = await tuscanAtChecklist();
      await s.complete('task-resolve-checklist', 'mmgFirst', askTheDoctor);
      await s.fireTimer('timer-requester-reply-limit');
      await s.expectTasks(['task-resolve-checklist']);
      expect((await s.view()).instance.awaiting ?? []).toEqual([]);
    },
    PATH_TIMEOUT,
  );

  test(
    'given cita step 7 answered «No», when two working days pass without the requester’s email, then the central desk asks again (step 4)',
    async () => {
      const s = await Scenario.start(app, 'cita-report', 'citaCentral', {
        channel: 'email',
        requesterName: 'Lic. Ana Pérez',
        medicalUnit: 'UMF 21 Iztacalco',
        description: 'Reporte de la agenda de citas',
      });
      await s.complete('task-receive-email', 'citaCentral', { emailReceivedAt: '2025-07-10T09:15' });
      await s.complete('task-validate-info', 'citaCentral', {
        infoValid: false,
        requesterEmail: 'ana.perez@issste.gob.mx',
        missingFields: ['phone'],
        missingData: 'Falta el teléfono',
      });
      await s.expectTasks([]);
      expect(await clock(s, 'resolution')).toMatchObject({ status: 'paused' });
      await s.fireTimer('timer-requester-reply-limit');
      await s.expectTasks(['task-request-email']);
    },
    PATH_TIMEOUT,
  );

  test(
    'given radiology handed to Carestream, then the ticket waits on vendor-reply with the resolution clock paused; without an answer in 4 h the case is chased again, and the answer goes to L2',
    async () => {
      const s = await radiologyTicketPastIdentification(app);
      await s.complete('task-confirm-user-data', 'radL1', {
        requesterEmail: 'csoto@hospital-osorno.cl',
        phone: '+56 64 233 5000',
        mobilePhone: '+56 9 8765 4321',
        establishment: 'Hospital Base de Osorno',
      });
      await s.complete('task-attend-request', 'radL1', {
        description: 'No carga el visor',
        actionsTaken: 'Reinicio del servicio',
        outcome: 'vendor',
      });
      await s.complete('task-manage-carestream', 'radVendor', { vendorCaseNumber: 'CS-1' });
      await s.expectTasks([]);
      expect(await clock(s, 'resolution')).toMatchObject({ status: 'paused' });

      await s.fireTimer('timer-vendor-reply-limit');
      await s.expectTasks(['task-manage-carestream']);
      await s.complete('task-manage-carestream', 'radVendor', { vendorCaseNumber: 'CS-1' });
      const early = await send(s, 'requester-reply', {});
      expect(early.status).toBe(409);
      const answer = await send(s, 'vendor-reply', { vendorResponse: 'Parche aplicado' });
      expect(answer.status).toBe(200);
      await s.expectTasks(['task-review-request']);
      expect(await clock(s, 'resolution')).toMatchObject({ status: 'running' });
      expect(await s.variables()).toMatchObject({ vendorResponse: 'Parche aplicado' });
    },
    PATH_TIMEOUT,
  );
});

import { randomUUID } from 'node:crypto';
import { bindDeliveryModels } from '../../src/adapters/persistence/delivery-models.js';
import { MongoDeliveryLedger } from '../../src/adapters/persistence/mongo-delivery-ledger.js';
import { MongoOutbox } from '../../src/adapters/persistence/mongo-outbox.js';
import type { OutboxMessage } from '../../src/domain/instance.js';
import { CITA_START } from '../support/cita-request.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { Scenario } from '../support/scenario.js';
import { startSmtpSink, type SmtpSink, mailEnv, mailTo } from '../support/smtp-sink.js';
import { waitFor } from '../support/wait.js';

/**
 * Email abuse (issue 9, docs/adr/0012): outbound mail goes only to directory addresses, allowed
 * domains (config/directory.json `allowedDomains` + HELPDESK_MAIL_ALLOWED_DOMAINS) and the
 * requester's own address, with at most HELPDESK_MAIL_MAX_CC copies. Real app, real database,
 * real SMTP sink; the shipped cita-report procedure and forms.
 */
const PATH_TIMEOUT = 120_000;
const outsiders = (n: number) => Array.from({ length: n }, (_, i) => `s${i}@evil.io`).join(', ');
const intake = { channel: 'email', ...CITA_START };
const stepSeven = {
  contactName: 'Ana Pérez',
  phone: '+52 55 5140 9617',
  consultationDate: '2025-07-14',
  timeSlot: '08:00-14:00',
  clinic: 'Medicina familiar',
  requesterEmail: 'ana.perez@issste.gob.mx',
  infoValid: true,
};

describe('the mail policy in the running app', () => {
  let app: TestApp;
  let sink: SmtpSink;
  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startTestApp({
      processesDir: 'processes',
      formsDir: 'forms',
      env: {
        ...mailEnv(sink, 'Mesa de Ayuda <mesa@example.org>'),
        HELPDESK_MAIL_POLL_MS: '100',
        HELPDESK_MAIL_ALLOWED_DOMAINS: 'partner.example',
      },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await sink?.stop();
  });

  async function atStepSeven(): Promise<Scenario> {
    const s = await Scenario.start(app, 'cita-report', 'citaCentral', intake);
    await s.complete('task-receive-email', 'citaCentral', { emailReceivedAt: '2025-07-10T09:15' });
    return s;
  }

  test(
    'given an agent copying 56 outside addresses, or one, when step 7 is submitted, then 422 names ccEmails',
    async () => {
      const s = await atStepSeven();

      const many = await s.attempt('task-validate-info', 'citaCentral', {
        ...stepSeven,
        ccEmails: outsiders(56),
      });
      const one = await s.attempt('task-validate-info', 'citaCentral', {
        ...stepSeven,
        ccEmails: 'direccion@umf21.issste.gob.mx, jefe@hotmail.com',
      });

      expect(many.status).toBe(422);
      expect(many.body.error.details).toEqual([
        {
          path: 'ccEmails',
          reason: 'too-many-copies',
          message: '"Correos en copia (separados por coma)" lists 56 addresses; at most 5 may be copied',
        },
      ]);
      expect(one.status).toBe(422);
      expect(one.body.error.details).toEqual([
        {
          path: 'ccEmails',
          reason: 'recipient-not-allowed',
          message: expect.stringMatching(/may only copy addresses .* not jefe@hotmail\.com$/),
        },
      ]);
    },
    PATH_TIMEOUT,
  );

  test(
    'given a personal requester address, when the desk asks for missing data, then the requester still gets the email',
    async () => {
      const s = await atStepSeven();
      await s.complete('task-validate-info', 'citaCentral', {
        ...stepSeven,
        requesterEmail: 'ana.perez@gmail.com',
        ccEmails: 'direccion@umf21.issste.gob.mx',
        infoValid: false,
        missingFields: ['institutionalEmail'],
        missingData: 'Reenviar desde la cuenta institucional',
      });

      const mail = await mailTo(sink, 'ana.perez@gmail.com');
      expect(mail.envelopeTo).toEqual(['ana.perez@gmail.com', 'direccion@umf21.issste.gob.mx']);
      expect(await s.messages()).toContain('missing-data-request');
    },
    PATH_TIMEOUT,
  );

  test('given a send task that mails a literal outside address, when deployed, then it is refused naming the task; a directory address deploys', async () => {
    const diagram = (to: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://helpdesk.example/bpmn">
  <bpmn:process id="leaky" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="send-data" />
    <bpmn:sendTask id="send-data" name="Send the ticket">
      <bpmn:extensionElements>
        <camunda:properties><camunda:property name="template" value="ticket-acknowledgement" /><camunda:property name="to" value="${to}" /></camunda:properties>
      </bpmn:extensionElements>
    </bpmn:sendTask>
    <bpmn:sequenceFlow id="f2" sourceRef="send-data" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

    const refused = await app.call(
      'analyst',
      'PUT',
      '/api/procedures/leaky',
      diagram('collector@evil.io'),
      'application/xml',
    );
    const allowed = await app.call(
      'analyst',
      'PUT',
      '/api/procedures/leaky',
      diagram('mesa.central@example.org'),
      'application/xml',
    );

    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual([
      expect.objectContaining({ path: 'send-data', reason: 'recipient-not-allowed' }),
    ]);
    expect(allowed.status).toBe(201);
  });

  test('given outbox messages to outside recipients, when delivered, then they are undeliverable: recipient not allowed', async () => {
    const { models, connection } = app.app.database;
    const ledger = new MongoDeliveryLedger(models, bindDeliveryModels(connection));
    const tag = randomUUID().slice(0, 8);
    const message = (id: string, to: string, variables: Record<string, unknown> = {}): OutboxMessage => ({
      id: `${tag}-${id}`,
      instanceId: `policy-${tag}`,
      activityId: 'send-acknowledgement',
      template: 'ticket-acknowledgement',
      language: 'es',
      to,
      variables: { ticketNumber: 'CITA-2030-000001', procedureName: 'Reporte de citas', ...variables },
      createdAt: new Date(),
    });
    await new MongoOutbox(models).add([
      message('literal', 'spy@evil.example'),
      message('copies', 'requester', { requesterEmail: 'ana@issste.gob.mx', ccEmails: outsiders(56) }),
      message('partner', 'enlace@partner.example'),
      message('desk', 'mesa.central@example.org'),
    ]);
    const outcome = (id: string) =>
      waitFor(async () => (await ledger.attempts(`${tag}-${id}`)).find((a) => a.result)?.result);

    expect(await outcome('literal')).toMatchObject({
      outcome: 'undeliverable',
      reason: 'recipient not allowed: spy@evil.example',
    });
    expect(await outcome('copies')).toMatchObject({
      outcome: 'undeliverable',
      reason: 'recipient not allowed: 56 addresses in copy, at most 5',
    });
    expect(await outcome('partner')).toMatchObject({ outcome: 'sent' });
    expect(await outcome('desk')).toMatchObject({ outcome: 'sent' });
    const delivered = sink.received.flatMap((m) => m.envelopeTo);
    expect(delivered).toEqual(expect.arrayContaining(['enlace@partner.example', 'mesa.central@example.org']));
    expect(delivered.filter((address) => /@evil\.(io|example)$/.test(address))).toEqual([]);
  });
});

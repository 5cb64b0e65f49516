import { startTestApp, type TestApp } from '../../support/harness.js';

/** Dry runs (issue 13, ADR 0031): an unsaved diagram runs as a throwaway instance the analyst walks. */
const xml = (task = 'check') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://helpdesk.example/dry-run">
  <bpmn:process id="draft-desk" name="Draft desk" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="DRY" /></camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:sendTask id="notify" name="Acknowledge">
      <bpmn:extensionElements><camunda:properties><camunda:property name="template" value="ticket-acknowledgement" /><camunda:property name="to" value="l1" /></camunda:properties></bpmn:extensionElements>
    </bpmn:sendTask>
    <bpmn:userTask id="${task}" name="Check" camunda:candidateGroups="l2" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="notify" />
    <bpmn:sequenceFlow id="f2" sourceRef="notify" targetRef="${task}" />
    <bpmn:sequenceFlow id="f3" sourceRef="${task}" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

describe('dry runs of unsaved diagrams', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given an unsaved diagram, when the analyst dry-runs it, then a scratch procedure (not listed) runs a throwaway instance without emails that the analyst walks to its end', async () => {
    const started = await app.call('analyst', 'POST', '/api/dry-runs', { xml: xml() });

    expect(started.status).toBe(201);
    expect(started.body).toMatchObject({
      procedureId: expect.stringMatching(/^dryrun-[0-9a-f]{12}$/),
      status: 'running',
      silenced: ['notify'],
      tasks: [expect.objectContaining({ activityId: 'check', candidateGroups: ['l2'] })],
    });
    expect(started.body.businessKey).toMatch(/^DRY-/);
    const listed = await app.call('analyst', 'GET', '/api/procedures');
    expect(listed.body.map((p: any) => p.procedureId)).not.toContain(started.body.procedureId);
    const view = await app.call('supervisor', 'GET', `/api/instances/${started.body.instanceId}`);
    expect(view.body.messages).toEqual([]);

    const [task] = started.body.tasks;
    const done = await app.call(
      'analyst',
      'POST',
      `/api/dry-runs/${started.body.instanceId}/tasks/${encodeURIComponent(task.id)}/complete`,
      {},
    );
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', tasks: [] });
    expect(done.body.completedActivities).toEqual(expect.arrayContaining(['check', 'end']));
  }, 60_000);

  test('given a dry run, when the analyst ends it, then its instance is cancelled', async () => {
    const started = await app.call('analyst', 'POST', '/api/dry-runs', { xml: xml('review') });
    const ended = await app.call('analyst', 'DELETE', `/api/dry-runs/${started.body.instanceId}`);
    expect(ended.status).toBe(204);
    const after = await app.call('analyst', 'GET', `/api/dry-runs/${started.body.instanceId}`);
    expect(after.body).toMatchObject({ status: 'cancelled', tasks: [] });
  }, 60_000);

  test('given a broken diagram, an agent, or a real ticket, then the dry run refuses: 422 with every problem, 403, 403', async () => {
    const broken = await app.call('analyst', 'POST', '/api/dry-runs', {
      // A diagram the deploy refuses (a dangling flow is only a warning, for dry runs too: ADR 0031).
      xml: xml().replace(
        '<bpmn:endEvent id="end" />',
        '<bpmn:endEvent id="end" /><bpmn:complexGateway id="pick" />',
      ),
    });
    expect(broken.status).toBe(422);
    expect(broken.body.error.details.length).toBeGreaterThan(0);
    const agent = await app.call('agentL1', 'POST', '/api/dry-runs', { xml: xml() });
    expect(agent.status).toBe(403);
    const real = await app.call('agentL1', 'POST', '/api/procedures/review-request/instances', {
      requesterName: 'Dra. Pérez',
      requesterEmail: 'perez@issste.gob.mx',
      phone: '+52 55 1234 5678',
      channel: 'email',
    });
    expect(real.status).toBe(201);
    const walk = await app.call('analyst', 'GET', `/api/dry-runs/${real.body.id}`);
    expect(walk.status).toBe(403);
    expect(walk.body.error.message).toContain('is not a dry run');
  }, 60_000);
});

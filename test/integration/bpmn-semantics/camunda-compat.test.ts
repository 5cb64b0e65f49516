import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FIXTURES, type TestApp } from '../../support/harness.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin } from '../../support/web-client.js';

/**
 * Camunda Modeler diagrams run as drawn (issue 13, ADR 0031): generated forms from
 * camunda:formData, task dates and people, lint findings Camunda tolerates as warnings, and a
 * refusal that lists every problem at once.
 */
const COMPAT = path.join(FIXTURES, 'compat');
const diagram = (name: string) => readFileSync(path.join(COMPAT, `${name}.bpmn`), 'utf8');
/** Camunda's own examples, copied verbatim (test/fixtures/compat-public/README.md). */
const publicDiagram = (name: string) =>
  readFileSync(path.join(FIXTURES, 'compat-public', 'camunda-bpm-examples', `${name}.bpmn`), 'utf8');
const PROCESS = (id: string, body: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d-${id}" targetNamespace="http://helpdesk.example/compat">${extra}
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="CMP" /></camunda:properties></bpmn:extensionElements>
${body}
  </bpmn:process>
</bpmn:definitions>`;

describe('Camunda compatibility', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startWebApp({ formsDir: path.join(COMPAT, 'forms') });
  });
  afterAll(async () => {
    await app.stop();
  });

  const deploy = (id: string, xml: string) =>
    app.call('analyst', 'PUT', `/api/procedures/${id}`, xml, 'application/xml');
  const start = async (id: string, data: Record<string, unknown> = {}) => {
    const started = await app.call('agentL1', 'POST', `/api/procedures/${id}/instances`, data);
    expect(started.status).toBe(201);
    return started.body.id as string;
  };
  const openTasks = async (instanceId: string) =>
    ((await app.call('supervisor', 'GET', `/api/instances/${instanceId}`)).body.tasks as any[]).filter(
      (task) => task.status === 'open',
    );

  test('given camunda:formData on the start event and a task, when deployed, then both get generated forms that render their fields and validate submissions', async () => {
    const deployed = await deploy('camunda-form-data', diagram('camunda-form-data'));
    expect(deployed.status).toBe(201);
    const formKey = deployed.body.catalog.userTasks.order.formKey as string;
    expect(formKey).toMatch(/^camunda-[0-9a-f]{8}-order$/);
    expect(deployed.body.catalog.startFormKey).toMatch(/^camunda-[0-9a-f]{8}-start$/);
    const unnamed = await app.call('agentL1', 'POST', '/api/procedures/camunda-form-data/instances', {});
    expect(unnamed.status).toBe(422);
    expect(unnamed.body.error.details.map((d: any) => d.path)).toEqual(['requester']);
    const [task] = await openTasks(await start('camunda-form-data', { requester: 'Ana' }));
    expect(task.formKey).toBe(formKey);

    const page = await (await webLogin(app, 'luis')).get(`/tasks/${encodeURIComponent(task.id)}`);
    expect(page.status).toBe(200);
    for (const label of ['Customer', 'Amount', 'Express delivery', 'Deliver by', 'Large'])
      expect(page.text).toContain(label);

    const bad = await app.call('agentL1', 'POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, {
      amount: 5000,
      size: 'huge',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: any) => d.path).sort()).toEqual(['amount', 'customer', 'size']);
    const good = await app.call('agentL1', 'POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, {
      customer: 'ACME',
      amount: 12,
      express: true,
      deliverBy: '2030-02-01',
      size: 'large',
    });
    expect(good.status).toBe(200);
    expect(good.body.status).toBe('completed');
  }, 60_000);

  test('given an assignee expression, a due date, a follow-up date and candidate users, then the tasks carry them and only the candidate users are offered the task', async () => {
    expect(
      (await deploy('camunda-task-dates-and-people', diagram('camunda-task-dates-and-people'))).status,
    ).toBe(201);
    const instanceId = await start('camunda-task-dates-and-people');
    const [prepare] = await openTasks(instanceId);
    await app.call('agentL1', 'POST', `/api/tasks/${encodeURIComponent(prepare.id)}/complete`, {});

    const [review] = await openTasks(instanceId);
    expect(review).toMatchObject({
      activityId: 'review',
      assignee: 'luis',
      dueAt: '2030-06-30T12:00:00.000Z',
      dueSource: 'dueDate',
    });
    const followUp = Date.parse(review.followUpAt) - Date.parse(review.createdAt);
    expect(Math.abs(followUp - 86_400_000)).toBeLessThan(5_000);
    await app.call('agentL1', 'POST', `/api/tasks/${encodeURIComponent(review.id)}/complete`, {});

    const [approve] = await openTasks(instanceId);
    expect(approve.candidateGroups).toEqual(['user:luis', 'user:kermit']);
    const queue = async (user: 'agentL1' | 'agentL2') =>
      (
        (await app.call(user, 'GET', '/api/tasks?procedureId=camunda-task-dates-and-people')).body as any[]
      ).map((t) => t.id);
    expect(await queue('agentL1')).toContain(approve.id);
    expect(await queue('agentL2')).not.toContain(approve.id);
    const stolen = await app.call(
      'agentL2',
      'POST',
      `/api/tasks/${encodeURIComponent(approve.id)}/complete`,
      {},
    );
    expect(stolen.status).toBe(403);
    const done = await app.call(
      'agentL1',
      'POST',
      `/api/tasks/${encodeURIComponent(approve.id)}/complete`,
      {},
    );
    expect(done.body.status).toBe('completed');
  }, 60_000);

  test('given a task with camunda:dueDate and a reminder timer, then its due date is the dueDate, not the reminder', async () => {
    const xml = PROCESS(
      'due-date-over-reminder',
      `<bpmn:startEvent id="start" />
    <bpmn:userTask id="work" camunda:dueDate="2031-01-01T09:00:00Z" />
    <bpmn:boundaryEvent id="remind" cancelActivity="false" attachedToRef="work"><bpmn:timerEventDefinition id="td"><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />`,
    );
    expect((await deploy('due-date-over-reminder', xml)).status).toBe(201);
    const [task] = await openTasks(await start('due-date-over-reminder'));
    expect(task).toMatchObject({ dueAt: '2031-01-01T09:00:00.000Z' });
  }, 60_000);

  test('given lint findings Camunda tolerates (an implicit end, a boundary event without outgoing flow, an implicit split), when deployed, then they are warnings that say so', async () => {
    for (const name of [
      'implicit-end-after-reminder',
      'boundary-signal-without-outgoing',
      'implicit-split-without-end',
    ]) {
      const deployed = await deploy(name, diagram(name));
      expect(deployed.status).toBe(201);
      const tolerated = (deployed.body.warnings as any[]).filter((w) =>
        /accepted, .* as in Camunda/.test(w.message),
      );
      expect(tolerated.length).toBeGreaterThan(0);
    }
  }, 60_000);

  test('given a diagram with a lint error, an unsupported element, a missing form, an unknown calendar and a broken mapping, when deployed, then one refusal lists them all', async () => {
    const xml = PROCESS(
      'many-problems',
      `<bpmn:startEvent id="start" />
    <bpmn:userTask id="work" camunda:formKey="no-such-form"><bpmn:extensionElements><camunda:inputOutput><camunda:outputParameter name="x">\${ 1 + }</camunda:outputParameter></camunda:inputOutput></bpmn:extensionElements></bpmn:userTask>
    <bpmn:boundaryEvent id="late" attachedToRef="work"><bpmn:extensionElements><camunda:properties><camunda:property name="calendar" value="no-such-calendar" /></camunda:properties></bpmn:extensionElements><bpmn:timerEventDefinition id="td"><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:complexGateway id="pick" />
    <bpmn:userTask id="orphan" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="pick" />
    <bpmn:sequenceFlow id="f3" sourceRef="pick" targetRef="end" />
    <bpmn:sequenceFlow id="f4" sourceRef="late" targetRef="end" />`,
    );
    const refused = await deploy('many-problems', xml);
    expect(refused.status).toBe(422);
    const found = (refused.body.error.details as any[]).map((d) => `${d.reason} <${d.path}>`);
    expect(found).toEqual(
      expect.arrayContaining([
        'unsupported-element <pick>',
        'expression <work>',
        'no-disconnected <orphan>',
        'form-missing <work>',
        'calendar-missing <late>',
      ]),
    );
  }, 60_000);

  test('given Camunda\'s Generated Forms Quickstart with the legacy namespace xmlns:camunda="http://activiti.org/bpmn", when deployed and started, then its formData and assignee apply as with the current namespace', async () => {
    const xml = publicDiagram('generated-forms-quickstart-legacy-namespace');
    expect(xml).toContain('xmlns:camunda="http://activiti.org/bpmn"');

    const deployed = await deploy('legacy-namespace', xml);

    expect(deployed.status).toBe(201);
    expect(deployed.body.catalog.startFormKey).toMatch(/^camunda-[0-9a-f]{8}-startevent-1$/);
    expect(deployed.body.catalog.userTasks.UserTask_1).toMatchObject({ assignee: 'demo' });
    const empty = await app.call('agentL1', 'POST', '/api/procedures/legacy-namespace/instances', {});
    expect(empty.status).toBe(422);
    expect(empty.body.error.details.map((d: any) => d.path).sort()).toEqual(
      ['firstname', 'lastname', 'loanAmount', 'loanType', 'netIncome'].sort(),
    );
    const id = await start('legacy-namespace', {
      firstname: 'Ana',
      lastname: 'Pérez',
      netIncome: 3000,
      loanAmount: 1000,
      loanType: 'mortage',
    });
    const [task] = await openTasks(id);
    expect(task).toMatchObject({ activityId: 'UserTask_1', assignee: 'demo' });
  }, 60_000);

  test('given a Camunda Modeler start event StartEvent_1 naming a form that does not exist, when deployed, then the refusal names StartEvent_1 (so the modeler marks it)', async () => {
    const xml = PROCESS(
      'missing-start-form',
      `<bpmn:startEvent id="StartEvent_1" camunda:formKey="no-such-start-form" />
    <bpmn:userTask id="work" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="StartEvent_1" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />`,
    );

    const refused = await deploy('missing-start-form', xml);

    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toContainEqual(
      expect.objectContaining({ path: 'StartEvent_1', reason: 'form-missing' }),
    );
  }, 60_000);

  test('given a diagram with a send task and a parser warning the deploy accepts, when dry-run, then the dry run accepts it too, silences the email and shows the warning', async () => {
    const xml = PROCESS(
      'warned-dry-run',
      `<bpmn:startEvent id="start" />
    <bpmn:sendTask id="notify"><bpmn:extensionElements><camunda:properties><camunda:property name="template" value="ticket-acknowledgement" /><camunda:property name="to" value="l1" /></camunda:properties></bpmn:extensionElements></bpmn:sendTask>
    <bpmn:exclusiveGateway id="pick" default="no-such-flow" />
    <bpmn:userTask id="work" camunda:candidateGroups="l1" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="notify" />
    <bpmn:sequenceFlow id="f2" sourceRef="notify" targetRef="pick" />
    <bpmn:sequenceFlow id="f3" sourceRef="pick" targetRef="work" />
    <bpmn:sequenceFlow id="f4" sourceRef="work" targetRef="end" />`,
    );
    const deployed = await deploy('warned-dry-run', xml);
    expect(deployed.status).toBe(201);
    const warning = (deployed.body.warnings as any[]).find((w) => w.reason === 'unresolved-reference');
    expect(warning).toBeDefined();

    const dry = await app.call('analyst', 'POST', '/api/dry-runs', { xml });

    expect(dry.status).toBe(201);
    expect(dry.body).toMatchObject({ status: 'running', silenced: ['notify'] });
    expect(dry.body.warnings).toContainEqual(expect.objectContaining({ reason: 'unresolved-reference' }));
    expect((await app.call('analyst', 'DELETE', `/api/dry-runs/${dry.body.instanceId}`)).status).toBe(204);
  }, 60_000);
});

describe('Camunda compatibility: a form file that is not a valid form', () => {
  let app: TestApp;
  let formsDir: string;
  beforeAll(async () => {
    formsDir = mkdtempSync(path.join(os.tmpdir(), 'compat-forms-'));
    for (const name of readdirSync(path.join(COMPAT, 'forms')))
      copyFileSync(path.join(COMPAT, 'forms', name), path.join(formsDir, name));
    writeFileSync(
      path.join(formsDir, 'broken.form'),
      '{"type":"default","components":[{"type":"textfield"}]}',
    );
    app = await startWebApp({ formsDir });
  });
  afterAll(async () => {
    await app.stop();
    rmSync(formsDir, { recursive: true, force: true });
  });

  test('given a task naming a form whose file is broken, when deployed, then the refusal names the task (422), not a server error', async () => {
    const xml = PROCESS(
      'broken-form',
      `<bpmn:startEvent id="start" />
    <bpmn:userTask id="work" camunda:formKey="broken" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="work" />
    <bpmn:sequenceFlow id="f2" sourceRef="work" targetRef="end" />`,
    );

    const refused = await app.call('analyst', 'PUT', '/api/procedures/broken-form', xml, 'application/xml');

    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toContainEqual(
      expect.objectContaining({ path: 'work', reason: 'form-invalid' }),
    );
  }, 60_000);
});

import path from 'node:path';
import { FIXTURES, startTestApp, type TestApp } from '../../support/harness.js';
import { ManualClock } from '../../support/manual-clock.js';
import { oneTaskDiagram } from '../../support/one-task-diagram.js';

/** Instance migration between versions (issue 13, ADR 0031): preview, move, audit; tasks and timers follow. */
const diagram = (definitionsId: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="${definitionsId}" targetNamespace="http://helpdesk.example/migration">
  <bpmn:process id="mig-desk" name="Migration desk" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="MIG" /></camunda:properties></bpmn:extensionElements>
${body}
  </bpmn:process>
</bpmn:definitions>`;
const reminder = (
  on: string,
) => `<bpmn:boundaryEvent id="remind" cancelActivity="false" attachedToRef="${on}"><bpmn:timerEventDefinition id="remind-def"><bpmn:timeDuration>PT4H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:endEvent id="reminded" />
    <bpmn:sequenceFlow id="f-remind" sourceRef="remind" targetRef="reminded" />`;
const V1 = diagram(
  'defs-v1',
  `<bpmn:startEvent id="start" />
    <bpmn:userTask id="review" name="Review (v1)" camunda:candidateGroups="l1" />
    ${reminder('review')}
    <bpmn:parallelGateway id="split" />
    <bpmn:userTask id="a" camunda:candidateGroups="l1" />
    <bpmn:userTask id="b" camunda:candidateGroups="l1" />
    <bpmn:parallelGateway id="join" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="review" />
    <bpmn:sequenceFlow id="f2" sourceRef="review" targetRef="split" />
    <bpmn:sequenceFlow id="f3" sourceRef="split" targetRef="a" />
    <bpmn:sequenceFlow id="f4" sourceRef="split" targetRef="b" />
    <bpmn:sequenceFlow id="f5" sourceRef="a" targetRef="join" />
    <bpmn:sequenceFlow id="f6" sourceRef="b" targetRef="join" />
    <bpmn:sequenceFlow id="f7" sourceRef="join" targetRef="end" />`,
);
const V2 = diagram(
  'defs-v2',
  `<bpmn:startEvent id="start" />
    <bpmn:userTask id="check" name="Check (v2)" camunda:candidateGroups="l1" />
    ${reminder('check')}
    <bpmn:userTask id="approve" name="Approve (v2)" camunda:candidateGroups="l2" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="approve" />
    <bpmn:sequenceFlow id="f3" sourceRef="approve" targetRef="end" />`,
);

describe('instance migration', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  const view = async (id: string) => (await app.call('supervisor', 'GET', `/api/instances/${id}`)).body;
  const open = async (id: string) => (await view(id)).tasks.filter((t: any) => t.status === 'open');
  const complete = async (taskId: string, user: 'agentL1' | 'agentL2' = 'agentL1') =>
    expect(
      (await app.call(user, 'POST', `/api/tasks/${encodeURIComponent(taskId)}/complete`, {})).status,
    ).toBe(200);

  test('given tickets of version 1, when a supervisor previews and migrates them to version 2 with review→check, then the one waiting at review moves with its assignee and reminder, and the one at a partly reached join is refused with its reasons', async () => {
    expect((await app.call('analyst', 'PUT', '/api/procedures/mig-desk', V1, 'application/xml')).status).toBe(
      201,
    );
    const waiting = (await app.call('agentL1', 'POST', '/api/procedures/mig-desk/instances', {})).body
      .id as string;
    const [review] = await open(waiting);
    expect(
      (await app.call('agentL1', 'POST', `/api/tasks/${encodeURIComponent(review.id)}/claim`)).status,
    ).toBe(200);
    const reminderBefore = (await view(waiting)).instance.timers.find((t: any) => t.activityId === 'remind');
    const joining = (await app.call('agentL1', 'POST', '/api/procedures/mig-desk/instances', {})).body
      .id as string;
    await complete((await open(joining))[0].id);
    await complete((await open(joining)).find((t: any) => t.activityId === 'a').id);
    expect((await app.call('analyst', 'PUT', '/api/procedures/mig-desk', V2, 'application/xml')).status).toBe(
      201,
    );
    const request = { procedureId: 'mig-desk', fromVersion: 1, toVersion: 2, mapping: { review: 'check' } };

    const preview = await app.call('supervisor', 'POST', '/api/migrations/preview', request);

    expect(preview.status).toBe(200);
    const verdict = (id: string) => preview.body.tickets.find((t: any) => t.instanceId === id);
    expect(verdict(waiting)).toMatchObject({
      canMove: true,
      reasons: [],
      moves: [{ from: 'review', to: 'check' }],
    });
    expect(verdict(joining).canMove).toBe(false);
    expect(verdict(joining).reasons.join(' ')).toMatch(
      /the join <join> is partly reached \(flow <f5> arrived\)/,
    );
    expect(verdict(joining).reasons.join(' ')).toMatch(/<b>, which the mapping does not map/);

    const done = await app.call('supervisor', 'POST', '/api/migrations', request);

    expect(done.body.tickets.find((t: any) => t.instanceId === waiting).migrated).toBe(true);
    expect(done.body.tickets.find((t: any) => t.instanceId === joining).migrated).toBe(false);
    const moved = await view(waiting);
    expect(moved.instance.definitionId).toBe('mig-desk@2');
    expect(moved.events.at(-1)).toMatchObject({
      type: 'instance.migrated',
      actor: 'sofia',
      data: { from: 'mig-desk@1', to: 'mig-desk@2' },
    });
    const [check] = moved.tasks.filter((t: any) => t.status === 'open');
    expect(check).toMatchObject({ activityId: 'check', name: 'Check (v2)', assignee: 'luis' });
    expect(moved.tasks.find((t: any) => t.id === review.id).status).toBe('cancelled');
    const reminderAfter = moved.instance.timers.find((t: any) => t.activityId === 'remind');
    expect(reminderAfter).toMatchObject({ attachedTo: 'check', dueAt: reminderBefore.dueAt });
    expect((await view(joining)).instance.definitionId).toBe('mig-desk@1');

    await complete(check.id);
    const [approve] = await open(waiting);
    expect(approve).toMatchObject({ activityId: 'approve', candidateGroups: ['l2'] });
    await complete(approve.id, 'agentL2');
    expect((await view(waiting)).instance.status).toBe('completed');
  }, 90_000);

  test('given an agent or a bad request, then 403 and 422 naming the fields', async () => {
    const agent = await app.call('agentL1', 'POST', '/api/migrations/preview', {
      procedureId: 'mig-desk',
      fromVersion: 1,
      toVersion: 2,
    });
    expect(agent.status).toBe(403);
    const bad = await app.call('supervisor', 'POST', '/api/migrations/preview', {
      procedureId: 'Mig',
      fromVersion: 0,
      mapping: [],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d: any) => d.path)).toEqual([
      'procedureId',
      'fromVersion',
      'toVersion',
      'mapping',
    ]);
  });
});

describe('instance migration: SLA clocks follow, and every ticket moves, batch after batch', () => {
  const HERE = path.join(FIXTURES, 'migration-sla');
  const clock = new ManualClock(new Date('2030-03-05T08:00:00Z'));
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({
      clock,
      processesDir: path.join(HERE, 'processes'),
      configDir: path.join(HERE, 'config'),
      // Agenda never reaches 2030 during the test: the sweep (driven by the clock) fires instead.
      timerPollMs: 60_000,
      env: { HELPDESK_MIGRATION_BATCH: '2' },
    });
  });
  afterAll(async () => {
    await app.stop();
  });

  const view = async (id: string) => (await app.call('supervisor', 'GET', `/api/instances/${id}`)).body;
  const process = (id: string, task: string, name: string) =>
    oneTaskDiagram({
      processId: id,
      definitionsId: `${id}-${task}`,
      ticketPrefix: 'MSL',
      task,
      taskName: name,
    });

  test('given a ticket whose one-hour SLA clock runs across its task, when it is migrated 20 minutes in, then the clock keeps its start and due instants and still warns and escalates on time afterwards', async () => {
    const started = await app.call('agentL1', 'POST', '/api/procedures/mig-sla/instances', {});
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    const before = (await view(id)).instance.sla[0];
    expect(before).toMatchObject({ id: 'handling', status: 'running' });
    expect(new Date(before.dueAt).toISOString()).toBe('2030-03-05T09:00:00.000Z');
    clock.set('2030-03-05T08:20:00Z');
    const v2 = process('mig-sla', 'check', 'Check (v2)');
    expect((await app.call('analyst', 'PUT', '/api/procedures/mig-sla', v2, 'application/xml')).status).toBe(
      201,
    );

    const moved = await app.call('supervisor', 'POST', '/api/migrations', {
      procedureId: 'mig-sla',
      fromVersion: 1,
      toVersion: 2,
      mapping: { review: 'check' },
    });

    expect(moved.body.tickets).toEqual([expect.objectContaining({ instanceId: id, migrated: true })]);
    const after = await view(id);
    expect(after.instance.definitionId).toBe('mig-sla@2');
    expect(after.instance.sla).toEqual([
      expect.objectContaining({
        id: 'handling',
        status: 'running',
        dueAt: before.dueAt,
        warnAt: before.warnAt,
      }),
    ]);
    clock.set('2030-03-05T08:31:00Z');
    expect(await app.app.services.timers.fireOverdue(0)).toBe(1);
    expect((await view(id)).events.map((e: any) => e.type)).toContain('sla.warning');
    clock.set('2030-03-05T09:01:00Z');
    expect(await app.app.services.timers.fireOverdue(0)).toBe(1);
    const breached = await view(id);
    expect(breached.events.find((e: any) => e.type === 'sla.breach')).toMatchObject({
      data: { clock: 'handling', levels: [{ level: 1 }] },
    });
    const open = breached.tasks.filter((t: any) => t.status === 'open').map((t: any) => t.activityId);
    expect(open.sort()).toEqual(['check', 'escalation:handling']);
  }, 90_000);

  test('given more running tickets than one batch (HELPDESK_MIGRATION_BATCH=2), when previewed, then the first batch is listed and the rest counted; when migrated, then every one of them moves', async () => {
    const v1 = process('mig-batch', 'review', 'Review (v1)');
    expect(
      (await app.call('analyst', 'PUT', '/api/procedures/mig-batch', v1, 'application/xml')).status,
    ).toBe(201);
    const ids: string[] = [];
    for (let n = 0; n < 5; n++)
      ids.push((await app.call('agentL1', 'POST', '/api/procedures/mig-batch/instances', {})).body.id);
    const v2 = process('mig-batch', 'check', 'Check (v2)');
    expect(
      (await app.call('analyst', 'PUT', '/api/procedures/mig-batch', v2, 'application/xml')).status,
    ).toBe(201);
    const request = { procedureId: 'mig-batch', fromVersion: 1, toVersion: 2, mapping: { review: 'check' } };

    const preview = await app.call('supervisor', 'POST', '/api/migrations/preview', request);

    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({ total: 5, notShown: 3 });
    expect(preview.body.tickets).toHaveLength(2);

    const done = await app.call('supervisor', 'POST', '/api/migrations', request);

    expect(done.body).toMatchObject({ total: 5, notShown: 0 });
    expect(
      done.body.tickets
        .filter((t: any) => t.migrated)
        .map((t: any) => t.instanceId)
        .sort(),
    ).toEqual([...ids].sort());
    for (const id of ids) expect((await view(id)).instance.definitionId).toBe('mig-batch@2');
  }, 90_000);

  test('given named tickets among which one id names no ticket, when previewed and migrated, then that one is reported with reason error (INSTANCE_NOT_FOUND) and the others still move', async () => {
    const v1 = process('mig-named', 'review', 'Review (v1)');
    expect(
      (await app.call('analyst', 'PUT', '/api/procedures/mig-named', v1, 'application/xml')).status,
    ).toBe(201);
    const ids: string[] = [];
    for (let n = 0; n < 2; n++)
      ids.push((await app.call('agentL1', 'POST', '/api/procedures/mig-named/instances', {})).body.id);
    const v2 = process('mig-named', 'check', 'Check (v2)');
    expect(
      (await app.call('analyst', 'PUT', '/api/procedures/mig-named', v2, 'application/xml')).status,
    ).toBe(201);
    const request = {
      procedureId: 'mig-named',
      fromVersion: 1,
      toVersion: 2,
      mapping: { review: 'check' },
      instanceIds: [ids[0], 'no-such-ticket', ids[1]],
    };
    const failed = {
      instanceId: 'no-such-ticket',
      canMove: false,
      reasonCodes: [expect.objectContaining({ code: 'error', status: 'INSTANCE_NOT_FOUND' })],
      notes: [expect.stringContaining('INSTANCE_NOT_FOUND: instance <no-such-ticket> not found')],
    };

    const preview = await app.call('supervisor', 'POST', '/api/migrations/preview', request);

    expect(preview.status).toBe(200);
    expect(preview.body.tickets.find((t: any) => t.instanceId === 'no-such-ticket')).toMatchObject(failed);

    const done = await app.call('supervisor', 'POST', '/api/migrations', request);

    expect(done.status).toBe(200);
    expect(done.body.total).toBe(3);
    expect(done.body.tickets.map((t: any) => [t.instanceId, t.migrated])).toEqual([
      [ids[0], true],
      ['no-such-ticket', false],
      [ids[1], true],
    ]);
    expect(done.body.tickets[1]).toMatchObject(failed);
    for (const id of ids) expect((await view(id)).instance.definitionId).toBe('mig-named@2');
  }, 90_000);
});

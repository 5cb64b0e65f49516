import { randomUUID } from 'node:crypto';
import { connectDatabase, type Database } from '../../../src/adapters/db/connect.js';
import { generatedFormKey } from '../../../src/adapters/bpmn/form-data.js';
import { periodOf } from '../../../src/domain/reports/period.js';
import { startTestApp, USERS, type TestApp } from '../../support/harness.js';
import { ManualClock } from '../../support/manual-clock.js';

/** A diagram whose user task is offered to `l1` (luis's group) and has a Camunda generated form. */
const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://helpdesk.example/dry-run">
  <bpmn:process id="draft-desk" name="Draft desk" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="DRY" /></camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="check" name="Check" camunda:candidateGroups="l1">
      <bpmn:extensionElements><camunda:formData>
        <camunda:formField id="note" label="Note" type="string" />
      </camunda:formData></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="check" />
    <bpmn:sequenceFlow id="f2" sourceRef="check" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

const SUPERVISOR = { id: USERS.supervisor.user, roles: ['supervisor' as const], groups: [] };
const HOUR = 3_600_000;

/**
 * Dry-run hygiene (docs/adr/0035): dry-run tickets stay out of every list, figure, inbox, report
 * and search, and their expiry is swept by any app process, with their generated forms.
 */
describe('dry-run hygiene across two app processes', () => {
  const dbName = `t_${randomUUID().slice(0, 8)}`;
  const clockA = new ManualClock(new Date('2030-05-06T09:00:00Z'));
  const clockB = new ManualClock(new Date('2030-05-06T09:00:00Z'));
  let a: TestApp;
  let b: TestApp;
  let database: Database;

  beforeAll(async () => {
    a = await startTestApp({ dbName, clock: clockA, timerPollMs: 60_000 });
    b = await startTestApp({ dbName, clock: clockB, timerPollMs: 60_000 });
    database = await connectDatabase(process.env.TEST_MONGODB_URI!, dbName);
  }, 60_000);
  afterAll(async () => {
    await database?.close();
    await Promise.all([a?.stop(), b?.stop()]);
  });

  const row = (collection: string, id: string) =>
    database.connection.db!.collection(collection).findOne({ _id: id as never });

  test('given a dry run started on one process, then no list, inbox, dashboard, report or search shows it, and once expired another process ends it and deletes its forms', async () => {
    const real = await a.call('agentL1', 'POST', '/api/procedures/review-request/instances', {
      requesterName: 'Ada',
      requesterEmail: 'ada@example.org',
      phone: '+34 600 000 000',
      channel: 'phone',
    });
    expect(real.status).toBe(201);
    const run = await a.call('analyst', 'POST', '/api/dry-runs', { xml });
    expect(run.status).toBe(201);
    const { instanceId, procedureId } = run.body;
    const formKey = generatedFormKey(procedureId, 'check');
    expect(await row('form_versions', formKey)).not.toBeNull();
    expect(await row('dry_runs', instanceId)).toMatchObject({ procedureId });

    for (const app of [a, b]) {
      for (const url of ['/api/instances', '/api/instances?status=running']) {
        const ids = (await app.call('supervisor', 'GET', url)).body.map((head: any) => head.id);
        // (B's open-work model learns of A's tickets at its next refresh: only A must list it yet.)
        if (app === a) expect(ids).toContain(real.body.id);
        expect(ids).not.toContain(instanceId);
      }
      const inbox = (await app.call('agentL1', 'GET', '/api/tasks?candidateGroup=l1&status=open')).body;
      expect(inbox.map((task: any) => task.instanceId)).not.toContain(instanceId);
      if (app === a) expect(inbox.map((task: any) => task.instanceId)).toContain(real.body.id);
      const { monitoring, reports } = app.app.services;
      const dashboard = await monitoring.dashboard(SUPERVISOR);
      expect(JSON.stringify(dashboard)).not.toContain(procedureId);
      expect(JSON.stringify(dashboard)).not.toContain('Draft desk');
      if (app === a) expect(dashboard.open).toBe(1);
      const page = await monitoring.search({}, SUPERVISOR);
      expect(JSON.stringify(page)).not.toContain(instanceId);
      const period = periodOf('day', '2030-05-06', 'UTC');
      const figures = await reports.report(SUPERVISOR, { period, groupBy: 'procedure' });
      expect(figures.rows.map((r) => r.key)).toEqual(['review-request']);
      expect(await reports.search(SUPERVISOR, { period, ticket: 'DRY' }, 50)).toEqual([]);
    }

    // An hour later, a dry run on the OTHER process sweeps the expired one.
    clockA.advance(HOUR + 60_000);
    clockB.advance(HOUR + 60_000);
    const other = await b.call('analyst', 'POST', '/api/dry-runs', { xml });
    expect(other.status).toBe(201);

    const after = await a.call('analyst', 'GET', `/api/dry-runs/${instanceId}`);
    expect(after.body).toMatchObject({ status: 'cancelled', tasks: [] });
    expect(await row('dry_runs', instanceId)).toBeNull();
    expect(await row('form_versions', formKey)).toBeNull();
    expect(await row('form_versions', `${formKey}@1`)).toBeNull();
    expect(await row('dry_runs', other.body.instanceId)).not.toBeNull();
  }, 90_000);
});

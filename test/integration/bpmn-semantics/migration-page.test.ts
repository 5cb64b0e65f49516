import type { TestApp } from '../../support/harness.js';
import { oneTaskDiagram } from '../../support/one-task-diagram.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin } from '../../support/web-client.js';

/** The /migration page (ADR 0031): a supervisor previews and moves a ticket waiting at a user task. */
const diagram = (task: string) =>
  oneTaskDiagram({
    processId: 'page-desk',
    processName: 'Page desk',
    definitionsId: 'defs',
    ticketPrefix: 'PGD',
    task,
  });

describe('migration page', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startWebApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given a ticket waiting at a task renamed in version 2, when a supervisor previews with the mapping and moves it, then the page lists it as movable and then moved', async () => {
    await app.call('analyst', 'PUT', '/api/procedures/page-desk', diagram('triage'), 'application/xml');
    const ticket = (await app.call('agentL1', 'POST', '/api/procedures/page-desk/instances', {})).body;
    await app.call('analyst', 'PUT', '/api/procedures/page-desk', diagram('sort'), 'application/xml');
    const web = await webLogin(app, 'sofia');
    const form = await web.get('/migration?procedure=page-desk&from=1&to=2');
    expect(form.status).toBe(200);
    expect(form.text).toContain('id="migration-form"');
    const fields = { procedureId: 'page-desk', fromVersion: '1', toVersion: '2', mapping: 'triage = sort' };

    const preview = await web.post('/migration/preview', fields);

    expect(preview.status).toBe(200);
    expect(preview.text).toContain(`data-instance="${ticket.id}" data-can-move="true"`);
    expect(preview.text).toContain('id="migration-apply"');
    const applied = await web.post('/migration/apply', fields);
    expect(applied.text).toContain(`data-instance="${ticket.id}" data-can-move="true" data-migrated="true"`);
    const moved = await app.call('supervisor', 'GET', `/api/instances/${ticket.id}`);
    expect(moved.body.instance.definitionId).toBe('page-desk@2');
    expect(moved.body.tasks.find((t: any) => t.status === 'open').activityId).toBe('sort');
  }, 60_000);

  test('given an agent, then the page is forbidden; given a bad version, then the form says why', async () => {
    const agent = await webLogin(app, 'luis');
    expect((await agent.get('/migration')).status).toBe(403);
    const web = await webLogin(app, 'sofia');
    const bad = await web.post('/migration/preview', {
      procedureId: 'page-desk',
      fromVersion: '1',
      toVersion: '9',
    });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('id="migration-error"');
  }, 60_000);
});

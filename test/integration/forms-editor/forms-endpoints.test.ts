import path from 'node:path';
import type { TestApp } from '../../support/harness.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin, type WebClient } from '../../support/web-client.js';

/**
 * The analyst's form endpoints (docs/adr/0028): catalogue JSON for the modeler's form key select,
 * schema of a version, saves as new versions with field errors, and the pinning a deploy makes
 * visible on the agent's task page.
 */
const FIXTURES = path.resolve('test/fixtures/forms-editor');
const PROCEDURE = 'panel-demo';

describe('form editor endpoints', () => {
  let app: TestApp;
  let analyst: WebClient;
  let agent: WebClient;

  beforeAll(async () => {
    app = await startWebApp({
      processesDir: path.join(FIXTURES, 'processes'),
      formsDir: path.join(FIXTURES, 'forms'),
    });
    analyst = await webLogin(app, 'ana');
    agent = await webLogin(app, 'luis');
  });
  afterAll(async () => {
    await app?.stop();
  });

  const postSchema = async (client: WebClient, formKey: string, schema: unknown) => {
    const response = await fetch(`${app.app.url}/analyst/forms/${formKey}/versions`, {
      method: 'POST',
      headers: {
        cookie: client.cookieHeader(),
        'x-csrf-token': await client.csrfToken(),
        'content-type': 'application/json',
      },
      body: JSON.stringify({ schema }),
    });
    return { status: response.status, body: (await response.json().catch(() => undefined)) as any };
  };
  const schemaOf = async (formKey: string, version?: number) => {
    const answer = await analyst.get(
      `/analyst/forms/${formKey}/schema.json${version ? `?version=${version}` : ''}`,
    );
    return { status: answer.status, body: JSON.parse(answer.text) };
  };

  test('given the seed forms, when the analyst asks the catalogue, then each form key is listed with its version', async () => {
    const answer = await analyst.get('/analyst/forms.json');

    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text).forms).toEqual(
      expect.arrayContaining([
        { key: 'panel-first', version: 1 },
        { key: 'panel-second', version: 1 },
      ]),
    );
    const page = await analyst.get('/analyst/forms');
    expect(page.text).toContain('data-form-key="panel-second"');
  });

  test('given an agent, when they ask the catalogue or save a form, then 403', async () => {
    expect((await agent.get('/analyst/forms.json')).status).toBe(403);
    expect(
      (await postSchema(agent, 'panel-first', { type: 'default', id: 'x', components: [] })).status,
    ).toBe(403);
  });

  test('given a schema with an unknown component type, when saved, then 422 lists the component and the version stays', async () => {
    const { body: before } = await schemaOf('panel-first');

    const answer = await postSchema(analyst, 'panel-first', {
      ...before.schema,
      components: [...before.schema.components, { type: 'iframe', key: 'spy', url: 'https://example.org' }],
    });

    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('VALIDATION_FAILED');
    expect(answer.body.error.details.length).toBeGreaterThan(0);
    expect(JSON.stringify(answer.body.error.details)).toMatch(/iframe|components/);
    expect((await schemaOf('panel-first')).body.version).toBe(before.version);
  });

  test('given a form edit and a redeploy, then a ticket of the new version renders the new form while an older ticket keeps its own', async () => {
    const open = async () => {
      const started = await app.call('agentL1', 'POST', `/api/procedures/${PROCEDURE}/instances`, {
        subject: 'x',
      });
      const view = await app.call('agentL1', 'GET', `/api/instances/${started.body.id}`);
      return (view.body.tasks as any[]).find((task) => task.status === 'open').id as string;
    };
    const olderTask = await open();
    const { body: current } = await schemaOf('panel-first');
    const edited = {
      ...current.schema,
      components: [...current.schema.components, { type: 'textfield', key: 'ward', label: 'Hospital ward' }],
    };

    const saved = await postSchema(analyst, 'panel-first', edited);
    const unchanged = await postSchema(analyst, 'panel-first', edited);
    const xml = (await app.app.services.definitions.current(PROCEDURE)).xml;
    const redeploy = await app.call('analyst', 'PUT', `/api/procedures/${PROCEDURE}`, xml, 'application/xml');
    const newerTask = await open();

    expect(saved).toMatchObject({ status: 201, body: { version: current.version + 1, created: true } });
    expect(unchanged).toMatchObject({ status: 200, body: { version: current.version + 1, created: false } });
    expect(redeploy.body).toMatchObject({
      created: true,
      formVersions: { 'panel-first': current.version + 1 },
    });
    expect((await schemaOf('panel-first', current.version)).body.schema.components).toHaveLength(1);
    expect((await agent.get(`/tasks/${newerTask}`)).text).toContain('Hospital ward');
    expect((await agent.get(`/tasks/${olderTask}`)).text).not.toContain('Hospital ward');
    const viewer = await analyst.get(`/analyst/procedures/${PROCEDURE}/versions/${redeploy.body.version}`);
    expect(viewer.text).toMatch(
      new RegExp(`data-form-key="panel-first"><code>panel-first</code> v${current.version + 1}`),
    );
  });

  test('given a version that does not exist, then 404', async () => {
    expect((await analyst.get('/analyst/forms/panel-first/schema.json?version=99')).status).toBe(404);
    expect((await analyst.get('/analyst/forms/NOT_A_KEY/edit')).status).toBe(404);
  });
});

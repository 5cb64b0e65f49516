import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, USERS, type TestApp } from '../../support/harness.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin, type WebClient } from '../../support/web-client.js';

const PROCEDURE = 'review-request';
const stored = readFileSync(path.join(FIXTURES, 'processes', `${PROCEDURE}.bpmn`), 'utf8');
const bad = (name: string) => readFileSync(path.join(FIXTURES, 'bad', name), 'utf8');
/** The fixture with one task renamed: a valid edit. */
const renamed = stored.replace('name="Handle at L2"', 'name="Handle at second level"');
/** The fixture with a user task turned into a script task: refused as unsafe. */
const withScriptTask = stored.replace(
  '<bpmn:userTask id="close" name="Close ticket" />',
  '<bpmn:scriptTask id="close" name="Close ticket" scriptFormat="javascript"><bpmn:script>1</bpmn:script></bpmn:scriptTask>',
);
const versionsUrl = `/analyst/procedures/${PROCEDURE}/versions`;

/** The `<tr data-version="n">` row of the versions page, or undefined. */
function versionRow(html: string, version: number): string | undefined {
  return new RegExp(`<tr data-version="${version}">([\\s\\S]*?)</tr>`).exec(html)?.[1];
}

describe('analyst pages: procedures, versions, saving diagrams without JavaScript', () => {
  let app: TestApp;
  let analyst: WebClient;

  beforeAll(async () => {
    app = await startWebApp();
    analyst = await webLogin(app, USERS.analyst.user);
  });
  afterAll(async () => {
    await app.stop();
  });

  const versionsOf = () => app.app.services.definitions.versions(PROCEDURE);

  test('given deployed procedures, when the analyst opens the list, then each shows its current version and links', async () => {
    const page = await analyst.get('/analyst/procedures');

    expect(page.status).toBe(200);
    expect(page.text).toContain(`data-procedure-id="${PROCEDURE}"`);
    expect(page.text).toContain(`href="/analyst/procedures/${PROCEDURE}/versions"`);
    expect(page.text).toContain(`href="/analyst/procedures/${PROCEDURE}/modeler"`);
    expect(page.text).toContain('name="_csrf"');
  });

  test('given the stored XML, when it is downloaded, then the text is exactly what was deployed', async () => {
    const download = await analyst.get(`${versionsUrl}/1.bpmn`);

    expect(download.status).toBe(200);
    expect(download.text).toBe(stored);
  });

  test('given the modeler page, then it loads the modeler bundle, its script and the current XML for the no-JS form', async () => {
    const page = await analyst.get(`/analyst/procedures/${PROCEDURE}/modeler`);

    expect(page.status).toBe(200);
    // bpmn-js with the properties panel and token simulation, built by scripts/build-assets.mjs (ADR 0028).
    expect(page.text).toContain('/assets/build/modeler.js');
    expect((await analyst.get('/assets/build/modeler.js')).status).toBe(200);
    expect(page.text).toContain('/assets/js/analyst-modeler.js');
    expect(page.text).toContain('id="modeler-config"');
    expect(page.text).toContain('Handle at L2'); // in the no-JavaScript XML form
    const current = await analyst.get(`/analyst/procedures/${PROCEDURE}/current.bpmn`);
    expect(current.text).toBe(stored);
  });

  test('given unchanged XML, when the analyst saves it, then no version is added and the page says so', async () => {
    const saved = await analyst.post(versionsUrl, { xml: stored });

    expect(saved.status).toBe(303);
    expect(saved.location).toContain(`${versionsUrl}?saved=1&created=0`);
    expect(await versionsOf()).toHaveLength(1);
    const page = await analyst.get(saved.location!);
    expect(page.text).toMatch(/id="save-notice" data-version="1" data-created="false"/);
  });

  test('given a valid edit, when the analyst saves it, then version 2 is listed with who deployed it and when', async () => {
    const saved = await analyst.post(versionsUrl, { xml: renamed });

    expect(saved.status).toBe(303);
    expect(saved.location).toContain(`${versionsUrl}?saved=2&created=1`);
    const [latest] = await versionsOf();
    expect(latest).toMatchObject({ version: 2, deployedBy: USERS.analyst.user });
    const page = await analyst.get(versionsUrl);
    const row = versionRow(page.text, 2);
    expect(row).toContain(`data-field="deployed-by">${USERS.analyst.user}<`);
    expect(row).toContain(latest!.contentHash.slice(0, 12));
    expect(row).toMatch(/data-field="deployed-at">\s*\S/); // the time, as the core's formatDate writes it
    expect(versionRow(page.text, 1)).toContain('data-field="deployed-by">system:loader<');
    const download = await analyst.get(`${versionsUrl}/2.bpmn`);
    expect(download.text).toBe(renamed);
  });

  test('given a script task, when the analyst saves, then 422 names the element and nothing is stored', async () => {
    const before = (await versionsOf()).length;

    const saved = await analyst.post(versionsUrl, { xml: withScriptTask });

    expect(saved.status).toBe(422);
    expect(saved.text).toContain('data-error-code="PROCEDURE_UNSAFE"');
    expect(saved.text).toContain('data-element-id="close"');
    expect(saved.text).toContain('scriptTask'); // the XML is kept in the textarea to fix it
    expect(await versionsOf()).toHaveLength(before);
  });

  test('given a Spanish-speaking user, when a save is refused, then the headings are in Spanish and each issue says in Spanish what to do', async () => {
    const root = await webLogin(app, USERS.admin.user); // admins pass the analyst pages; root reads Spanish

    const saved = await root.post(versionsUrl, { xml: withScriptTask });

    expect(saved.status).toBe(422);
    expect(saved.text).toContain('El diagrama contiene algo que no está permitido por seguridad.');
    expect(saved.text).toMatch(
      /<tr data-element-id="close" data-reason="script-task"><td><code>close<\/code><\/td><td><strong class="analyst-issue-reason">Tarea de script no permitida<\/strong> <span class="analyst-issue-explain">Las tareas de script no se ejecutan en este servidor\. Use una tarea de usuario o una expresión de condición\.<\/span><br><small class="analyst-issue-detail" lang="en">script task &lt;close&gt; is not allowed/,
    );
  });

  test('given malformed XML, when the analyst saves, then 422 points at the line and column', async () => {
    const saved = await analyst.post(versionsUrl, { xml: bad('malformed.bpmn') });

    expect(saved.status).toBe(422);
    expect(saved.text).toContain('data-error-code="PROCEDURE_INVALID"');
    expect(saved.text).toMatch(/data-element-id="\d+:\d+"/);
  });

  test('given a missing form, when the analyst saves, then 422 names the task using it', async () => {
    const saved = await analyst.post(versionsUrl, { xml: bad('missing-form.bpmn') });

    expect(saved.status).toBe(422);
    expect(saved.text).toContain('data-element-id="review"');
  });

  test('given an empty body, when the analyst saves, then 400 and nothing is stored', async () => {
    const saved = await analyst.post(versionsUrl, { xml: '  ' });

    expect(saved.status).toBe(400);
    expect(saved.text).toContain('data-error-code="BAD_REQUEST"');
  });

  test('given a new id without XML, when the analyst creates it, then the modeler opens on a starter diagram that deploys as version 1', async () => {
    const created = await analyst.post('/analyst/procedures', { procedureId: 'lab-results', xml: '' });
    expect(created.status).toBe(303);
    expect(created.location).toContain('/analyst/procedures/lab-results/modeler?new=1');
    expect((await analyst.get('/analyst/procedures/lab-results/modeler')).status).toBe(404);
    const modeler = await analyst.get(created.location!);
    expect(modeler.status).toBe(200);
    const starter = await analyst.get('/analyst/procedures/lab-results/starter.bpmn');

    const saved = await analyst.post('/analyst/procedures/lab-results/versions', {
      xml: starter.text,
      isNew: '1',
    });

    expect(saved.status).toBe(303);
    expect(saved.location).toBe('/analyst/procedures/lab-results/versions?saved=1&created=1');
    const [first] = await app.app.services.definitions.versions('lab-results');
    expect(first).toMatchObject({ version: 1, deployedBy: USERS.analyst.user });
  });

  test('given an existing or badly formed id, when the analyst creates it, then the form is shown again with the problem', async () => {
    const exists = await analyst.post('/analyst/procedures', { procedureId: PROCEDURE, xml: '' });
    expect(exists.status).toBe(409);
    expect(exists.text).toContain('data-error-code="CONFLICT"');

    const badId = await analyst.post('/analyst/procedures', { procedureId: 'Bad_Id', xml: '' });
    expect(badId.status).toBe(400);
    expect(badId.text).toContain('value="Bad_Id"');
  });

  test('given unknown procedures or versions, then 404', async () => {
    expect((await analyst.get('/analyst/procedures/no-such-thing/versions')).status).toBe(404);
    expect((await analyst.get(`${versionsUrl}/99.bpmn`)).status).toBe(404);
    expect((await analyst.get(`${versionsUrl}/abc`)).status).toBe(404);
    expect((await analyst.get('/analyst/procedures/no-such-thing/modeler')).status).toBe(404);
  });

  test('given a version, when its page is opened, then the read-only viewer is set up for its XML', async () => {
    const page = await analyst.get(`${versionsUrl}/1`);

    expect(page.status).toBe(200);
    expect(page.text).toContain('/assets/bpmn-js/bpmn-navigated-viewer.production.min.js');
    expect(page.text).toContain(`${versionsUrl}/1.bpmn`);
  });

  test('given an agent, when they open or post to analyst pages, then 403 and nothing is stored', async () => {
    const agent = await webLogin(app, USERS.agentL1.user);
    const before = (await versionsOf()).length;

    expect((await agent.get('/analyst/procedures')).status).toBe(403);
    expect((await agent.get(`${versionsUrl}/1.bpmn`)).status).toBe(403);
    expect((await agent.post(versionsUrl, { xml: renamed.replace('Review', 'Agent edit') })).status).toBe(
      403,
    );
    expect(await versionsOf()).toHaveLength(before);
  });

  test('given an admin, then the analyst pages open', async () => {
    const admin = await webLogin(app, USERS.admin.user);

    expect((await admin.get('/analyst/procedures')).status).toBe(200);
  });
});

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { USERS, type TestApp } from '../support/harness.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { startWebApp } from '../support/web-accounts.js';

const PROCEDURE = 'complaints';
const seed = readFileSync(path.resolve('processes', `${PROCEDURE}.bpmn`), 'utf8');
/** The seed with its first user task turned into a script task (refused as unsafe). */
const withScriptTask = seed.replace(
  /<bpmn:userTask id="task-identify-problem"([\s\S]*?)<\/bpmn:userTask>/,
  '<bpmn:scriptTask id="task-identify-problem"$1</bpmn:scriptTask>',
);
const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;
/** The procedure's extensions the runtime reads; a save from the modeler must keep every one. */
const EXTENSIONS = [
  /camunda:formKey="/g,
  /<camunda:property /g,
  /camunda:candidateGroups="/g,
  /<bpmn:lane /g,
];

/** Browser steps are slower than HTTP ones, on a shared two-core machine even more. */
const SLOW = 60_000;

describe('analyst modeler in a real browser (seed procedures)', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startWebApp({ processesDir: path.resolve('processes'), formsDir: path.resolve('forms') });
    browser = await launchBrowser();
    page = await browser.newPage();
    await loginInBrowser(page, app.app.url, USERS.analyst.user);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  }, SLOW);

  const openModeler = async () => {
    await page.goto(`${app.app.url}/analyst/procedures/${PROCEDURE}/modeler`);
    await page.waitForSelector('#modeler-canvas[data-state="ready"]');
  };
  const save = async () => {
    await page.click('#modeler-save');
    await page.waitForFunction(() => {
      const { document } = globalThis as any;
      const button = document.querySelector('#modeler-save');
      const status = document.querySelector('#modeler-status');
      return button && !button.disabled && status?.textContent?.trim();
    });
  };
  const savedVersion = () => page.getAttribute('#modeler-status [data-version]', 'data-version');
  // Each test reads where the procedure stands instead of counting on the tests before it.
  const versionCount = async () => (await app.app.services.definitions.versions(PROCEDURE)).length;
  const currentVersion = async () => (await app.app.services.definitions.current(PROCEDURE)).version;

  test(
    'given the seed procedure, when it is opened in the modeler, then its export keeps the camunda extensions',
    async () => {
      await openModeler();

      const exported = await page.evaluate(async () => {
        const modeler = (globalThis as any).hdModeler;
        return (await modeler.saveXML({ format: true })).xml as string;
      });

      for (const pattern of EXTENSIONS) expect(count(exported, pattern)).toBe(count(seed, pattern));
    },
    SLOW,
  );

  test(
    'given no edits, when the analyst saves, then the page says no changes (the current version)',
    async () => {
      const [before, current] = [await versionCount(), await currentVersion()];
      await openModeler();

      await save();

      expect(await savedVersion()).toBe(String(current));
      expect(await versionCount()).toBe(before);
    },
    SLOW,
  );

  test(
    'given a renamed task, when the analyst saves, then the next version is deployed by the analyst with the extensions intact',
    async () => {
      const next = (await currentVersion()) + 1;
      await openModeler();
      await page.evaluate(() => {
        const modeler = (globalThis as any).hdModeler;
        const task = modeler.get('elementRegistry').get('task-identify-problem');
        modeler.get('modeling').updateLabel(task, 'Identify the problem (renamed)');
      });

      await save();

      expect(await savedVersion()).toBe(String(next));
      const current = await app.app.services.definitions.current(PROCEDURE);
      expect(current).toMatchObject({ version: next, deployedBy: USERS.analyst.user });
      expect(current.xml).toContain('Identify the problem (renamed)');
      for (const pattern of EXTENSIONS) expect(count(current.xml, pattern)).toBe(count(seed, pattern));

      await save();
      expect(await savedVersion()).toBe(String(next)); // saving again without edits adds nothing
    },
    SLOW,
  );

  test(
    'given a script task, when the analyst saves, then the issue names the element under a heading in her language, says what to do, and clicking it selects it',
    async () => {
      const before = await versionCount();
      await openModeler();
      await page.evaluate(() => {
        const modeler = (globalThis as any).hdModeler;
        const task = modeler.get('elementRegistry').get('task-identify-problem');
        modeler.get('bpmnReplace').replaceElement(task, { type: 'bpmn:ScriptTask' });
      });

      await save();

      const item = page.locator('#modeler-issues li[data-element-id="task-identify-problem"]');
      expect(await item.locator('.analyst-issue-reason').textContent()).toContain('Script task not allowed');
      expect(await item.textContent()).toContain('Script tasks do not run on this server. Use a user task');
      expect(await item.locator('.analyst-issue-detail').textContent()).toContain('<task-identify-problem>');
      await item.locator('button').click();
      const selected = await page.evaluate(() =>
        (globalThis as any).hdModeler
          .get('selection')
          .get()
          .map((element: { id: string }) => element.id),
      );
      expect(selected).toEqual(['task-identify-problem']);
      expect(await versionCount()).toBe(before);
    },
    SLOW,
  );

  test(
    'given the JSON save endpoint, when XML with a script task is posted, then 422 with the element id',
    async () => {
      await openModeler(); // its page carries the CSRF token the request needs
      const answer = await page.evaluate(async (xml) => {
        const { document, location } = globalThis as any;
        const csrf = document.querySelector('input[name="_csrf"]').value as string;
        const response = await fetch(location.pathname.replace(/modeler$/, 'versions'), {
          method: 'POST',
          headers: { 'content-type': 'application/xml', 'x-csrf-token': csrf },
          body: xml,
        });
        return { status: response.status, body: (await response.json()) as any };
      }, withScriptTask);

      expect(answer.status).toBe(422);
      expect(answer.body.error.code).toBe('PROCEDURE_UNSAFE');
      expect(answer.body.error.details.map((d: { path: string }) => d.path)).toContain(
        'task-identify-problem',
      );
    },
    SLOW,
  );

  test(
    'given a new version, then the versions page lists it by the analyst, and it downloads and displays',
    async () => {
      const renamed = seed.replace(
        /(<bpmn:userTask id="task-identify-problem"[^>]*name=")[^"]*"/,
        '$1Identify (versions page)"',
      );
      const { version } = await app.app.services.definitions.deploy(PROCEDURE, renamed, {
        id: USERS.analyst.user,
        roles: ['analyst'],
        groups: [],
      });
      const v = version.version;
      await page.goto(`${app.app.url}/analyst/procedures/${PROCEDURE}/versions`);

      const row = page.locator(`#versions tr[data-version="${v}"]`);
      expect(await row.locator('[data-field="deployed-by"]').textContent()).toBe(USERS.analyst.user);
      const download = await page.request.get(
        `${app.app.url}/analyst/procedures/${PROCEDURE}/versions/${v}.bpmn`,
      );
      expect(download.headers()['content-disposition']).toMatch(
        new RegExp(`^attachment; filename="?complaints-v${v}\\.bpmn`),
      );
      expect(download.headers()['content-type']).toMatch(/^application\/xml/);
      expect(await download.text()).toBe((await app.app.services.definitions.current(PROCEDURE)).xml);

      await row.locator(`a[href$="/versions/${v}"]`).click();
      await page.waitForSelector('#viewer-canvas[data-state="ready"]');
    },
    SLOW,
  );
});

import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { USERS, type TestApp } from '../support/harness.js';
import { launchBrowser, loginInBrowser, watchConsole, type ConsoleWatch } from '../support/browser.js';
import { startWebApp } from '../support/web-accounts.js';

/**
 * Issue 13 in Chromium: the modeler checks a condition live as the analyst types it (message under
 * the panel's field, marker on the flow), and "Dry run" walks the unsaved diagram as a throwaway
 * ticket: start data, open tasks completed with JSON data, then the run is discarded.
 */
const FIXTURES = path.resolve('test/fixtures/forms-editor');
const PROCEDURE = 'panel-demo';
const SLOW = 90_000;

describe('modeler tools in a real browser: live condition check and dry run', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let pageConsole: ConsoleWatch;

  beforeAll(async () => {
    app = await startWebApp({
      processesDir: path.join(FIXTURES, 'processes'),
      formsDir: path.join(FIXTURES, 'forms'),
    });
    browser = await launchBrowser();
    page = await browser.newPage();
    pageConsole = watchConsole(page);
    await loginInBrowser(page, app.app.url, USERS.analyst.user);
    await page.goto(`${app.app.url}/analyst/procedures/${PROCEDURE}/modeler`);
    await page.waitForSelector('#modeler-canvas[data-state="ready"]');
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  }, SLOW);

  const hasMarker = (id: string) =>
    page.evaluate((elementId) => {
      const modeler = (globalThis as any).hdModeler;
      return modeler
        .get('canvas')
        .hasMarker(modeler.get('elementRegistry').get(elementId), 'hd-condition-invalid');
    }, id);

  test(
    'given the condition field, when the analyst types a broken then a valid condition, then the answer shows under the field and the flow is marked, then unmarked',
    async () => {
      await page.evaluate(() => {
        const modeler = (globalThis as any).hdModeler;
        modeler.get('selection').select(modeler.get('elementRegistry').get('f-urgent'));
      });
      const header = page.locator(
        '[data-group-id="group-CamundaPlatform__Condition"] .bio-properties-panel-group-header',
      );
      await header.waitFor();
      if (!(await header.getAttribute('class'))?.includes('open')) await header.click();
      const condition = page.locator('#modeler-panel [name="conditionExpression"]');

      await condition.fill('${ subject == }');
      const note = page.locator('#hd-condition-note[data-ok="false"]');
      await note.waitFor();
      expect(await note.textContent()).toMatch(/The condition is not valid at character \d+/);
      expect(await hasMarker('f-urgent')).toBe(true);

      await condition.fill('${ subject == "urgent" }');
      await page.locator('#hd-condition-note[data-ok="true"]').waitFor();
      expect(await hasMarker('f-urgent')).toBe(false);
      expect(pageConsole.cspRefusals).toEqual([]);
    },
    SLOW,
  );

  test(
    'given the unsaved diagram, when the analyst dry-runs it and completes its tasks with data, then the run follows the new condition and is discarded at the end',
    async () => {
      // The condition as this test needs it, unsaved (whatever the panel holds now).
      await page.evaluate(() => {
        const modeler = (globalThis as any).hdModeler;
        const flow = modeler.get('elementRegistry').get('f-urgent');
        const body = '${ subject == "urgent" }';
        const expression = modeler.get('moddle').create('bpmn:FormalExpression', { body });
        modeler.get('modeling').updateProperties(flow, { conditionExpression: expression });
      });
      await page.click('#dry-run-toggle');
      await page.fill('#dry-run-start-data', '{ "subject": "urgent" }');
      await page.click('#dry-run-start');
      const firstTask = page.locator('#dry-run-state .dry-run-task[data-activity-id="check"]');
      await firstTask.waitFor();
      const instanceId = await page.evaluate(() => (globalThis as any).hdDryRun.state().instanceId as string);
      expect(
        (await app.app.services.instances.get(instanceId, { id: 'sofia', roles: ['supervisor'], groups: [] }))
          .instance.procedureId,
      ).toMatch(/^dryrun-/);

      await firstTask.locator('textarea').fill('{ "comment": "looked at it" }');
      await firstTask.locator('button[data-action="complete"]').click();
      // The unsaved condition (subject == "urgent") sends the run to the urgent task.
      await page.locator('#dry-run-state .dry-run-task[data-activity-id="urgent"]').waitFor();
      expect(await page.textContent('#dry-run-state [data-part="variables"]')).toContain('looked at it');

      await page.locator('#dry-run-state .dry-run-task textarea').fill('not json');
      await page.locator('#dry-run-state button[data-action="complete"]').click();
      await page.waitForFunction(() =>
        /not valid JSON/.test((globalThis as any).document.querySelector('#dry-run-message').textContent),
      );

      await page.click('#dry-run-discard');
      await page.waitForSelector('#dry-run-state', { state: 'hidden' });
      expect(await page.textContent('#dry-run-message')).toContain('discarded');
      const view = await app.app.services.instances.get(instanceId, {
        id: 'sofia',
        roles: ['supervisor'],
        groups: [],
      });
      expect(view.instance.status).toBe('cancelled');
      // Nothing was saved: the procedure is still at its first version.
      expect((await app.app.services.definitions.current(PROCEDURE)).version).toBe(1);
      expect(pageConsole.cspRefusals).toEqual([]);
    },
    SLOW,
  );
});

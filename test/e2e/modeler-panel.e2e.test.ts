import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { USERS, type TestApp } from '../support/harness.js';
import { launchBrowser, loginInBrowser, watchConsole, type ConsoleWatch } from '../support/browser.js';
import { startWebApp } from '../support/web-accounts.js';

/**
 * Issue 13 in Chromium: the properties panel sets a form key and a condition that the deployed
 * version runs with, and the helpdesk's own settings (message template and recipients, timer
 * calendar, ticket prefix and language) without the groups the server refuses; the form editor
 * saves new form versions that a redeploy pins while older tickets keep theirs; the token
 * simulation plays a token through the diagram (docs/adr/0028).
 */
const FIXTURES = path.resolve('test/fixtures/forms-editor');
const PROCEDURE = 'panel-demo';
/** A send task, a timer and a process without the helpdesk's settings (test/fixtures/modeler-panel). */
const MAIL_PROCEDURE = 'panel-mail';
const MAIL_FIXTURE = path.resolve('test/fixtures/modeler-panel', `${MAIL_PROCEDURE}.bpmn`);
const SLOW = 60_000;

describe('modeler properties panel and form editor in a real browser', () => {
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
    // The pages keep their strict CSP (no inline styles): the bundles must not need an exception.
    pageConsole = watchConsole(page);
    await loginInBrowser(page, app.app.url, USERS.analyst.user);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  }, SLOW);

  const openModeler = async (procedureId = PROCEDURE) => {
    await page.goto(`${app.app.url}/analyst/procedures/${procedureId}/modeler`);
    await page.waitForSelector('#modeler-canvas[data-state="ready"]');
  };
  const select = (id: string) =>
    page.evaluate((elementId) => {
      const modeler = (globalThis as any).hdModeler;
      modeler.get('selection').select(modeler.get('elementRegistry').get(elementId));
    }, id);
  /** Clears the selection: the panel then shows the process. */
  const selectProcess = () =>
    page.evaluate(() => {
      (globalThis as any).hdModeler.get('selection').select(null);
    });
  /** Waits until the element (the process when null) has the camunda property `name` = `value`. */
  const waitForProperty = (elementId: string | null, name: string, value: string) =>
    page.waitForFunction(
      ([id, propertyName, expected]) => {
        const modeler = (globalThis as any).hdModeler;
        const element = id ? modeler.get('elementRegistry').get(id) : modeler.get('canvas').getRootElement();
        const values = element.businessObject.extensionElements?.values ?? [];
        const properties = values.find((v: any) => v.$type === 'camunda:Properties')?.values ?? [];
        const found = properties.find((p: any) => p.name === propertyName);
        return (found?.value ?? '') === expected;
      },
      [elementId, name, value] as const,
    );
  const groupCount = (groupId: string) => page.locator(`[data-group-id="group-${groupId}"]`).count();
  /** Opens a collapsed group of the panel (groups keep their state across selections). */
  const openGroup = async (groupId: string) => {
    const header = page.locator(`[data-group-id="group-${groupId}"] .bio-properties-panel-group-header`);
    await header.waitFor();
    if (!(await header.getAttribute('class'))?.includes('open')) await header.click();
  };
  const save = async () => {
    await page.click('#modeler-save');
    await page.waitForSelector('#modeler-status [data-version]');
    return Number(await page.getAttribute('#modeler-status [data-version]', 'data-version'));
  };
  const startTicket = async (subject: string) => {
    const started = await app.call('agentL1', 'POST', `/api/procedures/${PROCEDURE}/instances`, { subject });
    expect(started.status).toBe(201);
    return started.body as { id: string; definitionId: string };
  };
  const openTask = async (instanceId: string) => {
    const view = await app.call('agentL1', 'GET', `/api/instances/${instanceId}`);
    return (view.body.tasks as any[]).find((task) => task.status === 'open');
  };

  test(
    'given the panel, when the analyst picks a form key and writes a condition and saves, then the new version runs with both',
    async () => {
      await openModeler();
      expect(await page.locator('#modeler-panel').isVisible()).toBe(true);
      expect(await page.locator('#modeler-canvas .hd-zoom-controls button').count()).toBe(3);

      await select('check');
      await openGroup('CamundaPlatform__Form');
      const formKey = page.locator('#modeler-panel select[name="formKey"]');
      expect(await formKey.locator('option').allTextContents()).toEqual(
        expect.arrayContaining(['panel-first (v1)', 'panel-second (v1)']),
      );
      await formKey.selectOption('panel-second');
      await select('f-urgent');
      await openGroup('CamundaPlatform__Condition');
      const condition = page.locator('#modeler-panel [name="conditionExpression"]');
      await condition.fill('${ urgent == true }');
      await condition.blur();
      await page.waitForFunction(() => {
        const flow = (globalThis as any).hdModeler.get('elementRegistry').get('f-urgent');
        return flow.businessObject.conditionExpression?.body === '${ urgent == true }';
      });

      const version = await save();
      expect(pageConsole.cspRefusals).toEqual([]);

      expect(version).toBe(2);
      const current = await app.app.services.definitions.current(PROCEDURE);
      expect(current.xml).toContain('camunda:formKey="panel-second"');
      expect(current.formVersions).toEqual({ 'panel-second': 1, 'panel-start': 1 });
      const ticket = await startTicket('printer on fire');
      expect(ticket.definitionId).toBe(`${PROCEDURE}@2`);
      const task = await openTask(ticket.id);
      expect(task).toMatchObject({ activityId: 'check', formKey: 'panel-second' });
      const done = await app.call('agentL1', 'POST', `/api/tasks/${task.id}/complete`, { urgent: true });
      expect(done.status).toBe(200);
      expect(await openTask(ticket.id)).toMatchObject({ activityId: 'urgent' });
    },
    SLOW,
  );

  test(
    'given the panel, when the analyst sets a send task template and recipients, a timer calendar and the process ticket prefix, then the saved version carries them and a new ticket gets the prefix',
    async () => {
      const deployed = await app.call(
        'analyst',
        'PUT',
        `/api/procedures/${MAIL_PROCEDURE}`,
        readFileSync(MAIL_FIXTURE, 'utf8'),
        'application/xml',
      );
      expect(deployed.body).toMatchObject({ created: true });
      await openModeler(MAIL_PROCEDURE);

      // The send task: its own "Email" group; no Java implementation or listener groups.
      await select('notify');
      await openGroup('Helpdesk__Email');
      for (const refused of [
        'Implementation',
        'ExecutionListener',
        'AsynchronousContinuations',
        'JobExecution',
      ])
        expect(await groupCount(`CamundaPlatform__${refused}`)).toBe(0);
      expect(await groupCount('CamundaPlatform__Input')).toBe(1); // data-only mappings stay
      const template = page.locator('#modeler-panel select[name="hdTemplate"]');
      await template.locator('option[value="desk-assignment"]').waitFor({ state: 'attached' });
      await template.selectOption('desk-assignment');
      const recipients = page.locator('#modeler-panel input[name="hdRecipients"]');
      await recipients.fill('requester');
      await recipients.blur();
      await waitForProperty('notify', 'template', 'desk-assignment');
      await waitForProperty('notify', 'to', 'requester');

      // The timer: a calendar select beside its definition.
      await select('wait');
      await openGroup('timer');
      const calendar = page.locator('#modeler-panel select[name="hdCalendar"]');
      expect(await calendar.locator('option').allTextContents()).toContain('always-open (Europe/Rome)');
      await calendar.selectOption('always-open');
      await waitForProperty('wait', 'calendar', 'always-open');

      // The process: a ticket prefix checked before it is written, and the language.
      await selectProcess();
      await openGroup('Helpdesk__Procedure');
      const prefix = page.locator('#modeler-panel input[name="hdTicketPrefix"]');
      await prefix.fill('mail');
      await page.locator('[data-entry-id="hdTicketPrefix"] .bio-properties-panel-error').waitFor();
      await waitForProperty(null, 'ticketPrefix', '');
      await prefix.fill('MAILX');
      await prefix.blur();
      await waitForProperty(null, 'ticketPrefix', 'MAILX');
      await page.locator('#modeler-panel select[name="hdLanguage"]').selectOption('it');
      await waitForProperty(null, 'language', 'it');
      // The user task keeps what the server applies, but not the unapplied priority.
      await select('triage');
      await openGroup('CamundaPlatform__UserAssignment');
      expect(await page.locator('#modeler-panel [name="candidateGroups"]').count()).toBe(1);
      expect(await page.locator('#modeler-panel [name="priority"]').count()).toBe(0);

      const version = await save();
      expect(pageConsole.cspRefusals).toEqual([]);

      expect(version).toBe(2);
      const current = await app.app.services.definitions.current(MAIL_PROCEDURE);
      expect(current.catalog).toMatchObject({
        ticketPrefix: 'MAILX',
        language: 'it',
        sendTasks: { notify: { template: 'desk-assignment', to: 'requester' } },
        timers: { wait: { kind: 'duration', value: 'PT2H', calendar: 'always-open' } },
      });
      // No start form: the ticket starts without data.
      const started = await app.call('agentL1', 'POST', `/api/procedures/${MAIL_PROCEDURE}/instances`, {});
      expect(started.status).toBe(201);
      expect(started.body.definitionId).toBe(`${MAIL_PROCEDURE}@2`);
      expect(started.body.businessKey).toMatch(/^MAILX-/);
    },
    SLOW,
  );

  test(
    'given a refused save, then the named element carries a badge whose tooltip is the reason in her language',
    async () => {
      await openModeler();
      await page.evaluate(() => {
        const modeler = (globalThis as any).hdModeler;
        const task = modeler.get('elementRegistry').get('check');
        modeler.get('modeling').updateProperties(task, { 'camunda:formKey': 'no-such-form' });
      });

      await page.click('#modeler-save');
      const badge = page.locator('.hd-issue-badge[data-element-id="check"]');
      await badge.waitFor();

      // ana reads English: the heading of the reason is the English one, the message names the form.
      expect(await badge.getAttribute('title')).toMatch(/^Form missing: .*no-such-form/);
      expect(await page.locator('#modeler-issues').getAttribute('role')).toBe('alert');
    },
    SLOW,
  );

  test(
    'given the form editor, when a new form version is saved and the procedure redeployed, then a new ticket uses it while an older ticket keeps its version',
    async () => {
      const older = await startTicket('older ticket');
      await page.goto(`${app.app.url}/analyst/forms/panel-second/edit`);
      await page.waitForSelector('#form-editor-canvas[data-state="ready"]');
      expect(await page.locator('#form-editor-preview').textContent()).toContain('Urgent');

      // The edit: a required "reason" field (through the editor's own import, as a paste would).
      await page.evaluate(async () => {
        const editor = (globalThis as any).hdFormEditor;
        const schema = editor.saveSchema();
        schema.components.push({
          type: 'textfield',
          key: 'reason',
          label: 'Reason',
          id: 'Field_reason',
          validate: { required: true },
        });
        await editor.importSchema(schema);
        // An edit in the editor's own terms: relabel a field (what the panel's label input does).
        const urgent = editor
          .get('formFieldRegistry')
          .getAll()
          .find((field: any) => field.key === 'urgent');
        editor.get('modeling').editFormField(urgent, 'label', 'Really urgent');
      });
      // The live preview follows the edit.
      await page.waitForFunction(() =>
        (globalThis as any).document
          .querySelector('#form-editor-preview')
          .textContent.includes('Really urgent'),
      );
      await page.click('#form-editor-save');
      await page.waitForSelector('#form-editor-status [data-version]');
      expect(await page.getAttribute('#form-editor-status [data-version]', 'data-version')).toBe('2');
      expect(pageConsole.cspRefusals).toEqual([]);

      const redeploy = await app.call(
        'analyst',
        'PUT',
        `/api/procedures/${PROCEDURE}`,
        (await app.app.services.definitions.current(PROCEDURE)).xml,
        'application/xml',
      );
      expect(redeploy.body).toMatchObject({ created: true, formVersions: { 'panel-second': 2 } });
      const newer = await startTicket('newer ticket');

      const newerTask = await openTask(newer.id);
      const refused = await app.call('agentL1', 'POST', `/api/tasks/${newerTask.id}/complete`, {
        urgent: false,
      });
      expect(refused.status).toBe(422);
      expect(JSON.stringify(refused.body)).toContain('reason');
      const olderTask = await openTask(older.id);
      const kept = await app.call('agentL1', 'POST', `/api/tasks/${olderTask.id}/complete`, {
        urgent: false,
      });
      expect(kept.status).toBe(200);
    },
    SLOW,
  );

  test(
    'given a form with a pattern the linear-time engine refuses, when saved in the editor, then 422 names the field and no version is added',
    async () => {
      await page.goto(`${app.app.url}/analyst/forms/panel-first/edit`);
      await page.waitForSelector('#form-editor-canvas[data-state="ready"]');
      await page.evaluate(async () => {
        const editor = (globalThis as any).hdFormEditor;
        const schema = editor.saveSchema();
        schema.components[0].validate = { pattern: '(?=a)b' };
        await editor.importSchema(schema);
      });

      await page.click('#form-editor-save');
      await page.waitForSelector('#form-editor-issues li');

      expect(await page.locator('#form-editor-issues').textContent()).toMatch(/comment/);
      expect(await app.app.services.formVersions.latestNumber('panel-first')).toBe(1);
    },
    SLOW,
  );

  test(
    'given the modeler, then the fitted diagram starts right of the palette, the simulation toggle locks saving while on and a played token moves from the start event to the next task',
    async () => {
      await openModeler();
      const [paletteRight, diagramLeft] = await page.evaluate(() => {
        const { document } = globalThis as any;
        const palette = document.querySelector('#modeler-canvas .djs-palette').getBoundingClientRect();
        const start = document
          .querySelector('#modeler-canvas [data-element-id="start"]')
          .getBoundingClientRect();
        return [palette.right, start.left];
      });
      expect(diagramLeft).toBeGreaterThan(paletteRight);

      await page.click('#modeler-simulate');
      expect(await page.getAttribute('#modeler-simulate', 'aria-pressed')).toBe('true');
      expect(await page.locator('#modeler-save').isDisabled()).toBe(true);

      // Play: the start event's trigger sends a token along the flow to the next element.
      await page.evaluate(() => {
        const global = globalThis as any;
        global.hdTrace = [];
        global.hdModeler.on('tokenSimulation.simulator.trace', (event: any) => {
          global.hdTrace.push(`${event.action}:${event.element.id}`);
        });
      });
      await page.click('.djs-overlays[data-container-id="start"] .bts-context-pad');
      await page.locator('#modeler-canvas .bts-token').first().waitFor();
      await page.waitForFunction(() => (globalThis as any).hdTrace.includes('enter:check'));
      const trace: string[] = await page.evaluate(() => (globalThis as any).hdTrace);
      const atStart = trace.findIndex((entry) => entry.endsWith(':start'));
      expect(atStart).toBeGreaterThanOrEqual(0);
      expect(atStart).toBeLessThan(trace.indexOf('enter:check'));

      await page.click('#modeler-simulate');
      expect(await page.getAttribute('#modeler-simulate', 'aria-pressed')).toBe('false');
      expect(await page.locator('#modeler-save').isDisabled()).toBe(false);
    },
    SLOW,
  );

  test(
    'given an analyst who reads Italian, then the panel labels are in Italian',
    async () => {
      const setLanguage = (language: string) =>
        page.evaluate(async (value) => {
          const { document, fetch } = globalThis as any;
          const csrf = document.querySelector('input[name="_csrf"]').value as string;
          const body = new URLSearchParams({ language: value, _csrf: csrf });
          await fetch('/account', { method: 'POST', body, credentials: 'same-origin' });
        }, language);
      await openModeler();
      await setLanguage('it');
      try {
        await openModeler();
        await select('check');
        await openGroup('CamundaPlatform__Form');

        const panel = (await page.locator('#modeler-panel').textContent()) ?? '';
        expect(panel).toContain('Moduli');
        expect(panel).toContain('Chiave del modulo');
        await selectProcess();
        await openGroup('Helpdesk__Procedure');
        const processPanel = (await page.locator('#modeler-panel').textContent()) ?? '';
        expect(processPanel).toContain('Prefisso del ticket');
        expect(processPanel).toContain('Lingua');
        expect(await page.getAttribute('#modeler-canvas [data-zoom="fit"]', 'title')).toBe(
          'Adatta il diagramma',
        );
      } finally {
        await setLanguage('en');
      }
    },
    SLOW,
  );

  test(
    'given a supervisor on a ticket, then its diagram has the zoom controls, reachable by assistive technology',
    async () => {
      const ticket = await startTicket('for the supervisor');
      const supervisorPage = await browser.newPage();
      try {
        await loginInBrowser(supervisorPage, app.app.url, USERS.supervisor.user);
        await supervisorPage.goto(`${app.app.url}/supervisor/instances/${ticket.id}`);
        await supervisorPage.waitForSelector('#sv-diagram[data-state="ready"]');

        const zoomOut = supervisorPage.getByRole('button', { name: 'Riduci' }); // sofia reads Italian
        const before = await supervisorPage.evaluate(() =>
          (globalThis as any).hdInstanceViewer.get('canvas').zoom(),
        );
        await zoomOut.click();
        const after = await supervisorPage.evaluate(() =>
          (globalThis as any).hdInstanceViewer.get('canvas').zoom(),
        );
        expect(after).toBeLessThan(before);
        expect(await supervisorPage.locator('#sv-diagram [data-zoom]').count()).toBe(3);
      } finally {
        await supervisorPage.close();
      }
    },
    SLOW,
  );

  test('given the viewer of a version, then it has the zoom controls and fits the diagram', async () => {
    await page.goto(`${app.app.url}/analyst/procedures/${PROCEDURE}/versions/1`);
    await page.waitForSelector('#viewer-canvas[data-state="ready"]');
    const before = await page.evaluate(() => (globalThis as any).hdViewer.get('canvas').zoom());
    await page.click('#viewer-canvas [data-zoom="in"]');
    const after = await page.evaluate(() => (globalThis as any).hdViewer.get('canvas').zoom());
    expect(after).toBeGreaterThan(before);
  });
});

// Keep the fixture honest: the seed diagram names the first form, the panel switches it.
test('fixture: the seed diagram uses panel-first', () => {
  const xml = readFileSync(path.join(FIXTURES, 'processes', `${PROCEDURE}.bpmn`), 'utf8');
  expect(xml).toContain('camunda:formKey="panel-first"');
});

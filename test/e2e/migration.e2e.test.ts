import type { Browser, Page } from 'playwright-core';
import { USERS, type TestApp } from '../support/harness.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { startWebApp } from '../support/web-accounts.js';

/**
 * Instance migration in a real browser (issue 13, ADR 0031): version 2 of a small procedure
 * renames the task a ticket waits at; a supervisor opens /migration, maps the old task to the
 * new one, previews, migrates, and finds the ticket on version 2 waiting at the new task.
 */
const SLOW = 60_000;
const diagram = (definitionsId: string, task: string, name: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="${definitionsId}" targetNamespace="http://helpdesk.example/migration-e2e">
  <bpmn:process id="mig-browser" name="Migration in the browser" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="MGB" /></camunda:properties></bpmn:extensionElements>
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="${task}" name="${name}" camunda:candidateGroups="l1" />
    <bpmn:userTask id="close" name="Close" camunda:candidateGroups="l1" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="${task}" />
    <bpmn:sequenceFlow id="f2" sourceRef="${task}" targetRef="close" />
    <bpmn:sequenceFlow id="f3" sourceRef="close" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;
/** A mapping as analysts paste it for a large procedure: the line that matters comes after 200 characters. */
const MAPPING = [
  ...Array.from({ length: 8 }, (_, i) => `retired-activity-number-${i + 1} = replacement-activity-${i + 1}`),
  'review = check',
].join('\n');

describe('instance migration page in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let ticketId: string;

  beforeAll(async () => {
    app = await startWebApp({ timerPollMs: 60_000 });
    const v1 = await app.call(
      'analyst',
      'PUT',
      '/api/procedures/mig-browser',
      diagram('d1', 'review', 'Review'),
      'application/xml',
    );
    expect(v1.status).toBe(201);
    const started = await app.call('agentL1', 'POST', '/api/procedures/mig-browser/instances', {});
    expect(started.status).toBe(201);
    ticketId = started.body.id;
    const v2 = await app.call(
      'analyst',
      'PUT',
      '/api/procedures/mig-browser',
      diagram('d2', 'check', 'Check (v2)'),
      'application/xml',
    );
    expect(v2.status).toBe(201);
    browser = await launchBrowser();
    page = await browser.newPage();
    await loginInBrowser(page, app.app.url, USERS.supervisor.user);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  }, SLOW);

  test(
    'given a ticket waiting at a task version 2 renamed, when the supervisor previews and migrates it on /migration, then the instance page shows it on version 2 waiting at the new task',
    async () => {
      await page.goto(`${app.app.url}/migration?procedure=mig-browser&from=1&to=2`);
      expect(await page.inputValue('#migration-from')).toBe('1');
      await page.selectOption('#migration-procedure', 'mig-browser');
      await page.fill('#migration-mapping', MAPPING);
      await Promise.all([
        page.waitForURL('**/migration/preview'),
        page.click('#migration-form button[type="submit"]'),
      ]);

      const row = page.locator(`#migration-tickets tr[data-instance="${ticketId}"]`);
      expect(await page.locator('#migration-error').count()).toBe(0);
      expect(await row.getAttribute('data-can-move')).toBe('true');
      expect(await row.textContent()).toContain('review');
      expect(await row.textContent()).toContain('check');

      await Promise.all([
        page.waitForURL('**/migration/apply'),
        page.click('#migration-apply button[type="submit"]'),
      ]);
      expect(await row.getAttribute('data-migrated')).toBe('true');

      await Promise.all([page.waitForURL(`**/supervisor/instances/${ticketId}`), row.locator('a').click()]);
      expect(await page.getAttribute('code[data-definition-id]', 'data-definition-id')).toBe('mig-browser@2');
      const task = (activity: string) => page.locator(`table.sv-tasks tr[data-activity-id="${activity}"]`);
      expect(await task('check').locator('th').textContent()).toBe('Check (v2)');
      expect(await task('check').locator('.sv-status').getAttribute('class')).toContain('sv-status-open');
      expect(await task('review').locator('.sv-status').getAttribute('class')).toContain(
        'sv-status-cancelled',
      );
      expect(await page.locator('tr[data-event-type="instance.migrated"]').count()).toBe(1);
    },
    SLOW,
  );
});

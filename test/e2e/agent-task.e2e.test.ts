import type { Browser, Page } from 'playwright-core';
import { USERS, type TestApp } from '../support/harness.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { startWebApp } from '../support/web-accounts.js';

const PROCEDURE = 'review-request';
const START = {
  requesterName: 'Rosa Díaz',
  requesterEmail: 'rosa@example.org',
  phone: '600 111 222',
  channel: 'phone',
};

/** Browser steps are slower than HTTP ones, on a shared two-core machine even more. */
const SLOW = 60_000;

describe('agent works a task in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
    page = await browser.newPage();
    await loginInBrowser(page, app.app.url, USERS.agentL1.user);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  }, SLOW);

  test(
    'given a ticket for L1, when luis claims its task, submits without a required choice, fixes it and completes, then it leaves his inbox',
    async () => {
      const started = await app.call('agentL1b', 'POST', `/api/procedures/${PROCEDURE}/instances`, START);
      const taskId = started.body.openTaskIds[0] as string;
      const row = `tr[data-task-id="${taskId}"]`;

      await page.goto(`${app.app.url}/inbox`);
      await page.waitForSelector(row);
      expect(await page.textContent(`${row} [data-field="requester"]`)).toContain('Rosa Díaz');

      // The claim redirects to /inbox, where the page already is: wait for the claimed row instead.
      await page.click(`${row} button.claim`);
      await page.waitForSelector(`${row} button.unclaim`);
      expect(await page.textContent(`${row} [data-field="assignee"]`)).toContain('yo');

      await Promise.all([page.waitForURL(/\/tasks\//), page.click(`${row} a.task-link`)]);
      await page.fill('#field-minutesSpent', '20');
      await Promise.all([page.waitForLoadState('domcontentloaded'), page.click('#complete')]);

      await page.waitForSelector('#form-errors');
      const error = await page.textContent('[data-field="priority"] .field-error');
      expect(error).toContain('obligatorio');
      expect(await page.inputValue('#field-minutesSpent')).toBe('20');

      await page.check('#field-priority-0');
      await Promise.all([page.waitForURL(/\/inbox\?done=completed/), page.click('#complete')]);

      expect(await page.textContent('#flash')).toContain(started.body.businessKey);
      expect(await page.$(row)).toBeNull();
    },
    SLOW * 2,
  );
});

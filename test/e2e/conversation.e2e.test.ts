import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { USERS, type TestApp } from '../support/harness.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { startWebApp } from '../support/web-accounts.js';
import { CONVERSATION_FIXTURES, fixture, openTicket } from '../integration/conversation/support.js';

/** Browser steps are slower than HTTP ones, on a shared two-core machine even more. */
const SLOW = 60_000;

describe('agent replies with an attachment from the task page (issue 11)', () => {
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
    'given an L1 task, when luis writes a public reply with a PDF in the conversation panel, then it is listed with its download on the task page',
    async () => {
      const { taskId, instanceId } = await openTicket(app);
      const taskUrl = `${app.app.url}/tasks/${encodeURIComponent(taskId)}`;

      await page.goto(taskUrl);
      await page.waitForSelector('#conversation-panel[data-state="ready"] #conversation-form');
      expect(await page.textContent('#conversation-panel .conversation-empty')).toContain('Todavía no hay');
      await page.check('#conversation-kind-reply');
      await page.fill('#conversation-body', 'Le adjuntamos el reporte de julio.');
      await page.setInputFiles('#conversation-files', path.join(CONVERSATION_FIXTURES, 'report.pdf'));
      await Promise.all([
        page.waitForURL((url) => url.pathname.startsWith('/tasks/') && url.hash === '#conversation-panel'),
        page.click('#conversation-submit'),
      ]);
      await page.waitForSelector('#conversation-panel[data-state="ready"] li[data-kind="reply"]');

      const entry = await page.textContent('#conversation-panel li[data-kind="reply"]');
      expect(entry).toContain('Le adjuntamos el reporte de julio.');
      expect(entry).toContain('Respuesta pública');
      const link = page.locator('#conversation-panel a[data-file-name="report.pdf"]');
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(download.suggestedFilename()).toBe('report.pdf');
      const saved = await download.path();
      const { readFileSync } = await import('node:fs');
      expect(readFileSync(saved).equals(fixture('report.pdf'))).toBe(true);
      const [stored] = await app.app.services.conversations.list(instanceId, 'staff');
      expect(stored).toMatchObject({ kind: 'reply', author: 'luis', via: 'web' });
    },
    SLOW * 2,
  );
});

import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../support/harness.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { Scenario } from '../support/scenario.js';
import { startWebApp } from '../support/web-accounts.js';
import { webLogin } from '../support/web-client.js';

/** Browser steps are slower than HTTP ones, on a shared two-core machine even more. */
const SLOW = 90_000;
const PROCEDURE = 'tuscan-gp-helpdesk';

describe('knowledge base in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startWebApp({ processesDir: 'processes', formsDir: 'forms' });
    const ana = await webLogin(app, 'ana');
    const created = await ana.post('/kb', {
      title: 'Smart card: sblocco del PIN con il PUK',
      body: 'Chiedere il **PUK** alla ASL e sbloccare il PIN.',
      kind: 'solution',
      language: 'it',
      procedureIds: PROCEDURE,
    });
    const id = /^\/kb\/([a-z0-9-]+)\?/.exec(created.location ?? '')?.[1] as string;
    await ana.post(`/kb/${id}/publish`, { baseVersion: '1' });
    browser = await launchBrowser();
    page = await browser.newPage();
    await loginInBrowser(page, app.app.url, 'operatore1');
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  }, SLOW);

  test(
    'given a ticket at the checklist step, when the agent searches the knowledge base from the task page and ticks a checklist, then the completion records the ticks with the agent and the time',
    async () => {
      const s = await Scenario.start(app, PROCEDURE, 'mmgFirst', {
        channel: 'phone',
        requesterName: 'Dott. Paolo Verdi',
        description: 'Il lettore non riconosce la tessera',
        receivedAt: '2026-03-12T09:41',
      });
      await s.complete('task-register-classify', 'mmgFirst', {
        takenInChargeBy: 'operatore1',
        failureType: 'non-blocking',
      });
      const task = await s.task('task-resolve-checklist');

      await page.goto(`${app.app.url}/tasks/${encodeURIComponent(task.id)}`);
      await page.fill('#kbq', 'púk');
      await Promise.all([page.waitForURL(/kbq=/), page.click('#kb-search')]);
      const results = await page.textContent('#kb-search-results');
      expect(results).toContain('Smart card: sblocco del PIN con il PUK');

      await page.check('#kb-tick-smart-card-reader');
      await page.check('#kb-tick-smart-card-pin');
      await page.fill('#field-proceduresStarted', 'Sblocco del PIN con il PUK della ASL');
      await Promise.all([page.waitForURL(/[?&]done=/), page.click('#complete')]);

      const view = await s.view();
      const ticks = view.instance.variables.checklistUsed as {
        itemId: string;
        checkedBy: string;
        checkedAt: string;
      }[];
      expect(ticks.map((t) => [t.itemId, t.checkedBy])).toEqual([
        ['reader', 'operatore1'],
        ['pin', 'operatore1'],
      ]);
      expect(Number.isNaN(Date.parse(ticks[0]!.checkedAt))).toBe(false);
    },
    SLOW,
  );
});

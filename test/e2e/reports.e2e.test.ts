import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { USERS, type TestApp } from '../support/harness.js';
import { launchBrowser, loginInBrowser, watchConsole, type ConsoleWatch } from '../support/browser.js';
import { radiologyTicketPastIdentification } from '../support/radiology-ticket.js';
import { startWebApp } from '../support/web-accounts.js';

/** Browser steps are slower than HTTP ones, on a shared two-core machine even more. */
const SLOW = 60_000;

describe('diagram heatmap in a real browser (radiology-support seed)', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let pageConsole: ConsoleWatch;

  beforeAll(async () => {
    app = await startWebApp({ processesDir: path.resolve('processes'), formsDir: path.resolve('forms') });
    await radiologyTicketPastIdentification(app);
    browser = await launchBrowser();
    page = await browser.newPage();
    pageConsole = watchConsole(page);
    await loginInBrowser(page, app.app.url, USERS.supervisor.user);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  }, SLOW);

  test(
    'given a ticket that passed one step and waits at the next, when the supervisor opens the heatmap, then both steps carry their badges',
    async () => {
      await page.goto(`${app.app.url}/supervisor/reports?kind=week&procedure=radiology-support`);
      await page.click('#rp-heatmap');
      await page.waitForSelector('#heatmap-canvas[data-state="ready"]', { timeout: SLOW });
      const badge = (activity: string) => page.locator(`.rp-heat-badge[data-activity="${activity}"]`);
      expect(await badge('task-identify-requester').getAttribute('data-passed')).toBe('1');
      expect(await badge('task-confirm-user-data').getAttribute('data-waiting')).toBe('1');
      expect(await page.$$('#heatmap-canvas .djs-element.rp-heat-4')).not.toHaveLength(0);
      expect(pageConsole.errors).toEqual([]);
    },
    SLOW,
  );
});

import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { USERS, type TestApp } from '../support/harness.js';
import { launchBrowser, loginInBrowser, watchConsole, type ConsoleWatch } from '../support/browser.js';
import { CITA_START } from '../support/cita-request.js';
import type { Scenario } from '../support/scenario.js';
import { radiologyTicketPastIdentification } from '../support/radiology-ticket.js';
import { startWebApp } from '../support/web-accounts.js';

/** Browser steps are slower than HTTP ones, on a shared two-core machine even more. */
const SLOW = 60_000;

describe('supervisor instance diagram in a real browser (radiology-support seed)', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let ticket: Scenario;
  let cita: string;
  let pageConsole: ConsoleWatch;

  beforeAll(async () => {
    app = await startWebApp({ processesDir: path.resolve('processes'), formsDir: path.resolve('forms') });
    ticket = await radiologyTicketPastIdentification(app);
    const started = await app.call('citaCentral', 'POST', '/api/procedures/cita-report/instances', {
      channel: 'phone',
      ...CITA_START,
    });
    expect(started.status).toBe(201);
    cita = started.body.id;
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
    'given a ticket past its first step, when the supervisor opens it, then the diagram marks the active and completed elements',
    async () => {
      await page.goto(`${app.app.url}/supervisor/instances/${ticket.instanceId}`);
      await page.waitForSelector('#sv-diagram[data-state="ready"]', { timeout: SLOW });

      const marked = async (marker: string) =>
        page.$$eval(`#sv-diagram .${marker}[data-element-id]`, (elements) =>
          elements.map((element) => element.getAttribute('data-element-id')).sort(),
        );
      expect(await marked('hd-active')).toEqual(['task-confirm-user-data']);
      const completed = await marked('hd-completed');
      expect(completed).toEqual(
        expect.arrayContaining(['start-request-received', 'task-identify-requester']),
      );
      expect(completed).not.toContain('task-confirm-user-data');
      expect(await page.$$('#sv-diagram svg [data-element-id="task-attend-request"]')).toHaveLength(1);
      expect(pageConsole.errors).toEqual([]);
    },
    SLOW,
  );

  test(
    'given the page without the drawing, then the tables still show the ticket (no script needed)',
    async () => {
      const rows = (type: string) => page.locator(`#audit ~ table.sv-audit tr[data-event-type="${type}"]`);

      expect(await rows('instance.started').count()).toBe(1);
      expect(await rows('task.completed').count()).toBeGreaterThan(0);
      // Readable labels, not event codes (issue 15).
      expect(await rows('instance.started').locator('.audit-label').textContent()).not.toContain('.');
      expect(await page.textContent('.sv-header')).toContain('radiology-support@1');
    },
    SLOW,
  );

  test(
    'given a cita ticket (a 3,530 px wide procedure), when the supervisor opens it, then a taller canvas shows the current step at a readable zoom, and fit shows the whole drawing',
    async () => {
      await page.goto(`${app.app.url}/supervisor/instances/${cita}`);
      await page.waitForSelector('#sv-diagram[data-state="ready"]', { timeout: SLOW });

      const box = await page.locator('#sv-diagram').boundingBox();
      expect(box!.height).toBeGreaterThanOrEqual(600);
      expect(await page.getAttribute('#sv-diagram', 'data-focus')).toBe('current-step');
      expect(Number(await page.getAttribute('#sv-diagram', 'data-scale'))).toBeGreaterThanOrEqual(0.7);
      const active = page.locator('#sv-diagram .hd-active[data-element-id]').first();
      const step = await active.boundingBox();
      expect(step).not.toBeNull();
      // The current step is on screen, inside the canvas, and drawn large enough to read.
      expect(step!.x).toBeGreaterThanOrEqual(box!.x);
      expect(step!.x + step!.width).toBeLessThanOrEqual(box!.x + box!.width);
      expect(step!.y).toBeGreaterThanOrEqual(box!.y);
      expect(step!.y + step!.height).toBeLessThanOrEqual(box!.y + box!.height);
      expect(step!.width).toBeGreaterThanOrEqual(70);

      await page.click('#sv-diagram button[data-zoom="fit"]');
      const fitted = await page.evaluate(() => {
        const canvas = (globalThis as any).hdInstanceViewer.get('canvas');
        const view = canvas.viewbox();
        return { scale: canvas.zoom(), inner: view.inner, x: view.x, width: view.width };
      });
      expect(fitted.scale).toBeLessThan(0.7);
      expect(fitted.inner.x).toBeGreaterThanOrEqual(fitted.x);
      expect(fitted.inner.x + fitted.inner.width).toBeLessThanOrEqual(fitted.x + fitted.width + 1);
      expect(pageConsole.errors).toEqual([]);
    },
    SLOW,
  );
});

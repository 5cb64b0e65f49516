import path from 'node:path';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { USERS, type TestApp } from '../support/harness.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { Scenario } from '../support/scenario.js';
import { startWebApp } from '../support/web-accounts.js';
import { CITA_REQUEST } from '../support/cita-request.js';

/** Browser steps are slower than HTTP ones, on a shared two-core machine even more. */
const SLOW = 60_000;
const REPORT = path.resolve('test/fixtures/conversation/report.pdf');

describe('an agent attaches the cita report on the step-10 form (issue 11, docs/adr/0032)', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startWebApp({ processesDir: 'processes', formsDir: 'forms' });
    browser = await launchBrowser();
    page = await browser.newPage();
    await loginInBrowser(page, app.app.url, USERS.citaCentral.user);
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  }, SLOW);

  test(
    'given step 10 of a cita ticket, when the central desk submits it without and then with a PDF, then the field is named, the task completes and the report is linked on the next task page',
    async () => {
      const s = await Scenario.start(app, 'cita-report', 'citaCentral', {
        channel: 'phone',
        requesterName: 'Lic. Ana Pérez',
        medicalUnit: 'UMF 21 Iztacalco',
        description: 'Reporte de la agenda de citas, julio',
      });
      await s.complete('task-request-email', 'citaCentral', { emailRequested: true });
      await s.complete('task-receive-email', 'citaCentral', { emailReceivedAt: '2025-07-10T09:15' });
      await s.complete('task-validate-info', 'citaCentral', { ...CITA_REQUEST, infoValid: true });
      await s.complete('task-register-classify', 'citaCentral', {
        category: 'cita-medica-reporte-agenda',
        priority: 'medium',
      });
      await s.complete('task-evaluate-request', 'citaCentral', { canGenerateReport: true });
      const generate = await s.task('task-generate-report');

      await page.goto(`${app.app.url}/tasks/${encodeURIComponent(generate.id)}`);
      await page.fill('#field-reportReference', 'MCS-REP-0099');
      const refused = await Promise.all([
        page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/tasks/')),
        page.click('#complete'),
      ]);
      expect(refused[0].status()).toBe(422);
      await page.waitForSelector('[data-field="reportFile"] .field-error');

      await page.fill('#field-reportReference', 'MCS-REP-0099');
      await page.setInputFiles('#field-reportFile', REPORT);
      await Promise.all([
        page.waitForURL((url) => !url.pathname.endsWith(encodeURIComponent(generate.id))),
        page.click('#complete'),
      ]);

      const [file] = (await s.variables()).reportFile as { id: string; name: string }[];
      expect(file).toMatchObject({
        name: 'report.pdf',
        contentType: 'application/pdf',
        visibility: 'public',
      });
      const next = await s.task('task-document-activities');
      await page.goto(`${app.app.url}/tasks/${encodeURIComponent(next.id)}`);
      const link = page.locator(`#form-files li[data-attachment-id="${file!.id}"] a`);
      expect(await link.textContent()).toBe('report.pdf');
      const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
      expect(readFileSync(await download.path()).equals(readFileSync(REPORT))).toBe(true);
    },
    SLOW * 3,
  );
});

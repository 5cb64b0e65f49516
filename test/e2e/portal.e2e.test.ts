import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, watchConsole, type ConsoleWatch } from '../support/browser.js';
import { FIXTURES, startTestApp, type TestApp } from '../support/harness.js';
import { startSmtpSink, type SmtpSink, mailEnv, mailTo } from '../support/smtp-sink.js';

/** Browser steps are slow on a shared two-core machine. */
const SLOW = 60_000;

describe('public portal in a real browser (docs/adr/0026)', () => {
  let app: TestApp;
  let sink: SmtpSink;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageConsole: ConsoleWatch;

  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startTestApp({
      processesDir: 'processes',
      formsDir: 'forms',
      env: {
        ...mailEnv(sink, 'Mesa de Ayuda <mesa@example.org>'),
      },
    });
    browser = await launchBrowser();
  }, SLOW);
  beforeEach(async () => {
    context = await browser.newContext({ locale: 'es-MX' });
    page = await context.newPage();
    pageConsole = watchConsole(page);
  }, SLOW);
  afterEach(async () => {
    expect(pageConsole.cspRefusals).toEqual([]);
    await context?.close();
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await sink?.stop();
  }, SLOW);

  test(
    'given a unit staff member without an account, when they request a cita report on the portal and follow the mailed link, then they see the ticket number',
    async () => {
      const email = 'laura.mendez@issste.gob.mx';
      await page.goto(`${app.app.url}/portal`);
      await page.click('a[data-procedure-id="cita-report"]');

      await page.fill('#field-requesterName', 'Laura Méndez');
      await page.fill('#field-medicalUnit', 'Clínica Hospital Mérida');
      await page.fill('#field-phone', '+52 999 123 4567');
      await page.fill('#field-consultationDate', '2026-12-03');
      await page.fill('#field-timeSlot', '08:00-14:00');
      await page.fill('#field-clinic', 'Medicina familiar');
      await page.fill('#field-requesterEmail', 'laura@gmail.com');
      await page.click('#portal-submit');
      // The institutional-email rule, with the values kept.
      await page.waitForSelector('#form-errors');
      expect(await page.inputValue('#field-clinic')).toBe('Medicina familiar');
      await page.fill('#field-requesterEmail', email);
      // The evidence goes with the request (a file input is empty again after the refusal).
      await page.setInputFiles('#field-evidenceFiles', path.join(FIXTURES, 'conversation/report.pdf'));
      await page.click('#portal-submit');
      await page.waitForSelector('#portal-sent');
      expect(await page.textContent('#portal-sent')).toContain('l…@issste.gob.mx');

      const mail = await mailTo(sink, email, 15_000);
      const link = /\/portal\/confirm\/[A-Za-z0-9_-]{43}/.exec(mail.body)?.[0];
      expect(link).toBeDefined();
      await page.goto(`${app.app.url}${link}`);
      await page.click('#portal-confirm-button');
      await page.waitForSelector('#portal-ticket-number');

      const number = (await page.textContent('#portal-ticket-number')) ?? '';
      expect(number).toMatch(/^CITA-\d{4}-\d+$/);
      expect(await page.getAttribute('html', 'lang')).toBe('es');
      const list = await app.call('supervisor', 'GET', '/api/instances?procedureId=cita-report');
      const ticket = (list.body as { id: string; businessKey: string }[]).find(
        (t) => t.businessKey === number,
      );
      const detail = await app.call('supervisor', 'GET', `/api/instances/${ticket?.id ?? ''}`);
      expect(detail.body.instance.variables.evidenceFiles).toEqual([
        expect.objectContaining({ name: 'report.pdf', contentType: 'application/pdf' }),
      ]);
    },
    SLOW,
  );
});

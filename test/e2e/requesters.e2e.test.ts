import type { Browser, Page } from 'playwright-core';
import type { TestApp } from '../support/harness.js';
import { launchBrowser, loginInBrowser } from '../support/browser.js';
import { startWebApp } from '../support/web-accounts.js';
import { webLogin } from '../support/web-client.js';

/** Browser steps are slower than HTTP ones, on a shared two-core machine even more. */
const SLOW = 90_000;
const PROCEDURE = 'tuscan-gp-helpdesk';
const CSV = [
  'name,emails,phones,establishment,identifiers,language',
  'Dott. Marco Bianchi,marco.bianchi@example.it,+39 055 123 4567,ASL Toscana Centro,gp=MMG-FI-0421,it',
].join('\n');

describe('requester lookup and screen-pop in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    app = await startWebApp({ processesDir: 'processes', formsDir: 'forms' });
    const sofia = await webLogin(app, 'sofia');
    const imported = await sofia.post('/requesters/import', { csv: CSV });
    expect(imported.text).toContain('data-created="1"');
    browser = await launchBrowser();
    page = await browser.newPage();
    await loginInBrowser(page, app.app.url, 'operatore1');
  }, SLOW);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  }, SLOW);

  test(
    'given a known requester, when the agent looks them up by phone on the start form and confirms, then the requester fields are filled',
    async () => {
      await page.goto(`${app.app.url}/start/${PROCEDURE}`);
      await page.selectOption('#requester-lookup-by', 'phone');
      await page.fill('#requester-lookup-value', '+39 055 123 4567');
      await page.click('#requester-lookup-go');
      await page.click('.requester-confirm');
      await page.waitForSelector('#requester-lookup[data-confirmed]');
      expect(await page.inputValue('#field-requesterName')).toBe('Dott. Marco Bianchi');
      expect(await page.inputValue('#field-requesterEmail')).toBe('marco.bianchi@example.it');
      expect(await page.inputValue('#field-requesterPhone')).toBe('+390551234567');
      expect(await page.inputValue('#field-requesterId')).toBe('MMG-FI-0421');
    },
    SLOW,
  );

  test(
    'given a call from a known number, when the softphone opens /intake, then the agent lands on the start form with the caller identified and channel phone, and the ticket opens with them',
    async () => {
      await page.goto(
        `${app.app.url}/intake?phone=${encodeURIComponent('+390551234567')}&procedure=${PROCEDURE}`,
      );
      await page.waitForSelector('#requester-lookup[data-confirmed]');
      expect(new URL(page.url()).pathname).toBe(`/start/${PROCEDURE}`);
      expect(await page.inputValue('#field-requesterName')).toBe('Dott. Marco Bianchi');
      expect(await page.isChecked('input[name="channel"][value="phone"]')).toBe(true);

      await page.fill('#field-description', 'Il medico non riesce a inviare i certificati');
      await page.fill('#field-receivedAt', '2026-03-12T09:41');
      await Promise.all([page.waitForURL(/\/(tasks|inbox)/), page.click('#start')]);

      const found = await app.call('mmgFirst', 'GET', '/api/requesters/lookup?phone=%2B390551234567');
      expect(found.body.requester.ticketCount).toBe(1);
    },
    SLOW,
  );
});

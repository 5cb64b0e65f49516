import type { Browser, BrowserContext, Page } from 'playwright-core';
import { USERS, type TestApp } from '../support/harness.js';
import { launchBrowser, loginInBrowser, watchConsole, type ConsoleWatch } from '../support/browser.js';
import { startWebApp } from '../support/web-accounts.js';

/** Browser steps are slow on a shared two-core machine. */
const SLOW = 60_000;

/** Each test has its own browser context (cookies) and logs in itself: none relies on another's session. */
describe('web core in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let pageConsole: ConsoleWatch;

  beforeAll(async () => {
    app = await startWebApp();
    browser = await launchBrowser();
  }, SLOW);
  beforeEach(async () => {
    context = await browser.newContext();
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
  }, SLOW);

  test(
    'given an agent, when they log in, then the browser shows the inbox URL with their menu',
    async () => {
      await loginInBrowser(page, app.app.url, USERS.agentL1.user);

      expect(new URL(page.url()).pathname).toBe('/inbox');
      expect(await page.textContent('.user-name')).toBe('Luis');
      expect(await page.getAttribute('a[data-nav="inbox"]', 'href')).toBe('/inbox');
      expect(await page.locator('a[data-nav="users"]').count()).toBe(0);
    },
    SLOW,
  );

  test(
    'given the agent, when they open a supervisor page, then the 403 page is shown in Spanish',
    async () => {
      await loginInBrowser(page, app.app.url, USERS.agentL1.user);

      const response = await page.goto(`${app.app.url}/supervisor/instances`);

      expect(response?.status()).toBe(403);
      expect(await page.getAttribute('.error-page', 'data-status')).toBe('403');
      expect(await page.textContent('h1')).toBe('No permitido');
      expect(await page.textContent('#error-explain')).toBe('Sus roles no permiten esta acción.');
    },
    SLOW,
  );

  test(
    'given the agent, when they press log out, then they are back at the login page',
    async () => {
      await loginInBrowser(page, app.app.url, USERS.agentL1.user);
      expect(new URL(page.url()).pathname).toBe('/inbox');

      await Promise.all([page.waitForURL((url) => url.pathname === '/login'), page.click('#logout')]);

      await page.goto(`${app.app.url}/inbox`);
      expect(new URL(page.url()).pathname).toBe('/login');
    },
    SLOW,
  );
});

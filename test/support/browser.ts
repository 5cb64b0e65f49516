import { chromium, type Browser, type Page } from 'playwright-core';
import { webPassword } from './web-accounts.js';

/** Headless Chromium (the Debian package, or CHROMIUM_PATH). */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** Logs a seeded user in through the login form and waits to leave the login page. */
export async function loginInBrowser(page: Page, baseUrl: string, username: string): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.fill('#username', username);
  await page.fill('#password', webPassword(username));
  await Promise.all([
    page.waitForURL((url) => url.pathname !== '/login', { timeout: 30_000 }),
    page.click('#login-form button[type="submit"]'),
  ]);
}

/** What a page's console said that a test asserts on (filled as the page runs). */
export interface ConsoleWatch {
  /** Every `console.error` message. */
  readonly errors: string[];
  /** Messages of resources or scripts the Content Security Policy refused. */
  readonly cspRefusals: string[];
}

/** Starts collecting the page's console errors and CSP refusals. */
export function watchConsole(page: Page): ConsoleWatch {
  const watch: ConsoleWatch = { errors: [], cspRefusals: [] };
  page.on('console', (message) => {
    if (message.type() === 'error') watch.errors.push(message.text());
    if (/Content.Security.Policy/i.test(message.text())) watch.cspRefusals.push(message.text());
  });
  return watch;
}

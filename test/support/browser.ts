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

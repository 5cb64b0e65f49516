import type { TestApp } from '../../support/harness.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin } from '../../support/web-client.js';

const MINUTE = 60_000;

/** A clock the test moves by hand. */
class ManualClock {
  private offsetMs = 0;
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

describe('web core: session lifetimes (30 min idle, 12 h absolute)', () => {
  let app: TestApp;
  const clock = new ManualClock();

  beforeAll(async () => {
    app = await startWebApp({ clock });
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given a session idle for 31 minutes, when a page is opened, then the user must log in again', async () => {
    const client = await webLogin(app, 'luis');
    clock.advance(31 * MINUTE);

    const page = await client.get('/account');

    expect(page.status).toBe(303);
    expect(page.location).toBe('/login?next=%2Faccount');
  });

  test('given a session used every 20 minutes, then it lives on, until 12 hours after login', async () => {
    const client = await webLogin(app, 'marta');
    const statuses: number[] = [];
    for (let step = 0; step < 35; step++) {
      clock.advance(20 * MINUTE);
      statuses.push((await client.get('/account')).status);
    }

    expect(statuses.slice(0, 35).filter((s) => s === 200)).toHaveLength(35);
    clock.advance(20 * MINUTE);
    expect((await client.get('/account')).status).toBe(303);
  });

  test('given expired sessions, when the cleanup runs, then they are deleted', async () => {
    await webLogin(app, 'lucia');
    clock.advance(13 * 60 * MINUTE);

    const deleted = await app.app.services.sessions.cleanup();

    expect(deleted).toBeGreaterThanOrEqual(1);
  });

  test('given a user logged in, when an admin disables the account, then their next request is logged out', async () => {
    const client = await webLogin(app, 'mesa');
    const admin = await webLogin(app, 'root');

    const disabled = await admin.post('/admin/users/mesa/disable', {});
    const page = await client.get('/account');

    expect(disabled.status).toBe(303);
    expect(page.status).toBe(303);
  });
});

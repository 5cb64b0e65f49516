import type { TestApp } from '../../support/harness.js';
import { ManualClock } from '../../support/manual-clock.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin } from '../../support/web-client.js';

const MINUTE = 60_000;
const LOGIN_AGAIN = '/login?next=%2Faccount';

/**
 * Each test gets its own app, database and clock: no test sees the sessions or the time
 * another one left behind.
 */
describe('web core: session lifetimes (30 min idle, 12 h absolute)', () => {
  let app: TestApp;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(new Date());
    app = await startWebApp({ clock });
  });
  afterEach(async () => {
    await app.stop();
  });

  test('given a session idle for 31 minutes, when a page is opened, then the user must log in again', async () => {
    const client = await webLogin(app, 'luis');
    clock.advance(31 * MINUTE);

    const page = await client.get('/account');

    expect(page.status).toBe(303);
    expect(page.location).toBe(LOGIN_AGAIN);
  });

  test('given a session used every 20 minutes, then it lives on, until 12 hours after login', async () => {
    const client = await webLogin(app, 'marta');
    const statuses: number[] = [];
    for (let step = 0; step < 35; step++) {
      clock.advance(20 * MINUTE);
      statuses.push((await client.get('/account')).status);
    }

    expect(statuses).toEqual(Array.from({ length: 35 }, () => 200)); // 11 h 40 min
    clock.advance(21 * MINUTE); // 12 h 1 min after login
    const expired = await client.get('/account');
    expect(expired.status).toBe(303);
    expect(expired.location).toBe(LOGIN_AGAIN);
  });

  test('given one expired session and one live one, when the cleanup runs, then exactly the expired one is deleted', async () => {
    const old = await webLogin(app, 'lucia');
    clock.advance(13 * 60 * MINUTE);
    const live = await webLogin(app, 'tecnico');

    const deleted = await app.app.services.sessions.cleanup();

    expect(deleted).toBe(1);
    expect((await live.get('/account')).status).toBe(200);
    const gone = await old.get('/account');
    expect(gone.status).toBe(303);
    expect(gone.location).toBe(LOGIN_AGAIN);
  });

  test('given a user logged in, when an admin disables the account, then their next request is logged out', async () => {
    const client = await webLogin(app, 'mesa');
    const admin = await webLogin(app, 'root');

    const disabled = await admin.post('/admin/users/mesa/disable', {});
    const page = await client.get('/account');

    expect(disabled.status).toBe(303);
    expect(disabled.location).toBe('/admin/users/mesa?saved=disabled');
    expect(page.status).toBe(303);
    expect(page.location).toBe(LOGIN_AGAIN);
  });
});

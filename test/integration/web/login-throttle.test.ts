import { randomUUID } from 'node:crypto';
import { loadConfig } from '../../../src/config.js';
import { startTestApp, type TestApp } from '../../support/harness.js';
import { ManualClock } from '../../support/manual-clock.js';
import { startWebApp, webPassword } from '../../support/web-accounts.js';

/** Small limits so each rule is reached in a few requests: 3 per address+user, 5 per user, 8 per address. */
const LIMITS = {
  HELPDESK_LOGIN_MAX_FAILURES: '3',
  HELPDESK_LOGIN_USER_MAX_FAILURES: '5',
  HELPDESK_LOGIN_IP_MAX_FAILURES: '8',
};
const TOKEN = 'login-throttle-test-csrf-token';

/** One login attempt, optionally through a proxy that says the client is `from`. */
async function attempt(app: TestApp, username: string, password: string, from?: string) {
  const response = await fetch(`${app.app.url}/login`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'accept-language': 'es',
      cookie: `hd_login_csrf=${TOKEN}`,
      ...(from ? { 'x-forwarded-for': from } : {}),
    },
    body: new URLSearchParams({ username, password, _csrf: TOKEN }),
    redirect: 'manual',
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    location: response.headers.get('location'),
    text: await response.text(),
  };
}

const fail = (app: TestApp, username: string, from?: string) =>
  attempt(app, username, 'wrong-password', from);
const login = (app: TestApp, username: string, from?: string) =>
  attempt(app, username, webPassword(username), from);

describe('login throttle: per address+user, per user across addresses, per address across users', () => {
  const dbName = `t_throttle_${randomUUID().slice(0, 8)}`;
  // 10:05 in a 15-minute window that started at 10:00: a refused login waits 600 s.
  const clock = new ManualClock(new Date('2026-03-02T10:05:00.000Z'));
  let behindProxy: TestApp;
  let direct: TestApp;

  beforeAll(async () => {
    behindProxy = await startWebApp({ dbName, clock, env: { ...LIMITS, HELPDESK_TRUST_PROXY: 'loopback' } });
    // A second app process on the same database, not trusting any proxy (the default).
    direct = await startTestApp({ dbName, clock, env: LIMITS });
  }, 60_000);
  afterAll(async () => {
    await direct?.stop();
    await behindProxy?.stop();
  });

  test('given failures for one user from five addresses, when a sixth address tries, then 429 with Retry-After even with the right password; another user logs in from there', async () => {
    const failures = [];
    for (let n = 1; n <= 5; n++) failures.push((await fail(behindProxy, 'lucia', `203.0.113.${n}`)).status);

    const blocked = await login(behindProxy, 'lucia', '203.0.113.6');
    const other = await login(behindProxy, 'marta', '203.0.113.6');

    expect(failures).toEqual([401, 401, 401, 401, 401]);
    expect(blocked.status).toBe(429);
    expect(blocked.retryAfter).toBe('600');
    expect(blocked.text).toContain('Demasiados intentos');
    expect(blocked.text).toContain('try again in 10 minutes');
    expect(other.status).toBe(303);
    expect(other.location).toBe('/inbox');
  });

  test('given failures over eight usernames from one address, then a ninth login from it is refused even for a right password; other addresses log in', async () => {
    const failures = [];
    for (let n = 0; n < 8; n++)
      failures.push((await fail(behindProxy, `sprayed-${n}`, '198.51.100.7')).status);

    const blocked = await login(behindProxy, 'luis', '198.51.100.7');
    const elsewhere = await login(behindProxy, 'luis', '198.51.100.8');

    expect(failures).toEqual(Array(8).fill(401));
    expect(blocked.status).toBe(429);
    expect(blocked.retryAfter).toBe('600');
    expect(elsewhere.status).toBe(303);
    expect(elsewhere.location).toBe('/inbox');
  });

  test('given a successful login between failures from one address, then it does not reset that address count', async () => {
    for (let n = 0; n < 7; n++) await fail(behindProxy, `spray-b-${n}`, '198.51.100.20');
    const success = await login(behindProxy, 'sofia', '198.51.100.20');
    const eighth = await fail(behindProxy, 'spray-b-7', '198.51.100.20');

    const afterwards = await login(behindProxy, 'sofia', '198.51.100.20');

    expect(success.status).toBe(303);
    expect(success.location).toBe('/supervisor/instances');
    expect(eighth.status).toBe(401);
    expect(afterwards.status).toBe(429);
  });

  test('given a known and an unknown username both over the limit, then both get the same 429 page (no enumeration)', async () => {
    for (let n = 0; n < 3; n++) {
      await fail(behindProxy, 'ana', '198.51.100.30');
      await fail(behindProxy, 'nobody-at-all', '198.51.100.30');
    }

    const known = await login(behindProxy, 'ana', '198.51.100.30');
    const unknown = await attempt(behindProxy, 'nobody-at-all', webPassword('ana'), '198.51.100.30');

    expect(known.status).toBe(429);
    expect(unknown.status).toBe(429);
    expect(unknown.retryAfter).toBe(known.retryAfter);
    expect(unknown.text).toBe(known.text);
  });

  test('given failures for one user and address on two app processes, then they add up (the counters are in the database)', async () => {
    await fail(behindProxy, 'tecnico');
    await fail(behindProxy, 'tecnico');
    await fail(direct, 'tecnico');

    const blocked = await login(behindProxy, 'tecnico');
    const elsewhere = await login(behindProxy, 'tecnico', '192.0.2.9');

    expect(blocked.status).toBe(429);
    expect(elsewhere.status).toBe(303);
    expect(elsewhere.location).toBe('/inbox');
  });

  test('given no trusted proxy, then X-Forwarded-For is ignored: changing it does not escape the address+user limit', async () => {
    const failures = [];
    for (let n = 1; n <= 3; n++)
      failures.push((await fail(direct, 'radiologo', `203.0.113.${50 + n}`)).status);

    const spoofed = await login(direct, 'radiologo', '203.0.113.99');

    expect(failures).toEqual([401, 401, 401]);
    expect(spoofed.status).toBe(429);
  });

  test('given many parallel wrong passwords for one user from one address, then never more than the limit are checked', async () => {
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => fail(behindProxy, 'especialista', '198.51.100.40')),
    );
    const checked = answers.filter((answer) => answer.status === 401).length;
    const refused = answers.filter((answer) => answer.status === 429).length;

    expect(checked).toBeGreaterThanOrEqual(1);
    expect(checked).toBeLessThanOrEqual(3);
    expect(checked + refused).toBe(12);
  });

  test('given a refused user, when the window is over, then the right password works again', async () => {
    expect((await login(behindProxy, 'lucia', '203.0.113.7')).status).toBe(429);

    clock.set('2026-03-02T10:15:00.000Z');
    const later = await login(behindProxy, 'lucia', '203.0.113.7');

    expect(later.status).toBe(303);
    expect(later.location).toBe('/inbox');
  });
});

describe('login throttle and proxy settings', () => {
  test('given HELPDESK_TRUST_PROXY, then unset/false trust nobody, hops and address lists pass, true and junk are refused', () => {
    const trust = (value?: string) =>
      loadConfig(value === undefined ? {} : { HELPDESK_TRUST_PROXY: value }).trustProxy;

    expect(trust()).toBe(false);
    expect(trust('false')).toBe(false);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, loopback, ::1, fd00::/8')).toEqual([
      '10.0.0.0/8',
      'loopback',
      '::1',
      'fd00::/8',
    ]);
    expect(() => trust('true')).toThrow('HELPDESK_TRUST_PROXY=true would trust any X-Forwarded-For');
    expect(() => trust('10.0.0.0/33')).toThrow('HELPDESK_TRUST_PROXY entry "10.0.0.0/33" is not an address');
    expect(() => trust('proxy.example.org')).toThrow('is not an address');
  });

  test('given no login settings, then 10 per address+user, 20 per user, 50 per address, each per 15 minutes', () => {
    const { loginThrottle } = loadConfig({});

    expect(loginThrottle).toEqual({
      perAddressAndUser: { maxFailures: 10, windowMs: 900_000 },
      perUser: { maxFailures: 20, windowMs: 900_000 },
      perAddress: { maxFailures: 50, windowMs: 900_000 },
    });
    expect(loadConfig({ HELPDESK_LOGIN_IP_WINDOW_MINUTES: '60' }).loginThrottle.perAddress.windowMs).toBe(
      3_600_000,
    );
    expect(() => loadConfig({ HELPDESK_LOGIN_USER_WINDOW_MINUTES: '0' })).toThrow(
      'HELPDESK_LOGIN_USER_WINDOW_MINUTES must be at least 1',
    );
  });
});

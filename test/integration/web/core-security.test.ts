import type { TestApp } from '../../support/harness.js';
import { startWebApp, webPassword } from '../../support/web-accounts.js';
import { webClient, webLogin } from '../../support/web-client.js';

describe('web core: CSRF, login rate limiting, security headers, error pages', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startWebApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given a logged-in user, when a form is posted without or with a wrong CSRF token, then 403 and nothing changes', async () => {
    const client = await webLogin(app, 'luis');

    const missing = await client.post('/account', { language: 'en' }, { csrf: false });
    const wrong = await client.post('/account', { language: 'en', _csrf: 'forged-token' });
    const page = await client.get('/account');

    expect(missing.status).toBe(403);
    expect(missing.text).toContain('data-code="CSRF_INVALID"');
    expect(wrong.status).toBe(403);
    expect(page.text).toContain('<html lang="es">');
  });

  test('given the session token in the x-csrf-token header, when a fetch-style request is sent, then it passes', async () => {
    const client = await webLogin(app, 'luis');
    const token = await client.csrfToken();

    const response = await fetch(`${app.app.url}/account`, {
      method: 'POST',
      headers: {
        cookie: client.cookieHeader(),
        'x-csrf-token': token,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'language=es',
      redirect: 'manual',
    });

    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account');
  });

  test("given another session's token, when it is sent, then it is refused (tokens are per session)", async () => {
    const luis = await webLogin(app, 'luis');
    const marta = await webLogin(app, 'marta');

    const crossed = await luis.post('/account', { language: 'it', _csrf: await marta.csrfToken() });

    expect(crossed.status).toBe(403);
  });

  test('given the login form, when it is posted without its CSRF cookie token, then 403 and no session', async () => {
    const client = webClient(app);
    await client.get('/login');

    const answer = await client.post('/login', {
      username: 'luis',
      password: webPassword('luis'),
      _csrf: 'x',
    });

    expect(answer.status).toBe(403);
    expect(client.cookieHeader()).not.toContain('hd_session');
  });

  test('given ten failed logins for one user, when the eleventh comes, then 429 even with the right password; other users still log in', async () => {
    const client = webClient(app);
    await client.get('/login');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 10; attempt++)
      statuses.push(
        (await client.post('/login', { username: 'lucia', password: `wrong-${attempt}` })).status,
      );

    const blocked = await client.post('/login', { username: 'lucia', password: webPassword('lucia') });
    const raw = await fetch(`${app.app.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: 'hd_login_csrf=raw-token' },
      body: new URLSearchParams({ username: 'LUCIA', password: webPassword('lucia'), _csrf: 'raw-token' }),
      redirect: 'manual',
    });
    const other = await client.post('/login', { username: 'marta', password: webPassword('marta') });

    expect(statuses).toEqual(Array(10).fill(401));
    expect(blocked.status).toBe(429);
    expect(blocked.text).toContain('Demasiados intentos');
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(raw.headers.get('retry-after'))).toBeLessThanOrEqual(900);
    expect(other.status).toBe(303);
    expect(other.location).toBe('/inbox');
  });

  test('given any web page, then the security headers are set: strict CSP, no sniffing, no framing', async () => {
    const response = await fetch(`${app.app.url}/login`);
    const csp = response.headers.get('content-security-policy') ?? '';

    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("img-src 'self' data:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('x-powered-by')).toBeNull();
  });

  test('given the shared assets, then app.css and bpmn-js are served without a session; unknown assets are 404', async () => {
    const css = await fetch(`${app.app.url}/assets/css/app.css`);
    const viewer = await fetch(`${app.app.url}/assets/bpmn-js/bpmn-navigated-viewer.production.min.js`);
    const missing = await fetch(`${app.app.url}/assets/js/nothing-here.js`, { redirect: 'manual' });

    expect(css.status).toBe(200);
    expect(css.headers.get('content-type')).toContain('text/css');
    expect(viewer.status).toBe(200);
    expect(missing.status).toBe(404);
  });

  test('given a logged-in user, when an unknown page is opened, then the HTML 404 page; the API keeps JSON 404s', async () => {
    const client = await webLogin(app, 'luis');

    const page = await client.get('/no/such/page');
    const api = await app.call('agentL1', 'GET', '/api/no-such-thing');

    expect(page.status).toBe(404);
    expect(page.text).toContain('No encontrado');
    expect(api.status).toBe(404);
    expect(api.body.error.code).toBe('NOT_FOUND');
    expect(api.body.error.message).toBe('no route for GET /api/no-such-thing');
  });

  test('given an agent, when they open or post to the admin pages, then 403 and no account is created', async () => {
    const agent = await webLogin(app, 'luis');

    const list = await agent.get('/admin/users');
    const create = await agent.post('/admin/users', {
      username: 'intruder',
      password: 'intruder-pass-1',
      roles: 'admin',
      language: 'es',
    });
    const admin = await webLogin(app, 'root');
    const users = await admin.get('/admin/users');

    expect(list.status).toBe(403);
    expect(list.text).toContain('No permitido');
    expect(create.status).toBe(403);
    expect(users.text).not.toContain('data-user="intruder"');
  });

  test('given an anonymous POST, then 401 page, not a redirect that would lose the form', async () => {
    const anonymous = webClient(app);

    const answer = await anonymous.post('/account', { language: 'en' }, { csrf: false });

    expect(answer.status).toBe(401);
  });
});

import { USERS, type TestApp } from '../../support/harness.js';
import { startWebApp, webPassword } from '../../support/web-accounts.js';
import { webClient, webLogin } from '../../support/web-client.js';

describe('web core: logging in and out', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startWebApp();
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given no session, when a page is opened, then the browser is sent to the login page with the way back', async () => {
    const anonymous = webClient(app);

    const page = await anonymous.get('/inbox?status=open');

    expect(page.status).toBe(303);
    expect(page.location).toBe('/login?next=%2Finbox%3Fstatus%3Dopen');
  });

  test('given the login page, then it has a labelled form with a CSRF token and sets only HttpOnly cookies', async () => {
    const response = await fetch(`${app.app.url}/login`, { headers: { 'accept-language': 'it' } });
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain('<label for="username">Nome utente</label>');
    expect(html).toMatch(/name="_csrf" value="[\w-]{20,}"/);
    const cookie = response.headers.getSetCookie().join('\n');
    expect(cookie).toMatch(/hd_login_csrf=.*HttpOnly.*SameSite=Lax/);
  });

  test('given an agent, when they log in, then they land on the inbox with a fresh HttpOnly session cookie', async () => {
    const client = webClient(app);
    await client.get('/login');

    const answer = await client.post('/login', { username: 'luis', password: webPassword('luis') });

    expect(answer.status).toBe(303);
    expect(answer.location).toBe('/inbox');
    expect(client.cookieHeader()).toMatch(/hd_session=[\w-]{40,}/);
    const account = await client.get('/account');
    expect(account.status).toBe(200);
    expect(account.text).toContain('data-user="luis"');
    expect(account.text).toContain('<html lang="es">');
  });

  test.each([
    ['supervisor', USERS.supervisor.user, '/supervisor/instances'],
    ['analyst', USERS.analyst.user, '/analyst/procedures'],
    ['admin', USERS.admin.user, '/admin/users'],
  ])('given a %s, when they log in, then they land on their home page', async (_role, username, home) => {
    const client = webClient(app);
    await client.get('/login');

    const answer = await client.post('/login', { username, password: webPassword(username) });

    expect(answer.location).toBe(home);
  });

  test('given a same-origin next path, when the user logs in, then they go there; an outside one is ignored', async () => {
    const client = webClient(app);
    await client.get('/login?next=%2Faccount');

    const inside = await client.post('/login', {
      username: 'luis',
      password: webPassword('luis'),
      next: '/account',
    });
    await client.get('/login');
    const outside = await client.post('/login', {
      username: 'luis',
      password: webPassword('luis'),
      next: '//evil.example/phish',
    });

    expect(inside.location).toBe('/account');
    expect(outside.location).toBe('/inbox');
  });

  test('given a wrong password or an unknown user, then both get the same 401 message and no session', async () => {
    const client = webClient(app);
    await client.get('/login');

    const wrong = await client.post('/login', { username: 'luis', password: 'not-the-password' });
    const unknown = await client.post('/login', { username: 'nobody', password: 'not-the-password' });

    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (html: string) => /id="login-error">([^<]*)</.exec(html)?.[1];
    expect(message(wrong.text)).toBe('Usuario o contraseña incorrectos.');
    expect(message(unknown.text)).toBe(message(wrong.text));
    expect(client.cookieHeader()).not.toContain('hd_session');
  });

  test('given a logged-in user, when they log out, then the old session cookie no longer opens pages', async () => {
    const client = await webLogin(app, 'marta');
    const stolenCookie = client.cookieHeader();

    const out = await client.post('/logout', {});
    const replay = await fetch(`${app.app.url}/account`, {
      headers: { cookie: stolenCookie },
      redirect: 'manual',
    });

    expect(out.status).toBe(303);
    expect(out.location).toBe('/login');
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/login?next=%2Faccount');
  });

  test('given a session cookie from before login, when the user logs in, then a new session replaces it', async () => {
    const client = await webLogin(app, 'lucia');
    const before = client.cookieHeader();
    await client.get('/login');

    await client.post('/login', { username: 'lucia', password: webPassword('lucia') });
    const replay = await fetch(`${app.app.url}/account`, { headers: { cookie: before }, redirect: 'manual' });

    expect(client.cookieHeader()).not.toBe(before);
    expect(replay.status).toBe(303);
    expect(replay.headers.get('location')).toBe('/login?next=%2Faccount'); // the old session is gone
  });

  test('given a user, when they switch the language, then the pages speak it', async () => {
    const client = await webLogin(app, 'mesa');

    const answer = await client.post('/account', { language: 'it', next: '/account' });
    const page = await client.get('/account');

    expect(answer.location).toBe('/account');
    expect(page.text).toContain('<html lang="it">');
    expect(page.text).toContain('Il mio account');
  });
});

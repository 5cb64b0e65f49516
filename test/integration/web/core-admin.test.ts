import type { TestApp } from '../../support/harness.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webClient, webLogin, type WebClient } from '../../support/web-client.js';

/** Logs in with a password through the form; returns the answer and the client. */
async function login(app: TestApp, username: string, password: string) {
  const client = webClient(app);
  await client.get('/login');
  const answer = await client.post('/login', { username, password });
  client.forgetToken();
  return { answer, client };
}

/** The shown (translated) text of a field's error. */
const fieldError = (html: string, id: string) => new RegExp(`id="${id}-error"[^>]*>([^<]*)<`).exec(html)?.[1];
/** The service's own message behind a field's error. */
const fieldMessage = (html: string, id: string) =>
  new RegExp(`id="${id}-error" data-message="([^"]*)"`)
    .exec(html)?.[1]
    ?.replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>');

describe('web core: admin user pages', () => {
  let app: TestApp;
  let admin: WebClient;

  beforeAll(async () => {
    app = await startWebApp();
    admin = await webLogin(app, 'root');
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given the admin, when they create an agent, then it is listed and the agent can log in to the inbox', async () => {
    const created = await admin.post('/admin/users', {
      username: 'Nuria',
      password: 'nuria-secret-42',
      displayName: 'Nuria Gil',
      email: 'nuria@example.org',
      roles: ['agent'],
      groups: 'l1, central-desk',
      language: 'it',
    });
    const list = await admin.get('/admin/users');
    const { answer } = await login(app, 'nuria', 'nuria-secret-42');

    expect(created.status).toBe(303);
    expect(created.location).toBe('/admin/users/nuria?saved=created');
    const row = /<tr data-user="nuria">([\s\S]*?)<\/tr>/.exec(list.text)?.[1] ?? '';
    expect(row).toContain('Nuria Gil');
    expect(row).toContain('<code>l1</code>, <code>central-desk</code>');
    expect(answer.location).toBe('/inbox');
  });

  test('given bad values, when the admin creates a user, then 422 shows every field error and keeps the values (not the password)', async () => {
    const answer = await admin.post('/admin/users', {
      username: 'x',
      password: 'short',
      displayName: 'Kept Name',
      email: 'not-an-email',
      groups: 'ok-group',
      language: 'es',
    });

    expect(answer.status).toBe(422);
    expect(fieldMessage(answer.text, 'user-username')).toMatch(/^username <x> must be/);
    expect(fieldError(answer.text, 'user-password')).toBe('La contraseña necesita al menos 10 caracteres.');
    expect(fieldMessage(answer.text, 'user-password')).toBe('password must have at least 10 characters');
    expect(fieldError(answer.text, 'user-roles')).toBe('Elija al menos un rol.');
    expect(fieldMessage(answer.text, 'user-email')).toBe('email <not-an-email> is not an address');
    expect(answer.text).toContain('value="Kept Name"');
    expect(answer.text).toContain('value="ok-group"');
    expect(answer.text).not.toContain('value="short"');
  });

  test('given a common password, when the admin creates a user, then 422 on the password field with the strength advice', async () => {
    const answer = await admin.post('/admin/users', {
      username: 'weakling',
      password: 'aaaaaaaaaa',
      roles: 'agent',
      language: 'es',
    });

    expect(answer.status).toBe(422);
    expect(fieldError(answer.text, 'user-password')).toBe(
      'La contraseña es demasiado fácil de adivinar (contraseña común, patrón o su propio nombre). Use una frase de varias palabras poco comunes.',
    );
    expect(fieldMessage(answer.text, 'user-password')).toMatch(
      /^password is too easy to guess \(strength 0 of 4, at least 3 needed\): Repeated characters like &quot;aaa&quot; are easy to guess\./,
    );
    expect(answer.text).not.toContain('data-user="weakling"');
  });

  test("given a password built on the user's own name or over 72 bytes, when the admin resets it, then 422 with the policy message", async () => {
    const own = await admin.post('/admin/users/servicio/password', { password: 'Servicio-2024' });
    const long = await admin.post('/admin/users/servicio/password', { password: `${'ñ'.repeat(36)}x` });
    const stillOld = await login(app, 'servicio', 'servicio-Passw0rd!');

    expect(own.status).toBe(422);
    expect(fieldError(own.text, 'reset-password')).toMatch(/^La contraseña es demasiado fácil de adivinar/);
    expect(long.status).toBe(422);
    expect(fieldError(long.text, 'reset-password')).toBe(
      'La contraseña no puede superar los 72 bytes (unos 72 caracteres sin acentos).',
    );
    expect(stillOld.answer.status).toBe(303);
    expect(stillOld.answer.location).toBe('/inbox');
  });

  test('given an existing username in other case, when the admin creates it again, then 409 on the username field', async () => {
    const answer = await admin.post('/admin/users', {
      username: 'LUIS',
      password: 'another-pass-123',
      roles: 'agent',
      language: 'es',
    });

    expect(answer.status).toBe(409);
    expect(fieldError(answer.text, 'user-username')).toBe('Este nombre de usuario ya existe.');
    expect(fieldMessage(answer.text, 'user-username')).toBe('account <luis> already exists');
  });

  test('given an agent, when the admin gives them the supervisor role and Italian, then their next page shows both', async () => {
    const agent = await webLogin(app, 'operatore1');

    const saved = await admin.post('/admin/users/operatore1', {
      roles: ['agent', 'supervisor'],
      groups: 'first-level',
      language: 'it',
      displayName: 'Operatore Uno',
    });
    const page = await agent.get('/account');

    expect(saved.location).toBe('/admin/users/operatore1?saved=profile');
    expect(page.text).toContain('<html lang="it">');
    expect(page.text).toContain('data-nav="instances"');
    expect(page.text).toContain('Operatore Uno');
  });

  test('given a user, when the admin resets the password, then the old sessions and password stop working and the new one works', async () => {
    const user = await webLogin(app, 'servicio');

    const reset = await admin.post('/admin/users/servicio/password', { password: 'brand-new-pass-1' });
    const old = await user.get('/account');
    const withOld = await login(app, 'servicio', 'servicio-Passw0rd!');
    const withNew = await login(app, 'servicio', 'brand-new-pass-1');

    expect(reset.location).toBe('/admin/users/servicio?saved=password');
    expect(old.status).toBe(303);
    expect(old.location).toBe('/login?next=%2Faccount');
    expect(withOld.answer.status).toBe(401);
    expect(withNew.answer.status).toBe(303);
    expect(withNew.answer.location).toBe('/inbox');
  });

  test('given a too short new password, when the admin resets it, then 422 with the policy message', async () => {
    const answer = await admin.post('/admin/users/servicio/password', { password: 'abc' });

    expect(answer.status).toBe(422);
    expect(fieldError(answer.text, 'reset-password')).toBe('La contraseña necesita al menos 10 caracteres.');
  });

  test('given a disabled account, then it cannot log in; enabled again, it can', async () => {
    await admin.post('/admin/users/plataforma/disable', {});
    const whileDisabled = await login(app, 'plataforma', 'plataforma-Passw0rd!');
    await admin.post('/admin/users/plataforma/enable', {});
    const afterEnable = await login(app, 'plataforma', 'plataforma-Passw0rd!');

    expect(whileDisabled.answer.status).toBe(401);
    expect(afterEnable.answer.status).toBe(303);
    expect(afterEnable.answer.location).toBe('/inbox');
  });

  test('given the admin, when they try to disable themselves or drop their admin role, then it is refused', async () => {
    const disable = await admin.post('/admin/users/root/disable', {});
    const demote = await admin.post('/admin/users/root', { roles: 'agent', language: 'es' });

    expect(disable.status).toBe(422);
    expect(demote.status).toBe(422);
    expect(fieldMessage(demote.text, 'user-roles')).toBe(
      'you cannot remove the admin role from your own account',
    );
  });

  test('given an unknown user id, then the 404 page names it', async () => {
    const page = await admin.get('/admin/users/ghost');

    expect(page.status).toBe(404);
    expect(page.text).toContain('account &lt;ghost&gt; not found');
  });
});

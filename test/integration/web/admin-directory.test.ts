import { warnPlaceholderContacts } from '../../../src/app/directory-service.js';
import { resolveRecipients } from '../../../src/app/recipient-resolver.js';
import { isAllowedRecipient } from '../../../src/domain/mail-policy.js';
import type { TestApp } from '../../support/harness.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin, type WebClient } from '../../support/web-client.js';

/**
 * `/admin/directory` (docs/adr/0021-seed-fidelity.md): the admin lists and edits the escalation
 * contacts; edits are validated, audited on the group, and used by recipient resolution at once.
 */
const GROUP = 'cita-mcs-level-1';

describe('admin directory of escalation contacts', () => {
  let app: TestApp;
  let admin: WebClient;

  beforeAll(async () => {
    app = await startWebApp({ processesDir: 'processes', formsDir: 'forms' });
    admin = await webLogin(app, 'root');
  });
  afterAll(async () => {
    await app.stop();
  });

  test('given the admin, when they open the directory, then every seeded group is listed with its addresses', async () => {
    const page = await admin.get('/admin/directory');
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-nav="directory"');
    const row = page.text.slice(page.text.indexOf(`data-group="${GROUP}"`));
    expect(row.slice(0, row.indexOf('</tr>'))).toContain('supervision.mesa.central@example.org');
    for (const group of ['vendor-carestream', 'second-level-estar', 'cita-issste-level-2'])
      expect(page.text).toContain(`data-group="${group}"`);
  });

  test('given bad addresses, when saved, then 422 lists each one and nothing changes', async () => {
    const form = await admin.get(`/admin/directory/${GROUP}`);
    const version = /name="version" value="(\d+)"/.exec(form.text)?.[1] ?? '';
    const answer = await admin.post(`/admin/directory/${GROUP}`, {
      version,
      addresses: 'ok@example.org\nnot-an-address\nalso@bad',
    });
    expect(answer.status).toBe(422);
    expect(answer.text).toContain('&quot;not-an-address&quot; is not an email address');
    expect(answer.text).toContain('&quot;also@bad&quot; is not an email address');
    expect(answer.text).toContain('not-an-address'); // what was typed is shown again
    expect(await app.app.services.directory.addressesOf(GROUP)).toEqual([
      'supervision.mesa.central@example.org',
    ]);
  });

  test('given new addresses, when the admin saves them, then the change is audited and mail to the group goes to them at once', async () => {
    const { directory } = app.app.services;
    expect(await directory.addressesOf(GROUP)).toEqual(['supervision.mesa.central@example.org']); // cached now
    const form = await admin.get(`/admin/directory/${GROUP}`);
    const version = /name="version" value="(\d+)"/.exec(form.text)?.[1] ?? '';

    const saved = await admin.post(`/admin/directory/${GROUP}`, {
      version,
      addresses: ' Jefa.Turno@Example.org ; supervisor.noche@example.org\nJefa.turno@example.org ',
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/admin/directory/${GROUP}?saved=1`);

    const page = await admin.get(saved.location as string);
    expect(page.text).toContain('data-saved="addresses"');
    const history = page.text.slice(page.text.indexOf('id="group-history"'));
    expect(history).toContain('<td data-field="actor">root</td>');
    expect(history).toContain('jefa.turno@example.org, supervisor.noche@example.org');

    const recipients = await resolveRecipients(GROUP, {}, directory);
    expect(recipients).toEqual({
      ok: true,
      to: ['jefa.turno@example.org', 'supervisor.noche@example.org'],
      cc: [],
    });
    // The mail policy (ADR 0012) reads the directory's live addresses: new ones allowed, the old one no longer.
    const policy = { addresses: directory.addresses, domains: [], maxCc: 5 };
    expect(isAllowedRecipient(policy, 'supervisor.noche@example.org')).toBe(true);
    expect(isAllowedRecipient(policy, 'supervision.mesa.central@example.org')).toBe(false);
  });

  test('given a stale form, when saved after another edit, then 409 and the other edit is kept', async () => {
    const answer = await admin.post(`/admin/directory/${GROUP}`, {
      version: '0',
      addresses: 'late@example.org',
    });
    expect(answer.status).toBe(409);
    expect(await app.app.services.directory.addressesOf(GROUP)).not.toContain('late@example.org');
  });

  test('given the seeded placeholder contacts, then the page marks each example.org address "placeholder — replace", the start-up warning names the groups, and a real address clears its mark', async () => {
    const { directory } = app.app.services;
    const marked = (html: string, group: string) => {
      const row = html.slice(html.indexOf(`data-group="${group}"`));
      return row.slice(0, row.indexOf('</tr>')).includes('class="placeholder"');
    };
    const warnings: { data: object; message: string }[] = [];
    const log = { warn: (data: object, message: string) => warnings.push({ data, message }) };

    const before = await admin.get('/admin/directory');
    expect(await warnPlaceholderContacts(directory, log)).toBeGreaterThan(5);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('/admin/directory');
    expect((warnings[0]?.data as { groups: string[] }).groups).toContain('vendor-carestream');

    expect(before.text).toContain('id="placeholder-warning"');
    expect(marked(before.text, 'vendor-carestream')).toBe(true);
    expect(marked(before.text, 'second-level-as')).toBe(true); // as.example.org is a placeholder too
    expect(before.text).toContain('marcador — reemplazar'); // the admin reads Spanish

    const form = await admin.get('/admin/directory/vendor-carestream');
    expect(form.text).toContain('data-placeholder="helpdesk.carestream@example.org"');
    const version = /name="version" value="(\d+)"/.exec(form.text)?.[1] ?? '';
    await admin.post('/admin/directory/vendor-carestream', { version, addresses: 'soporte@carestream.cl' });
    const after = await admin.get('/admin/directory');
    const warned = await warnPlaceholderContacts(directory, { warn: () => undefined });

    expect(marked(after.text, 'vendor-carestream')).toBe(false);
    expect(warned).toBe((warnings[0]?.data as { groups: string[] }).groups.length - 1);
  });

  test('given an agent or an unknown group, then 403 and 404', async () => {
    const agent = await webLogin(app, 'mesa');
    expect((await agent.get('/admin/directory')).status).toBe(403);
    expect(
      (await agent.post(`/admin/directory/${GROUP}`, { version: '1', addresses: 'x@example.org' })).status,
    ).toBe(403);
    expect((await admin.get('/admin/directory/no-such-group')).status).toBe(404);
    expect((await admin.get('/admin/directory/..%2Fusers')).status).toBe(404);
  });
});

import { randomUUID } from 'node:crypto';
import { FileRecipientDirectory } from '../../src/adapters/mail/file-directory.js';
import { MAX_GROUP_ADDRESSES, parseAddressList } from '../../src/domain/directory.js';
import { thrown } from '../support/errors.js';
import type { TestApp } from '../support/harness.js';
import { Scenario } from '../support/scenario.js';
import { startWebApp } from '../support/web-accounts.js';
import { webLogin } from '../support/web-client.js';

/**
 * Seed fidelity (issue 15, docs/adr/0021-seed-fidelity.md) on the shipped procedures, forms and
 * config: declared priority in the inbox, the Cochabamba calendar, current-user fields, the
 * conditional step-7 checklist and the seeded directory of escalation contacts.
 */
const TIMEOUT = 120_000;

const tuscanIntake = (description: string) => ({
  channel: 'phone',
  requesterName: 'Dott. Marco Bianchi',
  requesterId: 'MMG-FI-0421',
  requesterEmail: 'marco.bianchi@example.it',
  requesterPhone: '+39 055 123 4567',
  description,
  receivedAt: '2025-03-12T09:41',
  receivedOutsideHours: false,
});

/** The inbox row of a ticket (from `<tr data-ticket=…>` to `</tr>`). */
function row(html: string, ticket: string): string {
  const start = html.indexOf(`data-ticket="${ticket}"`);
  expect(start).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf('</tr>', start));
}

/** The value of an input, by its id. */
const inputValue = (html: string, id: string) => new RegExp(`id="${id}"[^>]*value="([^"]*)"`).exec(html)?.[1];

describe('seed fidelity of the shipped procedures (issue 15)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startWebApp({ processesDir: 'processes', formsDir: 'forms' });
  });
  afterAll(async () => {
    await app.stop();
  });

  /** A non-blocking Tuscan ticket classified and solved by operatore1, waiting on its closure record. */
  async function atClosure(description: string, problemArea: string, proceduresStarted: string) {
    const s = await Scenario.start(app, 'tuscan-gp-helpdesk', 'mmgFirst', tuscanIntake(description));
    await s.complete('task-register-classify', 'mmgFirst', { failureType: 'non-blocking', problemArea });
    await s.complete('task-resolve-checklist', 'mmgFirst', { proceduresStarted, resolved: true });
    return { s, closure: await s.task('task-register-closure') };
  }

  test(
    'given a non-blocking then a blocking Tuscan ticket, when operatore1 sorts the inbox by priority, then "Guasto bloccante" shows and comes first; the operator was filled in from the caller',
    async () => {
      const minor = await Scenario.start(app, 'tuscan-gp-helpdesk', 'mmgFirst', tuscanIntake('Lentezza FSE'));
      await minor.complete('task-register-classify', 'mmgFirst', {
        failureType: 'non-blocking',
        problemArea: 'fse',
      });
      const urgent = await Scenario.start(
        app,
        'tuscan-gp-helpdesk',
        'mmgFirst',
        tuscanIntake('Cartella ferma'),
      );
      await urgent.complete('task-register-classify', 'mmgFirst', {
        failureType: 'blocking',
        problemArea: 'clinical-record-software',
      });
      expect(await urgent.variables()).toMatchObject({
        takenInChargeBy: 'operatore1',
        failureType: 'blocking',
      });

      const web = await webLogin(app, 'operatore1');
      const inbox = await web.get('/inbox?sort=priority');
      expect(inbox.status).toBe(200);
      expect(row(inbox.text, urgent.businessKey)).toContain('<span class="badge">Guasto bloccante</span>');
      expect(row(inbox.text, minor.businessKey)).toContain(
        '<span class="badge">Anomalia o guasto non bloccante</span>',
      );
      expect(inbox.text.indexOf(`data-ticket="${urgent.businessKey}"`)).toBeLessThan(
        inbox.text.indexOf(`data-ticket="${minor.businessKey}"`),
      );
    },
    TIMEOUT,
  );

  test(
    'given the Tuscan closure record, when operatore1 opens it, then the closer is prefilled with who is logged in and the confirmer is not; an API completion without a closer records the caller, and the audit names them',
    async () => {
      const { s, closure } = await atClosure(
        'Smart card',
        'smart-card',
        'Reinstallazione del driver della smart card',
      );

      const web = await webLogin(app, 'operatore1');
      const page = await web.get(`/tasks/${encodeURIComponent(closure.id)}`);
      expect(page.status).toBe(200);
      expect(inputValue(page.text, 'field-closingOperator')).toBe('Operatore1 (operatore1)');
      expect(inputValue(page.text, 'field-confirmedBy')).toBe('');

      await s.complete('task-register-closure', 'mmgFirst', {
        solution: 'Driver reinstallato, la smart card funziona',
        closedAt: '2025-03-12T12:05',
        confirmedBy: 'Dott.ssa Anna Neri (ESTAR-112)',
      });
      expect(await s.variables()).toMatchObject({
        closingOperator: 'operatore1',
        confirmedBy: 'Dott.ssa Anna Neri (ESTAR-112)',
      });
      const completed = (await s.view()).events.filter(
        (event: any) => event.type === 'task.completed' && event.data.taskId === closure.id,
      );
      expect(completed).toEqual([expect.objectContaining({ actor: 'operatore1' })]);
    },
    TIMEOUT,
  );

  test(
    'given the Tuscan closure record on the web, when operatore1 submits it with the prefilled "Name (id)" label, then the ticket stores the username, as the API does',
    async () => {
      const { s, closure } = await atClosure(
        'Casella PEC non raggiungibile',
        'fse',
        'Configurazione della PEC verificata',
      );
      const web = await webLogin(app, 'operatore1');
      const href = `/tasks/${encodeURIComponent(closure.id)}`;
      const page = await web.get(href);
      const shown = inputValue(page.text, 'field-closingOperator') ?? '';
      expect(shown).toBe('Operatore1 (operatore1)');

      const done = await web.post(href, {
        _idempotencyKey: randomUUID(),
        solution: 'Casella PEC riconfigurata',
        closedAt: '2025-03-12T12:05',
        closingOperator: shown,
        confirmedBy: 'Dott.ssa Anna Neri (ESTAR-112)',
      });

      expect(done.status).toBe(303);
      expect(done.location).toBe(`/inbox?done=completed&ticket=${s.businessKey}`); // the ticket is closed
      expect(await s.variables()).toMatchObject({ closingOperator: 'operatore1' });
    },
    TIMEOUT,
  );

  test(
    'given cita step 7 on the web, then the conditional rule is shown and the missing-items checklist is marked required while the information is not valid',
    async () => {
      const s = await Scenario.start(app, 'cita-report', 'citaCentral', {
        channel: 'email',
        requesterName: 'Lic. Ana Pérez',
        medicalUnit: 'UMF 21 Iztacalco',
        description: 'Reporte de la agenda de citas',
      });
      await s.complete('task-receive-email', 'citaCentral', { emailReceivedAt: '2025-07-10T09:15' });
      const step7 = await s.task('task-validate-info');

      const web = await webLogin(app, 'mesa');
      const page = await web.get(`/tasks/${encodeURIComponent(step7.id)}`);
      expect(page.status).toBe(200);
      const field = page.text.slice(page.text.indexOf('data-field="missingFields"'));
      expect(field.slice(0, field.indexOf('</fieldset>'))).toContain('<span class="required"');
      expect(field.replace(/&#x3D;/g, '=')).toContain('Obligatorio cuando se cumple: infoValid != true');
      const phone = page.text.slice(page.text.indexOf('data-field="phone"'));
      expect(phone.slice(0, phone.indexOf('</label>'))).not.toContain('class="required"');
    },
    TIMEOUT,
  );

  test(
    'given a complaint (seed 004, Cochabamba), then its SLA clock counts on the Bolivian Cochabamba calendar',
    async () => {
      const s = await Scenario.start(app, 'complaints', 'recPlatform', {
        requesterName: 'Sra. Rosa Mamani',
        requesterEmail: 'rosa.mamani@example.bo',
        phone: '+591 4 425 1234',
        channel: 'in-person',
        involvedService: 'outpatient',
        complaintText: 'Esperé cuatro horas para la consulta sin recibir información',
      });
      const { instance } = await s.view();
      expect(instance.sla).toEqual([
        expect.objectContaining({ id: 'answer', calendarId: 'bolivia-cochabamba', targetMs: 40 * 3_600_000 }),
      ]);
    },
    TIMEOUT,
  );

  test("given the first start, then the directory holds the file's groups with the escalation-matrix levels the SLA policies notify", async () => {
    const { directory } = app.app.services;
    expect(await directory.addressesOf('cita-me-level-1')).toEqual([
      'coordinacion.mesa.especializada@example.org',
    ]);
    expect(await directory.addressesOf('vendor-carestream')).toHaveLength(2);
    const groups = await directory.list({ id: 'root', roles: ['admin'], groups: [] });
    expect(groups.find((g) => g.id === 'cita-issste-level-1')).toMatchObject({
      name: expect.stringContaining('figura 2'),
      version: 0,
      changes: [],
    });
    expect(directory.addresses.has('someone@elsewhere.example')).toBe(false);
    expect(directory.addresses.has('coordinacion.mesa.especializada@example.org')).toBe(true);
  });
});

describe('anonymous pages in the configured default language (issue 15)', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startWebApp({ env: { HELPDESK_DEFAULT_LANGUAGE: 'it' } });
  });
  afterAll(async () => {
    await app.stop();
  });

  const page = (path: string, languages: string) =>
    fetch(`${app.app.url}${path}`, { headers: { 'accept-language': languages }, redirect: 'manual' });

  test('given a browser asking only for German, when it opens the login and a missing page, then both are in the default language, not English', async () => {
    const login = await page('/login', 'de');
    const missing = await page('/assets/css/no-such-file.css', 'de-DE,de;q=0.9');

    expect(await login.text()).toContain('<html lang="it">');
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('<html lang="it">');
  });

  test('given a browser that accepts Spanish after German, then the login page is in Spanish; ?lang=en still wins', async () => {
    expect(await (await page('/login', 'de, es;q=0.8')).text()).toContain('<html lang="es">');
    expect(await (await page('/login?lang=en', 'es')).text()).toContain('<html lang="en">');
  });
});

describe('directory seeding and address lists (pure parts)', () => {
  test('given a file with plain and named groups, when seeded with the SLA contacts, then addresses, "requester" and bad ids are not groups', () => {
    const file = FileRecipientDirectory.parse(
      JSON.stringify({
        groups: {
          desk: ['desk@example.org'],
          'matrix-1': { name: 'Matriz, nivel 1', addresses: ['jefe@example.org'] },
        },
      }),
    );
    expect(
      file.seedGroups(['desk', 'matrix-2', 'boss@example.org', 'requester', '../x', 'matrix-2']),
    ).toEqual([
      { id: 'desk', addresses: ['desk@example.org'] },
      { id: 'matrix-1', name: 'Matriz, nivel 1', addresses: ['jefe@example.org'] },
      { id: 'matrix-2', addresses: [] },
    ]);
  });

  test('given a named group with a bad address or name, then the file is refused naming the group', () => {
    const parse = (group: unknown) => () =>
      FileRecipientDirectory.parse(JSON.stringify({ groups: { g: group } }));
    expect(thrown(parse({ addresses: ['nope'] })).message).toContain(
      'group <g> must be a list of email addresses',
    );
    expect(thrown(parse({ name: 7, addresses: [] })).message).toContain('group <g>: "name" must be text');
  });

  test('given addresses typed by an admin, then they are trimmed, lower-cased, deduplicated and each bad one is named', () => {
    expect(parseAddressList(' A@Example.org;b@example.org\n\na@example.org ,')).toEqual({
      addresses: ['a@example.org', 'b@example.org'],
      issues: [],
    });
    expect(parseAddressList('x@y, no-at, a@b').issues.map((i) => i.message)).toEqual([
      '"x@y" is not an email address like name@example.org',
      '"no-at" is not an email address like name@example.org',
      '"a@b" is not an email address like name@example.org',
    ]);
    const many = Array.from({ length: MAX_GROUP_ADDRESSES + 1 }, (_, i) => `p${i}@example.org`).join('\n');
    expect(parseAddressList(many).issues).toEqual([expect.objectContaining({ reason: 'maxItems' })]);
    expect(parseAddressList('a'.repeat(MAX_GROUP_ADDRESSES * 256 + 1)).issues).toEqual([
      expect.objectContaining({ reason: 'maxLength' }),
    ]);
  });
});

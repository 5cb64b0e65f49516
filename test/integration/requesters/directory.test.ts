import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, type TestApp } from '../../support/harness.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin, type WebClient } from '../../support/web-client.js';

/** Requester directory (issue 14): CSV import, lookups, registration from tickets, past tickets page. */
const csv = (name: string) => readFileSync(path.join(FIXTURES, 'requesters', name), 'utf8');
const SUPERVISOR = 'sofia';
const AGENT = 'operatore1';

const intake = (over: Record<string, string> = {}) => ({
  channel: 'phone',
  requesterName: 'Dott. Marco Bianchi',
  requesterEmail: 'marco.bianchi@example.it',
  requesterPhone: '+39 055 123 4567',
  description: 'La cartella clinica non invia i certificati di malattia',
  receivedAt: '2025-03-12T09:41',
  ...over,
});

describe('requester directory', () => {
  let app: TestApp;
  let supervisor: WebClient;
  beforeAll(async () => {
    app = await startWebApp({ processesDir: 'processes', formsDir: 'forms' });
    supervisor = await webLogin(app, SUPERVISOR);
    // The CSV import every test below relies on.
    const first = await supervisor.post('/requesters/import', { csv: csv('directory.csv') });
    expect(first.status).toBe(422); // some rows are refused
    expect(first.text).toContain('data-created="3" data-updated="0" data-unchanged="0"');
  }, 120_000);
  afterAll(async () => {
    await app.stop();
  });

  test('given a CSV with bad rows, when it is imported, then each bad row is named by line and column and the others import', async () => {
    const again = await supervisor.post('/requesters/import', { csv: csv('directory.csv') });
    const errors = [
      ...again.text.matchAll(/<tr><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g),
    ].map((m) => `${m[1]}:${m[2]}`);
    expect(errors).toEqual(['4:name', '5:emails', '6:phones', '8:emails', '9:institutional']);
    expect(again.text).toContain(
      'belong to different requesters (&quot;Ana Ruiz&quot; and &quot;Dott. Marco Bianchi&quot;)',
    );
    // Importing the same file again changes nothing.
    expect(again.text).toContain('data-created="0" data-updated="0" data-unchanged="3"');
  });

  test('given a broken file, then the whole import is refused with the reason and the line', async () => {
    const unclosed = await supervisor.post('/requesters/import', { csv: csv('unclosed-quote.csv') });
    expect(unclosed.status).toBe(422);
    expect(unclosed.text).toMatch(
      /id="import-file-error">requester CSV line 3: the CSV cannot be read: Quote Not Closed/,
    );
    const unknown = await supervisor.post('/requesters/import', { csv: csv('unknown-column.csv') });
    expect(unknown.text).toContain('unknown column(s) &quot;fax&quot;');
  });

  test('given imported requesters, when an agent looks up by phone, email or name, then the match and its form values come back', async () => {
    const byPhone = await app.call(
      'mmgFirst',
      'GET',
      `/api/requesters/lookup?phone=${encodeURIComponent('0039 055-1234567')}`,
    );
    expect(byPhone.status).toBe(200);
    expect(byPhone.body.requester).toMatchObject({
      name: 'Dott. Marco Bianchi',
      language: 'it',
      establishment: 'ASL Toscana Centro',
    });
    expect(byPhone.body.fill).toMatchObject({
      requesterName: 'Dott. Marco Bianchi',
      requesterEmail: 'marco.bianchi@example.it',
      requesterPhone: '+390551234567',
      requesterId: 'MMG-FI-0421',
    });
    const byEmail = await app.call(
      'mmgFirst',
      'GET',
      '/api/requesters/lookup?email=Ana.Ruiz%40ISSSTE.gob.mx',
    );
    expect(byEmail.body.requester).toMatchObject({ name: 'Ana Ruiz', institutional: true });

    const unknown = await app.call('mmgFirst', 'GET', '/api/requesters/lookup?phone=%2B390559999999');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({
      code: 'REQUESTER_NOT_FOUND',
      message: 'no requester with phone +390559999999',
    });
    expect((await app.call(null, 'GET', '/api/requesters/lookup?phone=1234567')).status).toBe(401);
    expect((await app.call('analyst', 'GET', '/api/requesters/lookup?phone=1234567')).status).toBe(403);
    const bad = await app.call('mmgFirst', 'GET', '/api/requesters/lookup?phone=abc');
    expect(bad.status).toBe(400);

    const agent = await webLogin(app, AGENT);
    const byName = await agent.get(`/requesters/lookup.json?q=${encodeURIComponent('nunez jose')}`);
    expect(byName.status).toBe(200);
    expect(JSON.parse(byName.text).matches.map((m: any) => m.requester.name)).toEqual(['José Núñez']);
    expect((await agent.get('/requesters')).status).toBe(403); // the directory pages are for supervisors
  });

  test('given a ticket with an unknown email, when it is started, then the requester is registered once and both requesters list their tickets', async () => {
    const newcomer = {
      requesterName: 'Dott.ssa Elena Verdi',
      requesterEmail: 'elena.verdi@example.it',
      requesterPhone: '+39 055 765 4321',
    };
    const first = await app.call(
      'mmgFirst',
      'POST',
      '/api/procedures/tuscan-gp-helpdesk/instances',
      intake(newcomer),
    );
    const second = await app.call(
      'mmgFirst',
      'POST',
      '/api/procedures/tuscan-gp-helpdesk/instances',
      intake(newcomer),
    );
    const known = await app.call(
      'mmgFirst',
      'POST',
      '/api/procedures/tuscan-gp-helpdesk/instances',
      intake(),
    );
    expect([first.status, second.status, known.status]).toEqual([201, 201, 201]);

    const elena = await app.call('mmgFirst', 'GET', '/api/requesters/lookup?email=elena.verdi%40example.it');
    expect(elena.body.requester).toMatchObject({
      name: 'Dott.ssa Elena Verdi',
      source: 'ticket',
      phones: ['390557654321'],
      ticketCount: 2,
    });
    const agent = await webLogin(app, AGENT);
    const named = JSON.parse((await agent.get('/requesters/lookup.json?q=elena%20verdi')).text);
    expect(named.matches).toHaveLength(1);

    const page = await supervisor.get(`/requesters/${elena.body.requester.id}`);
    expect(page.status).toBe(200);
    const listed = [...page.text.matchAll(/<tr data-instance="([^"]+)">/g)].map((m) => m[1]);
    expect(listed).toEqual([second.body.id, first.body.id]);
    expect(page.text).toContain(first.body.businessKey);

    const marco = await app.call(
      'mmgFirst',
      'GET',
      '/api/requesters/lookup?email=marco.bianchi%40example.it',
    );
    expect(marco.body.requester).toMatchObject({ source: 'import', ticketCount: 1 });
  });

  test('given a supervisor edits a requester, then a stale version is refused and a taken email names its owner', async () => {
    const ana = (await app.call('supervisor', 'GET', '/api/requesters/lookup?email=ana.ruiz%40issste.gob.mx'))
      .body.requester;
    const form = {
      name: 'Ana Ruiz Gómez',
      emails: 'ana.ruiz@issste.gob.mx; marco.bianchi@example.it',
      phones: '+52 55 1234 5678',
      establishment: 'HG Tacuba',
      version: String(ana.version),
    };
    const taken = await supervisor.post(`/requesters/${ana.id}`, form);
    expect(taken.status).toBe(422);
    expect(taken.text).toContain(
      'email marco.bianchi@example.it already belongs to requester &quot;Dott. Marco Bianchi&quot;',
    );
    const saved = await supervisor.post(`/requesters/${ana.id}`, {
      ...form,
      emails: 'ana.ruiz@issste.gob.mx',
    });
    expect(saved.status).toBe(303);
    expect(saved.location).toBe(`/requesters/${encodeURIComponent(ana.id)}?saved=1`);
    const stale = await supervisor.post(`/requesters/${ana.id}`, {
      ...form,
      emails: 'ana.ruiz@issste.gob.mx',
    });
    expect(stale.status).toBe(409);
    // The personal address was dropped from Ana: it no longer finds her.
    expect(
      (await app.call('mmgFirst', 'GET', '/api/requesters/lookup?email=ana.personal%40example.com')).status,
    ).toBe(404);
  });

  test('given the screen-pop URL, then an agent lands on the start form with the number and channel phone, or picks the procedure first', async () => {
    const agent = await webLogin(app, AGENT);
    const direct = await agent.get('/intake?phone=%2B390551234567&procedure=tuscan-gp-helpdesk');
    expect(direct.status).toBe(303);
    expect(direct.location).toBe('/start/tuscan-gp-helpdesk?phone=%2B390551234567&channel=phone');
    const form = await agent.get(direct.location!);
    expect(form.text).toContain('id="requester-lookup"');
    const choose = await agent.get('/intake?phone=%2B390551234567');
    expect(choose.status).toBe(200);
    expect(choose.text).toContain(
      'href="/start/tuscan-gp-helpdesk?phone&#x3D;%2B390551234567&amp;channel&#x3D;phone"',
    );
    expect((await agent.get('/intake?phone=1&procedure=no-such-desk')).status).toBe(404);
  });

  test('given a procedure naming an unknown desk calendar, then deploy refuses it naming the process', async () => {
    const xml = readFileSync('processes/tuscan-gp-helpdesk.bpmn', 'utf8').replace(
      '<camunda:property name="calendar" value="tuscany-gp" />',
      '<camunda:property name="calendar" value="no-such-calendar" />',
    );
    const deployed = await app.call(
      'analyst',
      'PUT',
      '/api/procedures/tuscan-gp-helpdesk',
      xml,
      'application/xml',
    );
    expect(deployed.status).toBe(422);
    expect(deployed.body.error.details).toContainEqual({
      path: 'tuscan-gp-helpdesk',
      reason: 'calendar-missing',
      message:
        'process <tuscan-gp-helpdesk> uses calendar <no-such-calendar>, which is not in config/calendars/',
    });
  });
});

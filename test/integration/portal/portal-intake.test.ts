import { readFile } from 'node:fs/promises';
import type { TestApp } from '../../support/harness.js';
import { ManualClock } from '../../support/manual-clock.js';
import { startSeedMailApp, stopInOrder } from '../../support/mail-apps.js';
import type { ReceivedMail, SmtpSink } from '../../support/smtp-sink.js';
import { waitFor } from '../../support/wait.js';
import { citaForm, confirmPathIn, PortalVisitor } from './portal-visitor.js';

const CITA = '/portal/cita-report';
let sequence = 0;

/** Clicks the confirmation button of a mail's link: the status and where it redirects to. */
async function confirm(v: PortalVisitor, path: string) {
  const answer = await v.post(path, {});
  return { status: answer.status, location: answer.headers.get('location') };
}
/** A confirmation that went through: back to the same link, which now shows the opened ticket. */
const confirmed = (location: string) => ({ status: 303, location });

/** A fresh client address and mailbox per test, so the rate limits of one test never touch another. */
function fresh(domain = 'issste.gob.mx'): { address: string; email: string } {
  sequence += 1;
  return { address: `203.0.113.${sequence}`, email: `unidad${sequence}@${domain}` };
}

describe('public portal intake (docs/adr/0026)', () => {
  let app: TestApp;
  let sink: SmtpSink;
  const clock = new ManualClock(new Date('2026-11-30T15:00:00Z'));

  beforeAll(async () => {
    ({ app, sink } = await startSeedMailApp({
      from: 'Mesa de Ayuda <mesa@example.org>',
      clock,
      webAccounts: false,
      env: {
        HELPDESK_TRUST_PROXY: 'loopback',
        HELPDESK_PORTAL_IP_MAX: '3',
        HELPDESK_PORTAL_EMAIL_MAX: '2',
      },
    }));
  }, 60_000);
  afterAll(() => stopInOrder(app, sink), 30_000);

  const visitor = (address: string, language = 'es') => new PortalVisitor(app.app.url, address, language);
  const mailsTo = (email: string): ReceivedMail[] =>
    sink.received.filter((m) => m.envelopeTo.includes(email));
  /** The first mail to `email` matching `which`, waited for. */
  const mailTo = async (email: string, which: (m: ReceivedMail) => boolean = () => true) =>
    (await waitFor(async () => mailsTo(email).find(which))) as ReceivedMail;
  const pending = () => app.app.database.connection.db!.collection('portal_requests').countDocuments();
  const tickets = async (procedureId: string) =>
    (await app.call('supervisor', 'GET', `/api/instances?procedureId=${procedureId}&limit=500`)).body as {
      id: string;
      startedBy: string;
    }[];

  async function submitCita(who: { address: string; email: string }, language = 'es') {
    const v = visitor(who.address, language);
    await v.get(CITA);
    return { v, answer: await v.post(CITA, citaForm(who.email)) };
  }

  test('given a browser asking for Italian, when it opens /portal, then the list is in Italian and shows the four public procedures', async () => {
    const page = await visitor('198.51.100.1', 'it-IT,it;q=0.9').get('/portal');

    expect(page.status).toBe(200);
    expect(page.text).toContain('<html lang="it">');
    expect(page.text).toContain('Apri una richiesta');
    for (const id of ['cita-report', 'complaints', 'radiology-support', 'tuscan-gp-helpdesk'])
      expect(page.text).toContain(`data-procedure-id="${id}"`);
  });

  test('given no Accept-Language, when the Tuscan form is opened, then it falls back to the procedure language; ?lang=en switches', async () => {
    const v = visitor('198.51.100.2', '');
    const italian = await v.get('/portal/tuscan-gp-helpdesk');
    const english = await v.get('/portal/tuscan-gp-helpdesk?lang=en');

    expect(italian.text).toContain('<html lang="it">');
    expect(italian.text).toContain('Invia la richiesta');
    expect(english.text).toContain('<html lang="en">');
    expect(english.text).toContain('Send request');
  });

  test('given a procedure without portalForm, then its portal page is 404', async () => {
    const page = await visitor('198.51.100.3').get('/portal/no-such-procedure');
    expect(page.status).toBe(404);
  });

  test('given a form missing required fields, then it is shown again (422) with field errors and the values kept, and nothing is stored or mailed', async () => {
    const who = fresh();
    const v = visitor(who.address);
    await v.get(CITA);
    const before = await pending();

    const answer = await v.post(CITA, {
      ...citaForm(who.email),
      phone: '',
      clinic: '',
      requesterName: 'Ana <b>',
    });

    expect(answer.status).toBe(422);
    expect(answer.text).toContain('id="form-errors"');
    expect(answer.text).toMatch(/name="phone"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*name="phone"/);
    expect(answer.text).toContain('value="Ana &lt;b&gt;"');
    expect(answer.text).toContain(`value="${who.email}"`);
    expect(await pending()).toBe(before);
    expect(mailsTo(who.email)).toEqual([]);
  });

  test('given a personal email without an institutional copy on the cita portal, then the institutional-email rule refuses it (422), as for agents', async () => {
    const who = fresh('gmail.com');
    const v = visitor(who.address);
    await v.get(CITA);
    const before = await pending();

    const answer = await v.post(CITA, { ...citaForm(who.email), ccEmails: 'hermana@yahoo.com' });

    expect(answer.status).toBe(422);
    expect(answer.text).toContain('institutional email rule');
    expect(answer.text).toContain('or a personal account with an institutional account in copy');
    expect(await pending()).toBe(before);
    expect(mailsTo(who.email)).toEqual([]);
  });

  test('given a personal email with an institutional account in copy, then the portal accepts it exactly as the agent form does, and the ticket keeps the copy', async () => {
    const who = fresh('gmail.com');
    const v = visitor(who.address);
    await v.get(CITA);
    const form = { ...citaForm(who.email), ccEmails: 'jefatura.merida@issste.gob.mx' };

    const answer = await v.post(CITA, form);
    // The agents' start form (cita-intake) accepts the same pair.
    const agent = await app.call('agentL1', 'POST', '/api/procedures/cita-report/instances', {
      channel: 'phone',
      requesterName: 'Laura Méndez',
      requesterEmail: who.email,
      ccEmails: 'jefatura.merida@issste.gob.mx',
    });

    expect(answer.status).toBe(200);
    expect(agent.status).toBe(201);
    const link = confirmPathIn(await mailTo(who.email));
    await v.get(link);
    expect(await confirm(v, link)).toEqual(confirmed(link));
    const mine = (await tickets('cita-report')).find((t) => t.startedBy === `requester:${who.email}`);
    const detail = (await app.call('supervisor', 'GET', `/api/instances/${mine!.id}`)).body;
    expect(detail.instance.variables).toMatchObject({
      requesterEmail: who.email,
      ccEmails: 'jefatura.merida@issste.gob.mx',
      requesterLanguage: 'es',
    });
  });

  test('given the honeypot field filled, then the visitor sees the usual "check your email" page but nothing is stored or mailed', async () => {
    const who = fresh();
    const v = visitor(who.address);
    await v.get(CITA);
    const before = await pending();

    const answer = await v.post(CITA, { ...citaForm(who.email), contact_homepage: 'http://spam.example' });

    expect(answer.status).toBe(200);
    expect(answer.text).toContain('id="portal-sent"');
    expect(await pending()).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(mailsTo(who.email)).toEqual([]);
  });

  test('given a post without the CSRF cookie token, then it is refused (403) and nothing is stored', async () => {
    const who = fresh();
    const before = await pending();
    const answer = await visitor(who.address).post(CITA, { ...citaForm(who.email), _csrf: 'forged' });

    expect(answer.status).toBe(403);
    expect(await pending()).toBe(before);
  });

  test('given an oversized body, then it is refused (413) before anything runs', async () => {
    const who = fresh();
    const answer = await visitor(who.address).postRaw(CITA, `description=${'x'.repeat(100_000)}`);
    expect(answer.status).toBe(413);
  });

  test('given a valid request, then only a link is mailed; the ticket opens on confirm with channel portal, and a double confirm opens one ticket', async () => {
    const who = fresh();
    const before = (await tickets('cita-report')).length;
    const { v, answer } = await submitCita(who);

    expect(answer.status).toBe(200);
    expect(answer.text).toContain('id="portal-sent"');
    const mail = await mailTo(who.email);
    expect(mail.subject).toBe('Confirme su solicitud – Reporte de citas – Servicio de Cita Médica (ISSSTE)');
    // Unverified: nothing opened yet.
    expect((await tickets('cita-report')).length).toBe(before);

    const link = confirmPathIn(mail);
    const confirmPage = await v.get(link);
    expect(confirmPage.status).toBe(200);
    expect(confirmPage.text).toContain('id="portal-confirm-button"');
    expect((await tickets('cita-report')).length).toBe(before); // a GET (mail scanner) opens nothing

    const [first, second] = await Promise.all([confirm(v, link), confirm(v, link)]);
    expect([first, second]).toEqual([confirmed(link), confirmed(link)]);
    const opened = await v.get(link);
    const number = /id="portal-ticket-number">([A-Z]+-\d{4}-\d+)</.exec(opened.text)?.[1];
    expect(number).toMatch(/^CITA-2026-\d+$/);
    expect(await confirm(v, link)).toEqual(confirmed(link)); // a later click: still the same ticket

    const mine = (await tickets('cita-report')).filter((t) => t.startedBy === `requester:${who.email}`);
    expect(mine).toHaveLength(1);
    const detail = (await app.call('supervisor', 'GET', `/api/instances/${mine[0]!.id}`)).body;
    expect(detail.instance.businessKey).toBe(number);
    expect(detail.instance.variables).toMatchObject({
      channel: 'portal',
      capturedByRequester: true,
      requesterEmail: who.email,
      receivedAt: '2026-11-30T15:00:00.000Z',
      requesterLanguage: 'es', // the portal page's language (links and requester pages follow it)
    });
    // Steps 2-3 were done by the requester on the portal: the ticket waits at step 9 (central desk).
    const open = detail.tasks.filter((t: { status: string }) => t.status === 'open');
    expect(open.map((t: { activityId: string }) => t.activityId)).toEqual(['task-evaluate-request']);
    const openedMail = await mailTo(who.email, (m) => m.subject.includes(number!));
    expect(openedMail.body).toContain('/r/'); // the tracking link
  });

  test('given a requester on the Italian portal page, then the confirmation mail is Italian and the ticket stores requesterLanguage "it"', async () => {
    const who = fresh();
    const { v } = await submitCita(who, 'it');
    const mail = await mailTo(who.email);
    expect(mail.subject).toMatch(/^Conferma la richiesta – /);

    const link = confirmPathIn(mail);
    await v.get(link);
    expect(await confirm(v, `${link}?lang=it`)).toEqual(confirmed(`${link}?lang=it`));
    const mine = (await tickets('cita-report')).find((t) => t.startedBy === `requester:${who.email}`);
    const detail = (await app.call('supervisor', 'GET', `/api/instances/${mine!.id}`)).body;
    expect(detail.instance.variables.requesterLanguage).toBe('it');
    const started = detail.events.find((e: { type: string }) => e.type === 'instance.started');
    expect(started.data.variables.requesterLanguage).toBe('it'); // audited with the start
  });

  test('given unknown, malformed and expired links, then 404, 404 and 410, and the expired one opens nothing', async () => {
    const who = fresh();
    const { v } = await submitCita(who);
    const link = confirmPathIn(await mailTo(who.email));
    const before = (await tickets('cita-report')).length;

    expect((await v.get(`/portal/confirm/${'A'.repeat(43)}`)).status).toBe(404);
    expect((await v.get('/portal/confirm/short')).status).toBe(404);
    clock.advance(25 * 3_600_000);
    try {
      expect((await v.get(link)).status).toBe(410);
      expect((await v.post(link, {})).status).toBe(410);
    } finally {
      clock.advance(-25 * 3_600_000);
    }
    expect((await tickets('cita-report')).length).toBe(before);
  });

  test('given more requests from one address than its limit, then the next is 429 with Retry-After and nothing is stored or mailed', async () => {
    const address = fresh().address;
    for (let i = 0; i < 3; i++)
      expect((await submitCita({ address, email: fresh().email })).answer.status).toBe(200);
    const refused = fresh().email;
    const before = await pending();

    const { answer } = await submitCita({ address, email: refused });

    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await pending()).toBe(before);
    expect(mailsTo(refused)).toEqual([]);
  });

  test('given more requests for one email than its limit, from different addresses, then the next is 429', async () => {
    const email = fresh().email;
    for (let i = 0; i < 2; i++)
      expect((await submitCita({ address: fresh().address, email })).answer.status).toBe(200);

    const { answer } = await submitCita({ address: fresh().address, email: email.toUpperCase() });

    expect(answer.status).toBe(429);
    await waitFor(async () => mailsTo(email).length === 2);
  });

  test('given the mail server refuses the address, then the page says so (502) and the pending request is removed again', async () => {
    const who = fresh();
    const before = await pending();
    sink.rejectRecipients(550);
    try {
      const { answer } = await submitCita(who);
      expect(answer.status).toBe(502);
      expect(answer.text).toContain('data-key="portal.mailFailed"');
    } finally {
      sink.rejectRecipients(undefined);
    }
    expect(await pending()).toBe(before);
  });

  test('given a patient complaint on the portal, when confirmed, then a REC ticket opens at its first step with the complaint data', async () => {
    const who = fresh('correo.example');
    const v = visitor(who.address);
    await v.get('/portal/complaints');
    const answer = await v.post('/portal/complaints', {
      requesterName: 'Juan Pérez',
      requesterEmail: who.email,
      involvedService: 'laboratory',
      complaintText: 'Esperé tres horas para la toma de muestras.',
    });
    expect(answer.status).toBe(200);
    const link = confirmPathIn(await mailTo(who.email));
    await v.get(link);
    expect(await confirm(v, link)).toEqual(confirmed(link));

    const mine = (await tickets('complaints')).find((t) => t.startedBy === `requester:${who.email}`);
    const detail = (await app.call('supervisor', 'GET', `/api/instances/${mine!.id}`)).body;
    expect(detail.instance.businessKey).toMatch(/^REC-/);
    expect(detail.instance.variables).toMatchObject({ channel: 'portal', involvedService: 'laboratory' });
    expect(detail.tasks.map((t: { activityId: string }) => t.activityId)).toContain('task-identify-problem');
  });

  test('given a procedure whose portalForm is not in forms/, then the deploy is refused naming portalForm', async () => {
    const xml = (await readFile('processes/complaints.bpmn', 'utf8')).replace(
      'name="portalForm" value="rec-portal"',
      'name="portalForm" value="rec-portal-missing"',
    );
    const answer = await app.call('analyst', 'PUT', '/api/procedures/complaints', xml, 'application/xml');

    expect(answer.status).toBe(422);
    expect(answer.body.error.details).toContainEqual(
      expect.objectContaining({ path: 'portalForm', reason: 'form-missing' }),
    );
    const badId = xml.replace('value="rec-portal-missing"', 'value="../rec portal"');
    const refused = await app.call('analyst', 'PUT', '/api/procedures/complaints', badId, 'application/xml');
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toContainEqual(
      expect.objectContaining({ path: 'complaints', reason: 'portal-form' }),
    );
  });
});

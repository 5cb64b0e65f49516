import { readFileSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { USERS, type TestApp } from '../../support/harness.js';
import { startSmtpSink, type ReceivedMail, type SmtpSink, mailEnv } from '../../support/smtp-sink.js';
import { waitFor } from '../../support/wait.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin, type WebClient } from '../../support/web-client.js';
import { instanceIdForKey } from '../../../src/app/idempotency.js';
import { parseFormFile } from '../../../src/domain/forms/index.js';
import { isAppError } from '../../../src/domain/errors.js';
import {
  attachmentLinks,
  fixture,
  FORM_FILES_FIXTURES,
  mailAttachments,
  postForm,
  unfolded,
} from './support.js';

/**
 * Files on start and task forms (issue 11, docs/adr/0032): form-js `filepicker` fields posted as
 * multipart, stored by content, kept as AttachmentRefs in the form data, validated like any field,
 * shown as download links, and mailed to the requester by a send task with `attach`.
 * Real app, real database, real SMTP sink.
 */
const PUBLIC_URL = 'http://files.test';
const SUPERVISOR = { id: 'sofia', roles: ['supervisor' as const], groups: [] };
const START = {
  requesterName: 'Rosa Díaz',
  requesterEmail: 'rosa.diaz@example.org',
  phone: '+34 600 111 222',
};

describe('files on forms', () => {
  let app: TestApp;
  let sink: SmtpSink;
  let luis: WebClient;

  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startWebApp({
      processesDir: path.join(FORM_FILES_FIXTURES, 'processes'),
      formsDir: path.join(FORM_FILES_FIXTURES, 'forms'),
      env: {
        ...mailEnv(sink, 'Mesa de Ayuda <mesa@example.org>'),
        HELPDESK_MAIL_POLL_MS: '100',
        HELPDESK_PUBLIC_URL: PUBLIC_URL,
      },
    });
    luis = await webLogin(app, USERS.agentL1.user);
  });
  afterAll(async () => {
    await app?.stop();
    await sink?.stop();
  });

  const services = () => app.app.services;
  const attachmentsOf = async (instanceId: string) =>
    app.app.database.connection.collection('attachments').find({ instanceId }).toArray();
  const openTicket = async (email = START.requesterEmail) => {
    const started = await app.call('agentL1', 'POST', '/api/procedures/file-request/instances', {
      ...START,
      requesterEmail: email,
    });
    expect(started.status).toBe(201);
    return { instanceId: started.body.id as string, taskId: started.body.openTaskIds[0] as string };
  };
  const mailTo = (email: string) =>
    waitFor(
      async () => sink.received.find((mail) => mail.envelopeTo.includes(email)),
      20_000,
    ) as Promise<ReceivedMail>;

  test('given a filepicker with bad properties, when the form is parsed, then each problem names the component', () => {
    const text = readFileSync(path.join(FORM_FILES_FIXTURES, 'forms/broken-filepicker.form.txt'), 'utf8');
    let error: unknown;
    try {
      parseFormFile(text, 'broken-filepicker');
    } catch (caught) {
      error = caught;
    }
    expect(isAppError(error) && error.code).toBe('FORM_INVALID');
    const message = (error as Error).message;
    expect(message).toContain('component <scan> "multiple" must be true or false');
    expect(message).toContain('component <scan> "accept" must be a list');
    expect(message).toContain('component <scan> has property "visibility" other than "public" or "internal"');
  });

  test('given an upload task, when luis opens it, then the form is multipart with a file input', async () => {
    const { taskId } = await openTicket();
    const page = await luis.get(`/tasks/${taskId}`);
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/id="task-form" enctype="multipart\/form-data"/);
    expect(page.text).toMatch(
      /<input type="file" id="field-report" name="report" multiple accept=".pdf,.png"/,
    );
    // The CSRF token comes before any file input, so the parser checks it before keeping a byte.
    expect(page.text.indexOf('name="_csrf"')).toBeLessThan(page.text.indexOf('type="file"'));
  });

  test('given an upload task, when luis posts a PDF and a PNG, then the task data holds public refs, the pages link them and the requester gets the files by email', async () => {
    const { instanceId, taskId } = await openTicket('ana.files@example.org');

    const posted = await postForm(app, luis, `/tasks/${taskId}`, { reportReference: 'REP-1' }, [
      { field: 'report', name: 'informe julio.pdf', bytes: fixture('report.pdf') },
      { field: 'report', name: 'grafico.png', bytes: fixture('pixel.png') },
      { field: 'signature', name: 'firma.png', bytes: fixture('pixel.png') },
    ]);

    expect(posted.status).toBe(303);
    const view = await services().instances.get(instanceId, SUPERVISOR);
    const close = view.tasks.find((task) => task.activityId === 'close'); // L1's own next step
    expect(posted.location).toBe(
      `/tasks/${encodeURIComponent(close!.id)}?done=completed-next&ticket=${view.instance.businessKey}`,
    );
    const report = view.instance.variables.report as { id: string; name: string; visibility: string }[];
    expect(report).toEqual([
      expect.objectContaining({
        name: 'informe julio.pdf',
        contentType: 'application/pdf',
        visibility: 'public',
      }),
      expect.objectContaining({ name: 'grafico.png', contentType: 'image/png', visibility: 'public' }),
    ]);
    expect(view.instance.variables.signature).toEqual([
      expect.objectContaining({ name: 'firma.png', visibility: 'internal' }),
    ]);
    // Audited like any task data.
    const completed = view.events.find((event) => event.type === 'task.completed');
    expect((completed?.data.data as Record<string, unknown>).report).toEqual(report);
    // The instance page links every file; the link downloads the bytes.
    const supervisor = await webLogin(app, USERS.supervisor.user);
    const page = await supervisor.get(`/supervisor/instances/${instanceId}`);
    expect(page.text).toContain('id="form-files"');
    expect(attachmentLinks(page.text)).toEqual(expect.arrayContaining(report.map((ref) => ref.id)));
    const download = await fetch(`${app.app.url}/attachments/${report[0]!.id}`, {
      headers: { cookie: supervisor.cookieHeader() },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(fixture('report.pdf'));

    // The send task `attach: ${report}` mails the public files (not the internal signature).
    const mail = await mailTo('ana.files@example.org');
    const files = mailAttachments(mail);
    expect(files.map((file) => file.name).sort()).toEqual(['grafico.png', 'informe julio.pdf']);
    expect(files.find((file) => file.name === 'informe julio.pdf')?.bytes).toEqual(fixture('report.pdf'));
    expect(unfolded(mail)).toContain('informe julio.pdf, grafico.png');

    // The requester's tracking page lists the public files, not the internal one.
    const link = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}(/r/[A-Za-z0-9_-]{43})`).exec(
      unfolded(mail),
    )?.[1];
    expect(link).toBeDefined();
    const tracking = await (await fetch(`${app.app.url}${link}`)).text();
    expect(tracking).toContain('informe julio.pdf');
    expect(tracking).toContain('grafico.png');
    expect(tracking).not.toContain('firma.png');
    const byRequester = await fetch(`${app.app.url}${link}/files/${report[0]!.id}`);
    expect(byRequester.status).toBe(200);
  }, 60_000);

  test('given an upload task, when an HTML file named .pdf is posted, then 422 names the field and the file and nothing is kept', async () => {
    const { instanceId, taskId } = await openTicket();

    const posted = await postForm(app, luis, `/tasks/${taskId}`, {}, [
      { field: 'report', name: 'invoice.pdf', bytes: fixture('html-disguised-as.pdf') },
    ]);

    expect(posted.status).toBe(422);
    expect(posted.text).toMatch(/data-field="report"[\s\S]*invoice\.pdf/);
    expect(await attachmentsOf(instanceId)).toEqual([]);
    expect((await services().tasks.get(taskId, SUPERVISOR)).status).toBe('open');
  });

  test('given an upload task, when no report is posted, then 422 says the field is required', async () => {
    const { taskId } = await openTicket();

    const posted = await postForm(app, luis, `/tasks/${taskId}`, { reportReference: 'REP-2' });

    expect(posted.status).toBe(422);
    expect(posted.text).toMatch(/data-field="report"[\s\S]*Report/);
    expect(posted.text).toMatch(/field-report-error/);
    expect((await services().tasks.get(taskId, SUPERVISOR)).status).toBe('open');
  });

  test('given a one-file field, when two files are posted to it, then 422 names the field and neither file is kept', async () => {
    const { instanceId, taskId } = await openTicket();

    const posted = await postForm(app, luis, `/tasks/${taskId}`, {}, [
      { field: 'report', name: 'a.pdf', bytes: fixture('report.pdf') },
      { field: 'signature', name: 'one.png', bytes: fixture('pixel.png') },
      { field: 'signature', name: 'two.png', bytes: fixture('pixel.png') },
    ]);

    expect(posted.status).toBe(422);
    expect(posted.text).toContain('takes at most 1 file');
    expect(await attachmentsOf(instanceId)).toEqual([]);
  });

  test('given a file outside the accept list, when posted, then 422 names the file and its type', async () => {
    const { taskId } = await openTicket();

    const posted = await postForm(app, luis, `/tasks/${taskId}`, {}, [
      { field: 'report', name: 'notes.txt', bytes: fixture('notes.txt') },
    ]);

    expect(posted.status).toBe(422);
    expect(posted.text).toContain('notes.txt: text/plain is not one of .pdf,.png');
  });

  test('given the JSON API, when refs that were never uploaded are submitted, then the email neither attaches nor names them', async () => {
    const { taskId } = await openTicket('forged@example.org');
    const forged = {
      id: randomUUID(),
      name: 'x.pdf',
      size: 10,
      contentType: 'application/pdf',
      visibility: 'public',
    };

    const done = await app.call('agentL1', 'POST', `/api/tasks/${taskId}/complete`, { report: [forged] });

    expect(done.status).toBe(200);
    const mail = await mailTo('forged@example.org');
    expect(mailAttachments(mail)).toEqual([]);
    expect(unfolded(mail)).not.toContain('x.pdf');
  });

  test('given a start form with files, when the start is refused, then no file of it remains; when retried valid, then the ticket owns them', async () => {
    const key = randomUUID();
    const id = instanceIdForKey(USERS.agentL1.user, key);

    const refused = await postForm(
      app,
      luis,
      '/start/file-request',
      { _idempotencyKey: key, requesterName: 'Rosa', requesterEmail: 'rosa@example.org', phone: 'no phone' },
      [{ field: 'evidence', name: 'scan.pdf', bytes: fixture('report.pdf') }],
    );

    expect(refused.status).toBe(422);
    expect(refused.text).toMatch(/data-field="phone"/);
    expect(await attachmentsOf(id)).toEqual([]);
    expect((await app.call('supervisor', 'GET', `/api/instances/${id}`)).status).toBe(404);

    const started = await postForm(app, luis, '/start/file-request', { _idempotencyKey: key, ...START }, [
      { field: 'evidence', name: 'scan.pdf', bytes: fixture('report.pdf') },
    ]);

    expect(started.status).toBe(303);
    const view = await services().instances.get(id, SUPERVISOR);
    const upload = view.tasks.find((task) => task.activityId === 'upload'); // the first step is L1's
    expect(started.location).toBe(
      `/tasks/${encodeURIComponent(upload!.id)}?done=started&ticket=${view.instance.businessKey}`,
    );
    const evidence = view.instance.variables.evidence as { id: string }[];
    expect(evidence).toEqual([expect.objectContaining({ name: 'scan.pdf', visibility: 'internal' })]);
    expect((await attachmentsOf(id)).map((doc) => doc._id)).toEqual([evidence[0]!.id]);
    const opened = await services().attachments.open(evidence[0]!.id, SUPERVISOR);
    expect(opened.bytes).toEqual(fixture('report.pdf'));
  });

  test('given a multipart task post without the CSRF token, when sent, then 403 and nothing is stored', async () => {
    const { instanceId, taskId } = await openTicket();
    const form = new FormData();
    form.append('report', new Blob([fixture('report.pdf')]), 'a.pdf');

    const response = await fetch(`${app.app.url}/tasks/${taskId}`, {
      method: 'POST',
      headers: { cookie: luis.cookieHeader() },
      body: form,
      redirect: 'manual',
    });

    expect(response.status).toBe(403);
    expect(await attachmentsOf(instanceId)).toEqual([]);
  });
});

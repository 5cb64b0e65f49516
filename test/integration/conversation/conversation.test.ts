import { randomUUID } from 'node:crypto';
import { USERS, type TestApp } from '../../support/harness.js';
import { startSmtpSink, type SmtpSink, mailEnv } from '../../support/smtp-sink.js';
import { waitFor } from '../../support/wait.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin, type WebClient } from '../../support/web-client.js';
import { requesterActor } from '../../../src/domain/conversation.js';
import type { Actor } from '../../../src/domain/actor.js';
import { attachmentLinks, fixture, openTicket, postMultipart } from './support.js';

/**
 * Conversation on the ticket (issue 11, docs/adr/0024): public replies and internal notes as audit
 * events, emailed replies, the requester's view. Real app, real database, real SMTP sink.
 */
const LUIS: Actor = { id: USERS.agentL1.user, roles: ['agent'], groups: [...USERS.agentL1.groups] };
const MARTA: Actor = { id: USERS.agentL2.user, roles: ['agent'], groups: [...USERS.agentL2.groups] };
const REQUESTER = requesterActor('Rosa.Diaz@example.org');

describe('conversation on a ticket', () => {
  let app: TestApp;
  let sink: SmtpSink;
  let luis: WebClient;
  let marta: WebClient;

  beforeAll(async () => {
    sink = await startSmtpSink();
    app = await startWebApp({
      env: {
        ...mailEnv(sink, 'Mesa de Ayuda <mesa@example.org>'),
        HELPDESK_MAIL_POLL_MS: '100',
      },
    });
    [luis, marta] = await Promise.all([webLogin(app, USERS.agentL1.user), webLogin(app, USERS.agentL2.user)]);
  });
  afterAll(async () => {
    await app?.stop();
    await sink?.stop();
  });

  const services = () => app.app.services;
  const events = async (instanceId: string) =>
    (await services().instances.get(instanceId, { id: 'sofia', roles: ['supervisor'], groups: [] })).events;

  test('given an L1 ticket, when luis posts a public reply with a PDF from the web, then it is audited, listed and emailed in Spanish', async () => {
    const { instanceId, ticket } = await openTicket(app);

    const posted = await postMultipart(
      app,
      luis,
      `/tickets/${instanceId}/conversation`,
      { kind: 'reply', body: 'Hemos revisado su agenda.\nAdjuntamos el reporte.', back: '/inbox' },
      [{ name: 'reporte julio.pdf', bytes: fixture('report.pdf') }],
    );

    expect(posted.status).toBe(303);
    expect(posted.location).toBe('/inbox#conversation-panel');
    const reply = (await events(instanceId)).find((event) => event.type === 'conversation.reply');
    expect(reply).toMatchObject({
      actor: 'luis',
      data: { body: 'Hemos revisado su agenda.\nAdjuntamos el reporte.', via: 'web' },
    });
    expect(reply!.seq).toBeGreaterThan(1);
    const [entry] = await services().conversations.list(instanceId, 'staff');
    expect(entry).toMatchObject({ kind: 'reply', author: 'luis', seq: reply!.seq });
    expect(entry!.attachments).toEqual([
      expect.objectContaining({
        name: 'reporte julio.pdf',
        contentType: 'application/pdf',
        visibility: 'public',
      }),
    ]);
    const mail = await waitFor(async () =>
      sink.received.find((m) => m.subject.includes(ticket) && m.subject.includes('respuesta')),
    );
    if (!mail) throw new Error('no reply email');
    expect(mail.envelopeTo).toEqual(['rosa.diaz@example.org']);
    expect(mail.subject).toBe(`Ticket ${ticket}: respuesta de la Mesa de Servicios`);
    expect(mail.body).toContain('Hemos revisado su agenda.');
    expect(mail.body).toContain('Archivos agregados a su ticket: reporte julio.pdf');
    const page = await luis.get(`/tickets/${instanceId}/conversation`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('data-kind="reply"');
    expect(attachmentLinks(page.text)).toEqual([entry!.attachments[0]!.id]);
  });

  test('given a reply, a note with an internal file and requester information, when the requester reads, then notes and internal files are hidden', async () => {
    const { instanceId } = await openTicket(app);
    const attachments = services().attachments;
    const internal = await attachments.store({
      instanceId,
      fileName: 'notas.txt',
      bytes: fixture('notes.txt'),
      visibility: 'internal',
      uploadedBy: 'luis',
    });
    const shared = await attachments.store({
      instanceId,
      fileName: 'agenda.csv',
      bytes: fixture('agenda.csv'),
      visibility: 'public',
      uploadedBy: 'luis',
    });
    const conversations = services().conversations;

    await conversations.add(
      instanceId,
      { kind: 'note', body: 'Llamé a la clínica', attachments: [internal] },
      LUIS,
    );
    await conversations.add(
      instanceId,
      { kind: 'reply', body: 'Le enviamos la agenda', attachments: [shared] },
      LUIS,
    );
    await conversations.add(
      instanceId,
      { kind: 'requester', body: 'Gracias, falta julio', via: 'web' },
      REQUESTER,
    );

    const staff = await conversations.list(instanceId, 'staff');
    const requester = await conversations.list(instanceId, 'requester');
    expect(staff.map((e) => e.kind)).toEqual(['note', 'reply', 'requester']);
    expect(requester.map((e) => e.kind)).toEqual(['reply', 'requester']);
    expect(requester[1]).toMatchObject({ author: 'requester:rosa.diaz@example.org', via: 'web' });
    expect(JSON.stringify(requester)).not.toContain(internal.id);
    await expect(attachments.open(internal.id, { requesterOf: instanceId })).rejects.toMatchObject({
      code: 'ATTACHMENT_NOT_FOUND',
    });
    const opened = await attachments.open(shared.id, { requesterOf: instanceId });
    expect(opened.bytes.equals(fixture('agenda.csv'))).toBe(true);
    expect(opened.meta.contentType).toBe('text/csv');
    await expect(attachments.open(shared.id, { requesterOf: randomUUID() })).rejects.toMatchObject({
      code: 'ATTACHMENT_NOT_FOUND',
    });
    // A note cannot carry a public file, nor a reply an internal one.
    await expect(
      conversations.add(instanceId, { kind: 'note', body: 'x', attachments: [shared] }, LUIS),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: [expect.objectContaining({ path: 'attachments' })],
    });
  });

  test('given an idempotency key, when the same note is added twice, then one entry is committed and the retry answers it', async () => {
    const { instanceId } = await openTicket(app);
    const conversations = services().conversations;
    const key = randomUUID();

    const first = await conversations.add(instanceId, { kind: 'note', body: 'Revisar mañana' }, LUIS, key);
    const again = await conversations.add(instanceId, { kind: 'note', body: 'Revisar mañana' }, LUIS, key);
    const other = await conversations.add(
      instanceId,
      { kind: 'note', body: 'Revisar mañana' },
      LUIS,
      randomUUID(),
    );

    expect(again).toEqual(first);
    expect(other.entryId).not.toBe(first.entryId);
    const notes = (await events(instanceId)).filter((event) => event.type === 'conversation.note');
    expect(notes).toHaveLength(2);
  });

  test('given bad messages and files, when posted, then 422 names the body or the file and nothing is committed', async () => {
    const { instanceId } = await openTicket(app);
    const url = `/tickets/${instanceId}/conversation`;

    const empty = await postMultipart(app, luis, url, { kind: 'note', body: '   ' });
    const long = await postMultipart(app, luis, url, { kind: 'note', body: 'x'.repeat(10_001) });
    const disguised = await postMultipart(app, luis, url, { kind: 'reply', body: 'Adjunto' }, [
      { name: 'reporte.pdf', bytes: fixture('html-disguised-as.pdf'), type: 'application/pdf' },
    ]);
    const svg = await postMultipart(app, luis, url, { kind: 'reply', body: 'Adjunto' }, [
      { name: 'dibujo.svg', bytes: fixture('drawing.svg') },
    ]);
    const exe = await postMultipart(app, luis, url, { kind: 'reply', body: 'Adjunto' }, [
      { name: 'setup.pdf', bytes: fixture('program.exe') },
    ]);
    const six = await postMultipart(
      app,
      luis,
      url,
      { kind: 'reply', body: 'Adjunto' },
      Array.from({ length: 6 }, (_, i) => ({ name: `p${i}.png`, bytes: fixture('pixel.png') })),
    );

    expect(empty.status).toBe(422);
    expect(empty.text).toContain('data-field="body"');
    expect(long.status).toBe(422);
    expect(long.text).toContain('10000');
    expect(disguised.status).toBe(422);
    expect(disguised.text).toContain('reporte.pdf');
    expect(svg.status).toBe(422);
    expect(svg.text).toContain('dibujo.svg');
    expect(exe.status).toBe(422);
    expect(exe.text).toContain('application/x-msdownload');
    expect(six.status).toBe(422);
    expect(six.text).toContain('data-field="files"');
    expect(await services().conversations.list(instanceId, 'staff')).toEqual([]);
  });

  test('given a forged file reference (not a stored file id, an empty file), when a note carries it, then it is refused and nothing is committed', async () => {
    const { instanceId } = await openTicket(app);
    const ref = { name: 'x.pdf', size: 10, contentType: 'application/pdf', visibility: 'internal' };

    for (const forged of [
      { ...ref, id: '../../attachments/other-ticket' },
      { ...ref, id: '0f9a3c2e-1b2d-4c5e-8f70-123456789abc', size: 0 },
    ]) {
      const refused = services().conversations.add(
        instanceId,
        { kind: 'note', body: 'ver adjunto', attachments: [forged as never] },
        LUIS,
      );
      await expect(refused).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    }
    expect(await services().conversations.list(instanceId, 'staff')).toEqual([]);
  });

  test('given a file larger than the limit, when stored, then it is refused naming the file', async () => {
    const { instanceId } = await openTicket(app);
    const big = Buffer.concat([fixture('report.pdf'), Buffer.alloc(10 * 1024 * 1024)]);

    const refused = services().attachments.store({
      instanceId,
      fileName: 'grande.pdf',
      bytes: big,
      visibility: 'public',
      uploadedBy: 'luis',
    });

    await expect(refused).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('grande.pdf'),
    });
  });

  test('given an attachment, when staff download it, then it is an attachment with the sniffed type; an agent of another group is refused', async () => {
    const { instanceId } = await openTicket(app);
    const ref = await services().attachments.store({
      instanceId,
      fileName: '../../etc/pass"wd.png',
      bytes: fixture('pixel.png'),
      visibility: 'internal',
      uploadedBy: 'luis',
    });

    const response = await fetch(`${app.app.url}/attachments/${ref.id}`, {
      headers: { cookie: luis.cookieHeader() },
    });
    const body = Buffer.from(await response.arrayBuffer());
    const other = await marta.get(`/attachments/${ref.id}`);
    const otherPage = await marta.get(`/tickets/${instanceId}/conversation`);
    const otherPost = await postMultipart(app, marta, `/tickets/${instanceId}/conversation`, {
      kind: 'note',
      body: 'no debería poder',
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('image/png');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="passwd.png"; filename*=UTF-8''passwd.png`,
    );
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect(body.equals(fixture('pixel.png'))).toBe(true);
    expect(other.status).toBe(403);
    expect(otherPage.status).toBe(403);
    expect(otherPost.status).toBe(403);
    expect(await services().conversations.list(instanceId, 'staff')).toEqual([]);
  });

  test('given a reply and a note, when the supervisor opens the instance and conversation pages, then both kinds are shown with their badges', async () => {
    const { instanceId, taskId } = await openTicket(app);
    await services().conversations.add(instanceId, { kind: 'reply', body: 'Risposta pubblica qui' }, LUIS);
    await services().conversations.add(instanceId, { kind: 'note', body: 'Solo per noi' }, LUIS);
    const sofia = await webLogin(app, USERS.supervisor.user);

    const instancePage = await sofia.get(`/supervisor/instances/${instanceId}`);
    const taskPage = await luis.get(`/tasks/${encodeURIComponent(taskId)}`);
    const thread = await sofia.get(`/tickets/${instanceId}/conversation`);

    expect(instancePage.text).toContain(`data-conversation-src="/tickets/${instanceId}/conversation"`);
    expect(taskPage.text).toContain(`data-conversation-src="/tickets/${instanceId}/conversation"`);
    expect(thread.status).toBe(200);
    expect(thread.text).toMatch(
      /data-kind="reply"[\s\S]*Risposta pubblica[\s\S]*data-kind="note"[\s\S]*Solo per noi/,
    );
    expect(thread.text).toContain('Nota interna');
  });

  test('given five notes added at once and a claim, when they commit, then each is its own audited step', async () => {
    const { instanceId, taskId } = await openTicket(app);

    const [claimed, ...notes] = await Promise.all([
      app.call('agentL1', 'POST', `/api/tasks/${encodeURIComponent(taskId)}/claim`),
      ...Array.from({ length: 5 }, (_, i) =>
        services().conversations.add(instanceId, { kind: 'note', body: `nota ${i}` }, LUIS),
      ),
    ]);

    expect(claimed.status).toBe(200);
    expect(new Set(notes.map((note) => note.seq)).size).toBe(5);
    const listed = await services().conversations.list(instanceId, 'staff');
    expect(listed.map((entry) => entry.body).sort()).toEqual([
      'nota 0',
      'nota 1',
      'nota 2',
      'nota 3',
      'nota 4',
    ]);
  });

  test('given a back path to another host, when a note is posted, then the redirect stays on the conversation page', async () => {
    const { instanceId } = await openTicket(app);

    const posted = await postMultipart(app, luis, `/tickets/${instanceId}/conversation`, {
      kind: 'note',
      body: 'nota',
      back: '//evil.example/phish',
    });

    expect(posted.status).toBe(303);
    expect(posted.location).toBe(`/tickets/${instanceId}/conversation#conversation-panel`);
  });

  test('given a multipart post without the CSRF token, when sent, then 403 and nothing is committed', async () => {
    const { instanceId } = await openTicket(app);

    const forged = await postMultipart(
      app,
      luis,
      `/tickets/${instanceId}/conversation`,
      { kind: 'reply', body: 'forjado' },
      [{ name: 'r.pdf', bytes: fixture('report.pdf') }],
      { csrf: false },
    );

    expect(forged.status).toBe(403);
    expect(await services().conversations.list(instanceId, 'staff')).toEqual([]);
  });

  test('given a closed ticket, when luis adds a note, then it is committed after the end and the ticket stays completed', async () => {
    const { instanceId } = await openTicket(app);
    const review = await app.call('supervisor', 'GET', `/api/instances/${instanceId}`);
    const reviewTask = review.body.tasks.find((t: { activityId: string }) => t.activityId === 'review');
    await app.call('agentL1', 'POST', `/api/tasks/${encodeURIComponent(reviewTask.id)}/complete`, {
      solved: true,
      priority: 'non-blocking',
    });
    const open = await app.call('supervisor', 'GET', `/api/instances/${instanceId}`);
    const closeTask = open.body.tasks.find(
      (t: { activityId: string; status: string }) => t.activityId === 'close',
    );
    const closed = await app.call(
      'agentL1',
      'POST',
      `/api/tasks/${encodeURIComponent(closeTask.id)}/complete`,
      {},
    );
    expect(closed.body.status).toBe('completed');

    const note = await services().conversations.add(
      instanceId,
      { kind: 'note', body: 'Cerrado por teléfono' },
      LUIS,
    );
    const after = await app.call('supervisor', 'GET', `/api/instances/${instanceId}`);

    expect(after.body.instance.status).toBe('completed');
    expect(note.seq).toBe(after.body.instance.seq);
    await expect(
      services().conversations.add(instanceId, { kind: 'note', body: 'x' }, MARTA),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

import { CITA_REQUEST, CITA_START } from '../../support/cita-request.js';
import { USERS, type TestApp } from '../../support/harness.js';
import { Scenario } from '../../support/scenario.js';
import { startSeedMailApp, stopInOrder } from '../../support/mail-apps.js';
import type { ReceivedMail, SmtpSink } from '../../support/smtp-sink.js';
import { waitFor } from '../../support/wait.js';
import { webLogin } from '../../support/web-client.js';
import { mailAttachments as attachmentLoader } from '../../../src/app/form-files-mail.js';
import type { OutboxMessage } from '../../../src/domain/instance.js';
import { fixture, mailAttachments, postForm, unfolded } from './support.js';

/**
 * The cita report (seed 001, steps 9–15; issue 11, docs/adr/0032): the central desk uploads the
 * report at step 10 (a required public filepicker); the step-15 send task `send-report-delivery`
 * emails it to the requester as an attachment; the tracking page lists it. Shipped procedure and
 * forms, real SMTP sink.
 */
const PUBLIC_URL = 'http://cita.test';
const REQUESTER_EMAIL = CITA_REQUEST.requesterEmail;

describe('cita report delivered to the requester', () => {
  let app: TestApp;
  let sink: SmtpSink;

  beforeAll(async () => {
    ({ app, sink } = await startSeedMailApp({
      from: 'Mesa de Ayuda <mesa@example.org>',
      env: { HELPDESK_MAIL_POLL_MS: '100', HELPDESK_PUBLIC_URL: PUBLIC_URL },
    }));
  });
  afterAll(() => stopInOrder(app, sink));

  test('given a portal request the central desk can generate, when step 10 is completed on the web with the report PDF, then the requester receives it attached and finds it on the tracking page', async () => {
    const s = await Scenario.start(app, 'cita-report', 'citaRequester', { channel: 'portal', ...CITA_START });
    await s.complete('task-capture-portal-request', 'citaRequester', CITA_REQUEST);
    await s.complete('task-evaluate-request', 'citaCentral', { canGenerateReport: true });
    const [generate] = await s.expectTasks({ 'task-generate-report': ['central-desk'] });
    const mesa = await webLogin(app, USERS.citaCentral.user);

    const missing = await postForm(app, mesa, `/tasks/${generate!.id}`, { reportReference: 'MCS-REP-7' });
    expect(missing.status).toBe(422);
    expect(missing.text).toMatch(/data-field="reportFile"/);

    const posted = await postForm(app, mesa, `/tasks/${generate!.id}`, { reportReference: 'MCS-REP-7' }, [
      { field: 'reportFile', name: 'agenda julio.pdf', bytes: fixture('report.pdf') },
    ]);
    expect(posted.status).toBe(303);
    const documentStep = await s.task('task-document-activities'); // the central desk's own next step
    expect(posted.location).toBe(
      `/tasks/${encodeURIComponent(documentStep.id)}?done=completed-next&ticket=${s.businessKey}`,
    );
    await s.complete('task-document-activities', 'citaCentral', {
      activitiesLog: 'Reporte generado y enviado',
    });
    await s.expectTasks({ 'task-validate-attention': ['central-desk'] });

    const mail = (await waitFor(
      async () =>
        sink.received.find(
          (received) => received.envelopeTo.includes(REQUESTER_EMAIL) && received.subject.includes('reporte'),
        ),
      20_000,
    )) as ReceivedMail;
    expect(mail.subject).toBe(`Ticket ${s.businessKey}: reporte de agenda de citas`);
    const [attached] = mailAttachments(mail);
    expect(attached).toMatchObject({ name: 'agenda julio.pdf', type: 'application/pdf' });
    expect(attached!.bytes).toEqual(fixture('report.pdf'));
    expect(unfolded(mail)).toContain('Adjuntamos el reporte: agenda julio.pdf');

    const link = new RegExp(`${PUBLIC_URL.replace(/\./g, '\\.')}(/r/[A-Za-z0-9_-]{43})`).exec(
      unfolded(mail),
    )?.[1];
    const tracking = await (await fetch(`${app.app.url}${link}`)).text();
    const [reportFile] = (await s.variables()).reportFile as { id: string }[];
    const fileId = reportFile!.id;
    expect(tracking).toContain(`href="/r/${link!.slice(3)}/files/${fileId}"`);
    const download = await fetch(`${app.app.url}${link}/files/${fileId}`);
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(fixture('report.pdf'));

    // Over the mail size bound the file stays on the tracking page: the loader leaves it out by name.
    const message = (await s.view()).messages.find((m: OutboxMessage) => m.template === 'report-delivery');
    const small = await attachmentLoader(app.app.services.attachments, 10).load({
      ...message,
      createdAt: new Date(),
    });
    expect(small).toEqual({ files: [], omitted: ['agenda julio.pdf'] });
  }, 120_000);
});

import { type TestApp } from '../../support/harness.js';
import { Scenario } from '../../support/scenario.js';
import { startSeedMailApp, stopInOrder } from '../../support/mail-apps.js';
import type { ReceivedMail, SmtpSink } from '../../support/smtp-sink.js';
import { waitFor } from '../../support/wait.js';
import { formTokens, PUBLIC_URL } from './requester-world.js';

/**
 * The requester's tracking link on the Tuscan seed (seed 003): the out-of-hours notice carries it,
 * and an addition on the tracking page resumes `wait-requester-reply`, whose wait pauses the
 * `restore` SLA clock (it runs again afterwards).
 */
const DOCTOR = 'marco.bianchi@example.it';
const intake = (receivedAt: string) => ({
  channel: 'phone',
  requesterName: 'Dott. Marco Bianchi',
  requesterEmail: DOCTOR,
  description: 'La cartella clinica non invia i certificati di malattia',
  receivedAt,
});
let app: TestApp;
let sink: SmtpSink;

describe('the tracking link on the Tuscan seed', () => {
  beforeAll(async () => {
    ({ app, sink } = await startSeedMailApp({
      from: 'Help desk <desk@example.org>',
      env: { HELPDESK_MAIL_POLL_MS: '100', HELPDESK_PUBLIC_URL: PUBLIC_URL },
    }));
  }, 120_000);
  afterAll(() => stopInOrder(app, sink));

  const mailTo = (subject: string, after: number) =>
    waitFor(async () =>
      sink.received.slice(after).find((m) => m.envelopeTo.includes(DOCTOR) && m.subject.includes(subject)),
    ) as Promise<ReceivedMail>;
  const trackingUrlIn = (mail: ReceivedMail) => {
    const url = /http:\/\/requester\.test(\/r\/[A-Za-z0-9_-]{43}(?:\?lang=\w+)?)/.exec(mail.body)?.[1];
    if (!url) throw new Error(`no tracking link in "${mail.subject}":\n${mail.body}`);
    return url;
  };
  const page = async (url: string) => (await fetch(`${app.app.url}${url}`, { redirect: 'manual' })).text();

  test('given a request received on Friday evening, when the out-of-hours notice is mailed, then it carries a working tracking link in Italian', async () => {
    const before = sink.received.length;
    const s = await Scenario.start(app, 'tuscan-gp-helpdesk', 'mmgFirst', intake('2026-03-13T21:10'));
    const { businessKey } = (await s.view()).instance;

    const notice = await mailTo(`Richiesta ${businessKey} ricevuta fuori orario`, before);

    const url = trackingUrlIn(notice);
    expect(notice.body).toContain('Segua la sua richiesta online: http://requester.test/r/');
    expect(url).toMatch(/\?lang=it$/);
    const html = await page(url);
    expect(html).toContain(businessKey);
    expect(/<html lang="(\w+)"/.exec(html)?.[1]).toBe('it');
  });

  test('given the Tuscan first level asked the doctor for information, when the doctor adds it on the tracking page, then wait-requester-reply ends, the restore clock runs again and the checklist is back', async () => {
    const s = await Scenario.start(app, 'tuscan-gp-helpdesk', 'mmgFirst', intake('2025-03-12T09:41'));
    await s.complete('task-register-classify', 'mmgFirst', {
      takenInChargeBy: 'operatore1',
      failureType: 'blocking',
    });
    const before = sink.received.length;
    await s.complete('task-resolve-checklist', 'mmgFirst', {
      proceduresStarted: 'Verifica delle credenziali del medico',
      resolved: false,
      requesterInfoNeeded: true,
      missingData: 'Numero di protocollo del certificato non inviato',
    });
    await s.expectTasks([]);
    const restore = async () =>
      ((await s.view()).instance.sla as { id: string; status: string }[]).find((c) => c.id === 'restore');
    expect(await restore()).toMatchObject({ status: 'paused' });
    const { businessKey } = (await s.view()).instance;
    const url = trackingUrlIn(await mailTo(businessKey, before));
    const html = await page(url);
    expect(html).toContain('id="rq-waiting"');

    const form = new FormData();
    form.append('_csrf', formTokens(html).csrf);
    form.append('body', 'Protocollo 2025/1234');
    const posted = await fetch(`${app.app.url}${url}`, { method: 'POST', body: form, redirect: 'manual' });

    expect(posted.status).toBe(303);
    expect(posted.headers.get('location')).toContain('resumed=1');
    await s.expectTasks(['task-resolve-checklist']);
    expect(await restore()).toMatchObject({ status: 'running' });
    expect(await s.variables()).toMatchObject({ requesterReply: 'Protocollo 2025/1234' });
    const events = (await s.view()).events as { type: string; actor: string }[];
    expect(events.filter((e) => e.actor === `requester:${DOCTOR}`).map((e) => e.type)).toEqual([
      'conversation.requester',
      'message.received',
    ]);
  }, 120_000);
});

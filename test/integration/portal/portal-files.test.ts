import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES, USERS, type TestApp } from '../../support/harness.js';
import { ManualClock } from '../../support/manual-clock.js';
import { startSeedMailApp, stopInOrder } from '../../support/mail-apps.js';
import { mailTo, type SmtpSink } from '../../support/smtp-sink.js';
import { waitFor } from '../../support/wait.js';
import { webLogin } from '../../support/web-client.js';
import { jest } from '@jest/globals';
import { accountModels } from '../../../src/adapters/persistence/account-models.js';
import { MongoThrottleCounters } from '../../../src/adapters/persistence/mongo-throttle-counters.js';
import { FormFiles } from '../../../src/app/form-files.js';
import { PortalThrottle } from '../../../src/app/portal-throttle.js';
import { requesterActor } from '../../../src/domain/conversation.js';
import { portalIdempotencyKey, portalRequestId } from '../../../src/domain/portal.js';
import { citaForm, confirmPathIn, PortalVisitor } from './portal-visitor.js';

/**
 * Files on the public portal's start form (issue 11, docs/adr/0026 and 0032): stored at submission
 * under the ticket the confirmation will open, with the agents' limits (size and type by content),
 * counted by the rate limits in megabytes, removed on any refusal and when the request expires
 * unconfirmed. Real app on the seed procedures, real database, real SMTP sink.
 */
const CITA = '/portal/cita-report';
const pdf = readFileSync(path.join(FIXTURES, 'conversation/report.pdf'));
const exe = readFileSync(path.join(FIXTURES, 'conversation/program.exe'));
let sequence = 0;

function fresh(): { address: string; email: string } {
  sequence += 1;
  return { address: `192.0.2.${sequence}`, email: `evidencia${sequence}@issste.gob.mx` };
}

describe('files on the portal start form', () => {
  let app: TestApp;
  let sink: SmtpSink;
  const clock = new ManualClock(new Date('2026-12-01T16:00:00Z'));

  beforeAll(async () => {
    ({ app, sink } = await startSeedMailApp({
      from: 'Mesa de Ayuda <mesa@example.org>',
      clock,
      env: {
        HELPDESK_TRUST_PROXY: 'loopback',
        HELPDESK_PORTAL_EMAIL_MB_MAX: '2',
        HELPDESK_ATTACHMENT_MAX_MB: '2', // the agents' limit, on the portal too
      },
    }));
  }, 60_000);
  afterAll(() => stopInOrder(app, sink), 30_000);

  const filesOf = (email: string) =>
    app.app.database.connection
      .collection('attachments')
      .find({ uploadedBy: `requester:${email}` })
      .toArray();
  async function submit(
    who: { address: string; email: string },
    files: { name: string; bytes: Buffer }[],
    extra: Record<string, string> = {},
  ) {
    const v = new PortalVisitor(app.app.url, who.address, 'es');
    const page = await v.get(CITA);
    expect(page.text).toContain('enctype="multipart/form-data"');
    const posted = files.map((file) => ({ field: 'evidenceFiles', ...file }));
    return { v, answer: await v.postMultipart(CITA, { ...citaForm(who.email), ...extra }, posted) };
  }

  test('given a request with a PDF as evidence, when the requester confirms, then the ticket opens with the file and the agent of step 9 downloads it', async () => {
    const who = fresh();
    const { v, answer } = await submit(who, [{ name: 'agenda marzo.pdf', bytes: pdf }]);
    expect(answer.status).toBe(200);
    expect(answer.text).toContain('id="portal-sent"');
    const stored = await filesOf(who.email);
    expect(stored).toHaveLength(1); // stored under the ticket the confirmation will open

    const link = confirmPathIn(await mailTo(sink, who.email));
    await v.get(link);
    const confirmed = await v.post(link, {});
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.get('location')).toBe(link);

    const mine = (
      await app.call('supervisor', 'GET', '/api/instances?procedureId=cita-report&limit=500')
    ).body.find((t: { startedBy: string }) => t.startedBy === `requester:${who.email}`);
    expect(mine.id).toBe(stored[0]!.instanceId);
    const detail = (await app.call('supervisor', 'GET', `/api/instances/${mine.id}`)).body;
    const refs = detail.instance.variables.evidenceFiles;
    expect(refs).toEqual([
      expect.objectContaining({
        name: 'agenda marzo.pdf',
        contentType: 'application/pdf',
        visibility: 'public',
      }),
    ]);
    const luis = await webLogin(app, USERS.agentL1.user); // central desk: step 9 is offered to them
    const taskId = detail.instance.openTaskIds[0] as string;
    const taskPage = await luis.get(`/tasks/${taskId}`);
    expect(taskPage.text).toContain(`/attachments/${refs[0].id}`);
    const download = await fetch(`${app.app.url}/attachments/${refs[0].id}`, {
      headers: { cookie: luis.cookieHeader() },
    });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf);

    // The requester sees their public file on the tracking page the "ticket opened" mail links.
    const opened = await waitFor(async () =>
      sink.received.find((m) => m.envelopeTo.includes(who.email) && m.subject.includes(mine.businessKey)),
    );
    const tracking = /\/r\/[A-Za-z0-9_-]{43}/.exec(opened?.body ?? '')?.[0];
    expect(tracking).toBeDefined();
    expect((await v.get(tracking!)).text).toContain('agenda marzo.pdf');
  });

  test('given a refused submission (a missing field, or a program as evidence), then the form is shown again naming the problem and no file is kept', async () => {
    // Two requesters: each post with files spends its email's MB budget (one 5 MB unit here).
    const [one, two] = [fresh(), fresh()];
    const missing = await submit(one, [{ name: 'agenda.pdf', bytes: pdf }], { phone: '' });
    const program = await submit(two, [{ name: 'agenda.pdf', bytes: exe }]);

    expect(missing.answer.status).toBe(422);
    expect(missing.answer.text).toContain('id="form-errors"');
    expect(program.answer.status).toBe(422);
    expect(program.answer.text).toContain('agenda.pdf');
    for (const who of [one, two]) expect(await filesOf(who.email)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sink.received.filter((m) => [one, two].some((w) => m.envelopeTo.includes(w.email)))).toEqual([]);
  });

  test('given invalid posts with files repeated for one email, when its MB budget is spent, then the next is 429 before any file is stored', async () => {
    const who = fresh();
    const stored = jest.spyOn(FormFiles.prototype, 'attach');
    const first = await submit(who, [{ name: 'agenda.pdf', bytes: pdf }], { phone: '' });
    expect(first.answer.status).toBe(422); // a typo: shown again, and its megabytes are spent

    const again = [];
    for (let n = 0; n < 3; n++)
      again.push(
        await submit({ ...fresh(), email: who.email }, [{ name: 'agenda.pdf', bytes: pdf }], { phone: '' }),
      );

    expect(again.map((post) => post.answer.status)).toEqual([429, 429, 429]);
    expect(Number(again[0]!.answer.headers.get('retry-after'))).toBeGreaterThan(0);
    const storing = stored.mock.calls.length;
    stored.mockRestore();
    expect(storing).toBe(1); // only the first post's file was written (and deleted again)
    expect(await filesOf(who.email)).toEqual([]);
  });

  test('given a byte counter near its limit, when 50 MB posts come, then each costs a bounded number of database operations and a refused one costs one read', async () => {
    const models = accountModels(app.app.database.connection);
    const calls = [
      jest.spyOn(models.loginThrottle, 'create'),
      jest.spyOn(models.loginThrottle, 'deleteOne'),
      jest.spyOn(models.loginThrottle, 'findById'),
    ];
    const operations = () => calls.reduce((sum, spy) => sum + spy.mock.calls.length, 0);
    const off = { maxFailures: 0, windowMs: 3_600_000 };
    const throttle = new PortalThrottle({
      store: new MongoThrottleCounters(app.app.database.connection),
      clock,
      policy: { perAddress: off, perEmail: off, mbPerAddress: { maxFailures: 100, windowMs: 3_600_000 } },
    });
    const MB = 1024 * 1024;
    const address = `198.51.100.${sequence}`;
    const cost: number[] = [];
    const verdicts: boolean[] = [];
    try {
      for (const mb of [30, 50, 50, 50, 50]) {
        const before = operations();
        verdicts.push((await throttle.takeBytes(address, 'bot@example.org', mb * MB)).allowed);
        cost.push(operations() - before);
      }
    } finally {
      for (const spy of calls) spy.mockRestore();
    }

    expect(verdicts).toEqual([true, true, false, false, false]); // 80 of 100 MB taken, 50 more do not fit
    expect(Math.max(...cost)).toBeLessThanOrEqual(25); // 20 slots of 5 MB at most, plus the full mark
    expect(cost.slice(3)).toEqual([1, 1]); // the counter stays marked full: one read each
  });

  test('given a file over the attachment size limit, then the form is shown again (422) naming the file and nothing is kept', async () => {
    const who = fresh();
    const huge = Buffer.alloc(2_500_000, 'agenda\n');

    const { answer } = await submit(who, [{ name: 'agenda-completa.txt', bytes: huge }]);

    expect(answer.status).toBe(422);
    expect(answer.text).toContain('agenda-completa.txt');
    expect(answer.text).toContain('larger than 2 MB');
    expect(await filesOf(who.email)).toEqual([]);
  });

  test('given more megabytes for one email than its limit, then the next submission is 429 and keeps no file', async () => {
    const who = fresh();
    const big = Buffer.alloc(1_200_000, 'agenda del turno matutino\n'); // plain text, 2 started MB
    const first = await submit(who, [{ name: 'agenda.txt', bytes: big }]);
    expect(first.answer.status).toBe(200);

    const second = await submit({ ...fresh(), email: who.email }, [{ name: 'agenda2.txt', bytes: pdf }]);

    expect(second.answer.status).toBe(429);
    expect(Number(second.answer.headers.get('retry-after'))).toBeGreaterThan(0);
    const kept = await filesOf(who.email);
    expect(kept.map((file) => file.name)).toEqual(['agenda.txt']);
  });

  test('given a request with a file never confirmed, when its link has expired, then the sweep deletes the file and the link stays refused', async () => {
    const who = fresh();
    const { v, answer } = await submit(who, [{ name: 'agenda.pdf', bytes: pdf }]);
    expect(answer.status).toBe(200);
    const [file] = await filesOf(who.email);
    const link = confirmPathIn(await mailTo(sink, who.email));

    clock.advance(23 * 3_600_000);
    await app.app.services.portal.purge(); // before expiry: kept
    expect(await filesOf(who.email)).toHaveLength(1);
    clock.advance(3 * 3_600_000);
    try {
      await app.app.services.portal.purge();
      expect(await filesOf(who.email)).toEqual([]);
      const chunks = await app.app.database.connection
        .collection('attachment_chunks')
        .findOne({ _id: `${String(file!._id)}:0` as never });
      expect(chunks).toBeNull();
      expect((await v.post(link, {})).status).toBe(410);
    } finally {
      clock.advance(-26 * 3_600_000);
    }
  });

  test('given a confirmation that opened the ticket but stopped before marking its request, when the link expires, then the sweep keeps the files of the existing ticket', async () => {
    const who = fresh();
    const { answer } = await submit(who, [{ name: 'agenda.pdf', bytes: pdf }]);
    expect(answer.status).toBe(200);
    const token = confirmPathIn(await mailTo(sink, who.email))
      .split('/')
      .pop()!;
    const requestId = portalRequestId(token);
    const pendingDoc = await app.app.database.connection
      .collection('portal_requests')
      .findOne({ _id: requestId as never });
    // What `confirm` does up to the crash: the start, without `markOpened`.
    const ticket = await app.app.services.instances.startFromPortal(
      'cita-report',
      pendingDoc!.data,
      requesterActor(who.email),
      { idempotencyKey: portalIdempotencyKey(requestId) },
    );

    clock.advance(26 * 3_600_000);
    try {
      await app.app.services.portal.purge();
    } finally {
      clock.advance(-26 * 3_600_000);
    }
    const kept = await filesOf(who.email);
    expect(kept.map((file) => file.instanceId)).toEqual([ticket.id]);
  });
});

import { readFileSync } from 'node:fs';
import { resolveRecipients } from '../../../src/app/recipient-resolver.js';
import { CITA_REQUEST, CITA_START } from '../../support/cita-request.js';
import type { TestApp } from '../../support/harness.js';
import { Scenario } from '../../support/scenario.js';
import { startSeedMailApp, stopInOrder } from '../../support/mail-apps.js';
import type { SmtpSink } from '../../support/smtp-sink.js';
import { waitFor } from '../../support/wait.js';
import { webLogin } from '../../support/web-client.js';

/**
 * Escalation matrices as data (issue 15, docs/adr/0021): the cita «Escalar según matriz» task
 * chooses matrix and level, shows their contacts from the directory, and `send-matrix-escalation`
 * mails that level's group. Real SMTP sink; the admin edits the group on /admin/directory and the
 * next escalation reaches the new addresses, not the old ones.
 */
const TIMEOUT = 180_000;
const GROUP = 'cita-issste-level-2';
const SEEDED = 'subdireccion.ti@example.org';
const EDITED = 'subdireccion.ti@issste.gob.mx';

const intake = { channel: 'email', ...CITA_START };
const validInfo = { ...CITA_REQUEST, infoValid: true };

describe('escalation matrices: the chosen level is mailed, and an admin edit applies to the next one', () => {
  let app: TestApp;
  let sink: SmtpSink;

  beforeAll(async () => {
    ({ app, sink } = await startSeedMailApp({
      from: 'Mesa Central <mesa@example.org>',
      env: { HELPDESK_MAIL_POLL_MS: '100' },
    }));
  });
  afterAll(() => stopInOrder(app, sink));

  /** A cita ticket left 60 minutes at step 14: the central desk's «Escalar según matriz» is open. */
  async function atEscalation(): Promise<Scenario> {
    const s = await Scenario.start(app, 'cita-report', 'citaCentral', intake);
    await s.complete('task-receive-email', 'citaCentral', { emailReceivedAt: '2025-07-10T09:15' });
    await s.complete('task-validate-info', 'citaCentral', validInfo);
    await s.complete('task-register-classify', 'citaCentral', {
      category: 'cita-medica-reporte-agenda',
      priority: 'medium',
    });
    await s.complete('task-evaluate-request', 'citaCentral', { canGenerateReport: false });
    await s.complete('task-me-receive', 'citaSpecialised', { receivedBy: 'Especialista de turno' });
    await s.fireTimer('timer-me-sla-warning');
    await s.fireTimer('timer-me-sla-breach');
    await s.expectTasks({ 'task-escalate-matrix': ['central-desk'] });
    return s;
  }

  /** The mail about `ticket` that reached `address`. */
  const mailTo = (address: string, ticket: string) =>
    waitFor(
      async () => sink.received.find((m) => m.envelopeTo.includes(address) && m.raw.includes(ticket)),
      20_000,
    );

  test(
    "given the escalation task, when the desk picks ISSSTE level 2, then the page listed that level's contacts and the group's addresses receive the notice; after the admin replaces them, the next escalation reaches only the new address",
    async () => {
      const first = await atEscalation();
      // The level-1 notice of step 14 went to level 1 of the specialised desk's matrix (figure 3).
      await mailTo('coordinacion.mesa.especializada@example.org', first.businessKey);

      const mesa = await webLogin(app, 'mesa');
      const task = await first.task('task-escalate-matrix');
      const page = await mesa.get(`/tasks/${encodeURIComponent(task.id)}`);
      expect(page.status).toBe(200);
      const panel = page.text.slice(page.text.indexOf('id="directory-contacts"'));
      expect(panel.slice(0, panel.indexOf('</section>'))).toContain(SEEDED);
      expect(page.text).toContain('value="issste"');
      const levels = page.text.slice(page.text.indexOf('name="escalationLevel"'));
      const options = [...levels.slice(0, levels.indexOf('</select>')).matchAll(/<option value="([^"]*)"/g)];
      expect(options.map((m) => m[1]).filter(Boolean)).toEqual(['1', '2']); // the matrices have two levels

      await first.complete('task-escalate-matrix', 'citaCentral', {
        escalationMatrix: 'issste',
        escalationLevel: '2',
        escalationNotes: 'Sin respuesta de la ME en 60 minutos',
      });
      const notice = await mailTo(SEEDED, first.businessKey);
      expect(notice?.subject).toContain(first.businessKey);
      expect(notice?.body).toContain('Sin respuesta de la ME en 60 minutos');
      expect(notice?.body).not.toContain('«»'); // a send task has no task name to show

      const admin = await webLogin(app, 'root');
      const form = await admin.get(`/admin/directory/${GROUP}`);
      const version = /name="version" value="(\d+)"/.exec(form.text)?.[1] ?? '';
      const saved = await admin.post(`/admin/directory/${GROUP}`, { version, addresses: EDITED });
      expect(saved.status).toBe(303);
      expect(saved.location).toBe(`/admin/directory/${GROUP}?saved=1`);

      const second = await atEscalation();
      const after = await mesa.get(
        `/tasks/${encodeURIComponent((await second.task('task-escalate-matrix')).id)}`,
      );
      const shown = after.text.slice(after.text.indexOf(`<dd data-group="${GROUP}"`));
      expect(shown.slice(0, shown.indexOf('</dd>'))).toContain(EDITED);
      await second.complete('task-escalate-matrix', 'citaCentral', {
        escalationMatrix: 'issste',
        escalationLevel: '2',
      });
      await mailTo(EDITED, second.businessKey);
      const toSeeded = sink.received.filter(
        (m) => m.envelopeTo.includes(SEEDED) && m.raw.includes(second.businessKey),
      );
      expect(toSeeded).toEqual([]);
    },
    TIMEOUT,
  );

  test('given the Tuscan SLA notices, then they go to the chosen second level, or to the general one while none is chosen', async () => {
    const { directory } = app.app.services;
    const policy = JSON.parse(readFileSync('config/sla/tuscan-gp-helpdesk.json', 'utf8'));
    const hints = new Set<string>(policy.escalation.flatMap((level: { notify: string[] }) => level.notify));
    expect([...hints].sort()).toEqual(['first-level', 'second-level-${escalationTarget}|second-level']);
    const hint = 'second-level-${escalationTarget}|second-level';

    expect(await resolveRecipients(hint, {}, directory)).toMatchObject({
      ok: true,
      to: await directory.addressesOf('second-level'),
    });
    expect(await resolveRecipients(hint, { escalationTarget: 'rt' }, directory)).toMatchObject({
      ok: true,
      to: ['escalation.ict@rt.example.org'],
    });
  });
});

import type { TestApp } from '../../support/harness.js';
import { oneTaskDiagram } from '../../support/one-task-diagram.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin } from '../../support/web-client.js';

/** The /migration page speaks the user's language (issue 13): reasons and notes are translated by code. */
const diagram = (task: string, extra = '') =>
  oneTaskDiagram({
    processId: 'lang-desk',
    processName: 'Language desk',
    definitionsId: `defs-${task}`,
    ticketPrefix: 'LGD',
    task,
    extra,
  });
const REMINDER = `<bpmn:boundaryEvent id="nudge" cancelActivity="false" attachedToRef="sort"><bpmn:timerEventDefinition id="nudge-def"><bpmn:timeDuration>PT4H</bpmn:timeDuration></bpmn:timerEventDefinition></bpmn:boundaryEvent>
    <bpmn:endEvent id="nudged" />
    <bpmn:sequenceFlow id="f-nudge" sourceRef="nudge" targetRef="nudged" />`;

describe("migration page in the user's language", () => {
  let app: TestApp;
  beforeAll(async () => {
    // One ticket per batch: the preview lists one of the two and counts the other.
    app = await startWebApp({ env: { HELPDESK_MIGRATION_BATCH: '1' } });
    await app.call('analyst', 'PUT', '/api/procedures/lang-desk', diagram('triage'), 'application/xml');
    await app.call('agentL1', 'POST', '/api/procedures/lang-desk/instances', {});
    await app.call('agentL1', 'POST', '/api/procedures/lang-desk/instances', {});
    await app.call(
      'analyst',
      'PUT',
      '/api/procedures/lang-desk',
      diagram('sort', REMINDER),
      'application/xml',
    );
  });
  afterAll(async () => {
    await app.stop();
  });

  test.each([
    ['sofia', 'attende in triage, che la corrispondenza non associa', 'si attiva solo quando si rientra'],
    [
      'calidad',
      'espera en triage, que la correspondencia no asigna',
      'se arma solo cuando se vuelve a entrar',
    ],
    [
      'ana',
      'waits at triage, which the mapping does not map',
      'is armed only when the task is entered again',
    ],
  ])(
    'given %s previews a ticket its mapping leaves out and one it moves, then the reason and the note are in their language',
    async (user, reason, note) => {
      const web = await webLogin(app, user);
      const fields = { procedureId: 'lang-desk', fromVersion: '1', toVersion: '2', mapping: '' };

      const unmapped = await web.post('/migration/preview', fields);
      const mapped = await web.post('/migration/preview', { ...fields, mapping: 'triage = sort' });

      expect(unmapped.status).toBe(200);
      expect(unmapped.text).toContain('data-reason="unmapped"');
      expect(unmapped.text).toContain(reason);
      expect(mapped.text).toContain('data-note="timer-armed-on-entry"');
      expect(mapped.text).toContain(note);
      if (user !== 'ana') {
        expect(unmapped.text).not.toContain('which the mapping does not map');
        expect(mapped.text).not.toContain('is armed only when');
      }
    },
    60_000,
  );

  test('given more tickets than one batch, when previewed, then the page says how many are not listed; when applied, then every ticket moves', async () => {
    const web = await webLogin(app, 'calidad');
    const fields = { procedureId: 'lang-desk', fromVersion: '1', toVersion: '2', mapping: 'triage = sort' };

    const preview = await web.post('/migration/preview', fields);

    expect(preview.text.match(/<tr data-instance=/g)).toHaveLength(1);
    expect(preview.text).toContain('data-hidden="1"');
    expect(preview.text).toContain('1 de 2 ticket(s) no se listan aquí');
    expect(preview.text).toContain('Mover todos los tickets que pueden moverse (2 en esta versión)');
    const applied = await web.post('/migration/apply', fields);
    expect(applied.text.match(/data-migrated="true"/g)).toHaveLength(2);
    expect(applied.text).not.toContain('id="migration-more"');
  }, 60_000);
});

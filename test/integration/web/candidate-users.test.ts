import { USERS, type TestApp } from '../../support/harness.js';
import { startWebApp } from '../../support/web-accounts.js';
import { webLogin } from '../../support/web-client.js';
import type { Actor } from '../../../src/domain/actor.js';

/** A task offered to the L2 lane and, by name, to luis (an L1 agent): `camunda:candidateUsers` (ADR 0031). */
const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="d" targetNamespace="http://helpdesk.example/candidates">
  <bpmn:process id="named-help" name="Named help" isExecutable="true">
    <bpmn:extensionElements><camunda:properties><camunda:property name="ticketPrefix" value="NMD" /></camunda:properties></bpmn:extensionElements>
    <bpmn:laneSet id="lanes"><bpmn:lane id="specialised-desk" name="Mesa especializada"><bpmn:flowNodeRef>advise</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>
    <bpmn:startEvent id="start" />
    <bpmn:userTask id="advise" name="Advise" camunda:candidateGroups="specialised-desk" camunda:candidateUsers="luis" />
    <bpmn:endEvent id="end" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="advise" />
    <bpmn:sequenceFlow id="f2" sourceRef="advise" targetRef="end" />
  </bpmn:process>
</bpmn:definitions>`;

const LUIS: Actor = { id: USERS.agentL1.user, roles: ['agent'], groups: [...USERS.agentL1.groups] };
const ANA: Actor = { id: USERS.analyst.user, roles: ['analyst'], groups: [] };

let app: TestApp;
let ticket: { id: string; taskId: string };

describe('a task offered to a lane and to an agent by name', () => {
  beforeAll(async () => {
    app = await startWebApp();
    await app.app.services.definitions.deploy('named-help', xml, ANA);
    const started = await app.call('agentL2', 'POST', '/api/procedures/named-help/instances', {});
    if (started.status !== 201) throw new Error(`start failed: ${JSON.stringify(started.body)}`);
    ticket = { id: started.body.id as string, taskId: started.body.openTaskIds[0] as string };
  }, 60_000);
  afterAll(() => app?.stop());

  test("given a task offered to luis by name, when luis opens its ticket's conversation, then he may see it (not only its group)", async () => {
    const { conversations } = app.app.services;

    await expect(conversations.listForStaff(ticket.id, LUIS)).resolves.toEqual([]);
    const note = await conversations.add(ticket.id, { kind: 'note', body: 'Lo reviso yo' }, LUIS);
    expect(note.author).toBe('luis');
    const stranger: Actor = { id: 'pia', roles: ['agent'], groups: ['l1'] };
    await expect(conversations.listForStaff(ticket.id, stranger)).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
  });

  test('given that task, when luis reads his inbox and the task page, then the candidates show the lane name and his name, never user:luis', async () => {
    const luis = await webLogin(app, USERS.agentL1.user);

    const inbox = await luis.get('/inbox');
    expect(inbox.status).toBe(200);
    const row = new RegExp(
      `<tr[^>]*>(?:(?!</tr>)[\\s\\S])*?/tasks/${encodeURIComponent(ticket.taskId)}[\\s\\S]*?</tr>`,
    ).exec(inbox.text)?.[0];
    expect(row).toBeDefined();
    expect(row).toContain('Mesa especializada, Luis');
    expect(inbox.text).not.toContain('user:luis');

    const page = await luis.get(`/tasks/${encodeURIComponent(ticket.taskId)}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('<dd>Mesa especializada, Luis</dd>');
    expect(page.text).not.toContain('user:luis');
  });

  test('given conversation entries on the ticket, when the supervisor reads its audit, then they show as readable labels with the text and how it came, not as codes', async () => {
    const { conversations } = app.app.services;
    await conversations.add(ticket.id, { kind: 'note', body: 'Revisar   la\nagenda', via: 'paper' }, LUIS);
    const sofia = await webLogin(app, USERS.supervisor.user); // reads Italian

    const page = await sofia.get(`/supervisor/instances/${ticket.id}`);

    expect(page.status).toBe(200);
    const audit = page.text.slice(page.text.indexOf('id="audit"'));
    expect(audit).toContain('<span class="audit-label">Nota interna</span>');
    expect(audit).toContain('<span class="audit-field">Testo</span>: Revisar la agenda');
    expect(audit).toContain('<span class="audit-field">Ricevuto tramite</span>: Cartaceo');
    expect(audit).not.toContain('<code>conversation.note</code>');
  });

  test('given that task, when the supervisor reads the ticket, then its task lists the lane and luis by name', async () => {
    const sofia = await webLogin(app, USERS.supervisor.user);

    const page = await sofia.get(`/supervisor/instances/${ticket.id}`);

    expect(page.text).toContain('Mesa especializada, Luis');
    expect(page.text).not.toContain('user:luis');
  });
});
